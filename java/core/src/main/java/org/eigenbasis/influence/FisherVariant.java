package org.eigenbasis.influence;

/**
 * Which output-space vectors stand for the loss curvature Λ_i in the Kronecker-factored curvatures
 * ({@link Mlp#layerStatistics}): the exact expansion, one sampled label, or the true label.
 */
public enum FisherVariant {
    /**
     * The exact expansion Λ_i = Σ_c u_ic·u_icᵀ, C = dL vectors per example: u_ic = √p_c·(e_c − p) for softmax
     * cross-entropy (Σ_c u_ic u_icᵀ = diag(p) − p·pᵀ), u_ic = e_c for squared loss. The default everywhere.
     */
    EXACT,
    /**
     * Monte-Carlo Fisher, C = 1: the loss gradient at a label drawn from the model's predictive distribution
     * (softmax(z) − e_ŷ with ŷ ~ softmax(z); squared: z − ŷ with ŷ ~ N(z, I)). Unbiased for Λ_i in expectation.
     */
    SAMPLED,
    /** Empirical Fisher, C = 1: the loss gradient at the true label, δ_i. Not a curvature of the loss in general. */
    EMPIRICAL;

    /** C, the output-space vectors per example: dL for {@link #EXACT}, 1 otherwise. */
    public int vectorsPerExample(int outputs) {
        return this == EXACT ? outputs : 1;
    }
}
