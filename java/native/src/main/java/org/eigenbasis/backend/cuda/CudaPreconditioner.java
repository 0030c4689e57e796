package org.eigenbasis.backend.cuda;

import org.eigenbasis.backend.PreconditionerArguments;
import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CublasBlas;
import org.eigenbasis.binding.CudaKernels;
import org.eigenbasis.binding.DeviceBuffer;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * The preconditioner kernels on the GPU. Factor accumulation: the product X·Xᵀ or Xᵀ·X by cublas?syrk (one
 * matrix) or strided-batched cublas?gemm (a batch: syrk has no batched form, and one launch beats a loop of small
 * ones), then our kernel forms beta·F + alpha·S on the lower triangle and mirrors it, so beta = 0 never reads the
 * old factor and the result is exactly symmetric. Rotation: one or two strided-batched gemms (layout in
 * {@link ColumnMajorCalls}). Diagonal update: our fused elementwise kernel, in double for f32 too and without
 * fused multiply-add, so its results are the java reference's bits (exponent 1/2; other exponents go through pow,
 * which may differ by an ulp).
 *
 * <p>Data does not stay on the device between calls: every call copies its host matrices in, computes, and
 * copies the results back (a device-resident optimizer state is the next step). Parity with the reference: the
 * elementwise parts exactly, the products to rounding scaled by the inner dimension (cuBLAS sums in its own order;
 * f32 products are computed in f32).
 *
 * <p>Shapes, dtypes and aliasing are checked here before the GPU is touched (a wrong shape would make a device
 * kernel read or write out of bounds): {@link IllegalArgumentException} naming the argument, or
 * {@link NullPointerException} for a missing required one.
 */
final class CudaPreconditioner implements PreconditionerKernel {
    @Override
    public void accumulateFactor(BatchedMatrix x, boolean left, double beta, double alpha, BatchedMatrix factor) {
        PreconditionerArguments.checkAccumulate(x, left, factor);
        int rows = x.rows();
        int cols = x.cols();
        int k = left ? rows : cols;
        int batch = x.batch();
        if (batch == 0 || k == 0) {
            return;
        }
        requireGpu();
        boolean f64 = x.dtype() == DType.F64;
        int bytes = x.dtype().bytes();
        long factorBytes = (long) batch * k * k * bytes;
        try (DeviceBuffer dX = DeviceBuffer.allocate((long) x.size() * bytes);
             DeviceBuffer dS = DeviceBuffer.allocate(factorBytes);
             DeviceBuffer dF = DeviceBuffer.allocate(factorBytes)) {
            if (beta != 0) {
                upload(factor, dF);   // with beta = 0 the old factor is neither read nor copied
            }
            if (rows == 0 || cols == 0) {
                // An empty inner dimension: the product is zero (kept out of cuBLAS's k = 0 corner).
                try (BatchedMatrix zero = BatchedMatrix.zeros(x.dtype(), batch, k, k, Placement.OFF_HEAP)) {
                    upload(zero, dS);
                }
            } else {
                upload(x, dX);
                CublasBlas blas = CublasBlas.instance();
                if (batch == 1) {
                    ColumnMajorCalls.Syrk s = ColumnMajorCalls.factorSyrk(rows, cols, left);
                    blas.syrkUpper(f64, s.trans(), s.n(), s.k(), 1.0, dX, s.lda(), 0.0, dS, s.ldc());
                } else {
                    gemm(blas, f64, ColumnMajorCalls.factorProduct(rows, cols, left), dX, dX, dS, batch);
                }
            }
            CudaKernels.precondCombineFactor(f64, dS, dF, batch, k, beta, alpha);
            download(dF, factor);
        }
    }

