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

    /** (max(λ, 0) + ε)^(−1/p): Shampoo's inverse p-th root. */
    static SpectralFilter inverseRoot(double p, double epsilon) {
        return new InverseRoot(p, epsilon);
    }

    /** 1 / (λ + δ). */
    static SpectralFilter dampedInverse(double delta) {
        return new DampedInverse(delta);
    }

    /** λ / (λ + r). */
    static SpectralFilter ridge(double r) {
        return new Ridge(r);
    }

    /** (1 − e^(−tλ)) / λ, with the limit t at λ = 0. */
    static SpectralFilter gradientFlow(double t) {
        return new GradientFlow(t);
    }

    /** Any user function, with a name for reports. */
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

    /** Checks a parameter is finite and at least {@code min} (inclusive or exclusive), naming its legal range. */
    static void requireParameter(String name, double value, double min, boolean inclusive) {
        boolean ok = Double.isFinite(value) && (inclusive ? value >= min : value > min);
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + value + " is outside " + (inclusive ? "[" : "(") + min
                    + ", ∞) (finite)");
        }
    }
}
