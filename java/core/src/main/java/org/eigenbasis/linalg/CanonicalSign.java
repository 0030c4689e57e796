package org.eigenbasis.linalg;

import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The one eigenvector sign convention shared by every backend: in each eigenvector (a column of V), the first
 * component (lowest row index) whose magnitude is at least (1 − √ε) times the column's largest magnitude is
 * positive, ε being the machine epsilon of the dtype. The √ε slack makes components that are equal in exact
 * arithmetic (|v_i| = 1/√2, say) resolve the same way on every backend despite rounding differences; the native
 * kernels implement the same rule in the same arithmetic.
 */
public final class CanonicalSign {
    static final double SQRT_EPS_F64 = 0x1p-26;
    static final float SQRT_EPS_F32 = (float) Math.sqrt(0x1p-23);

    private CanonicalSign() {
    }

    /**
     * Applies the rule to the columns of the n × n row-major matrix {@code v} starting at {@code offset}, whose
     * entries must already be representable in {@code dtype} (f32 values rounded). Cost O(n²).
     */
    public static void applyToColumns(double[] v, int offset, int n, DType dtype) {
        applyToColumns(v, offset, n, n, dtype);
    }

    /**
     * Applies the rule to the m columns of the n × m row-major matrix {@code v} starting at {@code offset} (the
     * eigenvectors of a partial decomposition); entries as {@link #applyToColumns(double[], int, int, DType)}; a
     * NaN column (past a partial result's count) is left as it is. Cost O(n·m).
     */
    public static void applyToColumns(double[] v, int offset, int n, int m, DType dtype) {
        for (int j = 0; j < m; j++) {
            double max = 0;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, Math.abs(v[offset + i * m + j]));
            }
            double threshold = dtype == DType.F32
                    ? (float) max * (1f - SQRT_EPS_F32)
                    : max * (1 - SQRT_EPS_F64);
            for (int i = 0; i < n; i++) {
                double x = v[offset + i * m + j];
                if (Math.abs(x) >= threshold) {
                    if (x < 0) {
                        for (int r = 0; r < n; r++) {
                            v[offset + r * m + j] = -v[offset + r * m + j];
                        }
                    }
                    break;
                }
            }
        }
    }

    /** True when every column of matrix b of {@code vectors} (n × n, or n × m of a partial result) is canonical. */
    public static boolean isCanonical(BatchedMatrix vectors, int b) {
        int n = vectors.rows();
        int m = vectors.cols();
        double[] v = new double[n * m];
        vectors.copyMatrixTo(b, v, 0);
        double[] fixed = v.clone();
        applyToColumns(fixed, 0, n, m, vectors.dtype());
        return java.util.Arrays.equals(v, fixed);
    }
}
