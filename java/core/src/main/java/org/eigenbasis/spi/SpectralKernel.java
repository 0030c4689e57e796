package org.eigenbasis.spi;

import org.eigenbasis.value.BatchedMatrix;

/**
 * Spectral functions from an eigendecomposition A = V Λ Vᵀ and filtered eigenvalues f = f(Λ). Arguments are
 * validated by the caller and share one dtype: {@code vectors} B × n × n (eigenvectors in columns),
 * {@code f} B × 1 × n.
 */
public interface SpectralKernel {
    /** out (B × n × n) = V diag(f) Vᵀ, exactly symmetric (lower triangle computed, mirrored). Cost 2n³ per matrix. */
    void reconstruct(BatchedMatrix vectors, BatchedMatrix f, BatchedMatrix out);

    /** out (B × n × m) = V (f ⊙ (Vᵀ X)) for x of B × n × m, without forming f(A). Cost 4n²m per matrix. */
    void apply(BatchedMatrix vectors, BatchedMatrix f, BatchedMatrix x, BatchedMatrix out);
}
