package org.eigenbasis.filter;

import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * A scalar function f of an eigenvalue, applied to a symmetric matrix as f(A) = V f(Λ) Vᵀ by
 * {@link org.eigenbasis.linalg.SpectralFunctions}. Evaluated in double precision on the JVM, once per eigenvalue.
 * Implementations must be pure; a non-finite f(λ) is reported as an error naming the eigenvalue.
 */
public interface SpectralFilter {
    /** f(λ). */
    double apply(double lambda);

    /** A short description with parameters, e.g. {@code ridge(r=0.1)}. */
    String describe();

    /**
     * Shampoo's inverse p-th root, {@link InverseRoot}: f(λ) = (max(λ, 0) + ε)^(−1/p); eigenvalues below 0 (rounding
     * of a PSD matrix) count as 0. With ε = 0 a zero eigenvalue gives +∞, which {@code SpectralFunctions} reports as
     * an error naming it.
     *
     * @param p       the root, finite and &gt; 0 (4 for Shampoo's L^(−1/4), 2 for whitening)
     * @param epsilon the damping ε, finite and ≥ 0
     * @throws IllegalArgumentException naming {@code p} (range (0, ∞)) or {@code epsilon} (range [0, ∞))
     */
    static SpectralFilter inverseRoot(double p, double epsilon) {
        return new InverseRoot(p, epsilon);
    }

    /**
     * The damped inverse, {@link DampedInverse}: f(λ) = 1/(λ + δ), so f(A) = (A + δI)⁻¹. Singular at λ = −δ (an
     * error naming the eigenvalue when applied).
     *
     * @param delta the damping δ, finite and ≥ 0
     * @throws IllegalArgumentException naming {@code delta} and the range [0, ∞)
     */
    static SpectralFilter dampedInverse(double delta) {
        return new DampedInverse(delta);
    }

    /**
     * Ridge shrinkage, {@link Ridge}: f(λ) = λ/(λ + r), so f(XᵀX) maps the least-squares solution to the ridge
     * solution (XᵀX + rI)⁻¹Xᵀy. The filter of exponential resetting at rate r.
     *
     * @param r the ridge penalty, finite and &gt; 0
     * @throws IllegalArgumentException naming {@code r} and the range (0, ∞)
     */
    static SpectralFilter ridge(double r) {
        return new Ridge(r);
    }

    /**
     * Gradient flow from 0 for time t, {@link GradientFlow}: f(λ) = (1 − e^(−tλ))/λ, with the limit t at λ = 0
     * (evaluated by a series there, so accurate as λ → 0); θ(t) = f(H)b for dθ/ds = −(Hθ − b), θ(0) = 0.
     *
     * @param t the time, finite and ≥ 0
     * @throws IllegalArgumentException naming {@code t} and the range [0, ∞)
     */
    static SpectralFilter gradientFlow(double t) {
        return new GradientFlow(t);
    }

    /**
     * Any user function f(λ) as a filter, with a name for {@link #describe()}. f must be pure; it is not called
     * here, and a non-finite value when applied is reported as an error naming the eigenvalue.
     *
     * @param name the description, e.g. {@code "softplus"}
     * @param f    the function of an eigenvalue
     * @throws NullPointerException when {@code name} or {@code f} is null
     */
    static SpectralFilter of(String name, DoubleUnaryOperator f) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(f, "f");
        return new SpectralFilter() {
            @Override
            public double apply(double lambda) {
                return f.applyAsDouble(lambda);
            }

            @Override
            public String describe() {
                return name;
            }
        };
    }
}
