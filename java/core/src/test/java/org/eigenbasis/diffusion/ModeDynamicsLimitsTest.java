package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The settled limit λ̃(∞) at training times where the intermediate products overflow. */
class ModeDynamicsLimitsTest {
    private static final double U = Math.ulp(1.0) / 2;

    /**
     * For τ ≥ 1e250 every exponential term of I has underflowed for λ ≥ 1e-6 (and for λ = 0 the two-layer ψ is
     * O(1/τ)), so λ̃ must equal σ_max²(λ + σ_min²)/(λ + σ_max²) to rounding: I is a sum of a few logarithms of size
     * at most L = 2 ln(σ_max/σ_min), each with relative error a few u, and exp(−2I) turns an absolute error δ of I
     * into a relative one of 2δ; 32·u·(1 + L) bounds it with room. At τ = 1e305 and the largest double, a·(λ + σ²)
     * and 8ητ overflow to ∞; the forms must not turn that into 0 or NaN.
     */
    @Test
    void hugeTrainingTimesGiveTheSettledVariance() {
        for (double q : new double[] {0.1, 1, 2}) {
            DiffusionConfig config = DiffusionConfig.defaults().withInit(q);
            double l = 2 * Math.log(config.sigmaMax() / config.sigmaMin());
            for (DenoiserModel model : DenoiserModel.values()) {
                for (double lambda : new double[] {0, 1e-6, 1, 1e3}) {
                    double settled = ModeDynamics.finalGeneratedVariance(lambda, config);
                    for (double tau : new double[] {1e250, 1e305, Double.MAX_VALUE}) {
                        double v = ModeDynamics.generatedVariance(model, lambda, tau, config);
                        String where = model + " Q = " + q + " λ = " + lambda + " τ = " + tau;
                        assertTrue(Double.isFinite(v) && v > 0, where + ": " + v);
                        assertEquals(settled, v, 32 * U * (1 + l) * settled, where);
                    }
                }
            }
        }
    }
}
