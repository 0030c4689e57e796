package org.eigenbasis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig.Scheme;
import org.eigenbasis.value.ResetSimulationConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The cuda resetting simulator: input the GPU must never see is refused in Java (runs everywhere), the estimates
 * are formed from the raw sums as the spec says (runs everywhere), and on a GPU: the closed-form exponential
 * means, reproducibility for a seed, internal consistency of the covariance pass, and statistical equality with
 * the java reference within z combined standard errors for several laws and both schemes (z for a false alarm of
 * 1e-3 shared by each test's comparisons, {@link ErrorBounds#standardErrors}). Without a usable GPU the GPU tests
 * are reported skipped with the reason.
 */
class CudaResetSimulatorTest {
    private static final Backend BACKEND = new CudaBackend();
    private static final double[] MU = {0.1, 0.5, 1.0, 4.0};
    private static final double[] TARGET = {1.0, -1.0, 2.0, 0.5};

    private static void requireGpu() {
        Assumptions.assumeTrue(BACKEND.availability().available(),
                "cuda backend unavailable: " + BACKEND.availability().reason());
    }

    private static ResetSimulationConfig config(RenewalLaw law, long n, long seed, Scheme scheme,
                                                boolean covariance) {
        return new ResetSimulationConfig(law, MU, TARGET, 0.5, 10 * law.mean(), n, seed, scheme,
                scheme == Scheme.EULER ? 0.01 * law.mean() : Double.NaN, covariance);
    }

    @Test
    void covarianceAboveTheDimensionLimitIsRefusedInJava() {
        int d = CudaResetSimulator.MAX_COVARIANCE_DIMENSION + 1;
        ResetSimulationConfig c = new ResetSimulationConfig(RenewalLaw.exponential(1), new double[d], new double[d],
                0.5, 10, 100, 1, Scheme.EXACT, Double.NaN, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BACKEND.resetSimulation().simulate(c));
        assertTrue(e.getMessage().contains(String.valueOf(CudaResetSimulator.MAX_COVARIANCE_DIMENSION)), e.getMessage());
    }

    @Test
    void eulerWithMoreThan2To31StepsIsRefusedInJava() {
        ResetSimulationConfig c = new ResetSimulationConfig(RenewalLaw.exponential(1), MU, TARGET, 0.5, 1e3, 100, 1,
                Scheme.EULER, 1e-7, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BACKEND.resetSimulation().simulate(c));
        assertTrue(e.getMessage().startsWith("step: "), e.getMessage());
    }

    @Test
    void aNullConfigIsRefused() {
        assertThrows(NullPointerException.class, () -> BACKEND.resetSimulation().simulate(null));
    }

    @Test
    void estimatesFollowTheSpecFromTheRawSums() {
        // Three trajectories, d = 2: snapshots X, time averages M, time second moments S (per trajectory).
        double[][] x = {{1, 2}, {3, -1}, {0.5, 0.5}};
        double[][] m = {{0.2, 0.4}, {0.6, -0.2}, {0.1, 0.3}};
        double[][][] s = {{{1, 0.5}, {0.5, 2}}, {{3, -1}, {-1, 1}}, {{0.25, 0.1}, {0.1, 0.5}}};
        int d = 2;
        int n = 3;
        double[] centreSnapshot = {1.0, 0.5};
        double[] centreTime = {0.3, 0.2};
        double[] sums = new double[4 * d + 6 * d * d + 2 * d];
        for (int t = 0; t < n; t++) {
            for (int k = 0; k < d; k++) {
                sums[k] += x[t][k];
                sums[d + k] += x[t][k] * x[t][k];
                sums[2 * d + k] += m[t][k];
                sums[3 * d + k] += m[t][k] * m[t][k];
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    int ij = i * d + j;
                    double p = x[t][i] * x[t][j];
                    double ws = p - centreSnapshot[i] * x[t][j] - x[t][i] * centreSnapshot[j];
                    double wt = s[t][i][j] - centreTime[i] * m[t][j] - m[t][i] * centreTime[j];
                    sums[4 * d + ij] += p;
                    sums[4 * d + d * d + ij] += s[t][i][j];
                    sums[4 * d + 2 * d * d + ij] += p;
                    sums[4 * d + 3 * d * d + ij] += m[t][i] * m[t][j];
                    sums[4 * d + 4 * d * d + ij] += ws * ws;
                    sums[4 * d + 5 * d * d + ij] += wt * wt;
                }
            }
        }
        System.arraycopy(centreSnapshot, 0, sums, 4 * d + 6 * d * d, d);
        System.arraycopy(centreTime, 0, sums, 4 * d + 6 * d * d + d, d);
        ResetSimulation r = CudaResetSimulator.estimates(sums, d, n, true, 7, 0.5);
        assertEquals(7, r.events());
        assertEquals(14, r.eventsPerSecond(), 0, "7/0.5: exact");
        // Direct formulas on the samples (unbiased variance / n for the standard errors). The sums 4.5 and 1.5 over
        // 3: exact in binary.
        assertArrayEquals(new double[] {1.5, 0.5}, r.snapshotMean(), 0);
        double[] x0 = {1, 3, 0.5};
        assertEquals(Math.sqrt(sampleVariance(x0) / n), r.snapshotMeanStderr()[0], stderrTolerance(x0, 0));
        double[] m1 = {0.4, -0.2, 0.3};
        assertEquals(Math.sqrt(sampleVariance(m1) / n), r.timeMeanStderr()[1], stderrTolerance(m1, 0));
        // Covariance of the snapshot (1/N normalisation): E[X0 X1] − E[X0]E[X1] = −0.25 − 0.75, every step exact.
        double exy = (1 * 2 + 3 * -1 + 0.25) / 3.0;
        assertEquals(exy - 1.5 * 0.5, r.snapshotCovariance()[1], 0);
        assertEquals(r.snapshotCovariance()[1], r.snapshotCovariance()[2], 0, "the same operations on (1, 0) and (0, 1)");
        // E[S00] − E[M0]²: the sums, quotients and products here and in the library are a few roundings of the
        // terms (γ_6 of E[S00] + E[M0]², the terms the subtraction cancels).
        double es = (1 + 3 + 0.25) / 3.0;
        double mean0 = 0.9 / 3;
        assertEquals(es - mean0 * mean0, r.timeCovariance()[0], ErrorBounds.gamma(6, DType.F64) * (es + mean0 * mean0));
        double emm = (0.04 + 0.36 + 0.01) / 3.0;
        assertEquals(emm - 0.09, r.timeMeanCovariance()[0], ErrorBounds.gamma(6, DType.F64) * (emm + 0.09));
        // The stderr of a covariance entry is the standard error of the mean of w (its shift by c cancels). The
        // library forms mean(w) from the sums as (Σs − c_0·Σm_1 − Σm_0·c_1)/n: γ_4 of those terms' sizes.
        double[] w01 = new double[n];
        double wTerms = 0;
        for (int t = 0; t < n; t++) {
            w01[t] = s[t][0][1] - centreTime[0] * m[t][1] - m[t][0] * centreTime[1];
            wTerms += Math.abs(s[t][0][1]) + Math.abs(centreTime[0] * m[t][1]) + Math.abs(m[t][0] * centreTime[1]);
        }
        double meanError = ErrorBounds.gamma(4, DType.F64) * wTerms / n;
        assertEquals(Math.sqrt(sampleVariance(w01) / n), r.timeCovarianceStderr()[1], stderrTolerance(w01, meanError));
        ResetSimulation meansOnly = CudaResetSimulator.estimates(java.util.Arrays.copyOf(sums, 4 * d), d, n, false, 7, 1);
        assertNull(meansOnly.snapshotCovariance());
        assertArrayEquals(r.timeMean(), meansOnly.timeMean(), 0);
    }

    /**
     * How far the library's sqrt((Σv²/N − m²)/(N − 1)) may be from sqrt(sampleVariance/N) on the same samples: the
     * one-pass variance rounds by γ_4 of E[v²] + m² (the terms it cancels) and moves by 2|m|·meanError when its mean
     * is off by meanError; the two-pass reference by γ_(2N+2) of the variance; a square root halves a relative error
     * and adds ½ ulp, the divisions one rounding each.
     */
    private static double stderrTolerance(double[] v, double meanError) {
        int n = v.length;
        double m = 0;
        double e2 = 0;
        for (double x : v) {
            m += x / n;
            e2 += x * x / n;
        }
        double variance = e2 - m * m;
        double varianceError = ErrorBounds.gamma(4, DType.F64) * (e2 + m * m) + 2 * Math.abs(m) * meanError
                + ErrorBounds.gamma(2 * n + 2, DType.F64) * variance;
        double se = Math.sqrt(sampleVariance(v) / n);
        return se * (varianceError / variance / 2 + ErrorBounds.gamma(4, DType.F64));
    }

    private static double sampleVariance(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / (v.length - 1);
    }

    @Test
    void exponentialResettingMeansMatchTheClosedForm() {
        requireGpu();
        double rate = 1.0;
        long n = 200_000;
        ResetSimulation r = BACKEND.resetSimulation().simulate(config(RenewalLaw.exponential(rate), n, 11,
                Scheme.EXACT, false));
        // Two means per coordinate and the event count.
        double z = ErrorBounds.standardErrors(1e-3, 2 * MU.length + 1);
        for (int k = 0; k < MU.length; k++) {
            double mean = TARGET[k] * MU[k] / (MU[k] + rate);
            assertWithin("snapshot mean " + k, r.snapshotMean()[k], mean, r.snapshotMeanStderr()[k], z);
            assertWithin("time mean " + k, r.timeMean()[k], mean, r.timeMeanStderr()[k], z);
        }
        // Stationary Poisson resets: segments per trajectory = 1 + Poisson(rT), mean 11, variance 10.
        assertWithin("events per trajectory", (double) r.events() / n, 1 + 10 * rate, Math.sqrt(10.0 / n), z);
    }

    @Test
    void reproducibleForASeedAndDifferentForAnother() {
        requireGpu();
        ResetSimulationConfig c = config(RenewalLaw.gamma(2, 0.5), 50_000, 3, Scheme.EXACT, true);
        ResetSimulation a = BACKEND.resetSimulation().simulate(c);
        ResetSimulation b = BACKEND.resetSimulation().simulate(c);
        // Reproducible for a seed (docs/resetting-simulator.md): the same bits.
        assertArrayEquals(a.snapshotMean(), b.snapshotMean(), 0);
        assertArrayEquals(a.timeCovariance(), b.timeCovariance(), 0);
        assertEquals(a.events(), b.events());
        ResetSimulation other = BACKEND.resetSimulation().simulate(config(RenewalLaw.gamma(2, 0.5), 50_000, 4,
                Scheme.EXACT, true));
        assertFalse(java.util.Arrays.equals(a.snapshotMean(), other.snapshotMean()));
    }

    @Test
    void theCovariancePassAgreesWithTheMeanPass() {
        requireGpu();
        long n = 30_000;
        ResetSimulation r = BACKEND.resetSimulation().simulate(config(RenewalLaw.lognormal(0, 0.5), n, 5,
                Scheme.EXACT, true));
        int d = MU.length;
        // Both passes simulate the same trajectories, so Var from the mean pass equals the covariance diagonal but
        // for the order of their sums: Σx² over n trajectories in any order within γ_n of Σx² (Higham §4.2), once
        // per pass; each trajectory's state within a few roundings of its terms in either kernel (γ_64, far below);
        // then E[x²] − m² and the standard error's square round a few times (γ_6 of the variance).
        double sums = 2 * (ErrorBounds.gamma((int) n, DType.F64) + ErrorBounds.gamma(64, DType.F64));
        for (int k = 0; k < d; k++) {
            double variance = r.snapshotMeanStderr()[k] * r.snapshotMeanStderr()[k] * (n - 1);
            double ex2 = variance + r.snapshotMean()[k] * r.snapshotMean()[k];
            assertEquals(variance, r.snapshotCovariance()[k * d + k],
                    sums * ex2 + ErrorBounds.gamma(6, DType.F64) * variance, "k = " + k);
            double timeVariance = r.timeMeanStderr()[k] * r.timeMeanStderr()[k] * (n - 1);
            double tx2 = timeVariance + r.timeMean()[k] * r.timeMean()[k];
            assertEquals(timeVariance, r.timeMeanCovariance()[k * d + k],
                    sums * tx2 + ErrorBounds.gamma(6, DType.F64) * timeVariance, "k = " + k);
            for (int j = 0; j < d; j++) {
                assertEquals(r.timeCovariance()[k * d + j], r.timeCovariance()[j * d + k], 0, "symmetric by construction");
            }
        }
    }

    @Test
    void statisticallyEqualToTheJavaReference() {
        requireGpu();
        Backend java = Backends.select("java");
        List<ResetSimulationConfig> configs = new ArrayList<>();
        configs.add(config(RenewalLaw.exponential(2), 40_000, 21, Scheme.EXACT, true));
        configs.add(config(RenewalLaw.gamma(0.5, 2), 40_000, 22, Scheme.EXACT, false));
        configs.add(config(RenewalLaw.deterministic(1), 40_000, 23, Scheme.EXACT, false));
        configs.add(config(RenewalLaw.lognormal(0, 0.8), 40_000, 24, Scheme.EXACT, false));
        configs.add(config(RenewalLaw.lomax(1, 3.5), 40_000, 25, Scheme.EXACT, false));
        configs.add(config(RenewalLaw.pareto(1, 2.5), 40_000, 26, Scheme.EXACT, false));
        configs.add(config(RenewalLaw.empirical(0.2, 0.5, 0.5, 1.0, 3.0), 40_000, 27, Scheme.EXACT, false));
        configs.add(config(RenewalLaw.uniform(0.5, 1.5), 4_000, 28, Scheme.EULER, false));
        // Per config: 2 means per coordinate, 2d² covariance entries when covariances are on, the event count.
        int comparisons = 0;
        for (ResetSimulationConfig c : configs) {
            comparisons += 2 * c.dimension() + (c.covariance() ? 2 * c.dimension() * c.dimension() : 0) + 1;
        }
        double z = ErrorBounds.standardErrors(1e-3, comparisons);
        for (ResetSimulationConfig c : configs) {
            ResetSimulation reference = java.resetSimulation().simulate(c);
            RenewalLaw renewal = (RenewalLaw) c.law();
            ResetSimulation gpu = BACKEND.resetSimulation().simulate(c);
            String law = renewal.spec() + " " + c.scheme();
            for (int k = 0; k < c.dimension(); k++) {
                assertWithin(law + " snapshot mean " + k, gpu.snapshotMean()[k], reference.snapshotMean()[k],
                        combined(gpu.snapshotMeanStderr()[k], reference.snapshotMeanStderr()[k]), z);
                assertWithin(law + " time mean " + k, gpu.timeMean()[k], reference.timeMean()[k],
                        combined(gpu.timeMeanStderr()[k], reference.timeMeanStderr()[k]), z);
            }
            if (c.covariance()) {
                for (int ij = 0; ij < c.dimension() * c.dimension(); ij++) {
                    assertWithin(law + " snapshot covariance " + ij, gpu.snapshotCovariance()[ij],
                            reference.snapshotCovariance()[ij],
                            combined(gpu.snapshotCovarianceStderr()[ij], reference.snapshotCovarianceStderr()[ij]), z);
                    assertWithin(law + " time covariance " + ij, gpu.timeCovariance()[ij],
                            reference.timeCovariance()[ij],
                            combined(gpu.timeCovarianceStderr()[ij], reference.timeCovarianceStderr()[ij]), z);
                }
            }
            // Segments per trajectory (mean 1 + T/E[τ]): both sample the same clock law. A renewal count's variance
            // is about CV²·T/E[τ] (CV² of τ at most 2.3 here: Lomax α = 3.5, α/(α − 2)); 4(1 + T/E[τ]) bounds it,
            // and the difference of two independent counts has twice that: z of its standard error.
            double segments = 1 + c.horizon() / renewal.mean();
            assertEquals((double) reference.events() / c.trajectories(), (double) gpu.events() / c.trajectories(),
                    z * Math.sqrt(2 * 4 * segments / c.trajectories()), law + " events per trajectory");
        }
    }

    private static double combined(double a, double b) {
        return Math.sqrt(a * a + b * b);
    }

    /** Within z standard errors; every one here is positive (σ &gt; 0, every μ &gt; 0), so no absolute floor. */
    private static void assertWithin(String what, double got, double want, double se, double z) {
        assertTrue(se > 0, what + ": standard error " + se);
        assertTrue(Math.abs(got - want) <= z * se,
                what + ": " + got + " vs " + want + " (" + Math.abs(got - want) / se + " standard errors)");
    }
}
