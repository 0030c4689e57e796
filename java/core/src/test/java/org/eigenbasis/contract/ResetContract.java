package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.resetting.OuResetMoments;
import org.eigenbasis.resetting.Reference;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetFilter;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.resetting.SimulationOptions;
import org.eigenbasis.resetting.StationaryMean;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.ResetSimulation;
import org.junit.jupiter.api.Test;

/**
 * The resetting entry points that take a backend, on the backend under test against the java backend (the
 * reference): {@link StationaryMean#of} (single and batched) and {@link OuResetMoments#stationary} run only their
 * eigendecomposition on the backend, so means and covariances agree within what two eigendecompositions inside
 * {@link org.eigenbasis.verify.Accuracy}'s limits allow through the moments' slopes
 * ({@link Reference#twoDecompositions}), plus twice the filter's and M's documented accuracies (the same java code
 * evaluates them at slightly different eigenvalues); {@link ResetSimulator#simulate} also runs its trajectories
 * there, so its θ-space estimates agree within z combined standard errors, z for a false alarm of 1e-3 shared by
 * the comparisons (bit-identity of java and cpu in eigen-coordinates is the cpu simulator's own test).
 * Independent of any backend: exponential resetting is ridge, solved by Cholesky.
 */
public abstract class ResetContract extends BackendContract {
    private final Backend reference = new JavaBackend();

