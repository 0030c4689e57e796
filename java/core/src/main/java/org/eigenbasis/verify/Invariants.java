package org.eigenbasis.verify;

import org.eigenbasis.linalg.CanonicalSign;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.value.BatchedMatrix;

/**
 * Measurements of an eigendecomposition, computed in double from the input as stored (f32 widened), as LAPACK's
 * test routine xSYT21 defines them (see {@link Accuracy}): the relative residual ‖A − V Λ Vᵀ‖₁ / ‖A‖₁, the
 * orthogonality ‖VᵀV − I‖₁, order, canonical signs. Divided by n·ulp they are LAPACK's test ratios. Used by the
 * tests and by {@link Verifier}.
 */
public final class Invariants {
    private Invariants() {
    }

    /**
     * ‖A − V Λ Vᵀ‖₁ / ‖A‖₁ of matrix b (‖V Λ Vᵀ‖₁ when A = 0), A defined by its lower triangle; the 1-norm is the
     * largest absolute column sum.
     */
    public static double residual(BatchedMatrix a, EighResult r, int b) {
        int n = a.rows();
        double[] m = fullSymmetric(a, b);
        double[] v = new double[n * n];
        r.vectors().copyMatrixTo(b, v, 0);
        double[] w = r.valuesOf(b);
        double s = Math.max(maxAbs(m), Double.MIN_NORMAL);   // work in units of max|a| so 1e±150 cannot overflow
        double[] vw = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                vw[i * n + k] = v[i * n + k] * (w[k] / s);
            }
        }
        double anorm = 0;
        double rnorm = 0;
        for (int j = 0; j < n; j++) {
            double acol = 0;
            double rcol = 0;
            for (int i = 0; i < n; i++) {
                double vlv = 0;
                for (int k = 0; k < n; k++) {
                    vlv += vw[i * n + k] * v[j * n + k];
                }
                double aij = m[i * n + j] / s;
                acol += Math.abs(aij);
                rcol += Math.abs(aij - vlv);
            }
            anorm = Math.max(anorm, acol);
            rnorm = Math.max(rnorm, rcol);
        }
        return anorm == 0 ? rnorm : rnorm / anorm;
    }

    /** ‖VᵀV − I‖₁ of an n × n matrix b of {@code q} (orthonormal columns expected). */
    public static double orthogonality(BatchedMatrix q, int b) {
        return partialOrthogonality(q, b, q.cols());
    }

    /**
     * ‖A V − V Λ‖₁ / ‖A‖₁ over the first {@code count} columns of a partial result's matrix b (V is n × m, Λ its
     * eigenvalues; ‖V Λ‖₁ when A = 0), in units of max|a| so no product overflows. Divided by n·ulp it is judged
     * against {@link Accuracy#residualLimit}, as LAPACK's xSYT22 judges a subset (there over m·ulp, a stricter unit).
     */
    public static double partialResidual(BatchedMatrix a, EighResult r, int b, int count) {
        int n = a.rows();
        int m = r.vectors().cols();
        double[] full = fullSymmetric(a, b);
        double[] v = new double[n * m];
        r.vectors().copyMatrixTo(b, v, 0);
        double[] w = r.valuesOf(b);
        double s = Math.max(maxAbs(full), Double.MIN_NORMAL);
        double worst = 0;
        for (int j = 0; j < count; j++) {
            double col = 0;
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += full[i * n + k] / s * v[k * m + j];
                }
                col += Math.abs(av - v[i * m + j] * (w[j] / s));
            }
            worst = Math.max(worst, col);
        }
        double anorm = norm1(full, n) / s;
        return anorm == 0 ? worst : worst / anorm;
    }

    /** ‖VᵀV − I‖₁ of the first {@code count} columns of the n × m matrix b of {@code q} (all of them: count = m). */
    public static double partialOrthogonality(BatchedMatrix q, int b, int count) {
        int n = q.rows();
        int m = q.cols();
        double[] v = new double[n * m];
        q.copyMatrixTo(b, v, 0);
        double worst = 0;
        for (int c = 0; c < count; c++) {
            double col = 0;
            for (int p = 0; p < count; p++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[i * m + p] * v[i * m + c];
                }
                col += Math.abs(dot - (p == c ? 1 : 0));
            }
            worst = Math.max(worst, col);
        }
        return worst;
    }

    /** ‖A‖₁ of the symmetric matrix b defined by the lower triangle of a. */
    public static double norm1(BatchedMatrix a, int b) {
        return norm1(fullSymmetric(a, b), a.rows());
    }

    /** ‖A‖₁, the largest absolute column sum, of the n × n row-major matrix {@code a}. */
    public static double norm1(double[] a, int n) {
        double worst = 0;
        for (int j = 0; j < n; j++) {
            double col = 0;
            for (int i = 0; i < n; i++) {
                col += Math.abs(a[i * n + j]);
            }
            worst = Math.max(worst, col);
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
