package org.eigenbasis.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import org.eigenbasis.backend.MlpArguments;
import org.eigenbasis.binding.CublasBlas;
import org.eigenbasis.binding.CudaKernels;
import org.eigenbasis.binding.DeviceBuffer;
import org.eigenbasis.internal.DirectMemory;
import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.value.MlpArchitecture;

/**
 * The MLP kernels on the GPU.
 *
 * <p>{@link #train}: {@code eb_cuda_mlp_train_f64} (native/src/cuda/mlp_train.cu), one thread block per job, all jobs
 * of the call in one launch (groups when their workspaces would pass 512 MiB). Each block runs the job's steps in
 * sequence, every step a fixed series of phases (gather, forward per layer, loss gradient, backward per layer,
 * momentum update) in which each output entry is one thread's sum in the cpu kernel's order with its fused
 * multiply-adds; gelu from the cpu's table of Taylor polynomials. So a job's result does not depend on the other jobs
 * nor on the block size, and it equals the cpu kernel's bits up to the device's exp, tanh, cos and (beyond |z| ≥ 9)
 * erfc, each within a few ulp of glibc's (the host emulation of the same code equals the cpu's bit for bit:
 * native/test/mlp_emulation_test.cpp).
 *
 * <p>Data: x, y, every job's parameters and all the orders are copied to the device per call (the orders through a
 * bounded staging buffer, {@value #STAGING_INTS} ints at a time) and the parameters back; device memory is freed
 * before the call returns. Networks deeper than {@code eb_cuda_mlp_max_depth()} (64 layers) go to the host backend
 * with one log line.
 *
 * <p>{@link #hessianProduct}: Pearlmutter's R-operator as {@link MlpHvpPlan}: the unperturbed pass once over the n rows,
 * then the vectors in blocks of kb (as many as {@value #HVP_BUDGET_BYTES} bytes of R-quantities allow, at most
 * {@value #MAX_BLOCK}), every product one cuBLAS dgemm or strided-batched dgemm over the block's vectors
 * ({@link CublasBlas}: CUBLAS_DEFAULT_MATH, so f64 products on the FP64 units or DMMA, never a reduced precision), the
 * elementwise steps our kernels (native/src/cuda/mlp_hvp.cu, arithmetic in mlp_device.hpp). Parity with the cpu
 * kernel is to rounding (cuBLAS sums in its own order). Each block's vectors are uploaded and its products
 * downloaded through one staging buffer; everything on the device is freed before the call returns.
 */
final class CudaMlp implements MlpKernel {
    /** Device bytes of a block's R-quantities (plus its vectors and products) that set the block size kb. */
    static final long HVP_BUDGET_BYTES = 1L << 30;

    /** Most vectors per block (cuBLAS's batch count and the n·kb rows of a product stay small). */
    static final int MAX_BLOCK = 512;

    /** Ints staged off-heap per copy of the orders to the device: 8 Mi, 32 MiB. */
    static final int STAGING_INTS = 8 << 20;

    private static final int F64 = Double.BYTES;

    @Override
    public void train(MlpArchitecture architecture, double[][] params, double[] x, double[] y, int[][] orders,
                      int epochs, int batchSize, double lr, double momentum) {
        long entries = MlpArguments.checkTrain(architecture, params, x, y, orders, epochs, batchSize);
        if (params.length == 0) {
            return;
        }
        if (architecture.depth() > CudaKernels.mlpMaxDepth()) {
            HostFallback.forKernel("mlp-train-deep", "the cuda trainer takes at most " + CudaKernels.mlpMaxDepth()
                    + " layers").mlp().train(architecture, params, x, y, orders, epochs, batchSize, lr, momentum);
            return;
        }
        int p = architecture.parameterCount();
        int jobs = params.length;
        int rows = x.length / architecture.inputs();
        long[] offsets = new long[jobs + 1];
        for (int j = 0; j < jobs; j++) {
            offsets[j + 1] = offsets[j] + orders[j].length;
        }
        ByteBuffer staged = DirectMemory.allocateUninitialized(Math.max((long) jobs * p * F64,
                Math.max((long) Math.max(x.length, y.length) * F64, Math.min(entries, STAGING_INTS) * Integer.BYTES)));
        try (DeviceBuffer dParams = DeviceBuffer.allocate((long) jobs * p * F64);
             DeviceBuffer dx = DeviceBuffer.allocate((long) x.length * F64);
             DeviceBuffer dy = DeviceBuffer.allocate((long) y.length * F64);
             DeviceBuffer dOrders = DeviceBuffer.allocate(entries * Integer.BYTES)) {
            upload(staged, x, dx);
            upload(staged, y, dy);
            uploadOrders(staged, orders, dOrders);
            DoubleBuffer d = doubles(staged, (long) jobs * p);
            for (double[] job : params) {
                d.put(job);
            }
            dParams.upload(doubles(staged, (long) jobs * p));
            CudaKernels.mlpTrain(architecture.layers(), architecture.activation().ordinal(),
                    architecture.loss().ordinal(), dParams, jobs, dx, dy, rows, dOrders, offsets, epochs, batchSize,
                    lr, momentum);
            DoubleBuffer trained = doubles(staged, (long) jobs * p);
            dParams.download(trained);
            for (double[] job : params) {
                trained.get(job);
            }
        } finally {
            DirectMemory.free(staged);
        }
    }

