package org.eigenbasis.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.eigenbasis.backend.MlpArguments;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.internal.DirectMemory;
import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.value.MlpArchitecture;

/**
 * The MLP kernels on the CPU library (native/src/cpu/mlp.cpp).
 *
 * <p>{@link #train}: the jobs in parallel, one job per batch worker, each job's steps in sequence with OpenBLAS at
 * one thread for its (batch × width)·(width × width) products; a job computes the same bits whatever the worker
 * count and whatever else is in the call. Jobs are passed to the library in groups of at most
 * {@value #MAX_ORDER_ENTRIES_PER_CALL} order entries, so the off-heap copies of the orders stay bounded (a ladder's
 * 400 retrains of 100 epochs hold about 40 million).
 *
 * <p>{@link #hessianProduct}: Pearlmutter's R-operator; the unperturbed pass once, then the vectors in blocks of
 * up to 16, in parallel over the blocks, every product one ?gemm over a block's vectors and a chunk of 64 rows.
 *
 * <p>gelu's Φ and φ come from a table of Taylor polynomials (degree 8, cells of 1/128 on [−9, 9)), within 2 eps
 * relative of erfcl/expl (measured by eb_mlp_test), erfc and exp with argument corrections in the tails.
 *
 * <p>Arguments: the shapes, the order entries and the labels are checked here (IllegalArgumentException naming the
 * argument and index) although {@code org.eigenbasis.influence} validates first; the native code checks again.
 */
final class CpuMlp implements MlpKernel {
    /** Order entries (ints) staged off-heap per native call: 8 Mi entries, 32 MiB. */
    static final int MAX_ORDER_ENTRIES_PER_CALL = 8 << 20;

    @Override
    public void train(MlpArchitecture architecture, double[][] params, double[] x, double[] y, int[][] orders,
                      int epochs, int batchSize, double lr, double momentum) {
        int p = architecture.parameterCount();
        MlpArguments.checkTrain(architecture, params, x, y, orders, epochs, batchSize);
        int rows = x.length / architecture.inputs();
        if (params.length == 0) {
            return;
        }
        int[] widths = architecture.layers();
        int activation = architecture.activation().ordinal();
        int loss = architecture.loss().ordinal();
        ByteBuffer xb = stage(x);
        ByteBuffer yb = stage(y);
        try {
            int first = 0;
            while (first < params.length) {
                int end = first;
                long entries = 0;
                do {
                    entries += orders[end].length;
                    end++;
                } while (end < params.length && entries + orders[end].length <= MAX_ORDER_ENTRIES_PER_CALL);
                trainGroup(widths, activation, loss, p, params, first, end, xb, yb, rows, orders, entries, epochs,
                        batchSize, lr, momentum);
                first = end;
            }
        } finally {
            DirectMemory.free(xb);
            DirectMemory.free(yb);
        }
    }

    private static void trainGroup(int[] widths, int activation, int loss, int p, double[][] params, int first,
                                   int end, ByteBuffer x, ByteBuffer y, int rows, int[][] orders, long entries,
                                   int epochs, int batchSize, double lr, double momentum) {
        int jobs = end - first;
        ByteBuffer pb = DirectMemory.allocateUninitialized((long) jobs * p * Double.BYTES);
        ByteBuffer ob = DirectMemory.allocateUninitialized(Math.max(1, entries) * Integer.BYTES);
        ByteBuffer offb = DirectMemory.allocateUninitialized((jobs + 1L) * Long.BYTES);
        try {
            DoubleBuffer pd = pb.asDoubleBuffer();
            IntBuffer od = ob.asIntBuffer();
            LongBuffer offsets = offb.asLongBuffer();
            long at = 0;
            for (int j = first; j < end; j++) {
                pd.put(params[j]);
                od.put(orders[j]);
                offsets.put(at);
                at += orders[j].length;
            }
            offsets.put(at);
            CpuKernels.mlpTrain(widths, activation, loss, pb.asDoubleBuffer(), jobs, x.asDoubleBuffer(),
                    y.asDoubleBuffer(), rows, ob.asIntBuffer(), offb.asLongBuffer(), epochs, batchSize, lr, momentum);
            DoubleBuffer trained = pb.asDoubleBuffer();
            for (int j = first; j < end; j++) {
                trained.get(params[j]);
            }
        } finally {
            DirectMemory.free(pb);
            DirectMemory.free(ob);
            DirectMemory.free(offb);
        }
    }

    @Override
    public void hessianProduct(MlpArchitecture architecture, double[] params, double[] x, double[] y, int n,
                               double[] v, double[] out) {
        int p = architecture.parameterCount();
        MlpArguments.checkHessianProduct(architecture, params, x, y, n, v, out);
        int k = v.length / p;
        if (k == 0) {
            return;
        }
        int d0 = architecture.inputs();
        int tw = architecture.targetWidth();
        ByteBuffer pb = stage(params);
        ByteBuffer xb = stage(x, (long) n * d0);
        ByteBuffer yb = stage(y, (long) n * tw);
        ByteBuffer vb = stage(v);
        ByteBuffer ob = DirectMemory.allocateUninitialized((long) v.length * Double.BYTES);
        try {
            CpuKernels.mlpHessianProduct(architecture.layers(), architecture.activation().ordinal(),
                    architecture.loss().ordinal(), pb.asDoubleBuffer(), xb.asDoubleBuffer(), yb.asDoubleBuffer(), n,
                    vb.asDoubleBuffer(), k, ob.asDoubleBuffer());
            ob.asDoubleBuffer().get(out);
        } finally {
            DirectMemory.free(pb);
            DirectMemory.free(xb);
            DirectMemory.free(yb);
            DirectMemory.free(vb);
            DirectMemory.free(ob);
        }
    }

    private static ByteBuffer stage(double[] values) {
        return stage(values, values.length);
    }

    private static ByteBuffer stage(double[] values, long count) {
        ByteBuffer b = DirectMemory.allocateUninitialized(Math.max(1, count) * Double.BYTES);
        b.asDoubleBuffer().put(values, 0, (int) count);
        return b;
    }
}
