package org.eigenbasis.basis.quadrants;

import java.util.List;

/**
 * Quadrant (d) of {@link FourQuadrants}: eigenbasis, full batch, logistic regression. Losses are excess losses
 * L(θ) − L* (L* by Newton's method).
 *
 * @param methods               the four methods tuned on the grid (GN matrices recomputed at every θ, full batch)
 * @param adamSpeedup           min over GN^-1 and GN^-1/2 of its steps to the target over Adam's (+∞ when neither
 *                              reaches it, NaN when Adam does not)
 * @param minimumLoss           L*
 * @param curvatureScaleStart   mean_i s_i(1 − s_i) at θ₀ = 0 (exactly ¼)
 * @param curvatureScaleOptimum the same at θ*: how much of G's scale the confident fit has left
 * @param gnStart               the spectrum of D⁻¹UᵀGU at θ₀ (U is G(θ₀)'s eigenbasis, so every μ = 1 up to rounding)
 * @param gnOptimum             the same at θ*: GN^-1 is stable near θ* only for lr &lt; 2/μ_max
 * @param sqrtStart             the spectrum of D^-½UᵀGU at θ₀ (√ of G's eigenvalues)
 * @param sqrtOptimum           the same at θ*
 */
public record LogisticResult(List<MethodResult> methods, double adamSpeedup, double minimumLoss,
                             double curvatureScaleStart, double curvatureScaleOptimum, Spectrum gnStart,
                             Spectrum gnOptimum, Spectrum sqrtStart, Spectrum sqrtOptimum) {
    public LogisticResult {
        methods = List.copyOf(methods);
    }

    public MethodResult method(QuadrantMethod method) {
        return FourQuadrantsResult.find(methods, method);
    }

    /** The smallest and largest eigenvalue μ of a preconditioned curvature D^-p·UᵀGU. */
    public record Spectrum(double smallest, double largest) {
    }
}
