package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * Every rung built from layer factors equals its explicit definition (loops in {@link FactorFixtures}); damped
 * inverses solve their systems; and the exactness cases of the issue hold: on one example with one output vector
 * K-FAC = EK-FAC = block-GGN. Tolerances: an eigendecomposition-based reconstruction is backward stable, so its
 * entries sit within LAPACK's threshold × n × ε × ‖C‖ ({@link ErrorBounds#threshold}); a damped solve within that
 * times the condition number (λ_max + δ)/(λ_min + δ).
 */
class CurvatureLadderTest {
    private static final Backend JAVA = Backends.select("java");
    private static final int[] DIMS = {3, 4, 2};

    private static void assertClose(double[][] expected, double[] actual, double tol, String what) {
        int p = expected.length;
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                double e = expected[i][j];
                double a = actual[i * p + j];
                if (Math.abs(e - a) > tol) {
                    throw new AssertionError(what + "[" + i + "][" + j + "]: expected " + e + ", got " + a + " (tol " + tol + ")");
                }
            }
        }
    }

    private static double tol(double[][] m) {
        int p = m.length;
        return ErrorBounds.threshold(1, p, DType.F64, p * FactorFixtures.maxAbs(m));
    }

    @Test
    void ggnEqualsTheMeanOfFactorRowOuterProducts() {
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 7, 3, 1);
        double[][] expected = FactorFixtures.ggn(layers);
        Curvature c = Curvatures.fromFactors(CurvatureKind.GGN, layers, JAVA);
        assertEquals(FactorFixtures.parameters(layers), c.dimension());
        assertClose(expected, c.dense(), tol(expected), "ggn");
    }

    @Test
    void blockGgnKeepsExactlyTheTensorBlocks() {
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 6, 2, 2);
        double[][] expected = FactorFixtures.blockDiagonal(FactorFixtures.ggn(layers), FactorFixtures.tensors(layers));
        Curvature c = Curvatures.fromFactors(CurvatureKind.BLOCK_GGN, layers, JAVA);
        assertClose(expected, c.dense(), tol(expected), "block-ggn");
    }

    @Test
    void kfacIsTheKroneckerProductOfItsFactors() {
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 9, 2, 3);
        double[][] expected = FactorFixtures.kfac(layers);
        Curvature c = Curvatures.fromFactors(CurvatureKind.KFAC, layers, JAVA);
        assertClose(expected, c.dense(), tol(expected), "kfac");
    }

    @Test
    void ekfacEigenvaluesAreTheGgnDiagonalInTheKfacBasis() {
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 8, 3, 4);
        Curvature kfac = Curvatures.fromFactors(CurvatureKind.KFAC, layers, JAVA);
        Curvature ekfac = Curvatures.fromFactors(CurvatureKind.EKFAC, layers, JAVA);
        double[][] ggn = FactorFixtures.ggn(layers);
        int p = ggn.length;
        // Columns of the K-FAC eigenbasis: rotate the identity's rows back from eigen coordinates.
        double[] eye = new double[p * p];
        for (int j = 0; j < p; j++) {
            eye[j * p + j] = 1;
        }
        double[] basis = kfac.fromEigenbasis(eye, p);        // row j = q_j (coordinate j's basis vector)
        double[] lambda = ekfac.eigenvalues();
        double tol = tol(ggn);
        for (int j = 0; j < p; j++) {
            double q = 0;
            for (int x = 0; x < p; x++) {
                for (int y = 0; y < p; y++) {
                    q += basis[j * p + x] * ggn[x][y] * basis[j * p + y];
                }
            }
            // q_j lies inside one tensor block, so q_jᵀ GGN q_j only sees that block
            assertEquals(q, lambda[j], tol, "ekfac eigenvalue " + j);
        }
    }

    @Test
    void oneExampleWithOneOutputVectorMakesKfacEkfacAndBlockGgnEqual() {
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 1, 1, 5);
        double[] block = Curvatures.fromFactors(CurvatureKind.BLOCK_GGN, layers, JAVA).dense();
        double[] kfac = Curvatures.fromFactors(CurvatureKind.KFAC, layers, JAVA).dense();
        double[] ekfac = Curvatures.fromFactors(CurvatureKind.EKFAC, layers, JAVA).dense();
        double[][] expected = FactorFixtures.blockDiagonal(FactorFixtures.ggn(layers), FactorFixtures.tensors(layers));
        double t = tol(expected);
        assertClose(expected, block, t, "block-ggn");
        assertClose(expected, kfac, t, "kfac");
        assertClose(expected, ekfac, t, "ekfac");
    }

    @Test
    void dampedInversesSolveTheirSystems() {
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 10, 2, 6);
        int p = FactorFixtures.parameters(layers);
        double delta = 0.3;
        java.util.Random r = new java.util.Random(7);
        double[] v = new double[2 * p];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        for (CurvatureKind kind : List.of(CurvatureKind.GGN, CurvatureKind.BLOCK_GGN, CurvatureKind.KFAC, CurvatureKind.EKFAC)) {
            Curvature c = Curvatures.fromFactors(kind, layers, JAVA);
            double[][] dense = new double[p][p];
            double[] d = c.dense();
            for (int i = 0; i < p; i++) {
                System.arraycopy(d, i * p, dense[i], 0, p);
            }
            double[] lambda = c.eigenvalues();
            double max = 0;
            for (double l : lambda) {
                max = Math.max(max, l);
            }
            double condition = (max + delta) / delta;
            double[] x = c.applyInverse(v, 2, Damping.of(delta));
            for (int row = 0; row < 2; row++) {
                double[] b = java.util.Arrays.copyOfRange(v, row * p, row * p + p);
                double[] expected = FactorFixtures.solve(dense, delta, b);
                double scale = 0;
                for (double e : expected) {
                    scale = Math.max(scale, Math.abs(e));
                }
                double tol = ErrorBounds.threshold(condition, p, DType.F64, scale);
                for (int i = 0; i < p; i++) {
                    assertEquals(expected[i], x[row * p + i], tol, kind.cliName() + " row " + row + " entry " + i);
                }
            }
        }
    }

    @Test
    void theFloorDropsFlatDirectionsInsteadOfAmplifyingThem() {
        // One example, one vector: the GGN has rank 1, so with δ = 0 all but one direction fall under the floor.
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 1, 1, 8);
        Curvature c = Curvatures.fromFactors(CurvatureKind.GGN, layers, JAVA);
        double[] w = c.inverseWeights(Damping.of(0));
        int kept = 0;
        for (double x : w) {
            kept += x != 0 ? 1 : 0;
            assertTrue(Double.isFinite(x));
        }
        assertEquals(1, kept);
    }

    @Test
    void diagnosticsSeparateTheDecompositionSteps() {
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 5, 2, 9);
        Map<CurvatureKind, Curvature> rungs = new java.util.LinkedHashMap<>();
        for (CurvatureKind k : List.of(CurvatureKind.GGN, CurvatureKind.BLOCK_GGN, CurvatureKind.EKFAC, CurvatureKind.KFAC)) {
            rungs.put(k, Curvatures.fromFactors(k, layers, JAVA));
        }
        Map<String, Double> d = CurvatureDiagnostics.ladder(rungs);
        double[][] ggn = FactorFixtures.ggn(layers);
        double[][] block = FactorFixtures.blockDiagonal(ggn, FactorFixtures.tensors(layers));
        double offBlock = 0;
        for (int i = 0; i < ggn.length; i++) {
            for (int j = 0; j < ggn.length; j++) {
                offBlock += Math.pow(ggn[i][j] - block[i][j], 2);
            }
        }
        double expected = Math.sqrt(offBlock) / FactorFixtures.frobenius(ggn);
        assertEquals(expected, d.get("block (ggn -> block-ggn)"), 1e-10);
        assertEquals(d.get("block-ggn vs ggn"), d.get("block (ggn -> block-ggn)"), 1e-12);
        assertTrue(d.get("eigenvalues (ekfac -> kfac)") > 0);
        // EK-FAC is the best diagonal in K-FAC's basis, so it is at least as close to the block-GGN as K-FAC is
        assertTrue(d.get("ekfac vs ggn") <= d.get("kfac vs ggn") + 1e-12);
    }

    @Test
    void badInputIsRefusedWithTheArgumentNamed() {
        assertThrows(IllegalArgumentException.class, () -> Damping.of(-1e-3), "damping");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CurvatureKind.parse("hesian"));
        assertTrue(e.getMessage().contains("curvature"), e.getMessage());
        List<LayerFactors> layers = FactorFixtures.random(DIMS, 3, 1, 10);
        Curvature c = Curvatures.fromFactors(CurvatureKind.KFAC, layers, JAVA);
        e = assertThrows(IllegalArgumentException.class, () -> c.applyInverse(new double[5], 1, Damping.of(1)));
        assertTrue(e.getMessage().startsWith("v:"), e.getMessage());
        double[] nan = new double[c.dimension()];
        nan[3] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> c.applyInverse(nan, 1, Damping.of(1)));
        assertTrue(e.getMessage().contains("v[0][3]"), e.getMessage());
        String previous = System.getProperty(Checks.DENSE_LIMIT_PROPERTY);
        System.setProperty(Checks.DENSE_LIMIT_PROPERTY, "1000");
        try {
            e = assertThrows(IllegalArgumentException.class, () -> Curvatures.fromFactors(CurvatureKind.GGN, layers, JAVA));
            assertTrue(e.getMessage().contains("MiB"), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(Checks.DENSE_LIMIT_PROPERTY);
            } else {
                System.setProperty(Checks.DENSE_LIMIT_PROPERTY, previous);
            }
        }
        e = assertThrows(IllegalArgumentException.class, () -> Curvatures.fromFactors(CurvatureKind.HESSIAN, layers, JAVA));
        assertTrue(e.getMessage().contains("hessian"), e.getMessage());
    }
}
