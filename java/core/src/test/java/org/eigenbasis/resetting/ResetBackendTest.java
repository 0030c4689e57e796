package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.junit.jupiter.api.Test;

/** The backend overloads: java, the default and every other available backend give the same moments. */
class ResetBackendTest {

    private static List<Backend> available() {
        List<Backend> out = new ArrayList<>();
        for (Backend b : Backends.all()) {
            if (b.availability().available()) {
                out.add(b);
            }
        }
        return out;
    }

    private static double[] flat(BatchedMatrix m, int b) {
        double[][] a = m.toArray(b);
        double[] v = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i][0];
        }
        return v;
    }

    @Test
    void stationaryMeanAgreesAcrossBackends() {
        Random rnd = new Random(41);
        int n = 30;
        int d = 8;
        double[][] x = Reference.randomMatrix(rnd, n, d);
        double[] y = Reference.randomVector(rnd, n);
        double[] theta0 = Reference.randomVector(rnd, d);
        for (RenewalLaw law : List.of(RenewalLaw.exponential(0.3), RenewalLaw.deterministic(2), RenewalLaw.weibull(0.8, 1))) {
            double[] java = StationaryMean.of(x, y, theta0, law, "java");
            double[] byDefault = StationaryMean.of(x, y, theta0, law, Backends.defaultBackend());
            assertArrayEquals(StationaryMean.of(x, y, theta0, law), byDefault, 0, "null backend is the default");
            assertTrue(Reference.maxRelDiff(java, byDefault) < 1e-11, law.spec() + ": java vs "
                    + Backends.defaultBackend().name() + " " + Reference.maxRelDiff(java, byDefault));
            for (Backend b : available()) {
                double[] other = StationaryMean.of(x, y, theta0, law, b);
                assertTrue(Reference.maxRelDiff(java, other) < 1e-11, law.spec() + ": java vs " + b.name());
            }
        }
    }

    @Test
    void batchedStationaryMeanAgreesAcrossBackends() {
        Random rnd = new Random(42);
        int batch = 4;
        int n = 25;
        int d = 6;
        double[][][] xs = new double[batch][][];
        double[][][] ys = new double[batch][n][1];
        for (int b = 0; b < batch; b++) {
            xs[b] = Reference.randomMatrix(rnd, n, d);
            for (int i = 0; i < n; i++) {
                ys[b][i][0] = rnd.nextGaussian();
            }
        }
        RenewalLaw law = RenewalLaw.gamma(2.5, 0.4);
        try (BatchedMatrix x = BatchedMatrix.of(xs); BatchedMatrix y = BatchedMatrix.of(ys);
                BatchedMatrix java = StationaryMean.of(x, y, law, "java");
                BatchedMatrix byDefault = StationaryMean.of(x, y, law, (Backend) null)) {
            for (int b = 0; b < batch; b++) {
                assertTrue(Reference.maxRelDiff(flat(java, b), flat(byDefault, b)) < 1e-11, "item " + b);
                double[] yb = new double[n];
                for (int i = 0; i < n; i++) {
                    yb[i] = ys[b][i][0];
                }
                double[] single = StationaryMean.of(xs[b], yb, new double[d], law, "java");
                assertTrue(Reference.maxRelDiff(flat(java, b), single) < 1e-12, "batch item " + b + " vs single");
            }
        }
    }

    @Test
    void ouMomentsAgreeAcrossBackends() {
        Random rnd = new Random(43);
        int d = 9;
        double[][] x = Reference.randomMatrix(rnd, 3 * d, d);
        double[][] h = Reference.gram(x);
        double[] thetaStar = Reference.randomVector(rnd, d);
        double[] theta0 = Reference.randomVector(rnd, d);
        for (RenewalLaw law : List.of(RenewalLaw.exponential(0.5), RenewalLaw.uniform(0.2, 1), RenewalLaw.lognormal(0, 1))) {
            OuResetMoments java = OuResetMoments.stationary(h, thetaStar, theta0, 0.3, law, "java");
            List<Backend> others = new ArrayList<>(available());
            others.add(Backends.defaultBackend());
            for (Backend b : others) {
                OuResetMoments other = OuResetMoments.stationary(h, thetaStar, theta0, 0.3, law, b);
                assertTrue(Reference.maxRelDiff(java.mean(), other.mean()) < 1e-11, law.spec() + " mean: " + b.name());
                double scale = Reference.maxAbs(java.covariance());
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        assertEquals(java.covariance()[i][j], other.covariance()[i][j], 1e-11 * scale,
                                law.spec() + " C[" + i + "][" + j + "]: java vs " + b.name());
                    }
                }
            }
        }
    }

    @Test
    void badBackendIsRefused() {
        double[][] x = {{1, 0}, {0, 2}};
        double[] y = {1, 1};
        RenewalLaw law = RenewalLaw.exponential(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StationaryMean.of(x, y, new double[2], law, "no-such-backend"));
        assertTrue(e.getMessage().startsWith("backend:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StationaryMean.of(x, y, new double[2], law, (String) null));
        assertTrue(e.getMessage().startsWith("backend:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OuResetMoments.stationary(x, new double[2], new double[2], 0,
                law, "no-such-backend"));
        assertTrue(e.getMessage().startsWith("backend:"), e.getMessage());
    }
}
