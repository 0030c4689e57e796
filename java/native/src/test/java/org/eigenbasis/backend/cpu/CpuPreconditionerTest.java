package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.backend.java.ReferencePreconditioner;
import org.eigenbasis.contract.PreconditionerContract;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.api.Test;

/**
 * The preconditioner contract on the cpu backend, plus what is particular to it: the native kernels are the ones
 * wired in, the diagonal update is the reference's bits (exponent 1/2), and bad arguments are refused in Java
 * before any native call.
 */
class CpuPreconditionerTest extends PreconditionerContract {
    private static final Backend BACKEND = new CpuBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    /** The cpu backend is built by this module: unavailable is a failure here, never a skip. */
    @Override
    protected boolean requiredHere() {
        return true;
    }

    @Test
    void theBackendUsesTheNativeKernels() {
        assertSame(CpuPreconditioner.class, BACKEND.preconditioner().getClass());
    }

    @Test
    void diagonalUpdateIsTheReferenceBitForBit() {
        PreconditionerKernel cpu = BACKEND.preconditioner();
        PreconditionerKernel reference = new ReferencePreconditioner();
        Random random = new Random(9);
        for (DType dtype : DType.values()) {
            double[] g = new double[5 * 999];
            double[] m = new double[g.length];
            double[] v = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4);
                m[i] = random.nextGaussian();
                v[i] = Math.abs(random.nextGaussian());
            }
            BatchedMatrix[] ours = {of(dtype, g), of(dtype, m), of(dtype, v)};
            BatchedMatrix[] theirs = {of(dtype, g), of(dtype, m), of(dtype, v)};
            cpu.diagonalUpdate(ours[0], ours[1], ours[2], 0.9, 0.999, 0.001, 0.5, 1e-8, ours[0]);
            reference.diagonalUpdate(theirs[0], theirs[1], theirs[2], 0.9, 0.999, 0.001, 0.5, 1e-8, theirs[0]);
            for (int k = 0; k < 3; k++) {
                // Exact: both evaluate the formula in double in the same order without fused multiply-add
                // (precond.cpp is compiled -ffp-contract=off), with sqrt (correctly rounded) at exponent 1/2, and
                // round once when they store an f32 result.
                assertArrayEquals(theirs[k].toDoubleArray(), ours[k].toDoubleArray(), 0.0, dtype + " array " + k);
                ours[k].close();
                theirs[k].close();
            }
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeNativeCode() {
        PreconditionerKernel cpu = BACKEND.preconditioner();
        BatchedMatrix x = BatchedMatrix.zeros(DType.F64, 2, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.accumulateFactor(x, true, 0, 1, BatchedMatrix.zeros(DType.F64, 2, 4, 4)));
        assertTrue(e.getMessage().startsWith("factor: shape") && e.getMessage().contains("(2, 3, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> cpu.accumulateFactor(x, false, 0, 1, BatchedMatrix.zeros(DType.F32, 2, 4, 4)));
        assertTrue(e.getMessage().startsWith("factor: dtype f32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cpu.rotate(null, false, x, null, false, x));
        assertTrue(e.getMessage().startsWith("out: "), e.getMessage());
        BatchedMatrix square = BatchedMatrix.zeros(DType.F64, 2, 3, 3);
        e = assertThrows(IllegalArgumentException.class, () -> cpu.rotate(square, false, square, null, false, square));
        assertTrue(e.getMessage().startsWith("out: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> cpu.rotate(null, false, x, BatchedMatrix.zeros(DType.F64, 2, 3, 3), false, BatchedMatrix.zeros(DType.F64, 2, 3, 4)));
        assertTrue(e.getMessage().startsWith("right: "), e.getMessage());
        BatchedMatrix v = BatchedMatrix.zeros(DType.F64, 2, 3, 4, Placement.OFF_HEAP);
        assertThrows(IllegalArgumentException.class, () -> cpu.diagonalUpdate(x, v, v, 0.9, 0.99, 0.01, 0.5, 1e-8, x));
        assertThrows(IllegalArgumentException.class, () -> cpu.diagonalUpdate(x, null, x, 0.9, 0.99, 0.01, 0.5, 1e-8, x));
        assertThrows(IllegalArgumentException.class, () -> cpu.diagonalUpdate(x, null, v, 0.9, 0.99, 0.01, 0.5, 1e-8, v));
        e = assertThrows(IllegalArgumentException.class, () -> cpu.diagonalUpdate(x, BatchedMatrix.zeros(DType.F64, 2, 4, 3),
                v, 0.9, 0.99, 0.01, 0.5, 1e-8, x));
        assertTrue(e.getMessage().startsWith("m: "), e.getMessage());
        assertThrows(NullPointerException.class, () -> cpu.diagonalUpdate(x, null, null, 0.9, 0.99, 0.01, 0.5, 1e-8, x));
        v.close();
    }

    private static BatchedMatrix of(DType dtype, double[] values) {
        BatchedMatrix m = BatchedMatrix.of(values, 5, 27, 37);
        return dtype == DType.F64 ? m : m.convert(DType.F32);
    }

    /**
     * A tall X with a small factor (the EK-FAC fit's S = gᵀg/n) takes the cpu's split of the inner dimension over
     * the workers, both sides, both dtypes, with and without the old factor: each entry within 2γ_{inner+2}·Σ|terms|
     * of the plain sum, exactly symmetric, and the same bits on a second call.
     */
    @Test
    void tallFactorsSplitTheInnerDimension() {
        Random random = new Random(77);
        PreconditionerKernel cpu = BACKEND.preconditioner();
        int k = 20;
        int inner = 5000;
        for (DType dtype : DType.values()) {
            for (boolean left : new boolean[] {false, true}) {
                int rows = left ? k : inner;
                int cols = left ? inner : k;
                double[] xs = new double[rows * cols];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = random.nextGaussian();
                }
                for (double beta : new double[] {0, 0.5}) {
                    double[] old = new double[k * k];
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j <= i; j++) {
                            old[i * k + j] = random.nextGaussian();
                            old[j * k + i] = old[i * k + j];
                        }
                    }
                    try (BatchedMatrix x = BatchedMatrix.of(xs, 1, rows, cols).convert(dtype);
                         BatchedMatrix f = BatchedMatrix.of(old, 1, k, k).convert(dtype);
                         BatchedMatrix again = BatchedMatrix.of(old, 1, k, k).convert(dtype)) {
                        double[] xr = x.toDoubleArray();
                        double[] oldr = f.toDoubleArray();
                        cpu.accumulateFactor(x, left, beta, 0.25, f);
                        cpu.accumulateFactor(x, left, beta, 0.25, again);
                        assertArrayEquals(f.toDoubleArray(), again.toDoubleArray(), "same bits, " + dtype + " left=" + left);
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                double sum = 0;
                                double abs = 0;
                                for (int c = 0; c < inner; c++) {
                                    double p = left ? xr[i * inner + c] * xr[j * inner + c] : xr[c * k + i] * xr[c * k + j];
                                    sum += p;
                                    abs += Math.abs(p);
                                }
                                double o = beta * oldr[i * k + j];
                                double tol = 2 * ErrorBounds.gamma(inner + 2, dtype) * (Math.abs(o) + 0.25 * abs);
                                String where = dtype + " left=" + left + " beta=" + beta + " [" + i + "][" + j + "]";
                                assertEquals(o + 0.25 * sum, f.get(0, i, j), tol, where);
                                assertEquals(f.get(0, j, i), f.get(0, i, j), 0, "symmetric " + where);
                            }
                        }
                    }
                }
            }
        }
    }
}
