package org.eigenbasis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.internal.mlp.Activations;
import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;
import org.eigenbasis.value.MlpArchitecture.Activation;
import org.eigenbasis.value.MlpArchitecture.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cuda Hessian-vector plan ({@link MlpHvpPlan}, which {@link CudaMlp} runs with cuBLAS and our kernels) executed on
 * the host by an emulator of its device: every product with the row-major strided-batched semantics the plan states,
 * reading only inside the slices it is given and refusing a leading dimension cuBLAS would refuse (shorter than the
 * stored row); the elementwise steps as eb_api.h states them (native/test/mlp_emulation_test.cpp checks the device
 * arithmetic itself). Runs on every machine; the products against the java reference's R-operator within
 * 32·γ_K·max|Hv| (Higham §3.1, eq. 3.5, as MlpContract's parity test), for every activation and loss, depths 1–4,
 * and blocks of 1, 2, 3 and all the vectors (a partial last block).
 */
class MlpHvpPlanTest {
    /** A slice of a host array: data[off .. off + length). */
    record Buf(double[] data, long off, long length) {
        double get(long i) {
            check(i);
            return data[(int) (off + i)];
        }

        void set(long i, double value) {
            check(i);
            data[(int) (off + i)] = value;
        }

        private void check(long i) {
            if (i < 0 || i >= length) {
                throw new IndexOutOfBoundsException("entry " + i + " outside a slice of " + length);
            }
        }
    }

    /** The emulated device. */
    static final class HostOps implements MlpHvpPlan.Ops<Buf> {
        int allocated;
        int released;

        @Override
        public Buf allocate(long doubles) {
            allocated++;
            double[] d = new double[Math.toIntExact(doubles)];
            java.util.Arrays.fill(d, Double.NaN);   // uninitialised device memory: must be written before it is read
            return new Buf(d, 0, doubles);
        }

        @Override
        public Buf slice(Buf buffer, long offset, long doubles) {
            if (offset < 0 || offset + doubles > buffer.length()) {
                throw new IndexOutOfBoundsException("slice " + offset + "+" + doubles + " of " + buffer.length());
            }
            return new Buf(buffer.data(), buffer.off() + offset, doubles);
        }

        @Override
        public void release(Buf buffer) {
            released++;
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Buf a, int lda, long strideA,
                         Buf b, int ldb, long strideB, double beta, Buf c, int ldc, long strideC, int batch) {
            assertTrue(lda >= Math.max(1, transA ? m : k), "lda " + lda + " shorter than A's stored row");
            assertTrue(ldb >= Math.max(1, transB ? k : n), "ldb " + ldb + " shorter than B's stored row");
            assertTrue(ldc >= Math.max(1, n), "ldc " + ldc + " shorter than C's row");
            for (int q = 0; q < batch; q++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) {
                            double av = transA ? a.get(q * strideA + (long) p * lda + i) : a.get(q * strideA + (long) i * lda + p);
                            double bv = transB ? b.get(q * strideB + (long) j * ldb + p) : b.get(q * strideB + (long) p * ldb + j);
                            s += av * bv;
                        }
                        long at = q * strideC + (long) i * ldc + j;
                        c.set(at, alpha * s + (beta == 0 ? 0 : beta * c.get(at)));
                    }
                }
            }
        }

        @Override
        public void broadcastRows(Buf out, long rows, int groups, int width, Buf src, long srcStride, boolean accumulate) {
            for (long i = 0; i < rows * groups * width; i++) {
                long j = (i / width) % groups;
                double v = src.get(j * srcStride + i % width);
                out.set(i, accumulate ? out.get(i) + v : v);
            }
        }

        @Override
        public void activate(int activation, Buf z, long count, Buf a, Buf s1, Buf s2) {
            for (long i = 0; i < count; i++) {
                double zi = z.get(i);
                a.set(i, Activations.value(activation, zi));
                s1.set(i, Activations.slope(activation, zi));
                if (s2 != null) {
                    s2.set(i, Activations.curvature(activation, zi));
                }
            }
        }

        @Override
        public void lossGradient(int loss, Buf z, Buf y, long rows, int classes, double invRows, Buf g, Buf p) {
            for (long r = 0; r < rows; r++) {
                if (loss == 1) {
                    for (int o = 0; o < classes; o++) {
                        g.set(r * classes + o, (z.get(r * classes + o) - y.get(r * classes + o)) * invRows);
                    }
                    continue;
                }
                double m = Double.NEGATIVE_INFINITY;
                for (int o = 0; o < classes; o++) {
                    m = Math.max(m, z.get(r * classes + o));
                }
                double s = 0;
                for (int o = 0; o < classes; o++) {
                    s += Math.exp(z.get(r * classes + o) - m);
                }
                for (int o = 0; o < classes; o++) {
                    double prob = Math.exp(z.get(r * classes + o) - m) / s;
                    if (p != null) {
                        p.set(r * classes + o, prob);
                    }
                    g.set(r * classes + o, (prob - (o == (int) y.get(r) ? 1 : 0)) * invRows);
                }
            }
        }

        @Override
        public void scaleGroups(Buf out, Buf in, Buf scale, long rows, int groups, int width, Buf e, Buf rz) {
            for (long i = 0; i < rows * groups * width; i++) {
                long r = i / ((long) groups * width);
                long ro = r * width + i % width;
                out.set(i, in.get(i) * scale.get(ro) + (e == null ? 0 : e.get(ro) * rz.get(i)));
            }
        }

        @Override
        public void ropLoss(int loss, Buf p, Buf rz, long rows, int groups, int classes, double invN, Buf rg) {
            for (long q = 0; q < rows * groups; q++) {
                long r = q / groups;
                double dot = 0;
                for (int o = 0; o < classes && loss == 0; o++) {
                    dot += p.get(r * classes + o) * rz.get(q * classes + o);
                }
                for (int o = 0; o < classes; o++) {
                    double z = rz.get(q * classes + o);
                    rg.set(q * classes + o, loss == 1 ? z * invN : p.get(r * classes + o) * (z - dot) * invN);
                }
            }
        }

        @Override
        public void columnSums(Buf in, long rows, int groups, int width, Buf out, long outStride) {
            for (long q = 0; q < (long) groups * width; q++) {
                double s = 0;
                for (long r = 0; r < rows; r++) {
                    s += in.get(r * groups * width + q);
                }
                out.set((q / width) * outStride + q % width, s);
            }
        }
    }

    static Stream<Arguments> models() {
        List<Arguments> list = new ArrayList<>();
        for (Activation act : Activation.values()) {
            for (Loss loss : Loss.values()) {
                list.add(Arguments.of(act, loss, new int[] {5, 7, 6, loss == Loss.SQUARED ? 3 : 4}, 13));
            }
        }
        list.add(Arguments.of(Activation.GELU, Loss.CROSS_ENTROPY, new int[] {4, 3}, 9));
        list.add(Arguments.of(Activation.TANH, Loss.SQUARED, new int[] {3, 1, 1}, 1));
        list.add(Arguments.of(Activation.GELU, Loss.SQUARED, new int[] {2, 17, 1}, 6));
        list.add(Arguments.of(Activation.RELU, Loss.CROSS_ENTROPY, new int[] {6, 9, 8, 7, 5}, 21));
        return list.stream();
    }

    /** CudaMlp.hessianProduct's driver on the emulated device, with blocks of kb vectors. */
    static double[] planProducts(MlpArchitecture arch, double[] theta, double[] x, double[] y, int n, double[] v, int kb,
                                 HostOps ops) {
        int p = arch.parameterCount();
        int k = v.length / p;
        double[] out = new double[v.length];
        Buf dTheta = new Buf(theta.clone(), 0, p);
        Buf dx = new Buf(java.util.Arrays.copyOf(x, n * arch.inputs()), 0, (long) n * arch.inputs());
        Buf dy = new Buf(java.util.Arrays.copyOf(y, n * arch.targetWidth()), 0, (long) n * arch.targetWidth());
        MlpHvpPlan.Base<Buf> base = MlpHvpPlan.base(ops, arch, dTheta, dx, dy, n);
        for (int first = 0; first < k; first += kb) {
            int count = Math.min(kb, k - first);
            Buf vBlock = new Buf(java.util.Arrays.copyOfRange(v, first * p, (first + count) * p), 0, (long) count * p);
            double[] o = new double[count * p];
            java.util.Arrays.fill(o, Double.NaN);   // every entry must be written
            MlpHvpPlan.block(ops, arch, base, dTheta, dx, n, vBlock, new Buf(o, 0, o.length), count);
            System.arraycopy(o, 0, out, first * p, o.length);
        }
        base.release(ops);
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2} n={3}")
    @MethodSource("models")
    void thePlanComputesTheReferencesProducts(Activation act, Loss loss, int[] widths, int n) {
        MlpArchitecture arch = new MlpArchitecture(widths, act, loss);
        int p = arch.parameterCount();
        Random random = new Random(31L * n + act.ordinal() + 7L * loss.ordinal());
        double[] theta = new double[p];
        for (int i = 0; i < p; i++) {
            theta[i] = (2 * random.nextDouble() - 1) * 1.2;
        }
        int rows = n + 2;   // rows beyond n must not be read
        double[] x = new double[rows * arch.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        double[] y = new double[rows * arch.targetWidth()];
        for (int i = 0; i < y.length; i++) {
            y[i] = loss == Loss.SQUARED ? random.nextGaussian() : random.nextInt(arch.outputs());
        }
        int k = 5;
        double[] v = new double[k * p];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        MlpKernel reference = new JavaBackend().mlp();
        double[] want = new double[v.length];
        reference.hessianProduct(arch, theta, x, y, n, v, want);
        double scale = 0;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        int maxWidth = 0;
        for (int w : widths) {
            maxWidth = Math.max(maxWidth, w);
        }
        // K as MlpContract.roundings: the sum over the rows, and a chain of depth L of dot products per row
        int roundings = n + 2 * arch.depth() * (maxWidth + 8) + 16;
        double tol = 32 * ErrorBounds.gamma(roundings, DType.F64) * scale;
        for (int kb : new int[] {1, 2, 3, k}) {
            HostOps ops = new HostOps();
            double[] got = planProducts(arch, theta, x, y, n, v, kb, ops);
            for (int i = 0; i < v.length; i++) {
                assertEquals(want[i], got[i], tol, "kb " + kb + ", vector " + i / p + " entry " + i % p);
            }
            assertEquals(ops.allocated, ops.released, "every device buffer released (kb " + kb + ")");
        }
    }

    @Test
    void blockSizeFollowsTheBudget() {
        MlpArchitecture digits = new MlpArchitecture(new int[] {64, 64, 32, 10}, Activation.GELU, Loss.CROSS_ENTROPY);
        int kb = CudaMlp.blockSize(digits, 1617, 6570);
        long perVector = MlpHvpPlan.doublesPerVector(digits, 1617) * 8;
        assertTrue(kb >= 1 && kb <= CudaMlp.MAX_BLOCK, "kb " + kb);
        assertTrue(kb * perVector <= CudaMlp.HVP_BUDGET_BYTES, "kb " + kb + " × " + perVector + " bytes");
        assertTrue((kb + 1) * perVector > CudaMlp.HVP_BUDGET_BYTES || kb == CudaMlp.MAX_BLOCK, "kb " + kb + " is not the largest");
        assertEquals(3, CudaMlp.blockSize(digits, 1617, 3), "never more than k");
        MlpArchitecture wide = new MlpArchitecture(new int[] {4096, 4096, 10}, Activation.TANH, Loss.SQUARED);
        assertEquals(1, CudaMlp.blockSize(wide, 1 << 20, 10), "at least one vector");
    }
}
