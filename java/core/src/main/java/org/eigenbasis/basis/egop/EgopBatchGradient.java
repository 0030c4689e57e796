package org.eigenbasis.basis.egop;

import java.util.Objects;

/**
 * A batched full-batch gradient oracle for the EGOP estimator: the gradients of a block of sample points at once, so
 * that an oracle whose gradient is a matrix product (the quadratic's A(θ − θ*), a linear model's Xᵀ(Xθ − y)/n) can
 * evaluate a block as one GEMM instead of one memory-bound GEMV per sample ({@link EgopQuadraticGradient}).
 *
 * <p>{@code thetas} holds {@code rows} points θ_0..θ_{rows−1} as a rows × d row-major block (θ_r in entries
 * [r·d, (r+1)·d)); the oracle writes ∇f(θ_r) into the same entries of {@code gradients}. Both arrays have length
 * exactly rows·d (rows ≥ 1), so d = thetas.length / rows. The oracle must not keep either array, must not modify
 * {@code thetas}, and must write every entry of {@code gradients} (its prior contents are unspecified). A dimension
 * it cannot serve is an {@link IllegalArgumentException}; the estimator checks every entry it gets back for
 * finiteness.
 */
@FunctionalInterface
public interface EgopBatchGradient {
    /** Writes ∇f(θ_r) into row r of {@code gradients} (rows × d) for every row θ_r of {@code thetas}. */
    void at(double[] thetas, int rows, double[] gradients);

    /**
     * One {@link EgopGradient} call per row, in row order (each gets a fresh copy of its θ_r), for oracles that have
     * no batched form. Fails with {@link IllegalArgumentException} naming the row (as "sample r", r counted from 0
     * within the block) when a gradient is null or not of length d.
     */
    static EgopBatchGradient perSample(EgopGradient gradient) {
        Objects.requireNonNull(gradient, "gradient");
        return (thetas, rows, gradients) -> EgopEstimator.evaluateEach(gradient, thetas, rows, gradients, 0);
    }
}
