package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.internal.AdaptiveQuadrature;
import org.eigenbasis.internal.DormandPrince;
import org.junit.jupiter.api.Test;

/**
 * ModeDynamics' closed forms against numerical references of our own: the flow integral I(τ) against adaptive
 * Gauss–Kronrod quadrature of ∫ (1 − ψ(τ; σ)) d ln σ (to 1e-13 of ∫|1 − ψ|), and ψ against the per-mode
 * gradient-flow ODE integrated by Dormand–Prince.
 */
class ModeDynamicsReferenceTest {
    static final double[] LAMBDAS = {0, 1e-6, 1e-4, 1e-2, 1, 1e2, 1e3};
    static final double[] TAUS = {0, 1e-6, 1e-4, 1e-2, 1, 1e2, 1e4};
    static final double[] INITS = {0.01, 0.1, 1, 2};
    static final DiffusionConfig[] CONFIGS = {
        DiffusionConfig.defaults(),
        new DiffusionConfig(0.01, 1, 1, 0.1),
        new DiffusionConfig(1e-3, 1e3, 0.5, 0.1),
        new DiffusionConfig(0.5, 2, 3, 0.1),
    };
    /** The demand; the quadrature (1e-13) and the closed forms (a few ulp of terms of size ≤ 30) are far below. */
    private static final double REQUIRED = 1e-10;

    /**
     * ∫_{ln σ_min}^{ln σ_max} (1 − ψ(τ; e^s)) ds by adaptive quadrature, with 1 − ψ written without cancellation
     * (1 − ψ computed as 1 minus a ψ near 1 would lose the digits the test is after):
     * <ul>
     * <li>one layer, e = e^(−2ητ(σ² + λ)): 1 − ψ = (1 − K)(1 − e) + (1 − Q)e, 1 − K = σ²/(λ + σ²);
     * <li>two layer, c = e^(−8ηλτ), g = (1 − c)/λ: ψ = Q/(c + Q(λ + σ²)g) and 1 − ψ = (c(1 − Q) + Qσ²g)/(c + Q(λ + σ²)g),
     * since c − Q + Q(λ + σ²)g = c − Q + Q(1 − c) + Qσ²g.
     * </ul>
     */
    static AdaptiveQuadrature.Result reference(DenoiserModel model, double lambda, double tau, DiffusionConfig c) {
        double q = c.init();
        double eta = c.eta();
        double cTwo = Math.exp(-8 * eta * lambda * tau);
        double g = lambda == 0 ? 8 * eta * tau : -Math.expm1(-8 * eta * lambda * tau) / lambda;
        return AdaptiveQuadrature.integrate(s -> {
            double u = Math.exp(2 * s);
            if (model == DenoiserModel.ONE_LAYER) {
                double rate = -2 * eta * tau * (u + lambda);
                return u / (lambda + u) * -Math.expm1(rate) + (1 - q) * Math.exp(rate);
            }
            return (cTwo * (1 - q) + q * u * g) / (cTwo + q * (lambda + u) * g);
        }, Math.log(c.sigmaMin()), Math.log(c.sigmaMax()), 1e-13, 20_000);
    }

    /**
     * I to 1e-10 of max(|I|, ∫|1 − ψ|) (the integral's own scale: I can cross 0 when Q &gt; 1), and λ̃ = σ_max²e^(−2I)
     * to 1e-10 relative, i.e. I to 5e-11 absolute.
     */
    @Test
    void flowIntegralAgainstQuadrature() {
        for (DenoiserModel model : DenoiserModel.values()) {
            for (DiffusionConfig base : CONFIGS) {
                for (double q : INITS) {
                    DiffusionConfig c = base.withInit(q);
                    for (double lambda : LAMBDAS) {
                        for (double tau : TAUS) {
                            AdaptiveQuadrature.Result ref = reference(model, lambda, tau, c);
                            double got = ModeDynamics.flowIntegral(model, lambda, tau, c);
                            String at = model + " λ=" + lambda + " τ=" + tau + " " + c;
                            assertEquals(ref.value(), got, REQUIRED * Math.max(Math.abs(ref.value()), ref.absolute()), at);
                            double variance = ModeDynamics.generatedVariance(model, lambda, tau, c);
                            double refVariance = c.sigmaMax() * c.sigmaMax() * Math.exp(-2 * ref.value());
                            assertEquals(refVariance, variance, REQUIRED * refVariance, at);
                        }
                    }
                }
            }
        }
    }

