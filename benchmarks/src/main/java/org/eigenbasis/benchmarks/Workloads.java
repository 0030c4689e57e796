package org.eigenbasis.benchmarks;

import java.util.Random;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.eigenbasis.verify.SeededMatrices;

/** The benchmark inputs: seeded random symmetric batches, identical for every backend and peer. */
final class Workloads {
    private Workloads() {
    }

    /** Parses "BxN". */
    static int[] shape(String text) {
        String[] parts = text.split("x");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    /** B symmetric n × n matrices, row-major, N(0, 1) entries, seeded by the shape. */
    static double[] symmetricBatch(int batch, int n) {
        Random rng = new Random(31L * batch + n);
        double[] data = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(SeededMatrices.randomSymmetric(n, rng), 0, data, b * n * n, n * n);
        }
        return data;
    }

    /** The batch as an off-heap matrix of the dtype: what a native backend reads without a copy. */
    static BatchedMatrix offHeap(double[] data, int batch, int n, DType dtype) {
        try (BatchedMatrix heap = BatchedMatrix.of(data, batch, n, n)) {
            return heap.convert(dtype, Placement.OFF_HEAP);
        }
    }
}
