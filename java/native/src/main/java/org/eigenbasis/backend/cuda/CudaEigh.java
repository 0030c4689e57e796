package org.eigenbasis.backend.cuda;

import java.nio.IntBuffer;
import org.eigenbasis.backend.Scratch;
import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CudaKernels;
import org.eigenbasis.binding.CusolverEigh;
import org.eigenbasis.binding.DeviceBuffer;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;

/**
 * eigh on the GPU: our shared-memory Jacobi kernel for small n, cuSOLVER's XsyevBatched or Xsyevd above. The
 * batch is copied to the device, solved, post-processed there (layout and sign rule) and copied back.
 */
final class CudaEigh implements EighKernel {
    /**
     * Largest n for our Jacobi kernel under AUTO, and the largest n for which AUTO prefers XsyevBatched over
     * Xsyevd. Provisional until measured on a GPU: benchmarks/gpu/device-check.sh times every path at every size
     * and docs/design-notes.md records the choice.
     */
    static final int JACOBI_LIMIT = 32;
    static final int BATCHED_LIMIT = 256;

    @Override
    public EighAlgorithm eigh(BatchedMatrix a, BatchedMatrix values, BatchedMatrix vectors, int[] info,
                              EighAlgorithm algorithm, int maxIterations) {
        int batch = a.batch();
        int n = a.rows();
        boolean f64 = a.dtype() == DType.F64;
        EighAlgorithm ran = algorithm == EighAlgorithm.AUTO ? choose(n, batch, a.dtype(), vectors != null) : algorithm;
        if (!supports(ran)) {
            throw new IllegalArgumentException("algorithm: " + ran.cliName() + " is not available on the cuda backend");
        }
        if (ran == EighAlgorithm.JACOBI && n > CudaKernels.jacobiMaxN(a.dtype().bytes())) {
            throw new IllegalArgumentException("algorithm: jacobi on cuda takes n ≤ "
                    + CudaKernels.jacobiMaxN(a.dtype().bytes()) + ", got n = " + n);
        }
        if (batch == 0 || n == 0) {
            java.util.Arrays.fill(info, 0);
            return ran;
        }
        int bytes = a.dtype().bytes();
        long matrixBytes = (long) batch * n * n * bytes;
        try (Staged in = Staged.input(a); Staged w = Staged.output(values); Staged v = Staged.output(vectors);
             DeviceBuffer dA = DeviceBuffer.allocate(matrixBytes);
             DeviceBuffer dW = DeviceBuffer.allocate((long) batch * n * bytes);
             DeviceBuffer dV = vectors == null ? null : DeviceBuffer.allocate(matrixBytes);
             DeviceBuffer dInfo = DeviceBuffer.allocate(4L * batch)) {
            if (f64) {
                dA.upload(in.direct().doubleBuffer());
            } else {
                dA.upload(in.direct().floatBuffer());
            }
            if (ran == EighAlgorithm.JACOBI) {
                CudaKernels.jacobiEigh(f64, dA, batch, n, dW, dV, dInfo, maxIterations);
            } else {
                CusolverEigh solver = CusolverEigh.instance();
                if (ran == EighAlgorithm.CUSOLVER_BATCHED) {
                    solver.syevBatched(f64, dA, batch, n, dW, dInfo, vectors != null);
                } else {
                    solver.syevd(f64, dA, batch, n, dW, dInfo, vectors != null);
                }
                CudaKernels.finishColumns(f64, dA, dV, dW, dInfo, batch, n);
            }
            IntBuffer status = Scratch.bytes(4L * batch).asIntBuffer();
            dInfo.download(status);
            status.get(0, info, 0, batch);
            if (f64) {
                dW.download(w.direct().doubleBuffer());
                if (dV != null) {
                    dV.download(v.direct().doubleBuffer());
                }
            } else {
                dW.download(w.direct().floatBuffer());
                if (dV != null) {
                    dV.download(v.direct().floatBuffer());
                }
            }
            w.commit();
            v.commit();
        }
        return ran;
    }

    @Override
    public EighAlgorithm choose(int n, int batch, DType dtype, boolean vectors) {
        if (n <= JACOBI_LIMIT) {
            return EighAlgorithm.JACOBI;
        }
        return batch > 1 && n <= BATCHED_LIMIT ? EighAlgorithm.CUSOLVER_BATCHED : EighAlgorithm.CUSOLVER_SYEVD;
    }

    @Override
    public boolean supports(EighAlgorithm algorithm) {
        return algorithm == EighAlgorithm.AUTO || algorithm == EighAlgorithm.JACOBI
                || algorithm == EighAlgorithm.CUSOLVER_BATCHED || algorithm == EighAlgorithm.CUSOLVER_SYEVD;
    }
}
