package org.eigenbasis.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.resetting.SimulationOptions;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
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
 * lie within z standard errors, z for a false alarm of 1e-3 per test shared by its comparisons (Bonferroni,
 * {@link ErrorBounds#standardErrors}): the seeds are fixed, so z says how rarely another seed would fail a correct
 * simulator. The theory in double (a few roundings, {@link #THEORY}) is far below a standard error.
 */
class JavaResetSimulatorTest {
    private static final JavaResetSimulator SIM = new JavaResetSimulator();
    private static final double[] MU = {0, 0.7, 2.5};
    private static final double[] A = {0.8, -1.2, 0.5};
    private static final double SIGMA = 0.6;
    /**
     * The theory below in double: g(s) = (1 − L(s))/(sE[τ]) loses L/(1 − L) ≤ 2 to cancellation at these s (sE[τ]
     * ≥ 0.5), h = 1 − g another g/h ≤ 2, M = g(x + y) − g(x)g(y) the ratio of its terms to itself (≤ 5 here), each on
     * a handful of roundings: γ_32 relative to the terms' sizes; the closed forms written out are a few roundings.
     */
    private static final double THEORY = ErrorBounds.gamma(32, DType.F64);
    /** Means and covariance entries (j ≤ i) of one run at d = 3, snapshot and time: 6 + 12. */
    private static final double Z_RUN = ErrorBounds.standardErrors(1e-3, 18);

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

    private static void assertWithin(double expected, double actual, double se, double z, String what) {
        assertTrue(se > 0, what + ": standard error " + se);
        assertTrue(Math.abs(actual - expected) <= z * se,
                what + ": " + actual + " vs theory " + expected + " (" + (actual - expected) / se + " se)");
    }

    private static void checkAgainstTheory(RenewalLaw law, long seed) {
        ResetSimulation r = run(law, 60_000, Scheme.EXACT, Double.NaN, true, seed);
        int d = MU.length;
        for (int k = 0; k < d; k++) {
            double m = meanTheory(law, k);
            assertWithin(m, r.snapshotMean()[k], r.snapshotMeanStderr()[k], Z_RUN, law.spec() + " snapshot mean " + k);
            assertWithin(m, r.timeMean()[k], r.timeMeanStderr()[k], Z_RUN, law.spec() + " time mean " + k);
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double c = covTheory(law, i, j);
                assertWithin(c, r.snapshotCovariance()[i * d + j], r.snapshotCovarianceStderr()[i * d + j], Z_RUN,
                        law.spec() + " snapshot cov " + i + j);
                assertWithin(c, r.timeCovariance()[i * d + j], r.timeCovarianceStderr()[i * d + j], Z_RUN,
                        law.spec() + " time cov " + i + j);
                assertEquals(r.snapshotCovariance()[i * d + j], r.snapshotCovariance()[j * d + i], 0,
                        "symmetric by construction");
            }
        }
    }

    @Test
    void exponentialMatchesClosedFormTheory() {
        RenewalLaw law = RenewalLaw.exponential(1.3);
        // the closed forms of the brief, written out: mean a μ/(μ + r), variance σ²/(2μ + r) + …
        // |A| times h = 1 − g (|h| + |g| = 1); |A_iA_j| times the terms g(x + y) + g(x)g(y) of M, plus the noise.
        assertEquals(A[1] * MU[1] / (MU[1] + 1.3), meanTheory(law, 1), THEORY * Math.abs(A[1]));
        double m1 = MU[1];
        double m2 = MU[2];
        assertEquals(A[1] * A[2] * m1 * m2 * 1.3 / ((m1 + 1.3) * (m2 + 1.3) * (m1 + m2 + 1.3)), covTheory(law, 2, 1),
                THEORY * Math.abs(A[1] * A[2]) * (g(law, m1 + m2) + g(law, m1) * g(law, m2)));
        double noise = SIGMA * SIGMA / (2 * m2 + 1.3);
        assertEquals(noise + A[2] * A[2] * m2 * m2 * 1.3 / ((m2 + 1.3) * (m2 + 1.3)
                * (2 * m2 + 1.3)), covTheory(law, 2, 2),
                THEORY * (noise + A[2] * A[2] * (g(law, 2 * m2) + g(law, m2) * g(law, m2))));
        checkAgainstTheory(law, 1);
    }

    @Test
    void deterministicMatchesClosedFormTheory() {
        RenewalLaw law = RenewalLaw.deterministic(0.9);
        double mu = MU[2];
        assertEquals(A[2] * (1 - (1 - Math.exp(-mu * 0.9)) / (mu * 0.9)), meanTheory(law, 2), THEORY * Math.abs(A[2]));
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
        assertWithin(0, r.snapshotMean()[0], r.snapshotMeanStderr()[0], ErrorBounds.standardErrors(1e-3, 1), "flat mean");
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
        double eta = 0.002;
        ResetSimulation fine = run(law, 20_000, Scheme.EULER, eta, true, 5);
        double z = ErrorBounds.standardErrors(1e-3, 2 * MU.length);
        // Euler's first-order bias at step η (docs/resetting-simulator.md: resets fall at their exact times, steps are
        // cut there): the relaxation (1 − ημ) per step against e^(−ημ), ημ/2 relative, and the left-rule time
        // integrals another ημ/2; the variance σ²/(μ(2 − ημ)) against σ²/(2μ), ημ/2. With ημ ≤ 0.005 (μ ≤ 2.5):
        // at most 0.5 % of |a| in the mean (|h| ≤ 1) and of the variance; allowed 1 % and 2 %, twice and four times
        // the first-order terms, for what the second order adds.
        assertTrue(eta * MU[2] <= 0.005, "the first-order bias is what the allowances below assume");
        for (int k = 0; k < MU.length; k++) {
            double se = fine.timeMeanStderr()[k];
            double bias = 0.01 * Math.abs(A[k]);
            assertTrue(Math.abs(fine.timeMean()[k] - meanTheory(law, k)) <= z * se + bias, "fine Euler mean " + k);
            assertTrue(Math.abs(fine.snapshotCovariance()[k * 4] - covTheory(law, k, k))
                    <= z * fine.snapshotCovarianceStderr()[k * 4] + 0.02 * covTheory(law, k, k), "fine Euler var " + k);
        }
        ResetSimulation coarse = run(law, 20_000, Scheme.EULER, 0.5, false, 5);
        double se = coarse.timeMeanStderr()[2];
        // At ημ = 1.25 the Euler relaxation factor is 1 − ημ = −0.25 against e^(−1.25) = 0.29: the bias is a large
        // fraction of |a|; it must be significant at the same false-alarm rate (one comparison).
        assertTrue(Math.abs(coarse.timeMean()[2] - meanTheory(law, 2)) > ErrorBounds.standardErrors(1e-3, 1) * se,
                "coarse Euler (η μ = 1.25) must show its bias");
        assertTrue(eulerError(0.01, 6) < eulerError(0.25, 6));
    }

    @Test
    void oneTrajectoryAndOneDimension() {
        ResetSimulation one = SIM.simulate(new ResetSimulationConfig(RenewalLaw.exponential(1), new double[] {1},
                new double[] {2}, 0.5, 1.0, 1, 3, Scheme.EXACT, Double.NaN, true));
        assertEquals(1, one.trajectories());
        assertTrue(one.events() >= 1);
        assertEquals(0, one.snapshotMeanStderr()[0], 0, "one trajectory: no spread, 0 by definition");
        assertEquals(0, one.snapshotCovarianceStderr()[0], 0, "one trajectory: no spread, 0 by definition");
        assertTrue(Double.isFinite(one.snapshotMean()[0]) && Double.isFinite(one.timeMean()[0]));
        // d = 1 against theory: a μ/(μ + r) = 1
        ResetSimulation r = SIM.simulate(new ResetSimulationConfig(RenewalLaw.exponential(1), new double[] {1},
                new double[] {2}, 0.5, 1.0, 50_000, 3, Scheme.EXACT, Double.NaN, false));
        double z = ErrorBounds.standardErrors(1e-3, 2);
        assertWithin(1, r.snapshotMean()[0], r.snapshotMeanStderr()[0], z, "d=1 snapshot");
        assertWithin(1, r.timeMean()[0], r.timeMeanStderr()[0], z, "d=1 time");
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
                // The added trajectory's segments: 1 + Poisson(rT) = 1 + Poisson(2), and P(≥ 30) < 1e-23.
                assertTrue(r.events() - previous < 30);
            }
            previous = r.events();
            assertWithin(0.2, r.snapshotMean()[0], r.snapshotMeanStderr()[0], ErrorBounds.standardErrors(1e-3, 3),
                    "N=" + n);
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
            double z = ErrorBounds.standardErrors(1e-3, 4);
            assertWithin(expected, e.snapshotMean()[i], e.snapshotMeanStderr()[i], z, "θ mean " + i);
            assertWithin(expected, e.timeMean()[i], e.timeMeanStderr()[i], z, "θ time mean " + i);
        }
        assertEquals(e.snapshotCovariance()[1], e.snapshotCovariance()[2], 0, "symmetric by construction");
        assertTrue(e.snapshotCovariance()[0] > 0 && e.snapshotCovarianceStderr()[0] > 0);
        // without covariances the θ-space mean standard errors are the triangle-inequality bound: never below the
        // exact ones of the same trajectories
        ResetSimulation meansOnly = ResetSimulator.simulate(h, thetaStar, theta0, 0.4, RenewalLaw.exponential(r),
                SimulationOptions.exact(1.0, 40_000, 9, false), new JavaBackend());
        assertNull(meansOnly.snapshotCovariance());
        // The same trajectories (same seed) and the same rotation of their mean: equal but for the order in which
        // the kernels sum (γ_N of Σ|u|, N = 40,000, bounded here by γ_N·(|mean| + the spread)); the triangle bound
        // Σ_k |Q_ik|·se_k is ≥ the exact √(Σ_kl Q_ik Q_il C_kl/(N − 1)) by Cauchy–Schwarz, each side a few
        // roundings (γ_(2d+4), d = 2).
        double sums = ErrorBounds.gamma(40_000, DType.F64);
        double roundings = ErrorBounds.gamma(8, DType.F64);
        for (int i = 0; i < 2; i++) {
            double spread = e.snapshotMeanStderr()[i] * Math.sqrt(40_000);
            assertEquals(e.snapshotMean()[i], meansOnly.snapshotMean()[i], sums * (Math.abs(e.snapshotMean()[i]) + spread));
            assertTrue(meansOnly.snapshotMeanStderr()[i] >= e.snapshotMeanStderr()[i] * (1 - 2 * roundings));
            assertTrue(meansOnly.timeMeanStderr()[i] >= e.timeMeanStderr()[i] * (1 - 2 * roundings));
        }
        // the diagonal facade: no rotation, the kernel's estimates unchanged
        ResetSimulation d = ResetSimulator.diagonal(lambda, thetaStar, 0.4, RenewalLaw.exponential(r), 1.0, 1000, 9,
                false, new JavaBackend());
        ResetSimulation k = new JavaResetSimulator().simulate(new ResetSimulationConfig(RenewalLaw.exponential(r),
                lambda, thetaStar, 0.4, 1.0, 1000, 9, Scheme.EXACT, Double.NaN, false));
        assertArrayEquals(k.snapshotMean(), d.snapshotMean());
    }
}
