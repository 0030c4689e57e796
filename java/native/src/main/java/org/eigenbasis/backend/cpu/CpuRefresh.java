package org.eigenbasis.backend.cpu;

import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.linalg.BatchedMatrix;
import org.eigenbasis.linalg.DType;
import org.eigenbasis.linalg.Placement;
import org.eigenbasis.spi.RefreshKernel;

/** Eigenbasis refresh on the CPU library: DSYMM, DGEQRF and DORGQR per matrix, parallel across the batch. */
final class CpuRefresh implements RefreshKernel {
    @Override
    public void refresh(BatchedMatrix a, BatchedMatrix q, int steps, BatchedMatrix qOut, BatchedMatrix rayleigh,
                        double[] offDiagonal) {
        int batch = a.batch();
        if (batch == 0) {
            return;
        }
        try (Staged as = Staged.input(a); Staged qs = Staged.input(q); Staged out = Staged.output(qOut);
             Staged r = Staged.output(rayleigh);
             BatchedMatrix off = BatchedMatrix.zeros(a.dtype(), batch, 1, 1, Placement.OFF_HEAP)) {
            if (a.dtype() == DType.F64) {
                CpuKernels.refresh(as.direct().doubleBuffer(), qs.direct().doubleBuffer(), batch, a.rows(), steps,
                        out.direct().doubleBuffer(), r.direct().doubleBuffer(), off.doubleBuffer());
            } else {
                CpuKernels.refresh(as.direct().floatBuffer(), qs.direct().floatBuffer(), batch, a.rows(), steps,
                        out.direct().floatBuffer(), r.direct().floatBuffer(), off.floatBuffer());
            }
            out.commit();
            r.commit();
            for (int b = 0; b < batch; b++) {
                offDiagonal[b] = off.get(b, 0, 0);
            }
        }
    }
}
