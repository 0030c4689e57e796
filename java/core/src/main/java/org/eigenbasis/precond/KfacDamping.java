package org.eigenbasis.precond;

/**
 * Damping of the K-FAC curvature S ⊗ A (S = E[g gᵀ] out × out, A = E[a aᵀ] in × in; eigenvalues λ_S,i, λ_A,j).
 */
public enum KfacDamping {
    /** Additive in the eigenbasis: d_ij = λ_S,i·λ_A,j + δ (EK-FAC: d_ij = s_ij + δ), i.e. (S ⊗ A + δI)⁻¹. */
    ADDITIVE,
    /**
     * Factored Tikhonov with the π correction (Martens and Grosse 2015, §6.3): (S + √δ/π·I) ⊗ (A + π√δ·I) with
     * π = √((tr A/dim A)/(tr S/dim S)), so d_ij = (λ_S,i + √δ/π)(λ_A,j + π√δ). K-FAC only.
     */
    FACTORED_TIKHONOV
}
