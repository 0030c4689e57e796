package org.eigenbasis.basis;

import java.util.Objects;

/** Argument checks shared by the regression models (their loops are in org.eigenbasis.internal.ModelMath). */
final class Models {
    private Models() {
    }

    /** X non-null, n ≥ 1 rows of equal length d ≥ 1, finite; returns d. */
    static int requireData(double[][] x) {
        Objects.requireNonNull(x, "x");
        if (x.length < 1 || x[0] == null || x[0].length < 1) {
            throw new IllegalArgumentException("x: empty (must be n × d with n, d ≥ 1)");
        }
        int d = x[0].length;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException("x: row " + i + " has length " + (x[i] == null ? "null" : x[i].length)
                        + ", not " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(x[i][j])) {
                    throw new IllegalArgumentException("x: entry (" + i + ", " + j + ") is " + x[i][j] + " (must be finite)");
                }
            }
        }
        return d;
    }

    static void requireFinite(String name, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(name + ": entry " + i + " is " + v[i] + " (must be finite)");
            }
        }
    }

    static void requireLength(String name, double[] v, int d) {
        Objects.requireNonNull(v, name);
        if (v.length != d) {
            throw new IllegalArgumentException(name + ": length " + v.length + " does not match the dimension " + d);
        }
    }
}
