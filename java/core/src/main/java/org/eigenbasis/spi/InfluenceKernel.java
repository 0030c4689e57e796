package org.eigenbasis.spi;

import org.eigenbasis.value.BatchedMatrix;

/**
 * The dense kernels of influence functions over Kronecker-factored and dense curvatures: EK-FAC eigenvalues as
 * products of squared rotated factors, products in a Kronecker eigenbasis, and weighted inner products of
 * eigenbasis coordinates (the pairwise scores). Every argument is f64, validated by the caller
 * ({@code org.eigenbasis.influence}), and none aliases another unless stated (an output is never an input).
 * Matrices may be on the heap or off-heap. The java reference accumulates every sum in double in a fixed order;
 * native backends use BLAS, so parity is to rounding scaled by the inner dimension: for a sum of K products,
 * Higham's γ_K·Σ|terms| (the contract test, {@code InfluenceContract}, derives each tolerance so).
 */
public interface InfluenceKernel {
    /**
     * EK-FAC eigenvalues of one layer:
     * {@code lambda[p][k] = scale · Σ_i (Σ_{c<perExample} ((Q_Sᵀ g_{i·perExample+c})_p)²) · ((Q_Aᵀ a_i)_k)²}.
     * {@code g} is 1 × (n·perExample) × dOut (backpropagated output-space vectors, one example's rows together),
     * {@code qs} 1 × dOut × dOut (eigenvectors in columns); {@code a} is 1 × n × dIn with {@code qa} 1 × dIn × dIn,
     * or both null for a bias, whose eigenvalues are then 1 × dOut × 1 ((Q_Aᵀa)² taken as 1). {@code perExample}
     * ≥ 1 and g has exactly n·perExample rows (n = 0 gives λ = 0). Reads g, a, qs, qa; writes all of {@code lambda}
     * (1 × dOut × dIn), never reading it. {@code qs} and {@code qa} need not be orthogonal: the formula is applied as
     * written. Cost 2·n·perExample·dOut² + 2·n·dIn² + 2·n·dOut·dIn.
     */
    void ekfacEigenvalues(BatchedMatrix g, int perExample, BatchedMatrix a, BatchedMatrix qs, BatchedMatrix qa,
                          double scale, BatchedMatrix lambda);

    /**
     * Products in a Kronecker eigenbasis, for every j of the batch: when {@code forward},
     * {@code out[j] = Q_Sᵀ · X[j] · Q_A} (coordinates in the eigenbasis); else {@code out[j] = Q_S · X[j] · Q_Aᵀ}
     * (back to parameter space). {@code x} and {@code out} are k × dOut × dIn, {@code qs} 1 × dOut × dOut,
     * {@code qa} 1 × dIn × dIn; out must not be x. For orthogonal Q_S and Q_A, backward undoes forward.
     * Cost 2k(dOut²·dIn + dOut·dIn²).
     */
    void kroneckerRotate(BatchedMatrix qs, BatchedMatrix qa, BatchedMatrix x, boolean forward, BatchedMatrix out);

    /**
     * Weighted inner products: {@code out = alpha · X · diag(w) · Yᵀ + beta · out} with X 1 × m × p, Y 1 × n × p,
     * {@code w} 1 × 1 × p (null for all ones; any sign), out 1 × m × n. With beta = 0 out is not read (NaN there
     * does not propagate). Y may be X (the same object); out is neither. With p = 0 the product is zero:
     * out = beta·out. Cost 2mnp.
     */
    void weightedProduct(BatchedMatrix x, BatchedMatrix w, BatchedMatrix y, double alpha, double beta,
                         BatchedMatrix out);

    /**
     * A plain product {@code out = op(A) · op(B)} (op = transpose when the flag is set) of single matrices
     * (batch 1): the rotation of a block of vectors into a dense eigenbasis and back. op(A) is m × k, op(B) k × n,
     * out 1 × m × n, written entirely and never read (zeros when k = 0); out is neither A nor B. Cost 2·m·n·k.
     */
    void multiply(BatchedMatrix a, boolean transposeA, BatchedMatrix b, boolean transposeB, BatchedMatrix out);
}
