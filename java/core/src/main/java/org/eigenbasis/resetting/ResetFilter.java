package org.eigenbasis.resetting;

import java.util.Objects;
import org.eigenbasis.filter.SpectralFilter;

/**
 * The spectral filter induced by stochastic resetting: gradient flow dθ/dt = −(Hθ − b) reset to θ₀ at the
 * epochs of a renewal process with inter-reset law τ has the stationary mean θ₀ + Q h(Λ) Λ⁺ Qᵀ(b − Hθ₀), with
 *
 * <pre>  h(μ) = E_A[1 − e^(−μA)] = 1 − (1 − E[e^(−μτ)]) / (μ E[τ]),</pre>
 *
 * A the stationary age (density P(τ &gt; a)/E[τ]). The effective ridge λ_eff(μ) = μ(1 − h)/h makes h look like
 * μ/(μ + λ_eff(μ)); it is constant (= r) only for the exponential law. Limits: h(0) = 0, h(∞) = 1,
 * λ_eff(0⁺) = 2E[τ]/E[τ²] (0 when E[τ²] = ∞), λ_eff(∞) = 1/E[τ].
 *
 * <ul>
 *   <li><b>Accuracy</b>: h, 1 − h, h/μ and λ_eff are each formed from the positive expectations
 *       g = E[e^(−μA)] and H = E[A·K(μA)] (see {@link AgeExpectation}), never by subtracting nearly equal
 *       numbers: relative error a few ε for exp, det, gamma, uniform and empirical laws; about 1e-12
 *       (quadrature tolerance) for lognormal, Weibull, Pareto and Lomax; for every μ in [0, 1.8e308).</li>
 *   <li><b>Cost</b>: O(1) for closed forms (O(n) for an empirical law of n observations); a few thousand
 *       integrand evaluations (tens of microseconds) for the quadrature laws.</li>
 *   <li><b>Fails</b> with {@link IllegalArgumentException} when μ is negative or not finite (naming μ and the
 *       legal range [0, ∞)). A numerical eigendecomposition of a PSD matrix can return −1e-17: through
 *       {@link org.eigenbasis.linalg.SpectralFunctions} that is an error, while {@link StationaryMean} and
 *       {@link OuResetMoments} set eigenvalues within d·ε·‖H‖ of 0 to 0 first. Immutable and thread-safe.</li>
 * </ul>
 */
public final class ResetFilter implements SpectralFilter {
    private final RenewalLaw law;

    private ResetFilter(RenewalLaw law) {
        this.law = law;
    }

    /** The filter of {@code law} (not null). */
    public static ResetFilter of(RenewalLaw law) {
        Objects.requireNonNull(law, "law");
        return new ResetFilter(law);
    }

    public RenewalLaw law() {
        return law;
    }

    /** h(μ) = E_A[1 − e^(−μA)] ∈ [0, 1), increasing; h(0) = 0. */
    @Override
    public double apply(double mu) {
        requireMu(mu);
        if (mu == 0) {
            return 0;
        }
        double g = AgeExpectation.complement(law, mu);
        if (g <= 0.5) {
            return 1 - g;
        }
        return mu * AgeExpectation.hOverMu(law, mu);
    }

    /** 1 − h(μ) = E_A[e^(−μA)] ∈ (0, 1], decreasing; 1 at μ = 0. */
    public double complement(double mu) {
        requireMu(mu);
        double g = AgeExpectation.complement(law, mu);
        if (g <= 0.5) {
            return g;
        }
        // Near 1, 1 − μ·H is exact to an ulp and keeps h + (1 − h) = 1 and the monotonicity of h.
        return 1 - mu * AgeExpectation.hOverMu(law, mu);
    }

    /**
     * h(μ)/μ = E_A[A·K(μA)], K(x) = (1 − e^(−x))/x: the gain on the gradient b − Hθ₀ in direction μ, finite at
     * μ = 0 where it is E[A] = E[τ²]/(2E[τ]) (+∞ for Pareto and Lomax with α ≤ 2).
     */
    public double hOverMu(double mu) {
        requireMu(mu);
        if (mu == 0) {
            return AgeExpectation.meanAge(law);
        }
        double g = AgeExpectation.complement(law, mu);
        if (g <= 0.5) {
            return (1 - g) / mu;
        }
        return AgeExpectation.hOverMu(law, mu);
    }

    /** E[A] = E[τ²]/(2E[τ]), the mean stationary age; +∞ when E[τ²] = ∞. */
    public double meanAge() {
        return AgeExpectation.meanAge(law);
    }

    /**
     * λ_eff(μ) = μ(1 − h(μ))/h(μ) = g/H: the ridge penalty that gives the same shrinkage in direction μ. At μ = 0
     * the limit 2E[τ]/E[τ²] (0 for infinite variance); where g underflows (μE[τ] beyond about 1e308) the limit
     * 1/E[τ].
     */
    public double effectiveRidge(double mu) {
        requireMu(mu);
        if (law instanceof ExponentialLaw e) {
            return e.rate();
        }
        if (mu == 0) {
            return 1 / AgeExpectation.meanAge(law); // 2E[τ]/E[τ²], 0 when E[τ²] = ∞
        }
        double g = complement(mu);
        if (g == 0) {
            return 1 / law.mean();
        }
        return g / hOverMu(mu);
    }

    @Override
    public String describe() {
        return "reset(" + law.spec() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResetFilter f && f.law.equals(law);
    }

    @Override
    public int hashCode() {
        return law.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }

    static void requireMu(double mu) {
        if (!(mu >= 0) || !Double.isFinite(mu)) {
            throw new IllegalArgumentException("mu: " + mu + " is outside [0, ∞) (finite): a curvature"
                    + " (eigenvalue of H) must be non-negative");
        }
    }
}
