package org.eigenbasis.influence;

/**
 * A curvature held as one dense eigendecomposition C = V diag(λ) Vᵀ (the exact Hessian and the GGN): P values,
 * P × P vectors. Rotations are one GEMM each (2kP² flops for k vectors); memory 8P² bytes.
 */
final class DenseCurvature extends BackedCurvature {
    private final Eigenbasis basis;

    DenseCurvature(CurvatureKind kind, Eigenbasis basis, Products products) {
        super(kind, basis.n(), products);
        this.basis = basis;
    }




    @Override
    public double[] eigenvalues() {
        return basis.values().clone();
    }

    @Override
    public double[] toEigenbasis(double[] v, int k) {
        int p = basis.n();
        return products().multiply(v, k, p, false, basis.vectors(), p, p, false);
    }

    @Override
    public double[] fromEigenbasis(double[] c, int k) {
        int p = basis.n();
        return products().multiply(c, k, p, false, basis.vectors(), p, p, true);
    }

    /** V diag(λ) Vᵀ as symmetric rank updates ({@link Products#reconstruct}): P³ flops against 4P³ by rotation. */
    @Override
    public double[] dense() {
        int p = basis.n();
        Checks.denseFits("dense " + kind().cliName(), p);
        return products().reconstruct(basis.vectors(), basis.values(), p);
    }
}
