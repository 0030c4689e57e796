package org.eigenbasis.backend.cuda;

import org.eigenbasis.backend.InfluenceArguments;
import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CublasBlas;
import org.eigenbasis.binding.CudaKernels;
import org.eigenbasis.binding.DeviceBuffer;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.Placement;

/**
 * The influence kernels on the GPU, f64, cuBLAS only (no kernels of our own). EK-FAC eigenvalues: R = G·Q_S (one
 * dgemm over all n·perExample rows), R∘R (cublasDdgmm of R by itself as a 1 × size row), the sum of each example's
 * rows (a strided-batched dgemm by a ones vector), Â = (A·Q_A)∘(A·Q_A) likewise, then λ = scale·Sᵀ·Â (one dgemm; a
 * bias: scale·Sᵀ·1). Kronecker rotation: X·op(Q_A) as one dgemm over the whole batch ((k·dOut) × dIn), then
 * op(Q_S)·(that) as one strided-batched dgemm with Q_S's stride 0. Weighted product: X·diag(w) by cublasDdgmm,
 * then one dgemm (beta = 0: out is neither uploaded nor read). Multiply: one dgemm. Our matrices are row-major; a
 * row-major C = op(A)·op(B) is cuBLAS's column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so each call swaps the operands
 * ({@link #gemm}).
 *
 * <p>Data does not stay on the device between calls: every call copies its inputs in and its result back. Parity
 * with the reference: to rounding scaled by the depth of the sums (cuBLAS sums in its own order, with fused
 * multiply-add). Empty extents are answered on the host without touching the GPU. Shapes are checked before the
 * GPU is touched ({@link InfluenceArguments}).
 */
final class CudaInfluence implements InfluenceKernel {
    private static final int F64 = Double.BYTES;

    @Override
    public void ekfacEigenvalues(BatchedMatrix g, int perExample, BatchedMatrix a, BatchedMatrix qs, BatchedMatrix qa,
                                 double scale, BatchedMatrix lambda) {
        int n = InfluenceArguments.checkEkfac(g, perExample, a, qs, qa, lambda);
        int dOut = lambda.rows();
        int dIn = lambda.cols();
        if (dOut == 0 || dIn == 0) {
            return;
        }
        if (n == 0) {
            lambda.copyMatrixFrom(0, new double[dOut * dIn], 0);
            return;
        }
        requireGpu();
        int rows = n * perExample;
        long rBytes = (long) rows * dOut * F64;
        CublasBlas blas = CublasBlas.instance();
        try (DeviceBuffer dG = DeviceBuffer.allocate(rBytes); DeviceBuffer dQs = DeviceBuffer.allocate((long) dOut * dOut * F64);
             DeviceBuffer dR = DeviceBuffer.allocate(rBytes); DeviceBuffer dR2 = DeviceBuffer.allocate(rBytes);
             DeviceBuffer dOnes = DeviceBuffer.allocate((long) Math.max(n, perExample) * F64);
             DeviceBuffer dS = DeviceBuffer.allocate((long) n * dOut * F64);
             DeviceBuffer dL = DeviceBuffer.allocate((long) dOut * dIn * F64)) {
            upload(g, dG);
            upload(qs, dQs);
            try (BatchedMatrix ones = BatchedMatrix.of(filled(Math.max(n, perExample), 1.0), 1, 1, Math.max(n, perExample),
                    Placement.OFF_HEAP)) {
                upload(ones, dOnes);
            }
            gemm(blas, false, false, rows, dOut, dOut, 1.0, dG, dOut, dQs, dOut, 0.0, dR, dOut);
            square(blas, dR, (long) rows * dOut, dR2);
            // S_i (1 × dOut) = 1ᵀ (1 × C) · R2_i (C × dOut), for every example i: one strided-batched call.
            gemmBatched(blas, false, false, 1, dOut, perExample, 1.0, dOnes, perExample, 0, dR2, dOut,
                    (long) perExample * dOut, 0.0, dS, dOut, dOut, n);
            if (a == null) {
                gemm(blas, true, false, dOut, 1, n, scale, dS, dOut, dOnes, 1, 0.0, dL, 1);
            } else {
                long tBytes = (long) n * dIn * F64;
                try (DeviceBuffer dA = DeviceBuffer.allocate(tBytes); DeviceBuffer dQa = DeviceBuffer.allocate((long) dIn * dIn * F64);
                     DeviceBuffer dT = DeviceBuffer.allocate(tBytes); DeviceBuffer dT2 = DeviceBuffer.allocate(tBytes)) {
                    upload(a, dA);
                    upload(qa, dQa);
                    gemm(blas, false, false, n, dIn, dIn, 1.0, dA, dIn, dQa, dIn, 0.0, dT, dIn);
                    square(blas, dT, (long) n * dIn, dT2);
                    gemm(blas, true, false, dOut, dIn, n, scale, dS, dOut, dT2, dIn, 0.0, dL, dIn);
                }
            }
            download(dL, lambda);
        }
    }

