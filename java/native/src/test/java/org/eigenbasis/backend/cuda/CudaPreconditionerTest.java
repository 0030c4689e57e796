package org.eigenbasis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.backend.java.ReferencePreconditioner;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cuda preconditioner kernels against {@link ReferencePreconditioner}. On a GPU: every kernel at the sizes 0,
 * 1, 2, 3, 7, 8, 9, 31, 33, 64, 65, batches 1 and 3 (17 for one size), both dtypes, heap and off-heap matrices.
 * Products (factor accumulation, rotations) agree entry by entry within γ·(|A|·|B|), γ = 4·k·ε of the dtype and k
 * the inner dimension, the classic bound for a sum of k products in any order (|A|·|B| formed by the reference on
 * absolute values); the diagonal update is bitwise equal for exponent 1/2 and within 4 ulp through pow. Also:
 * beta = 0 with NaN in the old factor, null sides, every transpose, out = g in the diagonal update. Without a GPU
 * these are reported skipped with the reason; the Java-side refusals and the host fallback run everywhere.
 */
class CudaPreconditionerTest {
    private static final int[] SIZES = {0, 1, 2, 3, 7, 8, 9, 31, 33, 64, 65};
    private final CudaPreconditioner cuda = new CudaPreconditioner();
    private final ReferencePreconditioner reference = new ReferencePreconditioner();

    private static Availability gpu() {
        return new CudaBackend().availability();
    }

    private static void requireGpu() {
        Availability a = gpu();
        Assumptions.assumeTrue(a.available(), "cuda backend unavailable: " + a.reason());
    }

