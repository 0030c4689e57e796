package org.eigenbasis.spi;

import org.eigenbasis.value.BatchedMatrix;

/**
 * The dense kernels of the Kronecker-factored preconditioners (Shampoo, SOAP, eigenvalue-corrected Shampoo, K-FAC,
 * EK-FAC): factor accumulation, two-sided rotations and the fused diagonal (Adam-style) update. Blocks of equal
 * shape are batched (B × m × n). Arguments are validated by the caller ({@code org.eigenbasis.precond}) and share
 * one dtype. The java reference computes every entry in double and rounds once when it stores; native backends
 * may compute f32 data in f32, so parity is to rounding scaled by the inner dimension.
 */
public interface PreconditionerKernel {
    /**
     * Factor accumulation: for every b, {@code factor[b] ← beta·factor[b] + alpha·X[b]·X[b]ᵀ} when {@code left}
     * (X is B × m × n, factor B × m × m), else {@code beta·factor[b] + alpha·X[b]ᵀ·X[b]} (factor B × n × n).
     * Reads all of X and the lower triangle of factor; writes the full symmetric factor (upper mirrored from
     * lower). With beta = 0 the old factor is not read (NaN in it does not propagate). Cost B·m²n (left).
     */
    void accumulateFactor(BatchedMatrix x, boolean left, double beta, double alpha, BatchedMatrix factor);

    /**
     * Two-sided rotation: {@code out[b] = op(L[b]) · G[b] · op(R[b])}, op(M) = Mᵀ when the flag is set, else M.
     * {@code left} (B × m × m) or {@code right} (B × n × n) may be null for the identity. G and out are B × m × n;
     * out must not alias G. Cost 2B(m²n + mn²).
     */
    void rotate(BatchedMatrix left, boolean transposeLeft, BatchedMatrix g, BatchedMatrix right,
                boolean transposeRight, BatchedMatrix out);

    /**
     * Fused diagonal update, elementwise over every entry of G (B × m × n), in this order and with these roundings:
     * <pre>
     *   m ← beta1·m + (1 − beta1)·g          (skipped when m is null: then m = g)
     *   v ← beta2·v + gamma·g²               (Adam EMA: gamma = 1 − beta2; AdaGrad sum: beta2 = 1, gamma = 1)
     *   out = m / (v^exponent + eps)         (exponent 1/2 is computed with sqrt)
     * </pre>
     * {@code m} and {@code v} are read and written in place; {@code out} may alias {@code g}. Cost O(B·m·n).
     */
    void diagonalUpdate(BatchedMatrix g, BatchedMatrix m, BatchedMatrix v, double beta1, double beta2,
                        double gamma, double exponent, double eps, BatchedMatrix out);
}
