package org.eigenbasis.backend.cpu;

import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.spi.SpectralKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/** Spectral functions on the CPU library: scaled GEMMs per matrix, parallel across the batch. */
final class CpuSpectral implements SpectralKernel {
    @Override
    public void reconstruct(BatchedMatrix vectors, BatchedMatrix f, BatchedMatrix out) {
        if (vectors.batch() == 0 || vectors.rows() == 0) {
            return;
        }
        try (Staged v = Staged.input(vectors); Staged w = Staged.input(f); Staged o = Staged.output(out)) {
            if (vectors.dtype() == DType.F64) {
                CpuKernels.reconstruct(v.direct().doubleBuffer(), w.direct().doubleBuffer(), vectors.batch(),
                        vectors.rows(), o.direct().doubleBuffer());
            } else {
                CpuKernels.reconstruct(v.direct().floatBuffer(), w.direct().floatBuffer(), vectors.batch(),
                        vectors.rows(), o.direct().floatBuffer());
            }
            o.commit();
        }
    }

    @Override
    public void apply(BatchedMatrix vectors, BatchedMatrix f, BatchedMatrix x, BatchedMatrix out) {
        if (vectors.batch() == 0 || vectors.rows() == 0 || x.cols() == 0) {
            return;
        }
        try (Staged v = Staged.input(vectors); Staged w = Staged.input(f); Staged xs = Staged.input(x);
             Staged o = Staged.output(out)) {
            if (vectors.dtype() == DType.F64) {
                CpuKernels.apply(v.direct().doubleBuffer(), w.direct().doubleBuffer(), xs.direct().doubleBuffer(),
                        vectors.batch(), vectors.rows(), x.cols(), o.direct().doubleBuffer());
            } else {
                CpuKernels.apply(v.direct().floatBuffer(), w.direct().floatBuffer(), xs.direct().floatBuffer(),
                        vectors.batch(), vectors.rows(), x.cols(), o.direct().floatBuffer());
            }
            o.commit();
        }
    }
}
