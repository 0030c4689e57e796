package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.resetting.OuResetMoments;
import org.eigenbasis.resetting.Reference;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.resetting.SimulationOptions;
import org.eigenbasis.resetting.StationaryMean;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.ResetSimulation;
import org.junit.jupiter.api.Test;

/**
 * The resetting entry points that take a backend, on the backend under test against the java backend (the
 * reference): {@link StationaryMean#of} (single and batched) and {@link OuResetMoments#stationary} run only their
 * eigendecomposition on the backend, so means and covariances agree within 1e-11 relative (the eigensolvers'
 * backward error on well-conditioned H); {@link ResetSimulator#simulate} also runs its trajectories there, so its
 * θ-space estimates agree within 5 combined standard errors (bit-identity of java and cpu in eigen-coordinates is
 * the cpu simulator's own test). Independent of any backend: exponential resetting is ridge, solved by Cholesky.
 */
public abstract class ResetContract extends BackendContract {
    private static final double TOLERANCE = 1e-11;
    private final Backend reference = new JavaBackend();

    @Test
    void stationaryMeanAgreesWithTheJavaReference() {
        Random rnd = new Random(41);
        double[][] x = Reference.randomMatrix(rnd, 30, 8);
        double[] y = Reference.randomVector(rnd, 30);
        double[] theta0 = Reference.randomVector(rnd, 8);
        for (RenewalLaw law : List.of(RenewalLaw.exponential(0.3), RenewalLaw.deterministic(2), RenewalLaw.weibull(0.8, 1))) {
            double[] expected = StationaryMean.of(x, y, theta0, law, reference);
            double[] actual = StationaryMean.of(x, y, theta0, law, backend());
            assertTrue(Reference.maxRelDiff(actual, expected) < TOLERANCE, law.spec() + ": " + backend().name()
                    + " vs java " + Reference.maxRelDiff(actual, expected));
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
                double diff = Reference.maxRelDiff(column(actual, b), column(expected, b));
                assertTrue(diff < TOLERANCE, "item " + b + ": " + backend().name() + " vs java " + diff);
                double[] single = StationaryMean.of(data.x()[b], data.yOf(b), new double[d], law, backend());
                assertTrue(Reference.maxRelDiff(column(actual, b), single) < TOLERANCE, "batch item " + b + " vs single");
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
        for (RenewalLaw law : List.of(RenewalLaw.exponential(0.5), RenewalLaw.uniform(0.2, 1), RenewalLaw.lognormal(0, 1))) {
            OuResetMoments expected = OuResetMoments.stationary(h, thetaStar, theta0, 0.3, law, reference);
            OuResetMoments actual = OuResetMoments.stationary(h, thetaStar, theta0, 0.3, law, backend());
            double diff = Reference.maxRelDiff(actual.mean(), expected.mean());
            assertTrue(diff < TOLERANCE, law.spec() + " mean: " + backend().name() + " vs java " + diff);
            double scale = Reference.maxAbs(expected.covariance());
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(expected.covariance()[i][j], actual.covariance()[i][j], TOLERANCE * scale,
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
        assertTrue(Reference.maxRelDiff(mean, ridge) < TOLERANCE, "StationaryMean vs ridge " + Reference.maxRelDiff(mean, ridge));
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
        assertWithin("time mean", actual.timeMean(), actual.timeMeanStderr(), expected.timeMean(),
                expected.timeMeanStderr());
        assertWithin("snapshot mean", actual.snapshotMean(), actual.snapshotMeanStderr(), expected.snapshotMean(),
                expected.snapshotMeanStderr());
        assertWithin("time covariance", actual.timeCovariance(), actual.timeCovarianceStderr(),
                expected.timeCovariance(), expected.timeCovarianceStderr());
    }

    private void assertWithin(String what, double[] actual, double[] actualSe, double[] expected, double[] expectedSe) {
        assertEquals(expected.length, actual.length, what);
        for (int k = 0; k < expected.length; k++) {
            double se = Math.hypot(actualSe[k], expectedSe[k]);
            assertTrue(Math.abs(actual[k] - expected[k]) <= 5 * se + 1e-12, what + " " + k + ": " + backend().name()
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