    /** Xᵀy − Hθ₀, the vector the stationary mean's gain F(H) is applied to. */
    private static double[] gradient(double[][] x, double[] y, double[] theta0) {
        double[][] h = Reference.gram(x);
        double[] r = Reference.xty(x, y);
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < r.length; j++) {
                r[i] -= h[i][j] * theta0[j];
            }
        }
        return r;
    }

    /** Two stationary means θ₀ + F(H)r on two eigendecompositions, F = h/μ evaluated to the filter's accuracy each. */
    private static double meanTolerance(double[][] x, double[] r, RenewalLaw law) {
        double[][] h = Reference.gram(x);
        double[] gain = Reference.gainBounds(ResetFilter.of(law), Reference.jacobiEigenvalues(h)[0]);
        double rNorm = Reference.norm2(r);
        return Reference.twoDecompositions(h, gain[0], gain[1], rNorm) + 2 * Reference.filterAccuracy(law) * gain[1] * rNorm;
    }

    @Test
    void stationaryMeanAgreesWithTheJavaReference() {
        Random rnd = new Random(41);
        double[][] x = Reference.randomMatrix(rnd, 30, 8);
        double[] y = Reference.randomVector(rnd, 30);
        double[] theta0 = Reference.randomVector(rnd, 8);
        for (RenewalLaw law : List.of(RenewalLaw.exponential(0.3), RenewalLaw.deterministic(2), RenewalLaw.weibull(0.8, 1))) {
            double[] expected = StationaryMean.of(x, y, theta0, law, reference);
            double[] actual = StationaryMean.of(x, y, theta0, law, backend());
            double tol = meanTolerance(x, gradient(x, y, theta0), law);
            assertTrue(Reference.maxAbsDiff(actual, expected) <= tol, law.spec() + ": " + backend().name()
                    + " vs java " + Reference.maxAbsDiff(actual, expected) + " > " + tol);
        }
    }

    @Test
    void batchedStationaryMeanAgreesWithTheJavaReferenceAndWithSingleCalls() {
        Random rnd = new Random(42);
        int batch = 4;
        int n = 25;
        int d = 6;
        Reference.RegressionBatch data = Reference.RegressionBatch.random(rnd, batch, n, d);
        RenewalLaw law = RenewalLaw.gamma(2.5, 0.4);
        try (BatchedMatrix x = BatchedMatrix.of(data.x()); BatchedMatrix y = BatchedMatrix.of(data.y());
                BatchedMatrix expected = StationaryMean.of(x, y, law, reference);
                BatchedMatrix actual = StationaryMean.of(x, y, law, backend())) {
            for (int b = 0; b < batch; b++) {
                double tol = meanTolerance(data.x()[b], gradient(data.x()[b], data.yOf(b), new double[d]), law);
                double diff = Reference.maxAbsDiff(column(actual, b), column(expected, b));
                assertTrue(diff <= tol, "item " + b + ": " + backend().name() + " vs java " + diff + " > " + tol);
                double[] single = StationaryMean.of(data.x()[b], data.yOf(b), new double[d], law, backend());
                assertTrue(Reference.maxAbsDiff(column(actual, b), single) <= tol, "batch item " + b + " vs single");
            }
        }
    }

    @Test
    void ouMomentsAgreeWithTheJavaReference() {
        Random rnd = new Random(43);
        int d = 9;
        double[][] h = Reference.gram(Reference.randomMatrix(rnd, 3 * d, d));
        double[] thetaStar = Reference.randomVector(rnd, d);
        double[] theta0 = Reference.randomVector(rnd, d);
        double sigma = 0.3;
        double[] delta = new double[d];
        for (int i = 0; i < d; i++) {
            delta[i] = thetaStar[i] - theta0[i];
        }
        double deltaNorm = Reference.norm2(delta);
        for (RenewalLaw law : List.of(RenewalLaw.exponential(0.5), RenewalLaw.uniform(0.2, 1), RenewalLaw.lognormal(0, 1))) {
            OuResetMoments expected = OuResetMoments.stationary(h, thetaStar, theta0, sigma, law, reference);
            OuResetMoments actual = OuResetMoments.stationary(h, thetaStar, theta0, sigma, law, backend());
            // The mean θ₀ + h(H)δ: h concave, slope ≤ F(μ_min), size ≤ 1, to the filter's accuracy on each side.
            ResetFilter f = ResetFilter.of(law);
            double muMin = Reference.jacobiEigenvalues(h)[0];
            double meanTol = Reference.twoDecompositions(h, f.hOverMu(muMin), 1, deltaNorm)
                    + 2 * Reference.filterAccuracy(law) * Math.sqrt(d) * deltaNorm;
            double diff = Reference.maxAbsDiff(actual.mean(), expected.mean());
            assertTrue(diff <= meanTol, law.spec() + " mean: " + backend().name() + " vs java " + diff + " > " + meanTol);
            // The covariance: slopes and size as Reference.covarianceBounds; Σ to M's accuracy δ_M on each side
            // (‖δ_M·(|a||a|ᵀ)∘M‖_F ≤ δ_M‖δ‖²/4) and the noise term to the filter's.
            double[] cb = Reference.covarianceBounds(f, muMin, sigma, deltaNorm * deltaNorm);
            double covTol = Reference.twoDecompositions(h, cb[0], cb[1], 1) + 2 * (Reference.clockAccuracy(law)
                    * deltaNorm * deltaNorm / 4 + Reference.filterAccuracy(law) * sigma * sigma * f.meanAge());
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(expected.covariance()[i][j], actual.covariance()[i][j], covTol,
                            law.spec() + " C[" + i + "][" + j + "]: " + backend().name() + " vs java");
                }
            }
        }
    }

    @Test
    void exponentialResettingIsRidge() {
        // Reset at rate r to θ₀: θ̄ = θ₀ + (H + rI)⁻¹(Xᵀy − Hθ₀), a Cholesky solve that no backend takes part in.
        Random rnd = new Random(44);
        int d = 7;
        double[][] x = Reference.randomMatrix(rnd, 20, d);
        double[] y = Reference.randomVector(rnd, 20);
        double[] theta0 = Reference.randomVector(rnd, d);
        double[][] h = Reference.gram(x);
        double[] rhs = Reference.xty(x, y);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                rhs[i] -= h[i][j] * theta0[j];
            }
        }
        double rate = 0.7;
        double[] ridge = Reference.plusDiagonalSolve(h, rate, rhs);
        for (int i = 0; i < d; i++) {
            ridge[i] += theta0[i];
        }
        double[] mean = StationaryMean.of(x, y, theta0, RenewalLaw.exponential(rate), backend());
        // The same H and Xᵀy (summed in the same order); Hθ₀ subtracted term by term here and as one sum in the
        // library, 2γ_(d+1)·(|H||θ₀|)_i apart; θ₀ added back on both sides (½ ulp each).
        double rhsRounding = 0;
        double theta0Max = 0;
        for (int i = 0; i < d; i++) {
            double ht = 0;
            for (int j = 0; j < d; j++) {
                ht += Math.abs(h[i][j] * theta0[j]);
            }
            rhsRounding += Math.pow(2 * ErrorBounds.gamma(d + 1, DType.F64) * ht, 2);
            theta0Max = Math.max(theta0Max, Math.abs(theta0[i]));
        }
        double tol = Reference.ridgeTolerance(h, rate, Reference.norm2(rhs), Math.sqrt(rhsRounding))
                + ErrorBounds.ulps(theta0Max, 2);
        assertTrue(Reference.maxAbsDiff(mean, ridge) <= tol, "StationaryMean vs ridge " + Reference.maxAbsDiff(mean, ridge));
    }

    @Test
    void simulatorAgreesWithTheJavaReference() {
        Random rnd = new Random(45);
        int d = 3;
        double[][] h = Reference.gram(Reference.randomMatrix(rnd, 12, d));
        double[] thetaStar = Reference.randomVector(rnd, d);
        double[] theta0 = Reference.randomVector(rnd, d);
        RenewalLaw law = RenewalLaw.gamma(2, 0.5);
        SimulationOptions options = SimulationOptions.exact(10 * law.mean(), 20_000, 7, true);
        ResetSimulation expected = ResetSimulator.simulate(h, thetaStar, theta0, 0.4, law, options, reference);
        ResetSimulation actual = ResetSimulator.simulate(h, thetaStar, theta0, 0.4, law, options, backend());
        assertEquals(expected.trajectories(), actual.trajectories());
        // d time means, d snapshot means, d² time covariance entries.
        double z = ErrorBounds.standardErrors(1e-3, 2 * d + d * d);
        assertWithin(z, "time mean", actual.timeMean(), actual.timeMeanStderr(), expected.timeMean(),
                expected.timeMeanStderr());
        assertWithin(z, "snapshot mean", actual.snapshotMean(), actual.snapshotMeanStderr(), expected.snapshotMean(),
                expected.snapshotMeanStderr());
        assertWithin(z, "time covariance", actual.timeCovariance(), actual.timeCovarianceStderr(),
                expected.timeCovariance(), expected.timeCovarianceStderr());
    }

    /**
     * Independent runs (cuda's streams) differ by the combined standard error; runs of the same trajectories (java
     * and cpu, bit-identical in eigen-coordinates) only by their eigendecompositions, far below it. Every standard
     * error here is positive (σ &gt; 0), so no absolute floor is needed.
     */
    private void assertWithin(double z, String what, double[] actual, double[] actualSe, double[] expected,
            double[] expectedSe) {
        assertEquals(expected.length, actual.length, what);
        for (int k = 0; k < expected.length; k++) {
            double se = Math.hypot(actualSe[k], expectedSe[k]);
            assertTrue(se > 0, what + " " + k + ": standard error " + se);
            assertTrue(Math.abs(actual[k] - expected[k]) <= z * se, what + " " + k + ": " + backend().name()
                    + " " + actual[k] + " vs java " + expected[k] + " (combined SE " + se + ")");
        }
    }

    private static double[] column(BatchedMatrix m, int b) {
        double[][] a = m.toArray(b);
        double[] v = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i][0];
        }
        return v;
    }
}
