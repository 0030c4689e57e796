package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.verify.Accuracy;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The warm-started eigenbasis refresh on every backend. */
public abstract class RefreshContract extends BackendContract {


    private EigenbasisRefresh refresh() {
        return EigenbasisRefresh.on(backend());
    }

    private static double[] eigenbasis(double[] lambda, long seed, double[] aOut) {
        Random rng = new Random(seed);
        int n = lambda.length;
        double[] q = SeededMatrices.randomOrthogonal(n, rng);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i * n + k] * lambda[k] * q[j * n + k];
                }
                aOut[i * n + j] = s;
            }
        }
        return q;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void anExactEigenbasisHasZeroOffDiagonalMass(DType dtype) {
        int n = 9;
        double[] lambda = SeededMatrices.geometric(n, 1, 100);
        double[] a = new double[n * n];
        double[] q = eigenbasis(lambda, 1, a);
        try (BatchedMatrix am = SeededMatrices.batch(dtype, n, a); BatchedMatrix qm = SeededMatrices.batch(dtype, n, q)) {
            // A and Q as stored are exact to within rounding (u each), and B = QᵀAQ is two products
            // (|ΔB| ≤ 2γ_n|Q||A||Q|): off(B)/‖B‖ and each Rayleigh quotient's error are of order n·ulp (times
            // ‖A‖ = 100 for the quotients), judged with LAPACK's threshold.
            double off = refresh().offDiagonal(am, qm)[0];
            assertTrue(off <= ErrorBounds.threshold(1, n, dtype, 1), "off-diagonal " + off);
            try (RefreshResult r = refresh().refresh(am, qm, 0)) {
                for (int i = 0; i < n; i++) {
                    assertEquals(lambda[i], r.rayleigh().get(0, 0, i), ErrorBounds.threshold(1, n, dtype, 100));
                }
            }
        }
    }

    @Test
    void powerIterationConvergesToTheEigenbasisFromAPerturbedStart() {
        int n = 16;
        double[] lambda = SeededMatrices.geometric(n, 1e3, 1);   // columns by decreasing eigenvalue, as power iteration orders them
        double[] a = new double[n * n];
        double[] q = eigenbasis(lambda, 2, a);
        // Perturb Q by a small rotation and re-orthonormalise (Gram-Schmidt in the test's own code).
        Random rng = new Random(3);
        double[] start = q.clone();
        for (int k = 0; k < start.length; k++) {
            start[k] += 1e-2 * rng.nextGaussian();
        }
        start = SeededMatrices.orthonormalize(start, n);
        try (BatchedMatrix am = SeededMatrices.batch(DType.F64, n, a); BatchedMatrix qm = SeededMatrices.batch(DType.F64, n, start)) {
            double before = refresh().offDiagonal(am, qm)[0];
            try (RefreshResult r1 = refresh().refresh(am, qm, 1); RefreshResult r10 = refresh().refresh(am, qm, 10)) {
                assertTrue(r1.offDiagonal(0) < before, "one step must reduce the off-diagonal mass: " + before + " -> "
                        + r1.offDiagonal(0));
                assertTrue(r10.offDiagonal(0) < r1.offDiagonal(0), "ten steps beat one");
                // Householder QR: ‖QᵀQ − I‖ of order n·ulp, judged as LAPACK's xQRT01 does (TESTING/dtest.in).
                assertOrthonormal(r10.basis(), 0, Accuracy.qrOrthogonalityLimit() * n * DType.F64.epsilon());
                // diag(R) ≥ 0 normalisation: each refreshed column points the way of A times the old column.
                double[] qn = new double[n * n];
                r1.basis().copyMatrixTo(0, qn, 0);
                double[] aq = new double[n * n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        for (int k = 0; k < n; k++) {
                            aq[i * n + j] += a[i * n + k] * start[k * n + j];
                        }
                    }
                }
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += qn[i * n + j] * aq[i * n + j];
                    }
                    assertTrue(dot > 0, "column " + j + " of qr(AQ) has R_jj < 0");
                }
            }
        }
    }

    @Test
    void zeroMatrixAndEmptySizesAreWellDefined() {
        try (BatchedMatrix zero = SeededMatrices.batch(DType.F64, 3, new double[9]);
             BatchedMatrix eye = SeededMatrices.batch(DType.F64, 3, SeededMatrices.identity(3))) {
            assertEquals(0, refresh().offDiagonal(zero, eye)[0]);
        }
        try (BatchedMatrix empty = BatchedMatrix.zeros(DType.F32, 2, 0, 0); RefreshResult r = refresh().refresh(empty, empty, 3)) {
            assertEquals(2, r.offDiagonal().length);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        try (BatchedMatrix a = SeededMatrices.batch(DType.F64, 3, SeededMatrices.identity(3));
             BatchedMatrix q4 = BatchedMatrix.zeros(DType.F64, 1, 4, 4);
             BatchedMatrix q32 = BatchedMatrix.zeros(DType.F32, 1, 3, 3)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> refresh().refresh(a, q4, 1)).getMessage().startsWith("q:"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> refresh().refresh(a, q32, 1)).getMessage().contains("dtype"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> refresh().refresh(a, a, -1)).getMessage().startsWith("steps:"));
        }
    }

    static void assertOrthonormal(BatchedMatrix q, int b, double tol) {
        int n = q.rows();
        double[] v = new double[n * n];
        q.copyMatrixTo(b, v, 0);
        for (int p = 0; p < n; p++) {
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[i * n + p] * v[i * n + r];
                }
                assertEquals(p == r ? 1 : 0, s, tol);
            }
        }
    }
}
