package org.eigenbasis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.linalg.BatchedMatrix;
import org.eigenbasis.linalg.CanonicalSign;
import org.eigenbasis.linalg.EighResult;

/**
 * Invariant checks of an eigendecomposition, computed in double from the input as stored (f32 inputs widened):
 * relative residual ‖A V − V Λ‖_F / ‖A‖_F, orthogonality ‖VᵀV − I‖_max, ascending order, canonical signs.
 */
public final class EighChecks {
    private EighChecks() {
    }

    /** ‖A V − V Λ‖_F / ‖A‖_F of matrix b (absolute when A = 0), A from its lower triangle. */
    public static double residual(BatchedMatrix a, EighResult r, int b) {
        int n = a.rows();
        double[] m = full(a, b);
        double[] v = new double[n * n];
        r.vectors().copyMatrixTo(b, v, 0);
        double[] w = r.valuesOf(b);
        double scale = 0;
        for (double x : m) {
            scale = Math.max(scale, Math.abs(x));
        }
        double s = scale == 0 ? 1 : scale;     // compute in units of max|a| so 1e±150 entries do not overflow
        double anorm = 0;
        double res = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double av = 0;
                for (int j = 0; j < n; j++) {
                    av += (m[i * n + j] / s) * v[j * n + k];
                }
                double d = av - v[i * n + k] * (w[k] / s);
                res += d * d;
            }
            for (int j = 0; j < n; j++) {
                anorm += (m[i * n + j] / s) * (m[i * n + j] / s);
            }
        }
        return anorm == 0 ? Math.sqrt(res) : Math.sqrt(res / anorm);
    }

    /** ‖VᵀV − I‖_max of matrix b. */
    public static double orthogonality(EighResult r, int b) {
        int n = r.n();
        double[] v = new double[n * n];
        r.vectors().copyMatrixTo(b, v, 0);
        double worst = 0;
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[i * n + p] * v[i * n + q];
                }
                worst = Math.max(worst, Math.abs(s - (p == q ? 1 : 0)));
            }
        }
        return worst;
    }

    /** The full symmetric matrix b defined by the lower triangle of a. */
    public static double[] full(BatchedMatrix a, int b) {
        int n = a.rows();
        double[] m = new double[n * n];
        a.copyMatrixTo(b, m, 0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                m[j * n + i] = m[i * n + j];
            }
        }
        return m;
    }

    /**
     * Asserts every invariant for every matrix: residual and orthogonality ≤ c·max(n,1)·ε, eigenvalues ascending,
     * canonical signs, info 0.
     */
    public static void assertValid(BatchedMatrix a, EighResult r, double c, String label) {
        int n = a.rows();
        double eps = a.dtype().epsilon();
        double bound = c * Math.max(n, 1) * eps;
        assertEquals(a.batch(), r.batch(), label + ": batch");
        assertEquals(n, r.n(), label + ": n");
        for (int b = 0; b < a.batch(); b++) {
            String where = label + " matrix " + b;
            double res = residual(a, r, b);
            double orth = orthogonality(r, b);
            assertTrue(res <= bound, where + ": residual " + res + " > " + bound + " (" + res / (Math.max(n, 1) * eps) + " n eps)");
            assertTrue(orth <= bound, where + ": orthogonality " + orth + " > " + bound);
            double[] w = r.valuesOf(b);
            for (int i = 1; i < n; i++) {
                assertTrue(w[i - 1] <= w[i], where + ": eigenvalues not ascending at " + i + ": " + w[i - 1] + " > " + w[i]);
            }
            assertTrue(CanonicalSign.isCanonical(r.vectors(), b), where + ": eigenvector signs are not canonical");
        }
        assertTrue(r.converged(), label + ": failed indices " + java.util.Arrays.toString(r.failedIndices()));
    }

    /** Largest |w_i − expected_i| / max|expected| over one matrix's eigenvalues. */
    public static double valueError(double[] w, double[] expected) {
        double scale = 0;
        for (double x : expected) {
            scale = Math.max(scale, Math.abs(x));
        }
        double worst = 0;
        for (int i = 0; i < w.length; i++) {
            worst = Math.max(worst, Math.abs(w[i] - expected[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }
}
