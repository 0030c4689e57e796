package org.eigenbasis.diffusion;

import java.util.Objects;
import org.eigenbasis.internal.DiffusionFlow;

/**
 * Closed forms for one eigen-mode (variance λ) of a linear denoiser trained by gradient flow (issue 14, point 1):
 * its weight ψ(τ; σ), the probability-flow integral I(τ) and the generated variance λ̃(τ). Everything is O(1) per
 * call (the formulas live in {@link DiffusionFlow}, shared with the java backend), double precision, and refuses
 * a negative or non-finite λ or τ with {@link IllegalArgumentException}.
 *
 * <p><b>Generated variance.</b> The probability-flow ODE of a denoiser D is dx/dσ = (x − D(x; σ))/σ (EDM). With
 * D = ψ(σ)·x along the mode it is linear, x(σ_min) = x(σ_max)·exp(−I), I = ∫_{σ_min}^{σ_max} (1 − ψ(τ; σ))/σ dσ,
 * and sampling starts from x(σ_max) ~ N(0, σ_max²), so λ̃(τ) = σ_max²·exp(−2I(τ)).
 *
 * <p><b>One layer</b>, with u = σ², a = 2ητ, e = e^(−a(λ + u)) and 1 − ψ = (1 − K)(1 − e) + (1 − Q)e (two terms of
 * one sign for Q ≤ 1), 1 − K = u/(λ + u), v = λ + u and dσ/σ = du/(2u):
 * <pre>
 *   I = ½[Ein(a(λ + u₂)) − Ein(a(λ + u₁))] + ½(1 − Q)·e^(−aλ)·[E₁(a u₁) − E₁(a u₂)]
 * </pre>
 * (u₁ = σ_min², u₂ = σ_max²), from ∫ (1 − e^(−av))/v dv = Ein(av) and ∫_{u₁}^{u₂} e^(−bu)/u du = E₁(bu₁) − E₁(bu₂);
 * Ein(x) = γ + ln x + E₁(x) ({@link ExponentialIntegral#einDifference}). At τ = 0 it is (1 − Q)·ln(σ_max/σ_min);
 * as τ → ∞, ½ ln((λ + u₂)/(λ + u₁)). Written with Ein, not as ½ ln(v₂/v₁) − ½[E₁(av₁) − E₁(av₂)], because that
 * form subtracts two logarithms of size ln(σ_max/σ_min) to get a small I at small τ and Q near 1 (2e-10 relative
 * at Q = 1, τ = 1e-6).
 *
 * <p><b>Symmetric two layer</b>, with c = e^(−8ηλτ) and g = (1 − c)/λ (g = 8ητ at λ = 0), ψ = Q/(A + Bu) where
 * A = c + Qλg and B = Qg, so, with ∫ du/(u(A + Bu)) = (1/A)·ln(u/(A + Bu)) and 1 − Q/A = c(1 − Q)/A (since λg = 1 − c),
 * <pre>
 *   I = (c(1 − Q)/(2A))·ln(u₂/u₁) + (Q/(2A))·ln((A + Bu₂)/(A + Bu₁)),
 * </pre>
 * again two terms of one sign for Q ≤ 1. Same limits as the one layer.
 */
public final class ModeDynamics {
    private ModeDynamics() {
    }

    /** The weight ψ(τ; σ) of a mode of variance λ at noise level σ after training time τ ({@link DenoiserModel}). */
    public static double weight(DenoiserModel model, double lambda, double sigma, double tau, DiffusionConfig config) {
        check(model, lambda, tau, config);
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma: " + sigma + " is outside (0, ∞) (finite)");
        }
        double u = sigma * sigma;
        double q = config.init();
        double eta = config.eta();
        if (model == DenoiserModel.ONE_LAYER) {
            double k = lambda / (lambda + u);
            return k + (q - k) * Math.exp(-2 * eta * tau * (u + lambda));
        }
        double c = Math.exp(-8 * eta * lambda * tau);
        double g = DiffusionFlow.growth(lambda, tau, eta);
        return q / (c + q * (lambda + u) * g);
    }

    /** I(τ) = ∫_{σ_min}^{σ_max} (1 − ψ(τ; σ))/σ dσ in closed form. */
    public static double flowIntegral(DenoiserModel model, double lambda, double tau, DiffusionConfig config) {
        check(model, lambda, tau, config);
        return DiffusionFlow.flowIntegral(model == DenoiserModel.TWO_LAYER, lambda, tau, config.sigmaMin(),
                config.sigmaMax(), config.eta(), config.init());
    }

    /** λ̃(τ) = σ_max²·exp(−2I(τ)), the variance along the mode of samples drawn with the trained denoiser. */
    public static double generatedVariance(DenoiserModel model, double lambda, double tau, DiffusionConfig config) {
        return Math.exp(logGeneratedVariance(model, lambda, tau, config));
    }

    /** ln λ̃(τ) = 2 ln σ_max − 2I(τ) (no overflow or underflow for any finite I). */
    public static double logGeneratedVariance(DenoiserModel model, double lambda, double tau, DiffusionConfig config) {
        return 2 * Math.log(config.sigmaMax()) - 2 * flowIntegral(model, lambda, tau, config);
    }

    /** λ̃(∞) = σ_max²·(λ + σ_min²)/(λ + σ_max²), the same for both models (ψ → K). */
    public static double finalGeneratedVariance(double lambda, DiffusionConfig config) {
        check(DenoiserModel.ONE_LAYER, lambda, 0, config);
        double u1 = config.sigmaMin() * config.sigmaMin();
        double u2 = config.sigmaMax() * config.sigmaMax();
        return u2 * (lambda + u1) / (lambda + u2);
    }

    /**
     * KL(N(0, λ̃) ‖ N(0, λ)) = ½(r − 1 − ln r), r = λ̃/λ, for one mode; over modes of a shared eigenbasis the
     * divergences add. λ must be &gt; 0 and λ̃ ≥ 0 (+∞ at λ̃ = 0).
     */
    public static double klDivergence(double generated, double lambda) {
        if (!(lambda > 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda: " + lambda + " is outside (0, ∞) (finite)");
        }
        if (!(generated >= 0) || !Double.isFinite(generated)) {
            throw new IllegalArgumentException("generated: " + generated + " is outside [0, ∞) (finite)");
        }
        double r = generated / lambda;
        return 0.5 * (r - 1 - Math.log(r));
    }

    static void check(DenoiserModel model, double lambda, double tau, DiffusionConfig config) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda: " + lambda + " is outside [0, ∞) (finite)");
        }
        if (!(tau >= 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("tau: " + tau + " is outside [0, ∞) (finite)");
        }
    }
}
