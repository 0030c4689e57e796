package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link EmergenceTimes}: the shape of ln λ̃(τ), the bracket around each criterion's root, no-emergence, scaling. */
class EmergenceTimesTest {
    private static final DiffusionConfig DEFAULTS = DiffusionConfig.defaults();

    /** Direction changes of ln λ̃ on a grid of 400 points per decade over τ ∈ [1e-8, 1e8]/η, ignoring rounding. */
    private static int[] turns(DenoiserModel model, double lambda, DiffusionConfig c) {
        int changes = 0;
        int firstDirection = 0;
        int direction = 0;
        double prev = ModeDynamics.logGeneratedVariance(model, lambda, 1e-8, c);
        for (int i = 1; i <= 6400; i++) {
            double v = ModeDynamics.logGeneratedVariance(model, lambda, Math.pow(10, -8 + i / 400.0), c);
            double diff = v - prev;
            // rounding of ln λ̃ (|ln λ̃| ≲ 30) is ≈ 30·ε per evaluation; steps smaller than 1e-11 are noise
            if (Math.abs(diff) > 1e-11) {
                int s = diff > 0 ? 1 : -1;
                if (direction != 0 && s != direction) {
                    changes++;
                }
                if (firstDirection == 0) {
                    firstDirection = s;
                }
                direction = s;
            }
            prev = v;
        }
        return new int[] {changes, firstDirection, direction};
    }

    @Test
    void logGeneratedVarianceHasAtMostOneTurnAndItIsMonotoneWhenQIsBelowEveryK() {
        boolean sawDip = false;
        for (DenoiserModel model : DenoiserModel.values()) {
            for (double q : new double[] {0.01, 0.1, 0.5, 0.9}) {
                DiffusionConfig c = DEFAULTS.withInit(q);
                for (double lambda : new double[] {1e-6, 1e-4, 1e-2, 0.3, 1, 10, 100, 1e4}) {
                    int[] t = turns(model, lambda, c);
                    assertTrue(t[0] <= 1, model + " Q=" + q + " λ=" + lambda + ": " + t[0] + " turns");
                    double up = ModeDynamics.finalGeneratedVariance(lambda, c)
                            - ModeDynamics.generatedVariance(model, lambda, 0, c);
                    if (t[0] == 1) {
                        // the single turn is a minimum: the fast, large-σ part (K < Q, ψ falls) acts first
                        assertEquals(-1, t[1], model + " Q=" + q + " λ=" + lambda + " (final − initial = " + up + ")");
                        sawDip = true;
                    }
                    if (q <= lambda / (lambda + DEFAULTS.sigmaMax() * DEFAULTS.sigmaMax())) {
                        assertEquals(0, t[0], "K > Q at every σ: monotone");
                    }
                }
            }
        }
        assertTrue(sawDip, "with the defaults some modes first move away (ln λ̃ is not monotone in general)");
        assertEquals(1, turns(DenoiserModel.ONE_LAYER, 1, DEFAULTS)[0], "λ = 1, Q = 0.1 dips first");
    }

    @Test
    void eachCriterionsRootIsBracketedAndFirst() {
        for (DenoiserModel model : DenoiserModel.values()) {
            for (EmergenceConfig cfg : new EmergenceConfig[] {EmergenceConfig.defaults(),
                EmergenceConfig.defaults().withCriterion(EmergenceCriterion.FRACTION).withFraction(0.9),
                EmergenceConfig.defaults().withCriterion(EmergenceCriterion.KL_THRESHOLD).withKlThreshold(0.05)}) {
                EmergenceTimes times = EmergenceTimes.of(model, DEFAULTS, cfg);
                for (double lambda : new double[] {1e-3, 0.05, 1, 30}) {
                    EmergenceTimes.Mode m = times.mode(lambda);
                    assertEquals(EmergenceTimes.Outcome.EMERGED, m.outcome(), model + " " + cfg.criterion() + " λ=" + lambda);
                    double tau = m.time();
                    double below = distance(model, cfg, lambda, tau * (1 - 1e-11), m);
                    double above = distance(model, cfg, lambda, tau * (1 + 1e-11), m);
                    assertTrue(below * above <= 0, model + " " + cfg.criterion() + " λ=" + lambda + ": not a bracket "
                            + below + ", " + above);
                    double start = distance(model, cfg, lambda, 0, m);
                    for (int i = 0; i < 200; i++) {
                        double earlier = tau * Math.pow(10, -8 + 8 * i / 200.0);
                        assertTrue(distance(model, cfg, lambda, earlier, m) * start > 0,
                                model + " " + cfg.criterion() + " λ=" + lambda + ": crossed before τ* at " + earlier);
                    }
                }
            }
        }
    }

    /** The criterion's signed distance at τ: ln λ̃ − level, or KL − threshold. */
    private static double distance(DenoiserModel model, EmergenceConfig cfg, double lambda, double tau,
            EmergenceTimes.Mode m) {
        double log = ModeDynamics.logGeneratedVariance(model, lambda, tau, DEFAULTS);
        double a = Math.log(m.initialVariance());
        double b = Math.log(m.finalVariance());
        return switch (cfg.criterion()) {
            case LOG_MIDPOINT -> log - 0.5 * (a + b);
            case FRACTION -> log - Math.log(m.initialVariance()
                    + cfg.fraction() * (m.finalVariance() - m.initialVariance()));
            case KL_THRESHOLD -> ModeDynamics.klDivergence(Math.exp(log), lambda) - cfg.klThreshold();
        };
    }

