package org.eigenbasis.influence;

/**
 * The rungs of the curvature ladder, from exact to cheapest, plus the identity baseline. All are curvatures of the
 * mean training loss L = (1/n) Σ_i l_i.
 */
public enum CurvatureKind {
    /** The exact Hessian ∇²L (indefinite in general: directions with w + δ ≤ the floor are dropped). */
    HESSIAN("hessian"),
    /** The generalised Gauss–Newton (1/n) Σ_i J_iᵀ Λ_i J_i, Λ_i the Hessian of l_i in the outputs. */
    GGN("ggn"),
    /** The GGN's diagonal blocks, one per parameter tensor (each W_l, each b_l). */
    BLOCK_GGN("block-ggn"),
    /** K-FAC's Kronecker eigenbases with eigenvalues fitted to the GGN's diagonal in that basis. */
    EKFAC("ekfac"),
    /** K-FAC: per layer S_l ⊗ A_l for W_l and S_l for b_l. */
    KFAC("kfac"),
    /** Plain gradient products: C^-1 = I whatever the damping. */
    IDENTITY("identity");

    private final String cliName;

    CurvatureKind(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in reports: hessian, ggn, block-ggn, ekfac, kfac, identity. */
    public String cliName() {
        return cliName;
    }

    /** Parses a {@link #cliName()}; an unknown name is an IllegalArgumentException listing the legal ones. */
    public static CurvatureKind parse(String text) {
        for (CurvatureKind k : values()) {
            if (k.cliName.equals(text)) {
                return k;
            }
        }
        throw new IllegalArgumentException("curvature: '" + text
                + "' is not one of hessian, ggn, block-ggn, ekfac, kfac, identity");
    }
}
