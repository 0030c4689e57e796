package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Eigenvalue-corrected Shampoo's adaptive refresh: τ decides, counts are kept, the criterion holds afterwards. */
class EcShampooTest {
    private static final Backend JAVA = Backends.select("java");
    private static final int STEPS = 24;
    private static final int FREQUENCY = 3;
    /** Checks after the initial eigendecomposition: before steps t = 3, 6, …, 24. */
    private static final int CHECKS = STEPS / FREQUENCY;

    private static EigenbasisOptimizer run(double tau, int maxIterations) {
        double[] w = Dense.random(new Random(1), 30);
        EcShampooConfig config = new EcShampooConfig(1e-3, new double[] {0.9, 0.999}, 0.9, 1e-8, 0.01, FREQUENCY, tau,
                maxIterations, 100, true, BasisChangePolicy.PERMUTE);
        EigenbasisOptimizer opt = Optimizers.ecShampoo(config, List.of(Parameter.of("w", w, 6, 5),
                Parameter.of("v", Dense.random(new Random(2), 6), 6)), JAVA);
        Random rng = new Random(3);
        double[] a = Dense.orthogonal(rng, 6);
        for (int t = 1; t <= STEPS; t++) {
            // Gradients whose row space rotates slowly: the factor's eigenbasis drifts.
            double[] g = Dense.random(rng, 30);
            double c = Math.cos(0.2 * t);
            double s = Math.sin(0.2 * t);
            for (int j = 0; j < 5; j++) {
                g[j] += 5 * (c * a[j] + s * a[6 + j]);
            }
            opt.step(new Gradients().put("w", g).put("v", Dense.random(rng, 6)));
        }
        return opt;
    }

    @Test
    void toleranceOneNeverRefreshes() {
        for (RefreshReport r : run(1, 10).refreshReport()) {
            assertEquals(1, r.refreshes(), r.toString());
            assertEquals(CHECKS, r.skipped(), r.toString());
            assertEquals(0, r.qrIterations(), r.toString());
        }
    }

    @Test
    void toleranceZeroRecomputesEveryFSteps() {
        for (RefreshReport r : run(0, 10).refreshReport()) {
            assertEquals(1 + CHECKS, r.refreshes(), r.toString());
            assertEquals(0, r.skipped(), r.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.02, 0.1, 0.3})
    void aRefreshIteratesUntilTheOffDiagonalErrorIsBelowTau(double tau) {
        EigenbasisOptimizer opt = run(tau, 200);
        List<RefreshReport> reports = opt.refreshReport();
        assertEquals(3, reports.size(), "w has two factors, v (precondition_1d) one");
        long refreshed = 0;
        for (RefreshReport r : reports) {
            assertEquals(1 + CHECKS, r.refreshes() + r.skipped(), r.toString());
            // Exact: the refresh iterates until its own measure of the off-diagonal error is ≤ τ, and reports that
            // measure; no rounding separates the two (200 iterations are never needed here).
            assertTrue(r.lastOffDiagonal() <= tau, r.toString());
            assertTrue(r.qrIterations() >= r.refreshes() - 1, r.toString());
            refreshed += r.refreshes() - 1;
        }
        if (tau == 0.02) {
            assertTrue(refreshed > 0, "a tight tolerance refreshes: " + reports);
        }
    }

    @Test
    void looserTolerancesRefreshLess() {
        long tight = run(0.02, 200).refreshReport().stream().mapToLong(RefreshReport::refreshes).sum();
        long loose = run(0.3, 200).refreshReport().stream().mapToLong(RefreshReport::refreshes).sum();
        assertTrue(loose < tight, "τ = 0.3 refreshed " + loose + " times, τ = 0.02 " + tight);
    }

    @Test
    void theFactoryReadsToleranceAndMaxIterations() {
        EigenbasisOptimizer opt = Optimizers.create("ecshampoo", Map.of("tolerance", 0.25, "max_iterations", 7),
                List.of(Parameter.of("w", new double[4], 2, 2)), JAVA);
        assertEquals(0.25, opt.spec().tolerance());
        assertEquals(7, opt.spec().maxIterations());
    }
}
