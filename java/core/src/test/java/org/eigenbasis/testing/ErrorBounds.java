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
 *   <li>{@link #ulps}: k units in the last place, for a value that k roundings separate from another (each
 *       correctly rounded operation within ½ ulp, each of {@link Math}'s elementary functions within 1 ulp, so a
 *       relative error of c·u is at most c ulps: ulp(x) ≥ u·|x|).</li>
 *   <li>{@link #standardErrors}: the limit, in standard errors, for a Monte Carlo estimate against its expected
 *       value: the two-sided normal quantile for a stated false-alarm rate shared by a family of comparisons
 *       (Bonferroni), so a seeded test's limit says how often an unlucky seed would fail it.</li>
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

    /** k units in the last place of x: k·ulp(x). */
    public static double ulps(double x, int k) {
        return k * Math.ulp(x);
    }

    /**
     * The number of standard errors z with P(|Z| &gt; z) = falseAlarm / comparisons for a standard normal Z: a family
     * of {@code comparisons} estimates, each within z standard errors of its expectation, fails by chance with
     * probability at most {@code falseAlarm} (Bonferroni). E.g. 1e-3 over 18 comparisons: z = 4.03.
     */
    public static double standardErrors(double falseAlarm, int comparisons) {
        double p = falseAlarm / comparisons;
        if (!(p > 0 && p < 0.3)) {
            throw new IllegalArgumentException("falseAlarm / comparisons: " + p + " is outside (0, 0.3)");
        }
        double lo = 1;
        double hi = 40;
        for (int i = 0; i < 100; i++) {
            double z = 0.5 * (lo + hi);
            if (twoSidedTail(z) > p) {
                lo = z;
            } else {
                hi = z;
            }
        }
        return hi;
    }

    /** P(|Z| &gt; z) = 2φ(z)R(z) for z ≥ 1, R the Mills ratio by its continued fraction 1/(z + 1/(z + 2/(z + …))). */
    static double twoSidedTail(double z) {
        double r = 0;
        for (int k = 400; k >= 1; k--) {
            r = k / (z + r);
        }
        return 2 * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) / (z + r);
    }

    /**
     * The tolerance for an error whose first-order scale is {@code condition · n · ulp · scale}: that scale times
     * LAPACK's threshold. Use for results of backward-stable algorithms (eigh, QR) and the functions built on them.
     */
    public static double threshold(double condition, int n, DType dtype, double scale) {
        return Accuracy.LAPACK_THRESHOLD * condition * Math.max(n, 1) * dtype.epsilon() * scale;
    }
}
