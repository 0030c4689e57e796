package org.eigenbasis.spi;

import org.eigenbasis.value.BatchedMatrix;

/**
 * Warm-started eigenbasis refresh. Arguments are validated by the caller and share one dtype.
 */
public interface RefreshKernel {
    /**
     * {@code steps} times Q ← qr(A Q) (Householder QR normalised to diag(R) ≥ 0), then B = Qᵀ A Q.
     * Reads the lower triangles of {@code a} (B × n × n) and {@code q} (B × n × n); writes {@code qOut}
     * (B × n × n, may be {@code q} itself), {@code rayleigh} (B × 1 × n) = diag(B) and
     * {@code offDiagonal[b]} = ‖B − diag B‖_F / ‖B‖_F (0 when B = 0).
     */
    void refresh(BatchedMatrix a, BatchedMatrix q, int steps, BatchedMatrix qOut, BatchedMatrix rayleigh,
                 double[] offDiagonal);
}
