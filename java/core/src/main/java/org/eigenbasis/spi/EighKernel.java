package org.eigenbasis.spi;

import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;

/**
 * Batched symmetric eigendecomposition. Callers ({@link org.eigenbasis.linalg.SymmetricEigen}) have validated
 * every argument: {@code a} is B × n × n with finite lower triangles; {@code values} is B × 1 × n and
 * {@code vectors} B × n × n (or null for eigenvalues only), both of {@code a}'s dtype.
 */
public interface EighKernel {
    /**
     * Reads the lower triangles of {@code a} (never writes it); writes ascending eigenvalues to {@code values},
     * eigenvectors in the columns of {@code vectors} with the canonical sign, and {@code info[b]} = 0 on success
     * or k &gt; 0 when the k-th eigenvalue of matrix b did not converge (that matrix's outputs are then NaN).
     *
     * @param algorithm     {@link EighAlgorithm#AUTO} or an algorithm this backend supports
     * @param maxIterations bound on our own iterative kernels (0 = default); ignored by library routines
     * @return the algorithm that ran
     */
    EighAlgorithm eigh(BatchedMatrix a, BatchedMatrix values, BatchedMatrix vectors, int[] info,
                       EighAlgorithm algorithm, int maxIterations);

    /** The algorithm {@link EighAlgorithm#AUTO} resolves to for this size and dtype. */
    EighAlgorithm choose(int n, int batch, DType dtype, boolean vectors);

    /** Whether this backend can run the named algorithm. */
    boolean supports(EighAlgorithm algorithm);
}