    @Override
    public void hessianProduct(MlpArchitecture architecture, double[] params, double[] x, double[] y, int n,
                               double[] v, double[] out) {
        int k = MlpArguments.checkHessianProduct(architecture, params, x, y, n, v, out);
        if (k == 0) {
            return;
        }
        if (architecture.depth() > CudaKernels.mlpMaxDepth()) {
            HostFallback.forKernel("mlp-hvp-deep", "the cuda Hessian-vector products take at most "
                    + CudaKernels.mlpMaxDepth() + " layers").mlp().hessianProduct(architecture, params, x, y, n, v, out);
            return;
        }
        int p = architecture.parameterCount();
        int kb = blockSize(architecture, n, k);
        long xCount = (long) n * architecture.inputs();
        long yCount = (long) n * architecture.targetWidth();
        DeviceOps ops = new DeviceOps(CublasBlas.instance());
        ByteBuffer staged = DirectMemory.allocateUninitialized(Math.max((long) kb * p, Math.max(xCount, yCount)) * F64);
        MlpHvpPlan.Base<DeviceBuffer> base = null;
        try (DeviceBuffer dTheta = DeviceBuffer.allocate((long) p * F64);
             DeviceBuffer dx = DeviceBuffer.allocate(xCount * F64);
             DeviceBuffer dy = DeviceBuffer.allocate(yCount * F64);
             DeviceBuffer dv = DeviceBuffer.allocate((long) kb * p * F64);
             DeviceBuffer dOut = DeviceBuffer.allocate((long) kb * p * F64)) {
            doubles(staged, p).put(params);
            dTheta.upload(doubles(staged, p));
            doubles(staged, xCount).put(x, 0, (int) xCount);
            dx.upload(doubles(staged, xCount));
            doubles(staged, yCount).put(y, 0, (int) yCount);
            dy.upload(doubles(staged, yCount));
            base = MlpHvpPlan.base(ops, architecture, dTheta, dx, dy, n);
            for (int first = 0; first < k; first += kb) {
                int count = Math.min(kb, k - first);
                long doubles = (long) count * p;
                DeviceBuffer vBlock = dv.view(0, doubles * F64);
                DeviceBuffer outBlock = dOut.view(0, doubles * F64);
                doubles(staged, doubles).put(v, first * p, (int) doubles);
                vBlock.upload(doubles(staged, doubles));
                MlpHvpPlan.block(ops, architecture, base, dTheta, dx, n, vBlock, outBlock, count);
                DoubleBuffer result = doubles(staged, doubles);
                outBlock.download(result);
                result.get(out, first * p, (int) doubles);
            }
        } finally {
            if (base != null) {
                base.release(ops);
            }
            DirectMemory.free(staged);
        }
    }

    /**
     * Vectors per block: as many as HVP_BUDGET_BYTES hold, at most MAX_BLOCK and k, and n·kb (the rows of the
     * products over the whole block, a cuBLAS int) below 2^31; at least one.
     */
    static int blockSize(MlpArchitecture architecture, int n, int k) {
        long perVector = MlpHvpPlan.doublesPerVector(architecture, n) * F64;
        long byRows = (Integer.MAX_VALUE - 8L) / n;
        long kb = Math.min(Math.min(HVP_BUDGET_BYTES / perVector, MAX_BLOCK), Math.min(k, byRows));
        return (int) Math.max(1, kb);
    }

