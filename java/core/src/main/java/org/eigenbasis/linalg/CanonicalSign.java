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
        for (int j = 0; j < n; j++) {
            double max = 0;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, Math.abs(v[offset + i * n + j]));
            }
            double threshold = dtype == DType.F32
                    ? (float) max * (1f - SQRT_EPS_F32)
                    : max * (1 - SQRT_EPS_F64);
            for (int i = 0; i < n; i++) {
                double x = v[offset + i * n + j];
                if (Math.abs(x) >= threshold) {
                    if (x < 0) {
                        for (int r = 0; r < n; r++) {
                            v[offset + r * n + j] = -v[offset + r * n + j];
                        }
                    }
                    break;
                }
            }
        }
    }

    /** True when every column of matrix b of {@code vectors} already carries the canonical sign. */
    public static boolean isCanonical(BatchedMatrix vectors, int b) {
        int n = vectors.rows();
        double[] v = new double[n * n];
        vectors.copyMatrixTo(b, v, 0);
        double[] fixed = v.clone();
        applyToColumns(fixed, 0, n, vectors.dtype());
        return java.util.Arrays.equals(v, fixed);
    }
}
