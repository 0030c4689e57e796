package org.eigenbasis.influence;

import java.util.Arrays;
import org.eigenbasis.value.MlpArchitecture;

/**
 * A data set of n examples for a {@link Mlp}: inputs x (n × features, row-major) and targets y (n × targetWidth):
 * one label per row, stored as a double, for cross-entropy ({@link #classification}); a target row for squared loss
 * ({@link #regression}). Immutable: the record keeps its own copies and hands out copies. Every value is finite;
 * whether the shapes and labels fit a model is checked by {@link #validate}.
 *
 * @param x           inputs, n·features values
 * @param y           targets, n·targetWidth values
 * @param n           examples, ≥ 0
 * @param features    d0, ≥ 1
 * @param targetWidth 1 for labels, dL for squared-loss targets; ≥ 1
 */
public record Examples(double[] x, double[] y, int n, int features, int targetWidth) {
    public Examples {
        if (n < 0) {
            throw new IllegalArgumentException("n: " + n + " is outside [0, " + Integer.MAX_VALUE + "]");
        }
        if (features < 1) {
            throw new IllegalArgumentException("features: " + features + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (targetWidth < 1) {
            throw new IllegalArgumentException("targetWidth: " + targetWidth + " is outside [1, " + Integer.MAX_VALUE
                    + "]");
        }
        x = checkedCopy("x", x, (long) n * features);
        y = checkedCopy("y", y, (long) n * targetWidth);
    }

    private static double[] checkedCopy(String name, double[] a, long length) {
        if (a == null) {
            throw new IllegalArgumentException(name + ": null");
        }
        if (a.length != length) {
            throw new IllegalArgumentException(name + ": length " + a.length + " does not match the shape's " + length);
        }
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                throw new IllegalArgumentException(name + "[" + i + "]: " + a[i] + " is not finite");
            }
        }
        return a.clone();
    }

    /**
     * Classification data: x (n × features) with one integer label per example (in [0, classes); the range is
     * checked against a model by {@link #validate}, here only that labels are non-negative).
     */
    public static Examples classification(double[] x, int n, int features, int[] labels) {
        if (labels == null) {
            throw new IllegalArgumentException("labels: null");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException("labels: length " + labels.length + " is not n = " + n);
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("labels[" + i + "]: " + labels[i] + " is outside [0, "
                        + Integer.MAX_VALUE + "]");
            }
            y[i] = labels[i];
        }
        return new Examples(x, y, n, features, 1);
    }

    /** Regression data: x (n × features) with a target row of {@code width} values per example. */
    public static Examples regression(double[] x, int n, int features, double[] targets, int width) {
        return new Examples(x, targets, n, features, width);
    }

    /** The inputs (a copy). */
    @Override
    public double[] x() {
        return x.clone();
    }

    /** The targets (a copy). */
    @Override
    public double[] y() {
        return y.clone();
    }

    /** The labels as integers; for targetWidth 1 with integer values only. */
    public int[] labels() {
        if (targetWidth != 1) {
            throw new IllegalStateException("labels: targets are " + targetWidth + " wide, not labels");
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            if (y[i] != Math.rint(y[i]) || y[i] < 0 || y[i] > Integer.MAX_VALUE) {
                throw new IllegalStateException("y[" + i + "]: " + y[i] + " is not a label");
            }
            labels[i] = (int) y[i];
        }
        return labels;
    }

    /** The inputs without a copy, for this package's own read-only use. */
    double[] xView() {
        return x;
    }

    /** The targets without a copy, for this package's own read-only use. */
    double[] yView() {
        return y;
    }

    /**
     * Checks that this data fits the architecture: features = d0, targetWidth = its target width (1 for
     * cross-entropy, dL for squared), and for cross-entropy every label an integer in [0, dL).
     *
     * @throws IllegalArgumentException naming the mismatched field, or {@code y[i]} with the legal range
     */
    public void validate(MlpArchitecture architecture) {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture: null");
        }
        if (features != architecture.inputs()) {
            throw new IllegalArgumentException("x: " + features + " features per example, but the model has "
                    + architecture.inputs() + " inputs (layers[0])");
        }
        if (targetWidth != architecture.targetWidth()) {
            throw new IllegalArgumentException("y: " + targetWidth + " values per example, but "
                    + architecture.loss().jsonName() + " on " + architecture.outputs() + " outputs needs "
                    + architecture.targetWidth());
        }
        if (architecture.loss() == MlpArchitecture.Loss.CROSS_ENTROPY) {
            int classes = architecture.outputs();
            for (int i = 0; i < n; i++) {
                if (!(y[i] >= 0 && y[i] < classes && y[i] == Math.rint(y[i]))) {
                    throw new IllegalArgumentException("y[" + i + "]: label " + y[i] + " is not an integer in [0, "
                            + classes + ")");
                }
            }
        }
    }

    /** The examples {@code rows} in that order (repeats allowed), each row index in [0, n). */
    public Examples subset(int[] rows) {
        if (rows == null) {
            throw new IllegalArgumentException("rows: null");
        }
        double[] sx = new double[rows.length * features];
        double[] sy = new double[rows.length * targetWidth];
        for (int r = 0; r < rows.length; r++) {
            int i = rows[r];
            if (i < 0 || i >= n) {
                throw new IllegalArgumentException("rows[" + r + "]: " + i + " is outside [0, " + n + ")");
            }
            System.arraycopy(x, i * features, sx, r * features, features);
            System.arraycopy(y, i * targetWidth, sy, r * targetWidth, targetWidth);
        }
        return new Examples(sx, sy, rows.length, features, targetWidth);
    }

    /** Value equality, arrays by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Examples e && n == e.n && features == e.features && targetWidth == e.targetWidth
                && Arrays.equals(x, e.x) && Arrays.equals(y, e.y);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(x) + Arrays.hashCode(y)) + n) + features * 7 + targetWidth;
    }

    @Override
    public String toString() {
        return "Examples[n=" + n + ", features=" + features + ", targetWidth=" + targetWidth + "]";
    }
}
