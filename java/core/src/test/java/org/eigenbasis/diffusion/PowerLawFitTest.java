package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PowerLawFit} and its Student-t quantile. */
class PowerLawFitTest {
    @Test
    void studentQuantileMatchesItsClosedForms() {
        for (double q : new double[] {0.6, 0.9, 0.975, 0.995}) {
            // ν = 1 (Cauchy): tan(π(q − ½)); ν = 2: (2q − 1)/√(2q(1 − q))
            assertEquals(Math.tan(Math.PI * (q - 0.5)), StudentT.quantile(q, 1), 1e-10 * Math.tan(Math.PI * (q - 0.5)));
            double two = (2 * q - 1) / Math.sqrt(2 * q * (1 - q));
            assertEquals(two, StudentT.quantile(q, 2), 1e-10 * two);
        }
        // ν → ∞: the normal 0.975-quantile plus the first Cornish-Fisher term (z³ + z)/(4ν), next term O(ν⁻²)
        double z = 1.959963984540054;
        assertEquals(z + (z * z * z + z) / 4e6, StudentT.quantile(0.975, 1e6), 1e-9);
        assertEquals(Math.log(Math.sqrt(Math.PI)), StudentT.logGamma(0.5), 1e-14);
        assertEquals(Math.log(3628800), StudentT.logGamma(11), 1e-13);
    }

    @Test
    void anExactPowerLawIsFittedExactlyWithAZeroWidthInterval() {
        double[] lambda = new double[20];
        double[] tau = new double[20];
        for (int k = 0; k < 20; k++) {
            lambda[k] = Math.pow(k + 1, -1.3);
            tau[k] = 3 * Math.pow(lambda[k], -1.7);
        }
        PowerLawFit f = PowerLawFit.of(lambda, tau);
        assertEquals(1.7, f.alpha(), 1e-12);
        assertEquals(Math.log(3), f.intercept(), 1e-12);
        assertTrue(f.upper() - f.lower() <= 1e-11, f.toString());
        assertEquals(20, f.modes());
    }

    @Test
    void theIntervalCoversTheTrueSlopeAtItsNominalRate() {
        // y = ln τ = 0.5 − α ln λ + N(0, 0.1²), 12 points: the t-interval is exact for Gaussian errors, so over 4000
        // seeded fits coverage is 0.95 ± 4·√(0.95·0.05/4000) = 0.95 ± 0.014.
        Random r = new Random(11);
        int fits = 4000;
        int covered = 0;
        double alpha = 0.9;
        double[] lambda = new double[12];
        double[] tau = new double[12];
        for (int f = 0; f < fits; f++) {
            for (int k = 0; k < 12; k++) {
                lambda[k] = Math.pow(k + 1, -1.0);
                tau[k] = Math.exp(0.5 - alpha * Math.log(lambda[k]) + 0.1 * r.nextGaussian());
            }
            PowerLawFit fit = PowerLawFit.of(lambda, tau);
            covered += fit.lower() <= alpha && alpha <= fit.upper() ? 1 : 0;
        }
        double rate = covered / (double) fits;
        assertEquals(0.95, rate, 4 * Math.sqrt(0.95 * 0.05 / fits), "coverage " + rate);
    }

    @Test
    void fittingOverARangeKeepsOnlyEmergedModesInside() {
        EmergenceTimes.Mode[] modes = new EmergenceTimes.Mode[6];
        for (int k = 0; k < 5; k++) {
            double l = Math.pow(2, -k);
            modes[k] = new EmergenceTimes.Mode(l, 1 / l, EmergenceTimes.Outcome.EMERGED, 1, 2);
        }
        modes[5] = new EmergenceTimes.Mode(0.3, Double.NaN, EmergenceTimes.Outcome.NO_EMERGENCE, 1, 1);
        PowerLawFit all = PowerLawFit.of(modes, 0, Double.POSITIVE_INFINITY);
        assertEquals(5, all.modes());
        assertEquals(1, all.alpha(), 1e-12);
        assertEquals(3, PowerLawFit.of(modes, 0.2, 1).modes());
        SpectrumTest.assertMessage(() -> PowerLawFit.of(modes, 0.4, 1), "need at least 3");
        SpectrumTest.assertMessage(() -> PowerLawFit.of(modes, 2, 1), "lambda range");
        SpectrumTest.assertMessage(() -> PowerLawFit.of(new double[] {1, 2, 0}, new double[] {1, 1, 1}), "lambda[2]");
        SpectrumTest.assertMessage(() -> PowerLawFit.of(new double[] {1, 1, 1}, new double[] {1, 2, 3}), "all 3");
        SpectrumTest.assertMessage(() -> PowerLawFit.of(new double[] {1, 2}, new double[] {1, 2, 3}), "length");
    }
}
