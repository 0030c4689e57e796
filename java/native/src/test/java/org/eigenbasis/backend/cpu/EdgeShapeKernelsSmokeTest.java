package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The edge shapes of the cpu preconditioner and influence kernels that their contracts (PreconditionerContract,
 * InfluenceContract: batch 0, empty extents, 1 × 1 blocks, one split product each) do not reach, for
 * {@code native/sanitize.sh} (issue 15, point 2): the tall-factor accumulation (k ≤ 128 over at least 2048
 * inner rows a worker: a partial factor per worker, summed in order), the fused diagonal update either side of its
 * 2^15-entry chunk, and influence products with 1024 or more rows (two panels a worker). None has a hard maximum;
 * the cap is {@link BatchedMatrix}'s (2^31 − 1 bytes off-heap, 2^31 − 9 scalars on the heap). Each is compared
 * with the java reference. Eigh, spectral and refresh are in {@link EdgeShapeSmokeTest}; the MLP, diffusion and reset
 * kernels' edges (0 jobs, 0 vectors, one example of width 1; n ≤ 3 × t ≤ 17 over both lane widths; N = 1, 16, 17
 * trajectories on the lane path) are already their contracts' and CpuResetSimulatorTest's.
 */
class EdgeShapeKernelsSmokeTest {
    private static final Backend CPU = new CpuBackend();
    private static final Backend JAVA = new JavaBackend();
    /** Inner rows of the tall accumulation: at least 2048 a worker for up to 16 workers, and not a multiple. */
    private static final int TALL_INNER = 16 * 2048 + 3;
    private static final int CHUNK = 1 << 15;

