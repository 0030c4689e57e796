package org.eigenbasis.verify;

import org.eigenbasis.linalg.CanonicalSign;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.value.BatchedMatrix;

/**
 * Measurements of an eigendecomposition, computed in double from the input as stored (f32 widened): relative
 * residual ‖A V − V Λ‖_F / ‖A‖_F, orthogonality ‖VᵀV − I‖_max, order, canonical signs. Used by the tests and by
 * {@link Verifier}.
 */
public final class Invariants {
    private Invariants() {
    }

    /** ‖A V − V Λ‖_F / ‖A‖_F of matrix b (absolute when A = 0), A defined by its lower triangle. */
    public static double residual(BatchedMatrix a, EighResult r, int b) {
        int n = a.rows();
        double[] m = fullSymmetric(a, b);
        double[] v = new double[n * n];
        r.vectors().copyMatrixTo(b, v, 0);
        double[] w = r.valuesOf(b);
        double s = Math.max(maxAbs(m), Double.MIN_NORMAL);   // work in units of max|a| so 1e±150 cannot overflow
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

    /** ‖VᵀV − I‖_max of an n × n matrix b of {@code q} (orthonormal columns expected). */
    public static double orthogonality(BatchedMatrix q, int b) {
        int n = q.rows();
        double[] v = new double[n * n];
        q.copyMatrixTo(b, v, 0);
        double worst = 0;
        for (int p = 0; p < n; p++) {
            for (int c = 0; c < n; c++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[i * n + p] * v[i * n + c];
                }
                worst = Math.max(worst, Math.abs(s - (p == c ? 1 : 0)));
            }
        }
        return worst;
    }

    /** True when matrix b's eigenvalues ascend. */
    public static boolean ascending(EighResult r, int b) {
        double[] w = r.valuesOf(b);
        for (int i = 1; i < w.length; i++) {
            if (!(w[i - 1] <= w[i])) {
                return false;
            }
        }
        return true;
    }

    /** True when matrix b's eigenvectors carry the canonical sign. */
    public static boolean canonicalSigns(EighResult r, int b) {
        return CanonicalSign.isCanonical(r.vectors(), b);
    }

    /** The full symmetric matrix b defined by the lower triangle of a. */
    public static double[] fullSymmetric(BatchedMatrix a, int b) {
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

    /** Largest |w_i − expected_i| / max|expected| (absolute when expected is 0). */
    public static double relativeError(double[] w, double[] expected) {
        double scale = maxAbs(expected);
        double worst = 0;
        for (int i = 0; i < w.length; i++) {
            worst = Math.max(worst, Math.abs(w[i] - expected[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }

    /** max |x_i|. */
    public static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** max |x_i − y_i|. */
    public static double maxDifference(double[] x, double[] y) {
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }
}
