package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.eigenbasis.backend.java.ReferenceInfluence;
import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.api.Test;

/**
 * The cpu influence kernels against the java reference on the digits MLP's layer sizes (64→64→32→10, n = 1617,
 * ten backpropagated vectors per example, 180 validation gradients), through the SPI. Each result is within
 * γ_K·B of the exact value (InfluenceContract derives K per kernel), B the same computation on absolute values
 * (which the reference computes here, on |inputs|, rounding upwards by at most γ_K·B itself): so the two backends
 * agree within 2·γ_K·B, with K taken as 2·(the depth) to cover the bound's own rounding.
 */
class CpuInfluenceParityTest {
    private static final int[] LAYERS = {64, 64, 32, 10};
    private static final int N = 1617;
    private static final int PER_EXAMPLE = 10;

    private final InfluenceKernel cpu = new CpuBackend().influence();
    private final InfluenceKernel reference = new ReferenceInfluence();

    @Test
    void ekfacEigenvaluesOnTheDigitsLayers() {
        Random random = new Random(1);
        for (int l = 0; l + 1 < LAYERS.length; l++) {
            int dIn = LAYERS[l];
            int dOut = LAYERS[l + 1];
            for (boolean bias : new boolean[] {false, true}) {
                int cols = bias ? 1 : dIn;
                try (BatchedMatrix g = gaussian(random, 1, N * PER_EXAMPLE, dOut);
                     BatchedMatrix a = bias ? null : gaussian(random, 1, N, dIn);
                     BatchedMatrix qs = gaussian(random, 1, dOut, dOut);
                     BatchedMatrix qa = bias ? null : gaussian(random, 1, dIn, dIn);
                     BatchedMatrix ours = BatchedMatrix.zeros(DType.F64, 1, dOut, cols, Placement.OFF_HEAP);
                     BatchedMatrix theirs = BatchedMatrix.zeros(DType.F64, 1, dOut, cols);
                     BatchedMatrix bound = BatchedMatrix.zeros(DType.F64, 1, dOut, cols)) {
                    double scale = 1.0 / N;
                    cpu.ekfacEigenvalues(g, PER_EXAMPLE, a, qs, qa, scale, ours);
                    reference.ekfacEigenvalues(g, PER_EXAMPLE, a, qs, qa, scale, theirs);
                    reference.ekfacEigenvalues(abs(g), PER_EXAMPLE, abs(a), abs(qs), abs(qa), scale, bound);
                    int depth = 2 * dOut + 2 * cols + PER_EXAMPLE + N + 4;
                    compare(theirs, ours, bound, 2 * depth, "ekfac layer " + l + (bias ? " bias" : ""));
                }
            }
        }
    }

    @Test
    void kroneckerRotationsOnTheDigitsLayers() {
        Random random = new Random(2);
        for (int l = 0; l + 1 < LAYERS.length; l++) {
            int dIn = LAYERS[l];
            int dOut = LAYERS[l + 1];
            try (BatchedMatrix x = gaussian(random, 180, dOut, dIn); BatchedMatrix qs = gaussian(random, 1, dOut, dOut);
                 BatchedMatrix qa = gaussian(random, 1, dIn, dIn);
                 BatchedMatrix ours = BatchedMatrix.zeros(DType.F64, 180, dOut, dIn, Placement.OFF_HEAP);
                 BatchedMatrix theirs = BatchedMatrix.zeros(DType.F64, 180, dOut, dIn);
                 BatchedMatrix bound = BatchedMatrix.zeros(DType.F64, 180, dOut, dIn)) {
                for (boolean forward : new boolean[] {true, false}) {
                    cpu.kroneckerRotate(qs, qa, x, forward, ours);
                    reference.kroneckerRotate(qs, qa, x, forward, theirs);
                    reference.kroneckerRotate(abs(qs), abs(qa), abs(x), forward, bound);
                    compare(theirs, ours, bound, 2 * (dOut + dIn + 2), "rotate layer " + l + " forward=" + forward);
                }
            }
        }
    }

    @Test
    void scoresAndProductsOnTheDigitsSizes() {
        Random random = new Random(3);
        int p = 64 * 64 + 64;   // the first layer's parameters in the eigenbasis
        try (BatchedMatrix test = gaussian(random, 1, 180, p); BatchedMatrix train = gaussian(random, 1, N, p);
             BatchedMatrix w = gaussian(random, 1, 1, p);
             BatchedMatrix ours = BatchedMatrix.zeros(DType.F64, 1, 180, N, Placement.OFF_HEAP);
             BatchedMatrix theirs = BatchedMatrix.zeros(DType.F64, 1, 180, N);
             BatchedMatrix bound = BatchedMatrix.zeros(DType.F64, 1, 180, N)) {
            cpu.weightedProduct(test, w, train, -1, 0, ours);
            reference.weightedProduct(test, w, train, -1, 0, theirs);
            reference.weightedProduct(abs(test), abs(w), abs(train), 1, 0, bound);
            compare(theirs, ours, bound, 2 * (p + 4), "weighted product");
        }
        try (BatchedMatrix v = gaussian(random, 1, 300, 300); BatchedMatrix x = gaussian(random, 1, 300, 180);
             BatchedMatrix ours = BatchedMatrix.zeros(DType.F64, 1, 300, 180, Placement.OFF_HEAP);
             BatchedMatrix theirs = BatchedMatrix.zeros(DType.F64, 1, 300, 180);
             BatchedMatrix bound = BatchedMatrix.zeros(DType.F64, 1, 300, 180)) {
            cpu.multiply(v, true, x, false, ours);
            reference.multiply(v, true, x, false, theirs);
            reference.multiply(abs(v), true, abs(x), false, bound);
            compare(theirs, ours, bound, 2 * (300 + 1), "multiply");
        }
    }

    private static void compare(BatchedMatrix want, BatchedMatrix got, BatchedMatrix bound, int depth, String what) {
        double[] w = want.toDoubleArray();
        double[] g = got.toDoubleArray();
        double[] b = bound.toDoubleArray();
        double gamma = ErrorBounds.gamma(depth, DType.F64);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], g[i], 2 * gamma * b[i], what + " at " + i);
        }
    }

    private static BatchedMatrix abs(BatchedMatrix m) {
        if (m == null) {
            return null;
        }
        double[] v = m.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return BatchedMatrix.of(v, m.batch(), m.rows(), m.cols());
    }

    private static BatchedMatrix gaussian(Random random, int batch, int rows, int cols) {
        double[] v = new double[batch * rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return BatchedMatrix.of(v, batch, rows, cols, random.nextBoolean() ? Placement.HEAP : Placement.OFF_HEAP);
    }
}
