package org.eigenbasis.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.resetting.SimulationOptions;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig.Scheme;
import org.eigenbasis.value.ResetSimulationConfig;
import org.junit.jupiter.api.Test;

/**
 * The java reference simulator against the stationary theory: with A the stationary age (E[e^(−sA)] =
 * g(s) = (1 − L(s))/(s·E[τ]), L the Laplace transform of τ, g(0) = 1) and h = 1 − g, the stationary mean is
 * a_k·h(μ_k) and the covariance Σ_ij = δ_ij·σ²·E[V(μ_i, A)] + a_i a_j (g(μ_i + μ_j) − g(μ_i) g(μ_j)), where
 * E[V(μ, A)] = h(2μ)/(2μ) (E[A] = E[τ²]/(2E[τ]) at μ = 0). Closed forms for exponential (h(μ) = μ/(μ + r)),
 * deterministic (h(μ) = 1 − (1 − e^(−μT))/(μT)), gamma with integer shape and uniform laws. Every estimate must
 * lie within 4 standard errors.
 */
class JavaResetSimulatorTest {
    private static final JavaResetSimulator SIM = new JavaResetSimulator();
    private static final double[] MU = {0, 0.7, 2.5};
    private static final double[] A = {0.8, -1.2, 0.5};
    private static final double SIGMA = 0.6;

    /** g(s) = E[e^(−sA)] from the law's closed-form Laplace transform. */
    private static double g(RenewalLaw law, double s) {
        if (s == 0) {
            return 1;
        }
        return (1 - law.laplace(s)) / (s * law.mean());
    }

    private static double meanTheory(RenewalLaw law, int k) {
        return A[k] * (1 - g(law, MU[k]));
    }

    private static double covTheory(RenewalLaw law, int i, int j) {
        double c = A[i] * A[j] * (g(law, MU[i] + MU[j]) - g(law, MU[i]) * g(law, MU[j]));
        if (i == j) {
            double ev = MU[i] == 0 ? law.secondMoment() / (2 * law.mean())
                    : (1 - g(law, 2 * MU[i])) / (2 * MU[i]);
            c += SIGMA * SIGMA * ev;
        }
        return c;
    }

    private static ResetSimulation run(RenewalLaw law, long n, Scheme scheme, double step, boolean cov, long seed) {
        return SIM.simulate(new ResetSimulationConfig(law, MU, A, SIGMA, 2.0, n, seed, scheme, step, cov));
    }

    private static void assertWithin4Se(double expected, double actual, double se, String what) {
        assertTrue(se > 0, what + ": standard error " + se);
        assertTrue(Math.abs(actual - expected) <= 4 * se,
                what + ": " + actual + " vs theory " + expected + " (" + (actual - expected) / se + " se)");
    }

