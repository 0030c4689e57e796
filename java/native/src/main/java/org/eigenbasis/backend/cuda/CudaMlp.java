package org.eigenbasis.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import org.eigenbasis.backend.MlpArguments;
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
 * <p>{@link #hessianProduct}: the host backend's kernel in this release (one log line the first time); the GPU plan
 * is listed in benchmarks/gpu/PENDING.md (M.2).
 */
final class CudaMlp implements MlpKernel {
    /** Why Hessian-vector products go to the host, as the log line and the description say. */
    static final String WHY = "the Hessian-vector products are not on the GPU in this release";

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
        HostFallback.forKernel("mlp-hvp", WHY).mlp().hessianProduct(architecture, params, x, y, n, v, out);
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
