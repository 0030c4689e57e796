package org.eigenbasis.precond;

/**
 * What happens to the per-coordinate second moment V (kept in the rotated coordinates, one entry per entry of the
 * block) when the eigenbasis of factor k changes from Q to Q'. The first moment, being linear in the gradient, is
 * always carried over exactly: M' = M ×ₖ Rᵀ with R = QᵀQ' (its projection back and forth, as SOAP's reference does).
 * Tested in {@code BasisChangePolicyTest}.
 */
public enum BasisChangePolicy {
    /**
     * V follows its column when the columns are reordered: before a power-iteration refresh the columns of Q are
     * sorted by descending Rayleigh quotient diag(QᵀAQ) and V is permuted the same way along dimension k (SOAP's
     * reference). After a full eigendecomposition (columns in descending eigenvalue order, as before) V keeps its
     * positions, i.e. stays with the eigenvalue rank.
     */
    PERMUTE,
    /** V is left as it is, and a power-iteration refresh does not reorder Q's columns. */
    KEEP,
    /**
     * V ← 0 for the block and its second-moment bias correction restarts (its age t₂ ← 0, so the next step uses
     * 1 − β₂¹): the EMA starts afresh in the new basis. EK-FAC's corrected eigenvalues restart from the next batch.
     */
    RESET,
    /**
     * V is read as the diagonal of a covariance in the old basis, rotated, and its diagonal kept:
     * V' = V ×ₖ (R∘R)ᵀ, i.e. V'[…, j, …] = Σᵢ R[i, j]²·V[…, i, …]. R∘R is doubly stochastic, so the total
     * Σ V is preserved, and for a permutation R this is exactly PERMUTE's reordering.
     */
    ROTATE
}
