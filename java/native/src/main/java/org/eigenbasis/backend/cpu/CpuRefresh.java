package org.eigenbasis.backend.cpu;

import org.eigenbasis.backend.Scratch;
import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

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
             Staged r = Staged.output(rayleigh)) {
            java.nio.ByteBuffer off = Scratch.bytes((long) batch * a.dtype().bytes());
            if (a.dtype() == DType.F64) {
                java.nio.DoubleBuffer values = off.asDoubleBuffer();
                CpuKernels.refresh(as.direct().doubleBuffer(), qs.direct().doubleBuffer(), batch, a.rows(), steps,
                        out.direct().doubleBuffer(), r.direct().doubleBuffer(), values);
                values.get(0, offDiagonal, 0, batch);
            } else {
                java.nio.FloatBuffer values = off.asFloatBuffer();
                CpuKernels.refresh(as.direct().floatBuffer(), qs.direct().floatBuffer(), batch, a.rows(), steps,
                        out.direct().floatBuffer(), r.direct().floatBuffer(), values);
                for (int b = 0; b < batch; b++) {
                    offDiagonal[b] = values.get(b);
                }
            }
            out.commit();
            r.commit();
        }
    }
}