    @Override
    public void kroneckerRotate(BatchedMatrix qs, BatchedMatrix qa, BatchedMatrix x, boolean forward, BatchedMatrix out) {
        InfluenceArguments.checkRotate(qs, qa, x, out);
        int k = x.batch();
        int dOut = x.rows();
        int dIn = x.cols();
        if (x.size() == 0) {
            return;
        }
        requireGpu();
        CublasBlas blas = CublasBlas.instance();
        long bytes = (long) x.size() * F64;
        long slice = (long) dOut * dIn;
        try (DeviceBuffer dX = DeviceBuffer.allocate(bytes); DeviceBuffer dT = DeviceBuffer.allocate(bytes);
             DeviceBuffer dResult = DeviceBuffer.allocate(bytes); DeviceBuffer dQs = DeviceBuffer.allocate((long) dOut * dOut * F64);
             DeviceBuffer dQa = DeviceBuffer.allocate((long) dIn * dIn * F64)) {
            upload(x, dX);
            upload(qs, dQs);
            upload(qa, dQa);
            // forward: T = X·Q_A, out_j = Q_Sᵀ·T_j; backward: T = X·Q_Aᵀ, out_j = Q_S·T_j.
            gemm(blas, false, !forward, k * dOut, dIn, dIn, 1.0, dX, dIn, dQa, dIn, 0.0, dT, dIn);
            gemmBatched(blas, forward, false, dOut, dIn, dOut, 1.0, dQs, dOut, 0, dT, dIn, slice, 0.0, dResult, dIn, slice,
                    k);
            download(dResult, out);
        }
    }

    @Override
    public void weightedProduct(BatchedMatrix x, BatchedMatrix w, BatchedMatrix y, double alpha, double beta,
                                BatchedMatrix out) {
        InfluenceArguments.checkWeightedProduct(x, w, y, out);
        int m = x.rows();
        int p = x.cols();
        int n = y.rows();
        if (out.size() == 0) {
            return;
        }
        if (p == 0) {   // an empty product: out = beta·out (kept out of cuBLAS's k = 0 corner)
            double[] o = beta == 0 ? new double[m * n] : out.toDoubleArray();
            for (int i = 0; beta != 0 && i < o.length; i++) {
                o[i] *= beta;
            }
            out.copyMatrixFrom(0, o, 0);
            return;
        }
        requireGpu();
        CublasBlas blas = CublasBlas.instance();
        boolean same = y == x;
        long xBytes = (long) x.size() * F64;
        try (DeviceBuffer dX = DeviceBuffer.allocate(xBytes); DeviceBuffer dW = DeviceBuffer.allocate(w == null ? 0 : (long) p * F64);
             DeviceBuffer dXw = DeviceBuffer.allocate(w == null ? 0 : xBytes);
             DeviceBuffer dY = DeviceBuffer.allocate(same ? 0 : (long) y.size() * F64);
             DeviceBuffer dOut = DeviceBuffer.allocate((long) out.size() * F64)) {
            upload(x, dX);
            if (!same) {
                upload(y, dY);
            }
            if (beta != 0) {
                upload(out, dOut);   // with beta = 0 out is neither copied nor read (cuBLAS: C need not be valid)
            }
            DeviceBuffer left = dX;
            if (w != null) {
                upload(w, dW);
                // Row-major X (m × p) is column-major p × m: scaling its columns by w scales the rows of that.
                blas.dgmm(true, p, m, dX, p, dW, 1, dXw, p);
                left = dXw;
            }
            gemm(blas, false, true, m, n, p, alpha, left, p, same ? dX : dY, p, beta, dOut, n);
            download(dOut, out);
        }
    }