    /** The plan's device: cuBLAS for the products (row-major mapped onto column-major), our kernels for the steps. */
    private static final class DeviceOps implements MlpHvpPlan.Ops<DeviceBuffer> {
        private final CublasBlas blas;

        DeviceOps(CublasBlas blas) {
            this.blas = blas;
        }

        @Override
        public DeviceBuffer allocate(long doubles) {
            return DeviceBuffer.allocate(doubles * F64);
        }

        @Override
        public DeviceBuffer slice(DeviceBuffer buffer, long offset, long doubles) {
            return buffer.view(offset * F64, doubles * F64);
        }

        @Override
        public void release(DeviceBuffer buffer) {
            buffer.close();
        }

        /**
         * Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ on the same buffers (a row-major matrix read
         * column-major is its transpose): the operands swap, the flags stay (as CudaInfluence.gemmBatched).
         */
        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, DeviceBuffer a, int lda,
                         long strideA, DeviceBuffer b, int ldb, long strideB, double beta, DeviceBuffer c, int ldc,
                         long strideC, int batch) {
            blas.gemmStridedBatched(true, transB, transA, n, m, k, alpha, b, ldb, strideB, a, lda, strideA, beta, c,
                    ldc, strideC, batch);
        }

        @Override
        public void broadcastRows(DeviceBuffer out, long rows, int groups, int width, DeviceBuffer src, long srcStride,
                                  boolean accumulate) {
            CudaKernels.mlpBroadcastRows(out, rows, groups, width, src, srcStride, accumulate);
        }

        @Override
        public void activate(int activation, DeviceBuffer z, long count, DeviceBuffer a, DeviceBuffer s1,
                             DeviceBuffer s2) {
            CudaKernels.mlpActivate(activation, z, count, a, s1, s2);
        }

        @Override
        public void lossGradient(int loss, DeviceBuffer z, DeviceBuffer y, long rows, int classes, double invRows,
                                 DeviceBuffer g, DeviceBuffer p) {
            CudaKernels.mlpLossGradient(loss, z, y, rows, classes, invRows, g, p);
        }

        @Override
        public void scaleGroups(DeviceBuffer out, DeviceBuffer in, DeviceBuffer scale, long rows, int groups, int width,
                                DeviceBuffer e, DeviceBuffer rz) {
            CudaKernels.mlpScaleGroups(out, in, scale, rows, groups, width, e, rz);
        }

        @Override
        public void ropLoss(int loss, DeviceBuffer p, DeviceBuffer rz, long rows, int groups, int classes, double invN,
                            DeviceBuffer rg) {
            CudaKernels.mlpRopLoss(loss, p, rz, rows, groups, classes, invN, rg);
        }

        @Override
        public void columnSums(DeviceBuffer in, long rows, int groups, int width, DeviceBuffer out, long outStride) {
            CudaKernels.mlpColumnSums(in, rows, groups, width, out, outStride);
        }
    }

    /** A double view of the first {@code count} doubles of the staging buffer, at position 0 with that limit. */
    private static DoubleBuffer doubles(ByteBuffer staged, long count) {
        DoubleBuffer d = staged.asDoubleBuffer();
        d.limit(Math.toIntExact(count));
        return d;
    }

    private static void upload(ByteBuffer staged, double[] values, DeviceBuffer device) {
        if (values.length == 0) {
            return;
        }
        doubles(staged, values.length).put(values);
        device.upload(doubles(staged, values.length));
    }

    /** The orders back to back, staged STAGING_INTS at a time. */
    private static void uploadOrders(ByteBuffer staged, int[][] orders, DeviceBuffer device) {
        IntBuffer ints = staged.asIntBuffer();
        int capacity = (int) Math.min(ints.capacity(), STAGING_INTS);
        long deviceOffset = 0;
        int filled = 0;
        for (int[] order : orders) {
            int at = 0;
            while (at < order.length) {
                int take = Math.min(order.length - at, capacity - filled);
                ints.position(filled);
                ints.put(order, at, take);
                filled += take;
                at += take;
                if (filled == capacity) {
                    deviceOffset = flush(staged, filled, device, deviceOffset);
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            flush(staged, filled, device, deviceOffset);
        }
    }

    private static long flush(ByteBuffer staged, int count, DeviceBuffer device, long deviceOffset) {
        IntBuffer view = staged.asIntBuffer();
        view.limit(count);
        device.uploadAt(deviceOffset, view, count);
        return deviceOffset + (long) count * Integer.BYTES;
    }
}