    @Override
    public void rotate(BatchedMatrix left, boolean transposeLeft, BatchedMatrix g, BatchedMatrix right,
                       boolean transposeRight, BatchedMatrix out) {
        PreconditionerArguments.checkRotate(left, g, right, out);
        int batch = g.batch();
        int m = g.rows();
        int n = g.cols();
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        requireGpu();
        boolean f64 = g.dtype() == DType.F64;
        int bytes = g.dtype().bytes();
        long gBytes = (long) g.size() * bytes;
        try (DeviceBuffer dG = DeviceBuffer.allocate(gBytes);
             DeviceBuffer dT = DeviceBuffer.allocate(left != null && right != null ? gBytes : 0);
             DeviceBuffer dOut = DeviceBuffer.allocate(gBytes)) {
            upload(g, dG);
            if (left == null && right == null) {
                download(dG, out);
                return;
            }
            CublasBlas blas = CublasBlas.instance();
            if (left != null) {
                try (DeviceBuffer dL = DeviceBuffer.allocate((long) batch * m * m * bytes)) {
                    upload(left, dL);
                    gemm(blas, f64, ColumnMajorCalls.rotateLeft(m, n, transposeLeft), dG, dL,
                            right != null ? dT : dOut, batch);
                }
            }
            if (right != null) {
                try (DeviceBuffer dR = DeviceBuffer.allocate((long) batch * n * n * bytes)) {
                    upload(right, dR);
                    gemm(blas, f64, ColumnMajorCalls.rotateRight(m, n, transposeRight), dR,
                            left != null ? dT : dG, dOut, batch);
                }
            }
            download(dOut, out);
        }
    }

    @Override
    public void diagonalUpdate(BatchedMatrix g, BatchedMatrix m, BatchedMatrix v, double beta1, double beta2,
                               double gamma, double exponent, double eps, BatchedMatrix out) {
        PreconditionerArguments.checkDiagonal(g, m, v, out);
        long count = g.size();
        if (count == 0) {
            return;
        }
        requireGpu();
        boolean f64 = g.dtype() == DType.F64;
        long bytes = count * g.dtype().bytes();
        try (DeviceBuffer dG = DeviceBuffer.allocate(bytes);
             DeviceBuffer dM = DeviceBuffer.allocate(m == null ? 0 : bytes);
             DeviceBuffer dV = DeviceBuffer.allocate(bytes)) {
            upload(g, dG);
            if (m != null) {
                upload(m, dM);
            }
            upload(v, dV);
            // out is computed over g's device copy: each entry reads its g before it writes its out.
            CudaKernels.precondDiagonalUpdate(f64, dG, m == null ? null : dM, dV, dG, count, beta1, beta2, gamma,
                    exponent, eps);
            if (m != null) {
                download(dM, m);
            }
            download(dV, v);
            download(dG, out);
        }
    }

    private static void gemm(CublasBlas blas, boolean f64, ColumnMajorCalls.Gemm c, DeviceBuffer a, DeviceBuffer b,
                             DeviceBuffer out, int batch) {
        blas.gemmStridedBatched(f64, c.transA(), c.transB(), c.m(), c.n(), c.k(), 1.0, a, c.lda(), c.strideA(), b,
                c.ldb(), c.strideB(), 0.0, out, c.ldc(), c.strideC(), batch);
    }

    private static void requireGpu() {
        Availability a = CudaKernels.availability();
        if (!a.available()) {
            throw new IllegalStateException("cuda backend unavailable: " + a.reason());
        }
    }

    private static void upload(BatchedMatrix host, DeviceBuffer device) {
        try (Staged in = Staged.input(host)) {
            if (host.dtype() == DType.F64) {
                device.upload(in.direct().doubleBuffer());
            } else {
                device.upload(in.direct().floatBuffer());
            }
        }
    }

    private static void download(DeviceBuffer device, BatchedMatrix host) {
        try (Staged result = Staged.output(host)) {
            if (host.dtype() == DType.F64) {
                device.download(result.direct().doubleBuffer());
            } else {
                device.download(result.direct().floatBuffer());
            }
            result.commit();
        }
    }
}
