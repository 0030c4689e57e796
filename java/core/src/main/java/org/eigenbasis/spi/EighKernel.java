package org.eigenbasis.spi;

import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.EighRange;

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

    /**
     * A partial decomposition: the eigenpairs {@code range} selects. Reads {@code a} as {@link #eigh}; writes the
     * selected eigenvalues ascending to {@code values} (B × 1 × m, m = {@link EighRange#columns(int)}), their
     * eigenvectors with the canonical sign to the columns of {@code vectors} (B × n × m, or null), NaN in the columns
     * past {@code counts[b]}, the number selected (for an interval, the number of eigenvalues in (lo, hi], which may
     * exceed m), and {@code info[b]} as {@link #eigh} (a failed matrix: NaN outputs, count 0). Callers have checked
     * the range against n.
     *
     * <p>This default runs {@link #eigh} in full into temporaries placed like {@code values} (so it costs what a full
     * decomposition costs, plus B·n·(n + 1) scalars of memory) and copies the selected columns: the slice is exactly
     * the full solve's. A backend with a partial solver overrides it.
     *
     * @return the algorithm that ran
     */
    default EighAlgorithm eighRange(BatchedMatrix a, EighRange range, BatchedMatrix values, BatchedMatrix vectors,
                                    int[] info, int[] counts, EighAlgorithm algorithm, int maxIterations) {
        int batch = a.batch();
        int n = a.rows();
        try (BatchedMatrix w = BatchedMatrix.allocate(a.dtype(), batch, 1, n, values.placement());
             BatchedMatrix v = vectors == null ? null
                     : BatchedMatrix.allocate(a.dtype(), batch, n, n, values.placement())) {
            EighAlgorithm ran = eigh(a, w, v, info, algorithm, maxIterations);
            EighSlices.select(range, w, v, info, values, vectors, counts);
            return ran;
        }
    }

    /** The algorithm {@link EighAlgorithm#AUTO} resolves to for this size and dtype. */
    EighAlgorithm choose(int n, int batch, DType dtype, boolean vectors);

    /** Whether this backend can run the named algorithm. */
    boolean supports(EighAlgorithm algorithm);
}
