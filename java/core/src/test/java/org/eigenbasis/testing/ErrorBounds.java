package org.eigenbasis.testing;

import org.eigenbasis.value.DType;
import org.eigenbasis.verify.Accuracy;

/**
 * Rounding-error bounds the tests derive their tolerances from, so a tolerance follows from an algorithm's known
 * accuracy and not from what one machine's BLAS kernels happened to give.
 *
 * <ul>
 *   <li>{@link #gamma}: Higham, <i>Accuracy and Stability of Numerical Algorithms</i> (2nd ed.), §3.1 and eq.
 *       (3.5): a sum of k products evaluated in any order, with or without fused multiply-add, differs from the
 *       exact one by at most γ_k·Σ|terms|, γ_k = k·u/(1 − k·u), u the unit roundoff (half the spacing of the numbers
 *       above 1). A matrix product C = AB obeys |ΔC| ≤ γ_k·|A||B| entrywise (§3.5), whatever the blocking.</li>
 *   <li>{@link #threshold}: for results of a backward-stable algorithm (an eigendecomposition, a QR), LAPACK's
 *       test programs divide the error by its first-order scale (condition × n × ulp × norm) and pass the ratio below
 *       a threshold; we use the same threshold, {@link Accuracy#LAPACK_THRESHOLD} (TESTING/sep.in).</li>
 * </ul>
 */
public final class ErrorBounds {
    private ErrorBounds() {
    }

    /** The unit roundoff u of the dtype: 2^-24 (f32) or 2^-53 (f64). */
    public static double unitRoundoff(DType dtype) {
        return dtype.epsilon() / 2;
    }

    /** Higham's γ_k = k·u / (1 − k·u) for the dtype's unit roundoff. */
    public static double gamma(int k, DType dtype) {
        double ku = k * unitRoundoff(dtype);
        if (!(ku < 1)) {
            throw new IllegalArgumentException("k: " + k + " makes k·u ≥ 1: no rounding bound");
        }
        return ku / (1 - ku);
    }

    /**
     * The tolerance for an error whose first-order scale is {@code condition · n · ulp · scale}: that scale times
     * LAPACK's threshold. Use for results of backward-stable algorithms (eigh, QR) and the functions built on them.
     */
    public static double threshold(double condition, int n, DType dtype, double scale) {
        return Accuracy.LAPACK_THRESHOLD * condition * Math.max(n, 1) * dtype.epsilon() * scale;
    }
}