    private static void checkAgainstTheory(RenewalLaw law, long seed) {
        ResetSimulation r = run(law, 60_000, Scheme.EXACT, Double.NaN, true, seed);
        int d = MU.length;
        for (int k = 0; k < d; k++) {
            double m = meanTheory(law, k);
            assertWithin4Se(m, r.snapshotMean()[k], r.snapshotMeanStderr()[k], law.spec() + " snapshot mean " + k);
            assertWithin4Se(m, r.timeMean()[k], r.timeMeanStderr()[k], law.spec() + " time mean " + k);
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double c = covTheory(law, i, j);
                assertWithin4Se(c, r.snapshotCovariance()[i * d + j], r.snapshotCovarianceStderr()[i * d + j],
                        law.spec() + " snapshot cov " + i + j);
                assertWithin4Se(c, r.timeCovariance()[i * d + j], r.timeCovarianceStderr()[i * d + j],
                        law.spec() + " time cov " + i + j);
                assertEquals(r.snapshotCovariance()[i * d + j], r.snapshotCovariance()[j * d + i]);
            }
        }
    }

    @Test
    void exponentialMatchesClosedFormTheory() {
        RenewalLaw law = RenewalLaw.exponential(1.3);
        // the closed forms of the brief, written out: mean a μ/(μ + r), variance σ²/(2μ + r) + …
        assertEquals(A[1] * MU[1] / (MU[1] + 1.3), meanTheory(law, 1), 1e-14);
        double m1 = MU[1];
        double m2 = MU[2];
        assertEquals(A[1] * A[2] * m1 * m2 * 1.3 / ((m1 + 1.3) * (m2 + 1.3) * (m1 + m2 + 1.3)), covTheory(law, 2, 1),
                1e-14);
        assertEquals(SIGMA * SIGMA / (2 * m2 + 1.3) + A[2] * A[2] * m2 * m2 * 1.3 / ((m2 + 1.3) * (m2 + 1.3)
                * (2 * m2 + 1.3)), covTheory(law, 2, 2), 1e-14);
        checkAgainstTheory(law, 1);
    }

    @Test
    void deterministicMatchesClosedFormTheory() {
        RenewalLaw law = RenewalLaw.deterministic(0.9);
        double mu = MU[2];
        assertEquals(A[2] * (1 - (1 - Math.exp(-mu * 0.9)) / (mu * 0.9)), meanTheory(law, 2), 1e-14);
        checkAgainstTheory(law, 2);
    }

    @Test
    void gammaUniformAndEmpiricalMatchTheory() {
        checkAgainstTheory(RenewalLaw.gamma(2, 0.4), 3);
        checkAgainstTheory(RenewalLaw.uniform(0.2, 1.4), 4);
        checkAgainstTheory(RenewalLaw.empirical(0.3, 0.5, 1.7, 0.9), 6);
    }

    @Test
    void flatDirectionDiffusesLikeResetBrownianMotion() {
        ResetSimulation r = run(RenewalLaw.exponential(2), 40_000, Scheme.EXACT, Double.NaN, false, 8);
        // μ = 0: u stays at mean 0 (no drift) with variance σ²E[A] = σ²/r
        assertWithin4Se(0, r.snapshotMean()[0], r.snapshotMeanStderr()[0], "flat mean");
        assertNull(r.snapshotCovariance());
    }

    /** |estimate − theory| of the snapshot mean of the stiff coordinate, in units of its standard error. */
    private static double eulerError(double step, long seed) {
        RenewalLaw law = RenewalLaw.exponential(1.3);
        ResetSimulation r = run(law, 20_000, Scheme.EULER, step, false, seed);
        return Math.abs(r.timeMean()[2] - meanTheory(law, 2));
    }

    @Test
    void eulerConvergesAsTheStepShrinksAndIsBiasedAtLargeSteps() {
        RenewalLaw law = RenewalLaw.exponential(1.3);
        ResetSimulation fine = run(law, 20_000, Scheme.EULER, 0.002, true, 5);
        for (int k = 0; k < MU.length; k++) {
            double se = fine.timeMeanStderr()[k];
            double bias = 0.01 * Math.abs(A[k]); // O(η μ) discretisation bias, well below 1 % here
            assertTrue(Math.abs(fine.timeMean()[k] - meanTheory(law, k)) <= 4 * se + bias, "fine Euler mean " + k);
            assertTrue(Math.abs(fine.snapshotCovariance()[k * 4] - covTheory(law, k, k))
                    <= 4 * fine.snapshotCovarianceStderr()[k * 4] + 0.02 * covTheory(law, k, k), "fine Euler var " + k);
        }
        ResetSimulation coarse = run(law, 20_000, Scheme.EULER, 0.5, false, 5);
        double se = coarse.timeMeanStderr()[2];
        assertTrue(Math.abs(coarse.timeMean()[2] - meanTheory(law, 2)) > 10 * se,
                "coarse Euler (η μ = 1.25) must show its bias");
        assertTrue(eulerError(0.01, 6) < eulerError(0.25, 6));
    }

    @Test
    void oneTrajectoryAndOneDimension() {
        ResetSimulation one = SIM.simulate(new ResetSimulationConfig(RenewalLaw.exponential(1), new double[] {1},
                new double[] {2}, 0.5, 1.0, 1, 3, Scheme.EXACT, Double.NaN, true));
        assertEquals(1, one.trajectories());
        assertTrue(one.events() >= 1);
        assertEquals(0, one.snapshotMeanStderr()[0]);
        assertEquals(0, one.snapshotCovarianceStderr()[0]);
        assertTrue(Double.isFinite(one.snapshotMean()[0]) && Double.isFinite(one.timeMean()[0]));
        // d = 1 against theory: a μ/(μ + r) = 1
        ResetSimulation r = SIM.simulate(new ResetSimulationConfig(RenewalLaw.exponential(1), new double[] {1},
                new double[] {2}, 0.5, 1.0, 50_000, 3, Scheme.EXACT, Double.NaN, false));
        assertWithin4Se(1, r.snapshotMean()[0], r.snapshotMeanStderr()[0], "d=1 snapshot");
        assertWithin4Se(1, r.timeMean()[0], r.timeMeanStderr()[0], "d=1 time");
    }

    @Test
    void sameSeedSameBits() {
        ResetSimulation a = run(RenewalLaw.gamma(0.5, 1), 3000, Scheme.EXACT, Double.NaN, true, 77);
        ResetSimulation b = run(RenewalLaw.gamma(0.5, 1), 3000, Scheme.EXACT, Double.NaN, true, 77);
        assertArrayEquals(a.snapshotMean(), b.snapshotMean());
        assertArrayEquals(a.timeCovariance(), b.timeCovariance());
        assertEquals(a.events(), b.events());
        ResetSimulation c = run(RenewalLaw.gamma(0.5, 1), 3000, Scheme.EXACT, Double.NaN, true, 78);
        assertTrue(a.snapshotMean()[1] != c.snapshotMean()[1]);
    }

    @Test
    void chunkBoundariesAddOneTrajectoryAtATime() {
        RenewalLaw law = RenewalLaw.exponential(4);
        double[] mu = {1};
        double[] a = {1};
        long previous = -1;
        for (long n : new long[] {65_535, 65_536, 65_537}) {
            ResetSimulation r = SIM.simulate(new ResetSimulationConfig(law, mu, a, 0.3, 0.5, n, 12, Scheme.EXACT,
                    Double.NaN, false));
            assertEquals(n, r.trajectories());
            if (previous >= 0) {
                // trajectory i depends only on (seed, i): one more trajectory adds its own events (at least 1)
                assertTrue(r.events() > previous, n + ": " + r.events() + " events after " + previous);
                assertTrue(r.events() - previous < 30);
            }
            previous = r.events();
            assertWithin4Se(0.2, r.snapshotMean()[0], r.snapshotMeanStderr()[0], "N=" + n);
        }
    }

    @Test
    void facadeRotatesBackToThetaSpace() {
        // H = R diag(0.5, 2) Rᵀ with a 30° rotation; θ* and θ₀ arbitrary: the θ-space mean is θ₀ + Q h(Λ) Qᵀ(θ* − θ₀)
        double c = Math.cos(Math.PI / 6);
        double s = Math.sin(Math.PI / 6);
        double[][] q = {{c, -s}, {s, c}};
        double[] lambda = {0.5, 2};
        double[][] h = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                h[i][j] = q[i][0] * lambda[0] * q[j][0] + q[i][1] * lambda[1] * q[j][1];
            }
        }
        double[] thetaStar = {1.0, -0.5};
        double[] theta0 = {0.2, 0.3};
        double r = 1.5;
        ResetSimulation e = ResetSimulator.simulate(h, thetaStar, theta0, 0.4, RenewalLaw.exponential(r),
                SimulationOptions.exact(1.0, 40_000, 9, true), new JavaBackend());
        double[] diff = {thetaStar[0] - theta0[0], thetaStar[1] - theta0[1]};
        for (int i = 0; i < 2; i++) {
            double expected = theta0[i];
            for (int k = 0; k < 2; k++) {
                double ak = q[0][k] * diff[0] + q[1][k] * diff[1];
                expected += q[i][k] * ak * lambda[k] / (lambda[k] + r);
            }
            assertWithin4Se(expected, e.snapshotMean()[i], e.snapshotMeanStderr()[i], "θ mean " + i);
            assertWithin4Se(expected, e.timeMean()[i], e.timeMeanStderr()[i], "θ time mean " + i);
        }
        assertEquals(e.snapshotCovariance()[1], e.snapshotCovariance()[2]);
        assertTrue(e.snapshotCovariance()[0] > 0 && e.snapshotCovarianceStderr()[0] > 0);
        // without covariances the θ-space mean standard errors are the triangle-inequality bound: never below the
        // exact ones of the same trajectories
        ResetSimulation meansOnly = ResetSimulator.simulate(h, thetaStar, theta0, 0.4, RenewalLaw.exponential(r),
                SimulationOptions.exact(1.0, 40_000, 9, false), new JavaBackend());
        assertNull(meansOnly.snapshotCovariance());
        for (int i = 0; i < 2; i++) {
            assertEquals(e.snapshotMean()[i], meansOnly.snapshotMean()[i], 1e-12);
            assertTrue(meansOnly.snapshotMeanStderr()[i] >= e.snapshotMeanStderr()[i] * (1 - 1e-12));
            assertTrue(meansOnly.timeMeanStderr()[i] >= e.timeMeanStderr()[i] * (1 - 1e-12));
        }
        // the diagonal facade: no rotation, the kernel's estimates unchanged
        ResetSimulation d = ResetSimulator.diagonal(lambda, thetaStar, 0.4, RenewalLaw.exponential(r), 1.0, 1000, 9,
                false, new JavaBackend());
        ResetSimulation k = new JavaResetSimulator().simulate(new ResetSimulationConfig(RenewalLaw.exponential(r),
                lambda, thetaStar, 0.4, 1.0, 1000, 9, Scheme.EXACT, Double.NaN, false));
        assertArrayEquals(k.snapshotMean(), d.snapshotMean());
    }
}
