package org.example.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.resetting.OuResetMoments;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetFilter;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.resetting.SimulationOptions;
import org.eigenbasis.resetting.StationaryMean;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.ResetSimulation;
import org.junit.jupiter.api.Test;

/**
 * The README's Java example of stochastic resetting, written as a user would (public API only, from a package
 * outside the library), with the imports it needs, and run: the numbers it prints must agree with each other.
 */
class ResettingSnippetTest {
    @Test
    void theReadmeExampleCompilesAndRuns() {
        double[][] x = {{1, 0.5}, {0.2, 1}, {-0.4, 0.3}};
        double[] y = {1, 0.5, -0.2};
        double[][] hMatrix = {{2, 0.3}, {0.3, 0.5}};
        double[] thetaStar = {1, -1};
        double[] theta0 = {0, 0};
        double sigma = 0.3;

        // --- the README snippet ---
        RenewalLaw law = RenewalLaw.parse("gamma(k=2,scale=0.5)");
        double h = ResetFilter.of(law).apply(0.1);                    // also complement(mu), effectiveRidge(mu)
        double[] theta = StationaryMean.of(x, y, law);                // x: n × d, y: length n; batched: BatchedMatrix
        OuResetMoments m = OuResetMoments.stationary(hMatrix, thetaStar, theta0, sigma, law);   // mean, covariance
        ResetSimulation mc = ResetSimulator.simulate(hMatrix, thetaStar, theta0, sigma, law,
                SimulationOptions.exact(10.0, 1_000_000, 7L, true), Backends.select("cpu"));
        // --- end ---

        // h(0.1) = 1 − (1 − (1 + 0.05)^−2) / 0.1 for gamma(2, 0.5), mean 1.
        assertEquals(1 - (1 - Math.pow(1.05, -2)) / 0.1, h, 1e-14);
        assertEquals(2, theta.length);
        assertTrue(m.finiteVariance());
        for (int k = 0; k < 2; k++) {
            assertTrue(Math.abs(mc.timeMean()[k] - m.mean()[k]) < 5 * mc.timeMeanStderr()[k],
                    "Monte Carlo mean " + k + ": " + mc.timeMean()[k] + " vs exact " + m.mean()[k]);
        }
    }
}
