package org.eigenbasis.influence;

import java.util.Arrays;
import org.eigenbasis.internal.LeastSquaresLine;

/** Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank. */
public final class Spearman {
    private Spearman() {
    }

    /**
     * ρ(x, y) in [−1, 1]; NaN when either has a single distinct value (no ranking to correlate). Cost O(m log m).
     *
     * @throws IllegalArgumentException when the lengths differ, are below 2, or a value is NaN
     */
    public static double correlation(double[] x, double[] y) {
        if (x == null || y == null) {
            throw new IllegalArgumentException((x == null ? "x" : "y") + ": null");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException("y: length " + y.length + ", x has " + x.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("x: length " + x.length + " is outside [2, " + Integer.MAX_VALUE + "]");
        }
        return pearson(ranks("x", x), ranks("y", y));
    }

    /** Average ranks (1-based) of v. */
    static double[] ranks(String name, double[] v) {
        int m = v.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            if (Double.isNaN(v[i])) {
                throw new IllegalArgumentException(name + "[" + i + "]: NaN");
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[m];
        for (int i = 0; i < m; ) {
            int j = i;
            while (j + 1 < m && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double rank = 0.5 * (i + j) + 1;
            for (int t = i; t <= j; t++) {
                r[order[t]] = rank;
            }
            i = j + 1;
        }
        return r;
    }

    /** Pearson's r of the ranks, NaN when either is constant, clamped to [−1, 1] against rounding. */
    private static double pearson(double[] a, double[] b) {
        double r = LeastSquaresLine.fit(a, b).correlation();
        return Double.isNaN(r) ? r : Math.max(-1, Math.min(1, r));
    }
}