    static Stream<Arguments> shapes() {
        List<Arguments> list = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (int m : SIZES) {
                list.add(Arguments.of(dtype, m == 9 ? 17 : 3, m, m == 0 ? 5 : 65 - m));  // tall, wide and square mixes
                list.add(Arguments.of(dtype, 1, m, m));
            }
        }
        return list.stream();
    }

    // ---- parity on a GPU -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} batch {1}: {2} x {3}")
    @MethodSource("shapes")
    void factorAccumulationMatchesTheReference(DType dtype, int batch, int rows, int cols) {
        requireGpu();
        Random random = new Random(31L * rows + cols);
        BatchedMatrix x = gaussian(random, dtype, batch, rows, cols, Placement.HEAP);
        for (boolean left : new boolean[] {true, false}) {
            int k = left ? rows : cols;
            for (double beta : new double[] {0.0, 0.95}) {
                BatchedMatrix old = gaussian(random, dtype, batch, k, k, random.nextBoolean() ? Placement.HEAP : Placement.OFF_HEAP);
                if (beta == 0 && k > 0) {
                    old.set(0, k - 1, 0, Double.NaN);   // not read when beta = 0
                    old.set(0, 0, 0, Double.NaN);
                }
                BatchedMatrix got = old.copy(old.placement());
                BatchedMatrix want = old.copy(Placement.HEAP);
                cuda.accumulateFactor(x, left, beta, 0.05, got);
                reference.accumulateFactor(x, left, beta, 0.05, want);
                // The bound: the same accumulation on absolute values.
                BatchedMatrix bound = absF64(old);
                reference.accumulateFactor(absF64(x), left, beta, 0.05, bound);
                assertWithinBound(want, got, bound, gamma(dtype, Math.max(1, left ? cols : rows) + 2),
                        "factor left=" + left + " beta=" + beta);
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < i; j++) {
                            assertEquals(got.get(b, i, j), got.get(b, j, i), 0, "exactly symmetric");
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} batch {1}: {2} x {3}")
    @MethodSource("shapes")
    void rotationsMatchTheReference(DType dtype, int batch, int m, int n) {
        requireGpu();
        Random random = new Random(17L * m + n);
        BatchedMatrix g = gaussian(random, dtype, batch, m, n, Placement.OFF_HEAP);
        BatchedMatrix l = gaussian(random, dtype, batch, m, m, Placement.HEAP);
        BatchedMatrix r = gaussian(random, dtype, batch, n, n, Placement.OFF_HEAP);
        for (int mask = 0; mask < 16; mask++) {
            BatchedMatrix left = (mask & 1) != 0 ? l : null;
            BatchedMatrix right = (mask & 2) != 0 ? r : null;
            boolean tl = (mask & 4) != 0;
            boolean tr = (mask & 8) != 0;
            BatchedMatrix got = BatchedMatrix.zeros(dtype, batch, m, n, random.nextBoolean() ? Placement.HEAP : Placement.OFF_HEAP);
            BatchedMatrix want = BatchedMatrix.zeros(dtype, batch, m, n);
            cuda.rotate(left, tl, g, right, tr, got);
            reference.rotate(left, tl, g, right, tr, want);
            BatchedMatrix bound = BatchedMatrix.zeros(DType.F64, batch, m, n);
            reference.rotate(left == null ? null : absF64(left), tl, absF64(g), right == null ? null : absF64(right), tr,
                    bound);
            int inner = (left != null ? m : 0) + (right != null ? n : 0) + 2;
            assertWithinBound(want, got, bound, gamma(dtype, inner), "rotate mask=" + mask);
        }
    }

    @ParameterizedTest(name = "{0} batch {1}: {2} x {3}")
    @MethodSource("shapes")
    void diagonalUpdateIsTheReferenceBitForBit(DType dtype, int batch, int m, int n) {
        requireGpu();
        double[][] settings = {
            {0.9, 0.999, 0.001, 0.5, 1e-8},   // Adam
            {0.9, 1, 1, 0.5, 1e-10},          // AdaGrad sum
            {0, 0.99, 0.01, 0.25, 1e-6},      // quarter root through pow
        };
        Random random = new Random(7L * m + n);
        for (double[] s : settings) {
            for (boolean withM : new boolean[] {true, false}) {
                for (boolean outIsG : new boolean[] {false, true}) {
                    BatchedMatrix g = gaussian(random, dtype, batch, m, n, Placement.HEAP);
                    BatchedMatrix mm = withM ? gaussian(random, dtype, batch, m, n, Placement.OFF_HEAP) : null;
                    BatchedMatrix v = abs(gaussian(random, dtype, batch, m, n, Placement.HEAP));
                    BatchedMatrix gRef = g.copy(Placement.HEAP);
                    BatchedMatrix mRef = mm == null ? null : mm.copy(Placement.HEAP);
                    BatchedMatrix vRef = v.copy(Placement.HEAP);
                    BatchedMatrix out = outIsG ? g : BatchedMatrix.zeros(dtype, batch, m, n);
                    BatchedMatrix outRef = outIsG ? gRef : BatchedMatrix.zeros(dtype, batch, m, n);
                    cuda.diagonalUpdate(g, mm, v, s[0], s[1], s[2], s[3], s[4], out);
                    reference.diagonalUpdate(gRef, mRef, vRef, s[0], s[1], s[2], s[3], s[4], outRef);
                    String what = "diagonal exponent=" + s[3] + " m=" + withM + " out=g " + outIsG;
                    int ulps = s[3] == 0.5 ? 0 : 4;
                    assertUlps(outRef, out, ulps, what + " out");
                    assertUlps(vRef, v, 0, what + " v");
                    if (withM) {
                        assertUlps(mRef, mm, 0, what + " m");
                    }
                }
            }
        }
    }

    @Test
    void theBackendHandsOutTheGpuKernelsWhenAGpuIsThere() {
        requireGpu();
        assertTrue(new CudaBackend().preconditioner() instanceof CudaPreconditioner);
    }

    // ---- everywhere ----------------------------------------------------------------------------------------

    @Test
    void withoutAGpuTheBackendFallsBackToTheHostKernels() {
        CudaBackend backend = new CudaBackend();
        Assumptions.assumeFalse(backend.availability().available(), "a GPU is available here");
        PreconditionerKernel kernel = backend.preconditioner();
        assertFalse(kernel instanceof CudaPreconditioner);
        BatchedMatrix f = BatchedMatrix.zeros(DType.F64, 1, 2, 2);
        kernel.accumulateFactor(BatchedMatrix.of(new double[] {1, 2, 3, 4}, 1, 2, 2), true, 0, 1, f);
        assertEquals(1 * 3 + 2 * 4, f.get(0, 1, 0), 0);
    }

    @Test
    void withoutAGpuAValidCallSaysWhy() {
        Availability a = gpu();
        Assumptions.assumeFalse(a.available(), "a GPU is available here");
        BatchedMatrix f = BatchedMatrix.zeros(DType.F64, 1, 2, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cuda.accumulateFactor(BatchedMatrix.zeros(DType.F64, 1, 2, 3), true, 0, 1, f));
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
    }

    /**
     * Calls with nothing to compute return before the GPU (so they work without one) and touch nothing: the
     * non-empty operands beside the empty ones keep their values, the shapes stay, nothing is closed, and the
     * result is the host reference's. The argument checks still come first: a mis-shaped empty call is refused.
     */
    @Test
    void emptyShapesNeedNoGpuAndChangeNothing() {
        Random random = new Random(5);
        BatchedMatrix g = BatchedMatrix.zeros(DType.F32, 2, 0, 3);
        BatchedMatrix right = gaussian(random, DType.F32, 2, 3, 3, Placement.OFF_HEAP);
        BatchedMatrix rightBefore = right.copy(Placement.HEAP);
        BatchedMatrix out = BatchedMatrix.zeros(DType.F32, 2, 0, 3);
        cuda.rotate(null, false, g, right, true, out);
        assertShape(out, 2, 0, 3);
        assertUlps(rightBefore, right, 0, "rotate must not write its right factor");

        BatchedMatrix wide = BatchedMatrix.zeros(DType.F64, 2, 3, 0);       // columns empty: left is 3 × 3
        BatchedMatrix left = gaussian(random, DType.F64, 2, 3, 3, Placement.HEAP);
        BatchedMatrix leftBefore = left.copy(Placement.HEAP);
        BatchedMatrix wideOut = BatchedMatrix.zeros(DType.F64, 2, 3, 0);
        cuda.rotate(left, true, wide, null, false, wideOut);
        assertShape(wideOut, 2, 3, 0);
        assertUlps(leftBefore, left, 0, "rotate must not write its left factor");

        BatchedMatrix v = BatchedMatrix.zeros(DType.F32, 2, 0, 3);
        cuda.diagonalUpdate(g, null, v, 0.9, 0.99, 0.01, 0.5, 1e-8, g);
        assertShape(g, 2, 0, 3);
        assertShape(v, 2, 0, 3);

        BatchedMatrix emptyFactor = BatchedMatrix.zeros(DType.F32, 2, 0, 0);
        cuda.accumulateFactor(g, true, 0.5, 1, emptyFactor);                  // left factor of 0 rows: 0 × 0
        assertShape(emptyFactor, 2, 0, 0);
        BatchedMatrix none = BatchedMatrix.zeros(DType.F64, 0, 4, 4);
        BatchedMatrix noFactor = BatchedMatrix.zeros(DType.F64, 0, 4, 4);
        cuda.accumulateFactor(none, false, 0.5, 1, noFactor);
        assertShape(noFactor, 0, 4, 4);
        for (BatchedMatrix x : new BatchedMatrix[] {g, right, out, wide, left, wideOut, v, emptyFactor, none, noFactor}) {
            assertFalse(x.isClosed(), "an operand was closed");
        }

        // The host reference on the same calls: the same (empty) results and the same untouched factors.
        BatchedMatrix refOut = BatchedMatrix.zeros(DType.F64, 2, 3, 0);
        reference.rotate(left, true, wide, null, false, refOut);
        assertShape(refOut, 2, 3, 0);
        assertUlps(leftBefore, left, 0, "the reference leaves the left factor too");

        // Checks before the early return: mis-shaped empty operands are refused, without a GPU.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.rotate(null, false, g, BatchedMatrix.zeros(DType.F32, 2, 4, 4), true, out));
        assertTrue(e.getMessage().startsWith("right: "), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> cuda.accumulateFactor(g, true, 0.5, 1, BatchedMatrix.zeros(DType.F32, 2, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> cuda.diagonalUpdate(g, null,
                BatchedMatrix.zeros(DType.F32, 2, 3, 0), 0.9, 0.99, 0.01, 0.5, 1e-8, g));
        assertThrows(IllegalArgumentException.class,
                () -> cuda.accumulateFactor(none, false, 0.5, 1, BatchedMatrix.zeros(DType.F32, 0, 4, 4)));
    }

    @Test
    void wrongShapesAreRefusedBeforeTheGpu() {
        BatchedMatrix x = BatchedMatrix.zeros(DType.F64, 2, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.accumulateFactor(x, true, 0, 1, BatchedMatrix.zeros(DType.F64, 2, 4, 4)));
        assertTrue(e.getMessage().startsWith("factor: "), e.getMessage());
        assertTrue(e.getMessage().contains("(2, 3, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> cuda.accumulateFactor(x, false, 0, 1, BatchedMatrix.zeros(DType.F64, 1, 4, 4)));
        e = assertThrows(IllegalArgumentException.class, () -> cuda.rotate(BatchedMatrix.zeros(DType.F64, 2, 4, 4),
                false, x, null, false, BatchedMatrix.zeros(DType.F64, 2, 3, 4)));
        assertTrue(e.getMessage().startsWith("left: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cuda.rotate(null, false, x,
                BatchedMatrix.zeros(DType.F64, 2, 3, 3), false, BatchedMatrix.zeros(DType.F64, 2, 3, 4)));
        assertTrue(e.getMessage().startsWith("right: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cuda.rotate(null, false, x, null, false,
                BatchedMatrix.zeros(DType.F64, 2, 4, 3)));
        assertTrue(e.getMessage().startsWith("out: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cuda.diagonalUpdate(x, BatchedMatrix.zeros(DType.F64, 2, 3, 5),
                BatchedMatrix.zeros(DType.F64, 2, 3, 4), 0.9, 0.99, 0.01, 0.5, 1e-8, x));
        assertTrue(e.getMessage().startsWith("m: "), e.getMessage());
    }

    @Test
    void mixedDtypesAreRefusedBeforeTheGpu() {
        BatchedMatrix x = BatchedMatrix.zeros(DType.F32, 1, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.accumulateFactor(x, true, 0, 1, BatchedMatrix.zeros(DType.F64, 1, 2, 2)));
        assertTrue(e.getMessage().startsWith("factor: dtype f64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> cuda.diagonalUpdate(x, null, BatchedMatrix.zeros(DType.F64, 1, 2, 2), 0.9, 0.99, 0.01, 0.5, 1e-8, x));
        assertTrue(e.getMessage().startsWith("v: dtype"), e.getMessage());
    }

    @Test
    void aliasingThatTheContractForbidsIsRefused() {
        BatchedMatrix g = BatchedMatrix.zeros(DType.F64, 1, 2, 2);
        BatchedMatrix v = BatchedMatrix.zeros(DType.F64, 1, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.rotate(null, false, g, null, false, g));
        assertTrue(e.getMessage().startsWith("out: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cuda.diagonalUpdate(g, v, v, 0.9, 0.99, 0.01, 0.5, 1e-8, g));
        assertThrows(IllegalArgumentException.class, () -> cuda.diagonalUpdate(g, null, g, 0.9, 0.99, 0.01, 0.5, 1e-8, g));
        assertThrows(IllegalArgumentException.class, () -> cuda.diagonalUpdate(g, g, v, 0.9, 0.99, 0.01, 0.5, 1e-8, v));
    }

    @Test
    void missingRequiredArgumentsAreNamed() {
        BatchedMatrix g = BatchedMatrix.zeros(DType.F64, 1, 2, 2);
        assertEquals("x", assertThrows(NullPointerException.class,
                () -> cuda.accumulateFactor(null, true, 0, 1, g)).getMessage());
        assertEquals("out", assertThrows(NullPointerException.class,
                () -> cuda.rotate(null, false, g, null, false, null)).getMessage());
        assertEquals("v", assertThrows(NullPointerException.class,
                () -> cuda.diagonalUpdate(g, null, null, 0.9, 0.99, 0.01, 0.5, 1e-8, g)).getMessage());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /**
     * 2·γ_k of the dtype (k the inner dimension plus the additions of beta·F + alpha·S): Higham's bound for a sum of
     * k products in any order (cuBLAS's blocking included; IEEE arithmetic, no TF32), once for each side.
     */
    private static double gamma(DType dtype, int k) {
        return 2 * ErrorBounds.gamma(k, dtype);
    }

    private static BatchedMatrix gaussian(Random random, DType dtype, int batch, int rows, int cols, Placement placement) {
        double[] data = new double[batch * rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian();
        }
        BatchedMatrix m = BatchedMatrix.of(data, batch, rows, cols, placement);
        return dtype == DType.F64 ? m : m.convert(DType.F32);
    }

    /** A heap f64 copy of absolute values (NaN stays NaN: it only sits where nothing is read). */
    private static BatchedMatrix absF64(BatchedMatrix m) {
        double[] d = m.toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.abs(d[i]);
        }
        return BatchedMatrix.of(d, m.batch(), m.rows(), m.cols());
    }

    /** Absolute values in the same dtype (exact: no rounding in either dtype). */
    private static BatchedMatrix abs(BatchedMatrix m) {
        BatchedMatrix a = absF64(m);
        return m.dtype() == DType.F64 ? a : a.convert(DType.F32);
    }

    private static void assertWithinBound(BatchedMatrix want, BatchedMatrix got, BatchedMatrix bound, double gamma,
                                          String what) {
        double[] w = want.toDoubleArray();
        double[] g = got.toDoubleArray();
        double[] b = bound.toDoubleArray();
        assertEquals(w.length, g.length, what);
        for (int i = 0; i < w.length; i++) {
            assertFalse(Double.isNaN(g[i]), what + " [" + i + "] is NaN");
            double tolerance = gamma * b[i] + Double.MIN_NORMAL;
            assertEquals(w[i], g[i], tolerance, what + " [" + i + "]");
        }
    }

    private static void assertShape(BatchedMatrix x, int batch, int rows, int cols) {
        assertEquals(batch + " x " + rows + " x " + cols, x.batch() + " x " + x.rows() + " x " + x.cols());
    }

    private static void assertUlps(BatchedMatrix want, BatchedMatrix got, int ulps, String what) {
        double[] w = want.toDoubleArray();
        double[] g = got.toDoubleArray();
        assertSame(want.dtype(), got.dtype(), what);
        for (int i = 0; i < w.length; i++) {
            if (Double.isNaN(w[i]) && Double.isNaN(g[i])) {
                continue;
            }
            double oneUlp = want.dtype() == DType.F64 ? Math.ulp(w[i]) : Math.ulp((float) w[i]);
            assertEquals(w[i], g[i], ulps * oneUlp, what + " [" + i + "]");
        }
    }
}