    @Override
    public void multiply(BatchedMatrix a, boolean transposeA, BatchedMatrix b, boolean transposeB, BatchedMatrix out) {
        InfluenceArguments.checkMultiply(a, transposeA, b, transposeB, out);
        int m = out.rows();
        int n = out.cols();
        int k = transposeA ? a.rows() : a.cols();
        if (out.size() == 0) {
            return;
        }
        if (k == 0) {
            out.copyMatrixFrom(0, new double[m * n], 0);
            return;
        }
        requireGpu();
        CublasBlas blas = CublasBlas.instance();
        boolean same = b == a;
        try (DeviceBuffer dA = DeviceBuffer.allocate((long) a.size() * F64);
             DeviceBuffer dB = DeviceBuffer.allocate(same ? 0 : (long) b.size() * F64);
             DeviceBuffer dOut = DeviceBuffer.allocate((long) out.size() * F64)) {
            upload(a, dA);
            if (!same) {
                upload(b, dB);
            }
            gemm(blas, transposeA, transposeB, m, n, k, 1.0, dA, a.cols(), same ? dA : dB, b.cols(), 0.0, dOut, n);
            download(dOut, out);
        }
    }

    /**
     * Row-major {@code C = alpha·op(A)·op(B) + beta·C} (C m × n, inner k, leading dimensions the row lengths as
     * stored): cuBLAS's column-major {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}, the stored row-major matrices being their own
     * column-major transposes, so the operands swap and the flags stay.
     */
    private static void gemm(CublasBlas blas, boolean transA, boolean transB, int m, int n, int k, double alpha,
                             DeviceBuffer a, int lda, DeviceBuffer b, int ldb, double beta, DeviceBuffer c, int ldc) {
        gemmBatched(blas, transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
    }

    /** {@link #gemm} for batch matrices at the given strides (a stride of 0 repeats one matrix). */
    private static void gemmBatched(CublasBlas blas, boolean transA, boolean transB, int m, int n, int k, double alpha,
                                    DeviceBuffer a, int lda, long strideA, DeviceBuffer b, int ldb, long strideB,
                                    double beta, DeviceBuffer c, int ldc, long strideC, int batch) {
        blas.gemmStridedBatched(true, transB, transA, n, m, k, alpha, b, ldb, strideB, a, lda, strideA, beta, c, ldc,
                strideC, batch);
    }

    /** out = v∘v elementwise over count entries: v as one 1 × count row times diag(v). */
    private static void square(CublasBlas blas, DeviceBuffer v, long count, DeviceBuffer out) {
        blas.dgmm(false, 1, Math.toIntExact(count), v, 1, v, 1, out, 1);
    }

    private static double[] filled(int length, double value) {
        double[] v = new double[length];
        java.util.Arrays.fill(v, value);
        return v;
    }

    private static void requireGpu() {
        Availability a = CudaKernels.availability();
        if (!a.available()) {
            throw new IllegalStateException("cuda backend unavailable: " + a.reason());
        }
    }

    private static void upload(BatchedMatrix host, DeviceBuffer device) {
        try (Staged in = Staged.input(host)) {
            device.upload(in.direct().doubleBuffer());
        }
    }

    private static void download(DeviceBuffer device, BatchedMatrix host) {
        try (Staged result = Staged.output(host)) {
            device.download(result.direct().doubleBuffer());
            result.commit();
        }
    }
}