    /** The limits the Javadoc states: (1 − Q)·ln(σ_max/σ_min) at τ = 0 and λ̃(∞) at a τ where every ψ has settled. */
    @Test
    void limits() {
        DiffusionConfig c = DiffusionConfig.defaults();
        for (DenoiserModel model : DenoiserModel.values()) {
            for (double lambda : new double[] {0.5, 1, 10}) {
                assertEquals((1 - c.init()) * Math.log(c.sigmaMax() / c.sigmaMin()),
                        ModeDynamics.flowIntegral(model, lambda, 0, c), 1e-15 * 10);
                // e^(−2ητ·σ_min²) and e^(−8ηλτ) below 1e-200 at τ = 1e9: ψ = K to rounding.
                double settled = ModeDynamics.generatedVariance(model, lambda, 1e9, c);
                double expected = ModeDynamics.finalGeneratedVariance(lambda, c);
                assertEquals(expected, settled, 1e-12 * expected, model + " λ=" + lambda);
            }
        }
    }

    /**
     * ψ against its per-mode ODE (one layer dψ/dτ = −2η((λ + σ²)ψ − λ); two layer dψ/dτ = −8ηψ((λ + σ²)ψ − λ),
     * the logistic law) by Dormand–Prince at rtol 1e-12. The one-layer flow contracts, so its global error is at
     * most the summed local errors; the logistic's linearisation 8ηλ − 16η(λ + σ²)ψ is at most 8ηλ, so the
     * summed local error grows by at most e^(8ηλτ) (≤ e^8 here), plus steps·ulp rounding.
     */
    @Test
    void weightAgainstPerModeOde() {
        DiffusionConfig base = DiffusionConfig.defaults();
        for (DenoiserModel model : DenoiserModel.values()) {
            for (double q : INITS) {
                DiffusionConfig c = base.withInit(q);
                for (double lambda : new double[] {0, 1e-3, 0.1, 1, 10}) {
                    for (double sigma : new double[] {0.002, 0.1, 1, 3}) {
                        for (double tau : new double[] {1e-3, 0.1, 0.5, 1}) {
                            if (8 * c.eta() * lambda * tau > 8) {
                                continue;
                            }
                            double u = sigma * sigma;
                            double eta = c.eta();
                            DormandPrince.Derivative f = model == DenoiserModel.ONE_LAYER
                                    ? (t, y, dy) -> dy[0] = -2 * eta * ((lambda + u) * y[0] - lambda)
                                    : (t, y, dy) -> dy[0] = -8 * eta * y[0] * ((lambda + u) * y[0] - lambda);
                            DormandPrince.Result r = DormandPrince.integrate(f, new double[] {q}, 0, tau, 1e-12,
                                    1e-15, 1_000_000);
                            double growth = model == DenoiserModel.ONE_LAYER ? 1 : Math.exp(8 * eta * lambda * tau);
                            double tol = growth * r.localErrorSum() + (r.steps() + 8) * Math.ulp(Math.max(q, 1.0));
                            assertEquals(r.y()[0], ModeDynamics.weight(model, lambda, sigma, tau, c), tol,
                                    model + " λ=" + lambda + " σ=" + sigma + " τ=" + tau + " Q=" + q);
                        }
                    }
                }
            }
        }
    }

    /** The two-layer weight as τ → ∞ and at λ = 0 (K = 0: ψ = Q/(1 + 8ηQσ²τ), the ODE's exact solution). */
    @Test
    void twoLayerSpecialCases() {
        DiffusionConfig c = DiffusionConfig.defaults();
        double q = c.init();
        for (double sigma : new double[] {0.01, 1, 10}) {
            for (double tau : new double[] {1e-3, 1, 1e3}) {
                double expected = q / (1 + 8 * c.eta() * q * sigma * sigma * tau);
                assertEquals(expected, ModeDynamics.weight(DenoiserModel.TWO_LAYER, 0, sigma, tau, c),
                        8 * Math.ulp(expected));
            }
            double k = 2 / (2 + sigma * sigma);
            assertEquals(k, ModeDynamics.weight(DenoiserModel.TWO_LAYER, 2, sigma, 1e3, c), 4 * Math.ulp(k));
            double early = ModeDynamics.weight(DenoiserModel.TWO_LAYER, 2, sigma, 1e-3, c);
            assertTrue(k > q ? early > q && early < k : early < q && early > k, "ψ moves from Q towards K");
        }
    }
}
