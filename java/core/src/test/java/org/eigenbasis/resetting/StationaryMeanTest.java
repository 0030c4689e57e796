package org.eigenbasis.resetting;

import static org.eigenbasis.resetting.ResetFilterTest.assertBad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.junit.jupiter.api.Test;

class StationaryMeanTest {

    @Test
    void batchEqualsPerItem() {
        Random rnd = new Random(31);
        int batch = 3;
        int n = 20;
        int d = 5;
        Reference.RegressionBatch data = Reference.RegressionBatch.random(rnd, batch, n, d);
        RenewalLaw law = RenewalLaw.lognormal(-0.5, 0.7);
        try (BatchedMatrix x = BatchedMatrix.of(data.x()); BatchedMatrix y = BatchedMatrix.of(data.y());
                BatchedMatrix out = StationaryMean.of(x, y, law)) {
            assertEquals(DType.F64, out.dtype());
            assertEquals(batch, out.batch());
            assertEquals(d, out.rows());
            assertEquals(1, out.cols());
            ResetFilter f = ResetFilter.of(law);
            for (int b = 0; b < batch; b++) {
                double[] single = StationaryMean.of(data.x()[b], data.yOf(b), law);
                // A batched and a single eigendecomposition (the same algorithm here, but the bound does not rely on
                // it): Reference.twoDecompositions with the gain F = h/μ's slope and size on H's spectrum.
                double[][] h = Reference.gram(data.x()[b]);
                double[] gain = Reference.gainBounds(f, Reference.jacobiEigenvalues(h)[0]);
                double tol = Reference.twoDecompositions(h, gain[0], gain[1],
                        Reference.norm2(Reference.xty(data.x()[b], data.yOf(b))));
                for (int i = 0; i < d; i++) {
                    assertEquals(single[i], out.get(b, i, 0), tol, "item " + b);
                }
            }
        }
    }

    @Test
    void exponentialBatchIsRidge() {
        Random rnd = new Random(32);
        double[][][] xs = {Reference.randomMatrix(rnd, 15, 4), Reference.randomMatrix(rnd, 15, 4)};
        double[][][] ys = new double[2][15][1];
        for (double[][] yb : ys) {
            for (double[] row : yb) {
                row[0] = rnd.nextGaussian();
            }
        }
        double r = 0.3;
        try (BatchedMatrix x = BatchedMatrix.of(xs); BatchedMatrix y = BatchedMatrix.of(ys);
                BatchedMatrix out = StationaryMean.of(x, y, RenewalLaw.exponential(r))) {
            for (int b = 0; b < 2; b++) {
                double[] yb = new double[15];
                for (int i = 0; i < 15; i++) {
                    yb[i] = ys[b][i][0];
                }
                double[][] h = Reference.gram(xs[b]);
                double[] rhs = Reference.xty(xs[b], yb);
                double[] ridge = Reference.plusDiagonalSolve(h, r, rhs);
                double[] got = new double[4];
                for (int i = 0; i < 4; i++) {
                    got[i] = out.get(b, i, 0);
                }
                // Eigendecomposition against Cholesky, the same H and Xᵀy (summed in the same order).
                double tol = Reference.ridgeTolerance(h, r, Reference.norm2(rhs), 0);
                assertTrue(Reference.maxAbsDiff(got, ridge) <= tol, "item " + b + ": " + Reference.maxAbsDiff(got, ridge));
            }
        }
    }

    @Test
    void flatDirectionKeepsTheResetPoint() {
        Random rnd = new Random(33);
        double[][] x = Reference.randomMatrix(rnd, 10, 3);
        for (double[] row : x) {
            row[2] = 0; // the third coordinate is never seen
        }
        double[] y = Reference.randomVector(rnd, 10);
        double[] theta0 = {0.5, -0.5, 7};
        RenewalLaw law = RenewalLaw.pareto(1, 1.5);
        double[] mean = StationaryMean.of(x, y, theta0, law);
        // The flat direction e₃ (eigenvalue 0) keeps θ₀'s 7; Xᵀy − Hθ₀ has no e₃ component, and the other
        // eigenvectors' e₃ entries are at most ‖E‖₂/μ (Davis–Kahan against the gap to 0; ‖E‖₂ ≤ the eigenvalue
        // limit·d·ulp·‖H‖₁), so θ̄₃ − 7 = Σ_k q_3k F(μ_k)(Qᵀr)_k is at most that over μ₂ (the smallest non-zero
        // eigenvalue) times F(μ₂)·√d·‖r‖, plus the last addition's rounding.
        double[][] h = Reference.gram(x);
        double[] r = Reference.xty(x, y);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i] -= h[i][j] * theta0[j];
            }
        }
        double muFlat = Reference.jacobiEigenvalues(h)[1];
        double angle = Accuracy.eigenvalueLimit(EighAlgorithm.AUTO) * 3 * DType.F64.epsilon() * Reference.norm1(h) / muFlat;
        double tol = angle * ResetFilter.of(law).hOverMu(muFlat) * Math.sqrt(3) * Reference.norm2(r) + ErrorBounds.ulps(7, 1);
        assertEquals(7, mean[2], tol);
        assertTrue(Double.isFinite(mean[0]) && Double.isFinite(mean[1]));
    }

    @Test
    void badInputNamesTheArgument() {
        double[][] x = {{1, 2}, {3, 4}, {5, 6}};
        RenewalLaw law = RenewalLaw.exponential(1);
        assertBad(() -> StationaryMean.of(x, new double[2], law), "y", "[3, 3]");
        assertBad(() -> StationaryMean.of(x, new double[3], new double[1], law), "theta0", "[2, 2]");
        assertBad(() -> StationaryMean.of(new double[][] {{1, 2}, {3}}, new double[2], law), "x[1]", "[2, 2]");
        assertBad(() -> StationaryMean.of(new double[][] {{1, Double.NaN}}, new double[1], law), "x[0][1]", "finite");
        assertBad(() -> StationaryMean.of(x, new double[] {0, Double.POSITIVE_INFINITY, 0}, law), "y[1]", "finite");
        assertBad(() -> StationaryMean.of(x, new double[3], null), "law", "exp(rate=R)");
        try (BatchedMatrix xb = BatchedMatrix.zeros(DType.F64, 2, 3, 2); BatchedMatrix yb = BatchedMatrix.zeros(DType.F64, 1, 3, 1)) {
            assertBad(() -> StationaryMean.of(xb, yb, law), "y", "2 × 3 × 1");
        }
    }

    @Test
    void backendsAreChosenByNameOrDefault() {
        // Agreement between backends is ResetContract's (run by the java, cpu and cuda test classes).
        Random rnd = new Random(34);
        double[][] x = Reference.randomMatrix(rnd, 12, 4);
        double[] y = Reference.randomVector(rnd, 12);
        double[] theta0 = Reference.randomVector(rnd, 4);
        RenewalLaw law = RenewalLaw.deterministic(2);
        // The same backend and the same input: the same operations, so the same bits.
        assertArrayEquals(StationaryMean.of(x, y, theta0, law, Backends.defaultBackend()),
                StationaryMean.of(x, y, theta0, law), 0, "no backend is the default backend");
        assertArrayEquals(StationaryMean.of(x, y, theta0, law, Backends.select("java")),
                StationaryMean.of(x, y, theta0, law, "java"), 0, "by name");
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
