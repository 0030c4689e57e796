package org.eigenbasis.train;

import java.util.Objects;

/**
 * A labelled classification data set held in memory: {@code features} is samples × featureCount, row-major,
 * {@code labels[n]} in [0, classes). Nothing is copied; callers must not modify the arrays.
 */
public record Dataset(double[] features, int[] labels, int featureCount, int classes) {
    public Dataset {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount: " + featureCount + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes: " + classes + " is outside [2, " + Integer.MAX_VALUE + "]");
        }
        if ((long) labels.length * featureCount != features.length) {
            throw new IllegalArgumentException("features: length " + features.length + " is not labels (" + labels.length
                    + ") × featureCount (" + featureCount + ")");
        }
        for (int n = 0; n < labels.length; n++) {
            if (labels[n] < 0 || labels[n] >= classes) {
                throw new IllegalArgumentException("labels[" + n + "]: " + labels[n] + " is outside [0, " + (classes - 1) + "]");
            }
        }
    }

    /** Number of samples. */
    public int samples() {
        return labels.length;
    }

    /** The samples at {@code rows}, in that order (a copy). */
    public Dataset rows(int[] rows) {
        double[] x = new double[rows.length * featureCount];
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(features, rows[i] * featureCount, x, i * featureCount, featureCount);
            y[i] = labels[rows[i]];
        }
        return new Dataset(x, y, featureCount, classes);
    }

    /** A train/test pair of disjoint subsets. */
    public record Split(Dataset train, Dataset test) {
    }
}
