package org.eigenbasis.backend.cpu;

import java.nio.ByteBuffer;
import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.internal.DiffusionFlow;
import org.eigenbasis.internal.DirectMemory;
import org.eigenbasis.spi.DiffusionKernel;
import org.eigenbasis.value.BatchedMatrix;

/**
 * The generated variances on the CPU library (native/src/cpu/diffusion.cpp): modes in blocks of 64 across the
 * batch workers, four times at a time in each (eight on AVX-512, see {@link CpuBackend}), E₁ from Chebyshev
 * interpolants on 16 cells. An off-heap {@code out}
 * is written in place; a heap one through an off-heap buffer of the same size and one copy back (10⁸ pairs: 800 MB
 * more, and about a tenth of the kernel's time). Arguments are checked here first (IllegalArgumentException naming
 * the argument and index, nothing written), then again by the native code.
 */
final class CpuDiffusion implements DiffusionKernel {
    @Override
    public void generatedVariances(boolean twoLayer, double[] lambdas, double[] taus, double sigmaMin,
                                   double sigmaMax, double eta, double init, boolean log, BatchedMatrix out) {
        DiffusionFlow.checkBatch(lambdas, taus, sigmaMin, sigmaMax, eta, init);
        int n = lambdas.length;
        int t = taus.length;
        DiffusionKernel.checkOutput(n, t, out);
        if (n == 0 || t == 0) {
            return;
        }
        ByteBuffer lb = stage(lambdas);
        ByteBuffer tb = stage(taus);
        try (Staged o = Staged.output(out)) {
            CpuKernels.diffusionVariance(twoLayer ? 1 : 0, lb.asDoubleBuffer(), n, tb.asDoubleBuffer(), t, sigmaMin,
                    sigmaMax, eta, init, log, o.direct().doubleBuffer());
            o.commit();
        } finally {
            DirectMemory.free(lb);
            DirectMemory.free(tb);
        }
    }

    private static ByteBuffer stage(double[] values) {
        ByteBuffer b = DirectMemory.allocateUninitialized((long) values.length * Double.BYTES);
        b.asDoubleBuffer().put(values);
        return b;
    }
}
