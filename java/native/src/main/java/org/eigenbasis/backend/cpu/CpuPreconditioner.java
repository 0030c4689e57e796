package org.eigenbasis.backend.cpu;

import org.eigenbasis.backend.PreconditionerArguments;
import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * The preconditioner kernels on the CPU library (native/src/cpu/precond.cpp). Factor accumulation: ?syrk per block
 * into the lower triangle of the factor, mirrored, so it is exactly symmetric; beta = 0 zeroes the factor first
 * instead of reading it. Rotation: one ?gemm per side and block. Both run one block per batch worker with OpenBLAS
 * at one thread, or, for fewer large blocks than workers, each block in row panels over the workers. The diagonal
 * update is our fused, vectorised loop, in parallel over chunks of entries, computed in double and rounded once
 * (f32 too) in the reference's order without fused multiply-add: the java reference's bits for exponent 1/2.
 *
 * <p>Parity with {@link org.eigenbasis.backend.java.ReferencePreconditioner}: the diagonal update exactly (pow
 * within an ulp); products to rounding scaled by the inner dimension (OpenBLAS sums in its own order, f32 in f32).
 * Arguments are checked before any native call ({@link PreconditionerArguments}). Heap matrices are staged
 * through off-heap copies that are released when the call returns; off-heap matrices are used in place.
 */
final class CpuPreconditioner implements PreconditionerKernel {
    @Override
    public void accumulateFactor(BatchedMatrix x, boolean left, double beta, double alpha, BatchedMatrix factor) {
        PreconditionerArguments.checkAccumulate(x, left, factor);
        int k = left ? x.rows() : x.cols();
        if (x.batch() == 0 || k == 0) {
            return;
        }
        // x may be the factor itself (a square block accumulated into itself): ?syrk must then read a copy.
        // With beta = 0 the old factor is not read, so a heap factor is not copied in either.
        try (BatchedMatrix copy = x == factor ? x.copy(Placement.OFF_HEAP) : null;
             Staged xs = Staged.input(copy != null ? copy : x);
             Staged f = beta == 0 ? Staged.output(factor) : Staged.inOut(factor)) {
            if (x.dtype() == DType.F64) {
                CpuKernels.factorAccumulate(xs.direct().doubleBuffer(), x.batch(), x.rows(), x.cols(), left, beta,
                        alpha, f.direct().doubleBuffer());
            } else {
                CpuKernels.factorAccumulate(xs.direct().floatBuffer(), x.batch(), x.rows(), x.cols(), left, beta,
                        alpha, f.direct().floatBuffer());
            }
            f.commit();
        }
    }

    @Override
    public void rotate(BatchedMatrix left, boolean transposeLeft, BatchedMatrix g, BatchedMatrix right,
                       boolean transposeRight, BatchedMatrix out) {
        PreconditionerArguments.checkRotate(left, g, right, out);
        if (g.batch() == 0 || g.rows() == 0 || g.cols() == 0) {
            return;
        }
        try (Staged l = Staged.input(left); Staged gs = Staged.input(g); Staged r = Staged.input(right);
             Staged o = Staged.output(out)) {
            if (g.dtype() == DType.F64) {
                CpuKernels.rotate(l.direct() == null ? null : l.direct().doubleBuffer(), transposeLeft,
                        gs.direct().doubleBuffer(), r.direct() == null ? null : r.direct().doubleBuffer(),
                        transposeRight, g.batch(), g.rows(), g.cols(), o.direct().doubleBuffer());
            } else {
                CpuKernels.rotate(l.direct() == null ? null : l.direct().floatBuffer(), transposeLeft,
                        gs.direct().floatBuffer(), r.direct() == null ? null : r.direct().floatBuffer(),
                        transposeRight, g.batch(), g.rows(), g.cols(), o.direct().floatBuffer());
            }
            o.commit();
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
        boolean inPlace = out == g;
        try (Staged gs = inPlace ? Staged.inOut(g) : Staged.input(g); Staged ms = Staged.inOut(m);
             Staged vs = Staged.inOut(v); Staged os = inPlace ? null : Staged.output(out)) {
            Staged target = inPlace ? gs : os;
            if (g.dtype() == DType.F64) {
                CpuKernels.diagonalUpdate(gs.direct().doubleBuffer(), m == null ? null : ms.direct().doubleBuffer(),
                        vs.direct().doubleBuffer(), target.direct().doubleBuffer(), count, beta1, beta2, gamma,
                        exponent, eps);
            } else {
                CpuKernels.diagonalUpdate(gs.direct().floatBuffer(), m == null ? null : ms.direct().floatBuffer(),
                        vs.direct().floatBuffer(), target.direct().floatBuffer(), count, beta1, beta2, gamma,
                        exponent, eps);
            }
            ms.commit();
            vs.commit();
            target.commit();
        }
    }
}