    @Test
    void aModeWhoseInitialAndFinalVariancesAgreeHasNoEmergence() {
        // λ̃(0) = σ_max²(u₁/u₂)^(1−Q) equals λ̃(∞) = σ_max²(λ + u₁)/(λ + u₂) at λ = (r u₂ − u₁)/(1 − r), r = (u₁/u₂)^(1−Q)
        double u1 = DEFAULTS.sigmaMin() * DEFAULTS.sigmaMin();
        double u2 = DEFAULTS.sigmaMax() * DEFAULTS.sigmaMax();
        double r = Math.pow(u1 / u2, 1 - DEFAULTS.init());
        double lambda = (r * u2 - u1) / (1 - r);
        for (DenoiserModel model : DenoiserModel.values()) {
            EmergenceTimes.Mode m = EmergenceTimes.of(model, DEFAULTS).mode(lambda);
            assertEquals(EmergenceTimes.Outcome.NO_EMERGENCE, m.outcome());
            assertTrue(Double.isNaN(m.time()));
            EmergenceTimes.Mode near = EmergenceTimes.of(model, DEFAULTS).mode(lambda * 1.01);
            assertEquals(EmergenceTimes.Outcome.EMERGED, near.outcome(), "1 % away there is a gap to cross");
        }
    }

    @Test
    void aKlThresholdBelowTheFinalDivergenceIsNotReached() {
        // λ > σ_min·σ_max: λ̃(∞) = σ_max²(λ + u₁)/(λ + u₂) < λ, approached from below, so KL never falls under KL(∞)
        double lambda = 10;
        double r = ModeDynamics.finalGeneratedVariance(lambda, DEFAULTS);
        double klFinal = ModeDynamics.klDivergence(r, lambda);
        EmergenceConfig cfg = EmergenceConfig.defaults().withCriterion(EmergenceCriterion.KL_THRESHOLD)
                .withKlThreshold(klFinal / 2);
        EmergenceTimes.Mode m = EmergenceTimes.of(DenoiserModel.ONE_LAYER, DEFAULTS, cfg).mode(lambda);
        assertEquals(EmergenceTimes.Outcome.NOT_REACHED, m.outcome());
        assertTrue(Double.isNaN(m.time()));
    }

    @Test
    void rescalingTheVarianceAndTheNoiseScheduleRescalesTimeExactly() {
        // ψ depends on (λ, σ², τ) only through K = λ/(λ + σ²) and τ(σ² + λ) (one layer), λτ (two layer), and dσ/σ is
        // scale-free: τ*(cλ; √c·σ_min, √c·σ_max) = τ*(λ; σ_min, σ_max)/c, up to the root's 1e-12 and rounding.
        for (DenoiserModel model : DenoiserModel.values()) {
            for (double c : new double[] {7.3, 1.0 / 13}) {
                DiffusionConfig scaled = DEFAULTS.withSigmaMin(DEFAULTS.sigmaMin() * Math.sqrt(c))
                        .withSigmaMax(DEFAULTS.sigmaMax() * Math.sqrt(c));
                for (double lambda : new double[] {1e-3, 0.1, 1}) {
                    double base = EmergenceTimes.of(model, DEFAULTS).mode(lambda).time();
                    double moved = EmergenceTimes.of(model, scaled).mode(c * lambda).time();
                    assertEquals(base / c, moved, 1e-10 * base / c, model + " c=" + c + " λ=" + lambda);
                }
            }
        }
    }

    @Test
    void configAndInputsAreValidated() {
        SpectrumTest.assertMessage(() -> EmergenceConfig.defaults().withFraction(1), "fraction: 1.0");
        SpectrumTest.assertMessage(() -> EmergenceConfig.defaults().withKlThreshold(0), "klThreshold: 0.0");
        SpectrumTest.assertMessage(() -> EmergenceConfig.defaults().withRelativeTolerance(0), "relativeTolerance");
        SpectrumTest.assertMessage(() -> EmergenceConfig.defaults().withMinLogGap(-1), "minLogGap");
        SpectrumTest.assertMessage(() -> EmergenceCriterion.parse("median"), "median");
        assertEquals(EmergenceCriterion.KL_THRESHOLD, EmergenceCriterion.parse("KL-Threshold"));
        EmergenceTimes t = EmergenceTimes.of(DenoiserModel.TWO_LAYER, DEFAULTS);
        SpectrumTest.assertMessage(() -> t.mode(-1), "lambda: -1");
        SpectrumTest.assertMessage(() -> t.mode(Double.NaN), "lambda: NaN");
        EmergenceTimes kl = EmergenceTimes.of(DenoiserModel.ONE_LAYER, DEFAULTS,
                EmergenceConfig.defaults().withCriterion(EmergenceCriterion.KL_THRESHOLD));
        SpectrumTest.assertMessage(() -> kl.mode(0), "lambda: 0");
        assertNotEquals(EmergenceCriterion.LOG_MIDPOINT, EmergenceCriterion.FRACTION);
        assertThrows(NullPointerException.class, () -> EmergenceTimes.of(null, DEFAULTS));
        assertEquals(EmergenceCriterion.LOG_MIDPOINT, EmergenceConfig.defaults().criterion(), "the issue's default");
    }
}
