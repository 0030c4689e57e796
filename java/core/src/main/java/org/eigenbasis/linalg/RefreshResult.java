package org.eigenbasis.linalg;

import org.eigenbasis.value.BatchedMatrix;

/**
 * The result of {@link EigenbasisRefresh#refresh}: the refreshed basis Q (B × n × n, orthonormal columns), the
 * Rayleigh quotients diag(QᵀAQ) (B × 1 × n, in Q's column order) and the relative off-diagonal mass
 * ‖B − diag B‖_F / ‖B‖_F of B = QᵀAQ per matrix (0 means Q diagonalises A). Owns its matrices.
 */
public final class RefreshResult implements AutoCloseable {
    private final BatchedMatrix basis;
    private final BatchedMatrix rayleigh;
    private final double[] offDiagonal;

    public RefreshResult(BatchedMatrix basis, BatchedMatrix rayleigh, double[] offDiagonal) {
        this.basis = basis;
        this.rayleigh = rayleigh;
        this.offDiagonal = offDiagonal.clone();
    }

    public BatchedMatrix basis() {
        return basis;
    }

    public BatchedMatrix rayleigh() {
        return rayleigh;
    }

    /** ‖B − diag B‖_F / ‖B‖_F of matrix b. */
    public double offDiagonal(int b) {
        return offDiagonal[b];
    }

    /** All off-diagonal measures, one per matrix. */
    public double[] offDiagonal() {
        return offDiagonal.clone();
    }

    @Override
    public void close() {
        basis.close();
        rayleigh.close();
    }
}
