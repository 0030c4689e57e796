package org.eigenbasis.basis.egop;

import java.util.List;
import java.util.Objects;

/**
 * What {@link EgopComparison} measured: the tuned run of the method in the original coordinates and in the EGOP
 * basis, the gradient-descent equivariance error, and the EGOP estimate used.
 *
 * @param original            the method on f from θ₀, lr tuned on the grid
 * @param egop                the method on f~(θ~) = f(Vθ~) from θ~₀ = Vᵀθ₀, lr tuned on the same grid; losses are
 *                            f(Vθ~) (the same function value)
 * @param gdEquivarianceError max over steps t = 0..budget of ‖Vθ~_t − θ_t‖₂ / ‖θ_t‖₂ for plain gradient descent at
 *                            {@link EgopComparisonConfig#gdLr()} (0 where both are exactly 0); about d·u for an
 *                            orthogonal V, since GD is rotation-equivariant
 * @param estimates           the EGOP estimates, one per block of {@link EgopProblem#blocks()} in order (V is
 *                            block-diagonal with their eigenvectors; eigenvalues descending)
 * @param rank                the reduced form's r ({@link EgopComparisonConfig#rank()}), 0 for the full form
 */
public record EgopComparisonResult(Side original, Side egop, double gdEquivarianceError, List<EgopResult> estimates,
                                   int rank) {
    public EgopComparisonResult {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(egop, "egop");
        estimates = List.copyOf(estimates);
        if (estimates.isEmpty()) {
            throw new IllegalArgumentException("estimates: empty (one per block, at least one)");
        }
    }

    /** The estimate of the first (for a one-block problem, the only) block. */
    public EgopResult estimate() {
        return estimates.get(0);
    }

    /**
     * One learning rate's run.
     *
     * @param lr            the learning rate
     * @param stepsToTarget the first step t with f(θ_t) ≤ target (0 when f(θ₀) is), or −1 when never within the
     *                      budget or when the run diverged
     * @param finalLoss     f after the budget; +∞ when the run diverged (a non-finite loss or gradient: it stops
     *                      there)
     */
    public record Trial(double lr, int stepsToTarget, double finalLoss) {
        /**
         * Whether this trial is better than {@code other}: it reaches the target (in fewer steps), else has a lower
         * final loss, else a lower lr. The order every tuning over an lr grid uses to pick its best trial; reads the
         * two records only, O(1).
         *
         * @throws NullPointerException when {@code other} is null
         */
        public boolean betterThan(Trial other) {
            boolean reached = stepsToTarget >= 0;
            boolean otherReached = other.stepsToTarget >= 0;
            if (reached != otherReached) {
                return reached;
            }
            if (reached && stepsToTarget != other.stepsToTarget) {
                return stepsToTarget < other.stepsToTarget;
            }
            int byLoss = Double.compare(finalLoss, other.finalLoss);
            if (byLoss != 0) {
                return byLoss < 0;
            }
            return lr < other.lr;
        }
    }

    /**
     * One side of the comparison: the best trial (fewest steps to target; among equal steps, or when none reaches
     * it, the lowest final loss; then the lowest lr), its loss curve f(θ_0), …, f(θ_T) (shorter when it diverged),
     * and every trial of the grid in ascending lr.
     */
    public record Side(double bestLr, int stepsToTarget, double finalLoss, double[] lossCurve, List<Trial> trials) {
        public Side {
            lossCurve = lossCurve.clone();
            trials = List.copyOf(trials);
        }

        @Override
        public double[] lossCurve() {
            return lossCurve.clone();
        }
    }
}
