package org.eigenbasis.backend.cpu;

import java.nio.DoubleBuffer;
import org.eigenbasis.backend.InfluenceArguments;
import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.value.BatchedMatrix;

/**
 * The influence kernels on the CPU library (native/src/cpu/influence.cpp), f64. EK-FAC eigenvalues: per chunk of
 * examples one dgemm G·Q_S and one A·Q_A, the squares and the sum over an example's rows in our loop, then
 * λ = scale·Sᵀ·Â as one dgemm. Kronecker rotation: X·op(Q_A) as one dgemm over a chunk of slices, then op(Q_S)
 * per slice. Weighted product: X·diag(w) formed, then one dgemm. Multiply: one dgemm. Chunks run on the batch
 * workers with OpenBLAS at one thread; one large product runs in row panels over the workers.
 *
 * <p>Parity with {@link org.eigenbasis.backend.java.ReferenceInfluence}: to rounding scaled by the depth of the sums
 * (OpenBLAS sums in its own order and uses fused multiply-add). Arguments are checked before any native call
 * ({@link InfluenceArguments}). Heap matrices are staged through off-heap copies released when the call returns;
 * off-heap matrices are used in place.
 */
final class CpuInfluence implements InfluenceKernel {
    @Override
    public void ekfacEigenvalues(BatchedMatrix g, int perExample, BatchedMatrix a, BatchedMatrix qs, BatchedMatrix qa,
                                 double scale, BatchedMatrix lambda) {
        int n = InfluenceArguments.checkEkfac(g, perExample, a, qs, qa, lambda);
        int dOut = lambda.rows();
        int dIn = lambda.cols();
        if (dOut == 0 || dIn == 0) {
            return;
        }
        try (Staged gs = Staged.input(g); Staged as = Staged.input(a); Staged s = Staged.input(qs);
             Staged q = Staged.input(qa); Staged l = Staged.output(lambda)) {
            CpuKernels.influenceEkfacEigenvalues(gs.direct().doubleBuffer(), n, perExample, dOut, buffer(as), dIn,
                    s.direct().doubleBuffer(), buffer(q), scale, l.direct().doubleBuffer());
            l.commit();
        }
    }

    @Override
    public void kroneckerRotate(BatchedMatrix qs, BatchedMatrix qa, BatchedMatrix x, boolean forward, BatchedMatrix out) {
        InfluenceArguments.checkRotate(qs, qa, x, out);
        if (x.size() == 0) {
            return;
        }
        try (Staged s = Staged.input(qs); Staged q = Staged.input(qa); Staged xs = Staged.input(x);
             Staged o = Staged.output(out)) {
            CpuKernels.influenceKroneckerRotate(s.direct().doubleBuffer(), q.direct().doubleBuffer(),
                    xs.direct().doubleBuffer(), x.batch(), x.rows(), x.cols(), forward, o.direct().doubleBuffer());
            o.commit();
        }
    }

    @Override
    public void weightedProduct(BatchedMatrix x, BatchedMatrix w, BatchedMatrix y, double alpha, double beta,
                                BatchedMatrix out) {
        InfluenceArguments.checkWeightedProduct(x, w, y, out);
        if (out.size() == 0) {
            return;
        }
        boolean same = y == x;
        try (Staged xs = Staged.input(x); Staged ws = Staged.input(w); Staged ys = same ? null : Staged.input(y);
             Staged o = beta == 0 ? Staged.output(out) : Staged.inOut(out)) {
            DoubleBuffer xb = xs.direct().doubleBuffer();
            CpuKernels.influenceWeightedProduct(xb, x.rows(), x.cols(), buffer(ws), same ? xb : ys.direct().doubleBuffer(),
                    y.rows(), alpha, beta, o.direct().doubleBuffer());
            o.commit();
        }
    }

    @Override
    public void multiply(BatchedMatrix a, boolean transposeA, BatchedMatrix b, boolean transposeB, BatchedMatrix out) {
        InfluenceArguments.checkMultiply(a, transposeA, b, transposeB, out);
        if (out.size() == 0) {
            return;
        }
        boolean same = b == a;
        try (Staged as = Staged.input(a); Staged bs = same ? null : Staged.input(b); Staged o = Staged.output(out)) {
            DoubleBuffer ab = as.direct().doubleBuffer();
            CpuKernels.influenceMultiply(ab, a.rows(), a.cols(), transposeA, same ? ab : bs.direct().doubleBuffer(),
                    b.rows(), b.cols(), transposeB, o.direct().doubleBuffer());
            o.commit();
        }
    }

    private static DoubleBuffer buffer(Staged staged) {
        return staged.direct() == null ? null : staged.direct().doubleBuffer();
    }
}
