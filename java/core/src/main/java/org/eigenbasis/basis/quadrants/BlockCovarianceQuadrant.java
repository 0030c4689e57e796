package org.eigenbasis.basis.quadrants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.spi.Backend;

/**
 * Quadrant (b): identity basis, full batch, the block-wise covariance instance. H is block diagonal with 2 × 2 blocks
 * [[1, ρ_k], [ρ_k, 1]], ρ = {@link #RHOS} (distinct), the loss ½eᵀHe with e₀ = c_k(1, 1) in block k (θ* = 0, c = {@link #INITIAL}).
 * <ul>
 *   <li>diag(H) = I exactly, so GN^-1 and GN^-1/2 with ε = 0 divide by 1 (and √1 = 1): their step is bit for bit
 *       gradient descent's.</li>
 *   <li>e₀ lies along (1, 1) in each block, an eigenvector of eigenvalue 1 + ρ_k; gradient descent contracts block k
 *       by 1 − lr(1 + ρ_k), so it is held back by the flattest block, condition number max/min (1 + ρ_k).</li>
 *   <li>Adam keeps the two coordinates of a block equal (they see equal gradients) and is invariant to each
 *       coordinate's gradient scale (for ε → 0): each block runs the same one-dimensional Adam whatever ρ_k is.</li>
 * </ul>
 */
final class BlockCovarianceQuadrant {
    /** ρ_k: curvatures 1 + ρ_k along (1, 1) from 1.999 down to 0.01. */
    static final double[] RHOS = {0.999, 0.99, 0.9, 0, -0.9, -0.99};
    /**
     * c_k, e₀ = c_k(1, 1) in block k: unequal and off the grid, so that no sign-like first step of Adam lands on θ*
     * by accident (with every c_k = 1, Adam at lr 1 would: its first step is lr·sign(g) per coordinate).
     */
    static final double[] INITIAL = {1.3, 0.7, 1.9, 0.45, 1.1, 0.8};

    private BlockCovarianceQuadrant() {
    }

    /** H, block diagonal, exactly 1 on the diagonal. */
    static double[][] hessian() {
        int d = 2 * RHOS.length;
        double[][] h = new double[d][d];
        for (int k = 0; k < RHOS.length; k++) {
            h[2 * k][2 * k] = 1;
            h[2 * k + 1][2 * k + 1] = 1;
            h[2 * k][2 * k + 1] = RHOS[k];
            h[2 * k + 1][2 * k] = RHOS[k];
        }
        return h;
    }

    static PopulationQuadratic objective(Backend backend) {
        int d = 2 * RHOS.length;
        double[] start = new double[d];
        for (int k = 0; k < RHOS.length; k++) {
            start[2 * k] = INITIAL[k];
            start[2 * k + 1] = INITIAL[k];
        }
        return new PopulationQuadratic(hessian(), new double[d], start, 0, 0, backend);
    }

    static BlockCovarianceResult run(QuadrantsConfig config, Backend backend) {
        PopulationQuadratic objective = objective(backend);
        Basis basis = Basis.identity(objective.dimension());
        QuadrantRunner runner = new QuadrantRunner(backend, config);
        List<MethodResult> methods = new ArrayList<>();
        for (QuadrantMethod m : QuadrantMethod.values()) {
            methods.add(runner.tune(m, basis, objective, config.blockSteps(), config.blockTarget(), config.adam()));
        }
        boolean same = true;
        for (double lr : config.learningRates()) {
            double[] gd = runner.run(QuadrantMethod.GRADIENT_DESCENT, lr, basis, objective, config.blockSteps(),
                    config.adam(), null);
            for (QuadrantMethod m : List.of(QuadrantMethod.GAUSS_NEWTON, QuadrantMethod.GAUSS_NEWTON_SQRT)) {
                same &= Arrays.equals(gd, runner.run(m, lr, basis, objective, config.blockSteps(), config.adam(), null));
            }
        }
        int gdSteps = FourQuadrantsResult.find(methods, QuadrantMethod.GRADIENT_DESCENT).stepsToTarget();
        int adamSteps = FourQuadrantsResult.find(methods, QuadrantMethod.ADAM).stepsToTarget();
        double speedup = adamSteps <= 0 ? Double.NaN
                : gdSteps < 0 ? Double.POSITIVE_INFINITY : (double) gdSteps / adamSteps;
        return new BlockCovarianceResult(methods, RHOS, same, speedup);
    }
}
