package org.eigenbasis.internal;

/**
 * The probability-flow integral I(τ) = ∫_{σ_min}^{σ_max} (1 − ψ(τ; σ))/σ dσ of one eigen-mode of a linear denoiser,
 * in closed form, on primitives: the one formula behind {@code org.eigenbasis.diffusion.ModeDynamics} (which
 * validates and documents it, with the derivations) and the java backend's {@code DiffusionKernel}, which may not
 * see the diffusion package. Arguments are not checked here: λ, τ ≥ 0 finite, 0 &lt; σ_min &lt; σ_max, η, Q &gt; 0.
 * O(1): four E₁ evaluations (one layer) or an exp, an expm1 and a log1p (two layer).
 */
public final class DiffusionFlow {
    private DiffusionFlow() {
    }

    /** I(τ) of a mode of variance λ; {@code twoLayer} picks the symmetric two-layer model, else the one layer. */
    public static double flowIntegral(boolean twoLayer, double lambda, double tau, double sigmaMin, double sigmaMax,
                                      double eta, double init) {
        double u1 = sigmaMin * sigmaMin;
        double u2 = sigmaMax * sigmaMax;
        double q = init;
        double logRatio = Math.log(u2 / u1);
        if (tau == 0) {
            return 0.5 * (1 - q) * logRatio;
        }
        if (!twoLayer) {
            // I = ½[Ein(a(λ+u₂)) − Ein(a(λ+u₁))] + ½(1 − Q)e^(−aλ)[E₁(au₁) − E₁(au₂)]: both terms keep their sign for
            // Q ≤ 1, so small I (small τ, Q near 1) is not the difference of two logarithms of size ln(σ_max/σ_min)
            double a = 2 * eta * tau;
            double x1 = a * (lambda + u1);
            double signal;
            if (x1 > 1) {
                // Ein(y) − Ein(x) = ln(y/x) + E₁(y) − E₁(x), the ratio taken before a multiplies (a·(λ+u₂) may
                // overflow for huge τ, where E₁ = 0 and I is the settled ½ ln((λ+u₂)/(λ+u₁)))
                signal = Math.log((lambda + u2) / (lambda + u1)) - ExponentialIntegral.difference(x1, a * (lambda + u2));
            } else {
                signal = ExponentialIntegral.einDifference(x1, a * (lambda + u2));
            }
            double noiseOnly = ExponentialIntegral.difference(a * u1, a * u2);
            // 0 once both E₁ underflow; skipping the product keeps e^(−aλ) = e^(−∞·0) out of it at λ = 0
            double noise = noiseOnly == 0 ? 0 : 0.5 * (1 - q) * Math.exp(-a * lambda) * noiseOnly;
            return 0.5 * signal + noise;
        }
        double rate = 8 * eta * lambda * tau;
        double c = Math.exp(-rate);
        double a = c - q * Math.expm1(-rate);   // c + Q·λg with λg = 1 − c
        double b = q * growth(lambda, tau, eta);   // +∞ only at λ = 0 for τ near the largest double
        // ln((A + Bu₂)/(A + Bu₁)), divided through by B once B > 1 so that B·u₂ cannot overflow
        double logDenominators = b <= 1 ? Math.log1p(b * (u2 - u1) / (a + b * u1))
                : Math.log1p((u2 - u1) / (a / b + u1));
        return (c * (1 - q) / (2 * a)) * logRatio + (q / (2 * a)) * logDenominators;
    }

    /**
     * Checks a batch before any work: every λ and τ finite and ≥ 0, 0 &lt; σ_min &lt; σ_max, η and Q finite and &gt; 0;
     * an {@link IllegalArgumentException} names the first offending argument (with its index) and the legal range.
     */
    public static void checkBatch(double[] lambdas, double[] taus, double sigmaMin, double sigmaMax, double eta,
                                  double init) {
        nonNegative("lambdas", lambdas);
        nonNegative("taus", taus);
        if (!(sigmaMin > 0) || !Double.isFinite(sigmaMin)) {
            throw new IllegalArgumentException("sigmaMin: " + sigmaMin + " is outside (0, ∞) (finite)");
        }
        if (!(sigmaMin < sigmaMax) || !Double.isFinite(sigmaMax)) {
            throw new IllegalArgumentException("sigmaMax: " + sigmaMax + " is outside (sigmaMin = " + sigmaMin
                    + ", ∞) (finite)");
        }
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("eta: " + eta + " is outside (0, ∞) (finite)");
        }
        if (!(init > 0) || !Double.isFinite(init)) {
            throw new IllegalArgumentException("init: " + init + " is outside (0, ∞) (finite)");
        }
    }

    private static void nonNegative(String name, double[] values) {
        if (values == null) {
            throw new IllegalArgumentException(name + ": is null");
        }
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0) || !Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "]: " + values[i] + " is outside [0, ∞) (finite)");
            }
        }
    }

    /** (1 − e^(−8ηλτ))/λ, its limit 8ητ at λ = 0, without cancellation for small λτ. */
    public static double growth(double lambda, double tau, double eta) {
        double rate = 8 * eta * tau;
        return lambda == 0 ? rate : -Math.expm1(-rate * lambda) / lambda;
    }
}