    private static BatchedMatrix gaussian(DType dtype, int batch, int rows, int cols, Random rng) {
        BatchedMatrix m = BatchedMatrix.zeros(dtype, batch, rows, cols);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    m.set(b, i, j, rng.nextGaussian());
                }
            }
        }
        return m;
    }

    private static double gamma(int k, DType dtype) {
        double u = dtype.epsilon();
        return k * u / (1 - k * u);
    }

    /**
     * factor ← beta·F + alpha·X Xᵀ (left, X k × inner) or Xᵀ X (right, X inner × k) with k = 64: each entry a sum of
     * K = inner products, so each backend is within γ_K·(|alpha|·Σ|x||x| + |beta||F|) plus the stored rounding.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void tallFactorAccumulationMatchesTheReference(DType dtype) {
        int k = 64;
        Random rng = new Random(17);
        for (boolean left : new boolean[] {true, false}) {
            double alpha = 1.0 / TALL_INNER;
            double beta = 0.75;
            try (BatchedMatrix x = left ? gaussian(dtype, 1, k, TALL_INNER, rng) : gaussian(dtype, 1, TALL_INNER, k, rng);
                 BatchedMatrix f0 = gaussian(dtype, 1, k, k, rng)) {
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < i; j++) {
                        f0.set(0, j, i, f0.get(0, i, j));
                    }
                }
                try (BatchedMatrix cpu = f0.copy(f0.placement()); BatchedMatrix ref = f0.copy(f0.placement())) {
                    CPU.preconditioner().accumulateFactor(x, left, beta, alpha, cpu);
                    JAVA.preconditioner().accumulateFactor(x, left, beta, alpha, ref);
                    double g = gamma(TALL_INNER + 1, dtype);
                    double[] xs = x.toDoubleArray();
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j <= i; j++) {
                            double abs = 0;
                            for (int c = 0; c < TALL_INNER; c++) {
                                abs += left ? Math.abs(xs[i * TALL_INNER + c] * xs[j * TALL_INNER + c])
                                        : Math.abs(xs[c * k + i] * xs[c * k + j]);
                            }
                            double want = ref.get(0, i, j);
                            double tol = 2 * (g * (alpha * abs + beta * Math.abs(f0.get(0, i, j)))
                                    + dtype.epsilon() * Math.abs(want));
                            String where = dtype + " left=" + left + " (" + i + ", " + j + ")";
                            assertEquals(want, cpu.get(0, i, j), tol, where);
                            assertEquals(cpu.get(0, i, j), cpu.get(0, j, i), 0.0, where + " symmetric");
                        }
                    }
                }
            }
        }
    }

    /** The fused update over 1, 2^15 − 1, 2^15, 2^15 + 1 and 3·2^15 + 5 entries: the reference's bits (exponent 1/2). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void diagonalUpdateAcrossItsChunksIsTheReferencesBits(DType dtype) {
        Random rng = new Random(23);
        for (int count : new int[] {1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5}) {
            for (boolean withM : new boolean[] {true, false}) {
                try (BatchedMatrix g = gaussian(dtype, 1, count, 1, rng); BatchedMatrix m0 = gaussian(dtype, 1, count, 1, rng);
                     BatchedMatrix v0 = gaussian(dtype, 1, count, 1, rng)) {
                    for (int i = 0; i < count; i++) {
                        v0.set(0, i, 0, Math.abs(v0.get(0, i, 0)));
                    }
                    try (BatchedMatrix mc = m0.copy(m0.placement()); BatchedMatrix mr = m0.copy(m0.placement());
                         BatchedMatrix vc = v0.copy(v0.placement()); BatchedMatrix vr = v0.copy(v0.placement());
                         BatchedMatrix oc = BatchedMatrix.zeros(dtype, 1, count, 1);
                         BatchedMatrix or = BatchedMatrix.zeros(dtype, 1, count, 1)) {
                        CPU.preconditioner().diagonalUpdate(g, withM ? mc : null, vc, 0.9, 0.999, 0.001, 0.5, 1e-8, oc);
                        JAVA.preconditioner().diagonalUpdate(g, withM ? mr : null, vr, 0.9, 0.999, 0.001, 0.5, 1e-8, or);
                        String where = dtype + " count=" + count + " m=" + withM;
                        assertTrue(java.util.Arrays.equals(or.toDoubleArray(), oc.toDoubleArray()), where + ": out");
                        assertTrue(java.util.Arrays.equals(vr.toDoubleArray(), vc.toDoubleArray()), where + ": v");
                        assertTrue(java.util.Arrays.equals(mr.toDoubleArray(), mc.toDoubleArray()), where + ": m");
                    }
                }
            }
        }
    }

    /**
     * Influence products with 1100 rows (≥ 2·workers·256 on up to 2 workers: two panels a worker) and one column or
     * one inner term: out entries are sums of K products, within γ_K·Σ|terms| of the reference each (Higham).
     */
    @Test
    void influenceProductsWithManyRowsMatchTheReference() {
        Random rng = new Random(29);
        int m = 1100;
        for (int[] s : new int[][] {{m, 40, 30}, {m, 1, 30}, {m, 40, 1}, {1, m, 30}}) {   // (rows, cols, inner)
            try (BatchedMatrix a = gaussian(DType.F64, 1, s[0], s[2], rng); BatchedMatrix b = gaussian(DType.F64, 1, s[2], s[1], rng);
                 BatchedMatrix cpu = BatchedMatrix.zeros(DType.F64, 1, s[0], s[1]);
                 BatchedMatrix ref = BatchedMatrix.zeros(DType.F64, 1, s[0], s[1])) {
                CPU.influence().multiply(a, false, b, false, cpu);
                JAVA.influence().multiply(a, false, b, false, ref);
                assertProducts(a, b, cpu, ref, "multiply " + java.util.Arrays.toString(s));
            }
            // weightedProduct(X, w = null, Y) = X Yᵀ with Y = bᵀ.
            try (BatchedMatrix x = gaussian(DType.F64, 1, s[0], s[2], rng); BatchedMatrix y = gaussian(DType.F64, 1, s[1], s[2], rng);
                 BatchedMatrix yt = BatchedMatrix.zeros(DType.F64, 1, s[2], s[1]);
                 BatchedMatrix cpu = BatchedMatrix.zeros(DType.F64, 1, s[0], s[1]);
                 BatchedMatrix ref = BatchedMatrix.zeros(DType.F64, 1, s[0], s[1])) {
                for (int i = 0; i < s[1]; i++) {
                    for (int c = 0; c < s[2]; c++) {
                        yt.set(0, c, i, y.get(0, i, c));
                    }
                }
                CPU.influence().weightedProduct(x, null, y, 1.0, 0.0, cpu);
                JAVA.influence().weightedProduct(x, null, y, 1.0, 0.0, ref);
                assertProducts(x, yt, cpu, ref, "weighted " + java.util.Arrays.toString(s));
            }
        }
    }

    /**
     * The raw E₁ wrapper (CpuKernels.diffusionE1, which the diffusion kernel's lanes share) on 0 to 17 arguments:
     * every lane-width tail (4 on AVX2, 8 on AVX-512) and the entries past {@code count} left as they were.
     */
    @Test
    void exponentialIntegralOnEveryTailWritesExactlyCountEntries() {
        double sentinel = -7.5;
        for (int count = 0; count <= 17; count++) {
            java.nio.DoubleBuffer x = java.nio.ByteBuffer.allocateDirect((count + 2) * Double.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asDoubleBuffer();
            java.nio.DoubleBuffer out = java.nio.ByteBuffer.allocateDirect((count + 2) * Double.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asDoubleBuffer();
            for (int i = 0; i < count + 2; i++) {
                x.put(i, 0.37 * (i + 1));
                out.put(i, sentinel);
            }
            org.eigenbasis.binding.CpuKernels.diffusionE1(x, count, out);
            for (int i = 0; i < count; i++) {
                double want = org.eigenbasis.internal.ExponentialIntegral.e1(x.get(i));
                assertEquals(want, out.get(i), CpuDiffusionContractTest.E1_BOUND * want, "count " + count + " E1 " + i);
            }
            assertEquals(sentinel, out.get(count), 0.0, "count " + count + ": wrote past the end");
            assertEquals(sentinel, out.get(count + 1), 0.0, "count " + count + ": wrote past the end");
        }
    }

    /**
     * The one n = 0 that is not legal: the Hessian of a mean loss over no examples. The cpu kernel refuses it in
     * Java, naming n and its range, before any native call, and writes nothing.
     */
    @Test
    void hessianProductOverNoExamplesIsRefusedNamingN() {
        org.eigenbasis.value.MlpArchitecture arch = new org.eigenbasis.value.MlpArchitecture(new int[] {2, 3, 1},
                org.eigenbasis.value.MlpArchitecture.Activation.TANH, org.eigenbasis.value.MlpArchitecture.Loss.SQUARED);
        int p = arch.parameterCount();
        double[] out = new double[p];
        java.util.Arrays.fill(out, -7.5);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CPU.mlp().hessianProduct(arch, new double[p], new double[4], new double[2], 0, new double[p], out));
        assertTrue(e.getMessage().startsWith("n: 0 is outside [1, 2]"), e.getMessage());
        for (double o : out) {
            assertEquals(-7.5, o, 0.0, "nothing written");
        }
    }

    private static void assertProducts(BatchedMatrix a, BatchedMatrix b, BatchedMatrix cpu, BatchedMatrix ref, String what) {
        int inner = a.cols();
        double g = gamma(inner, DType.F64);
        for (int i = 0; i < cpu.rows(); i++) {
            for (int j = 0; j < cpu.cols(); j++) {
                double abs = 0;
                for (int c = 0; c < inner; c++) {
                    abs += Math.abs(a.get(0, i, c) * b.get(0, c, j));
                }
                assertEquals(ref.get(0, i, j), cpu.get(0, i, j), 2 * g * abs, what + " (" + i + ", " + j + ")");
            }
        }
    }
}
