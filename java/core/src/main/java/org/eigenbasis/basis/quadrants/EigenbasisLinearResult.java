package org.eigenbasis.basis.quadrants;

import java.util.List;

/**
 * Quadrant (a) of {@link FourQuadrants}: eigenbasis, full batch, linear regression.
 *
 * @param methods            the four methods tuned on the grid (gd, adam, gn_inv, gn_inv_sqrt)
 * @param kappa              κ = max_j D_j / min_j D_j with D = diag(UᵀGU), the eigenvalues of G = XᵀX/n
 * @param newtonRelativeLoss L(θ₁)/L(θ₀) after one GN^-1 step at lr 1 (ε = 0): Newton, ≤ 1e-20 up to rounding
 * @param sqrtRate           GN^-1/2 at its best lr: condition number √κ
 * @param gdRate             gradient descent at its best lr: condition number κ
 */
public record EigenbasisLinearResult(List<MethodResult> methods, double kappa, double newtonRelativeLoss,
                                     RateCheck sqrtRate, RateCheck gdRate) {
    public EigenbasisLinearResult {
        methods = List.copyOf(methods);
    }

    /** This quadrant's result for {@code method}. */
    public MethodResult method(QuadrantMethod method) {
        return FourQuadrantsResult.find(methods, method);
    }
}
