package org.eigenbasis.basis.egop;

import java.util.Objects;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighRange;

/**
 * The largest principal angle between two k-dimensional subspaces of ℝᵈ given by orthonormal bases (Björck and
 * Golub 1973), used to compare an EGOP estimate's leading eigenvectors with the exact ones.
 */
public final class PrincipalAngles {
    private PrincipalAngles() {
    }

    /**
     * θ_max in radians, in [0, π/2], between span(U) and span(W), both d × k row-major with orthonormal columns (the
     * leading k columns are read when the arrays hold more: {@code uColumns} and {@code wColumns} are the row
     * strides). With M = UᵀW and P = W − UM = (I − UUᵀ)W, MᵀM + PᵀP = WᵀW = I, so cos²θ_max = λ_min(MᵀM) and
     * sin²θ_max = λ_max(PᵀP) on the same eigenvector; θ_max = atan2(√λ_max(PᵀP), √λ_min(MᵀM)) is accurate for small
     * and for near-right angles alike (arccos alone loses half the digits near 0). Cost 4dk² flops + two k × k
     * values-only eighs of one eigenvalue each on {@code backend}.
     *
     * @throws IllegalArgumentException when d or k &lt; 1, k exceeds a stride, or an array is too short
     */
    public static double largest(double[] u, int uColumns, double[] w, int wColumns, int d, int k, Backend backend) {
        Objects.requireNonNull(u, "u");
        Objects.requireNonNull(w, "w");
        Objects.requireNonNull(backend, "backend");
        if (d < 1) {
            throw new IllegalArgumentException("d: " + d + " is outside [1, ∞)");
        }
        if (k < 1 || k > uColumns || k > wColumns || k > d) {
            throw new IllegalArgumentException("k: " + k + " is outside [1, min(" + uColumns + ", " + wColumns + ", "
                    + d + ")]");
        }
        if (u.length < (long) d * uColumns) {
            throw new IllegalArgumentException("u: length " + u.length + " < d·uColumns = " + (long) d * uColumns);
        }
        if (w.length < (long) d * wColumns) {
            throw new IllegalArgumentException("w: length " + w.length + " < d·wColumns = " + (long) d * wColumns);
        }
        double[][] m = new double[k][k];
        for (int i = 0; i < d; i++) {
            for (int a = 0; a < k; a++) {
                double ua = u[i * uColumns + a];
                for (int b = 0; b < k; b++) {
                    m[a][b] += ua * w[i * wColumns + b];
                }
            }
        }
        double[] p = new double[d * k];
        for (int i = 0; i < d; i++) {
            for (int b = 0; b < k; b++) {
                double s = w[i * wColumns + b];
                for (int a = 0; a < k; a++) {
                    s -= u[i * uColumns + a] * m[a][b];
                }
                p[i * k + b] = s;
            }
        }
        double[][] mtm = new double[k][k];
        double[][] ptp = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double s = 0;
                for (int c = 0; c < k; c++) {
                    s += m[c][a] * m[c][b];
                }
                mtm[a][b] = s;
                double t = 0;
                for (int i = 0; i < d; i++) {
                    t += p[i * k + a] * p[i * k + b];
                }
                ptp[a][b] = t;
            }
        }
        double cos2 = Math.max(0, smallestOrLargest(mtm, backend, false));
        double sin2 = Math.max(0, smallestOrLargest(ptp, backend, true));
        return Math.atan2(Math.sqrt(sin2), Math.sqrt(cos2));
    }

    /** One extreme eigenvalue, without eigenvectors: a values-only partial eigh (EighRange) of one position. */
    private static double smallestOrLargest(double[][] symmetric, Backend backend, boolean largest) {
        EighOptions one = EighOptions.defaults().withRange(largest ? EighRange.largest(1) : EighRange.smallest(1));
        try (BatchedMatrix a = BatchedMatrix.of(symmetric);
             EighResult eig = SymmetricEigen.on(backend).values(a, one)) {
            return eig.value(0, 0);
        }
    }
}
