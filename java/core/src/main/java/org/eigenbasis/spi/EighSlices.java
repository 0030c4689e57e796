package org.eigenbasis.spi;

import java.util.Arrays;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighRange;

/**
 * The selection of {@link EighKernel#eighRange}'s default: copies the chosen columns of a full decomposition into the
 * range's outputs, so a backend without a partial solver returns exactly the corresponding slice of its full one.
 */
final class EighSlices {
    private EighSlices() {
    }

    /**
     * Reads the full {@code w} (B × 1 × n) and {@code v} (B × n × n, or null) and {@code info}; writes the selected
     * columns to {@code values} (B × 1 × m) and {@code vectors} (B × n × m, or null), NaN past the count, and the
     * per-matrix count to {@code counts} (0 for a failed matrix, whose outputs are all NaN).
     */
    static void select(EighRange range, BatchedMatrix w, BatchedMatrix v, int[] info, BatchedMatrix values,
                       BatchedMatrix vectors, int[] counts) {
        int n = w.cols();
        int m = values.cols();
        double[] full = new double[n];
        double[] fullVectors = v == null ? null : new double[n * n];
        double[] part = new double[m];
        double[] partVectors = vectors == null ? null : new double[n * m];
        for (int b = 0; b < w.batch(); b++) {
            Arrays.fill(part, Double.NaN);
            if (partVectors != null) {
                Arrays.fill(partVectors, Double.NaN);
            }
            int first = 0;
            int count = 0;
            if (info[b] == 0) {
                w.copyMatrixTo(b, full, 0);
                if (range.kind() == EighRange.Kind.INTERVAL) {
                    while (first < n && !(full[first] > range.lower())) {
                        first++;
                    }
                    int end = first;
                    while (end < n && full[end] <= range.upper()) {
                        end++;
                    }
                    count = end - first;
                } else {
                    first = range.first(n);
                    count = m;
                }
                int kept = Math.min(count, m);
                System.arraycopy(full, first, part, 0, kept);
                if (partVectors != null) {
                    v.copyMatrixTo(b, fullVectors, 0);
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(fullVectors, i * n + first, partVectors, i * m, kept);
                    }
                }
            }
            counts[b] = count;
            values.copyMatrixFrom(b, part, 0);
            if (vectors != null) {
                vectors.copyMatrixFrom(b, partVectors, 0);
            }
        }
    }
}
