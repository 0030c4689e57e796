package org.eigenbasis.basis.quadrants;

import java.util.List;

/**
 * Quadrant (b) of {@link FourQuadrants}: identity basis, full batch, block-wise covariance.
 *
 * @param methods        the four methods tuned on the grid
 * @param rhos           ρ_k of the 2 × 2 blocks [[1, ρ_k], [ρ_k, 1]]
 * @param gaussNewtonIsGd whether GN^-1 and GN^-1/2 gave loss curves bitwise identical to gradient descent's at every
 *                        lr of the grid (diag(G) = I exactly, so their step is g itself)
 * @param adamSpeedup     gradient descent's steps to the target over Adam's (+∞ when gradient descent never reaches
 *                        it, NaN when Adam does not)
 */
public record BlockCovarianceResult(List<MethodResult> methods, double[] rhos, boolean gaussNewtonIsGd,
                                    double adamSpeedup) {
    public BlockCovarianceResult {
        methods = List.copyOf(methods);
        rhos = rhos.clone();
    }

    @Override
    public double[] rhos() {
        return rhos.clone();
    }

    public MethodResult method(QuadrantMethod method) {
        return FourQuadrantsResult.find(methods, method);
    }
}
