package org.eigenbasis.basis.quadrants;

import java.util.List;
import java.util.Objects;
import org.eigenbasis.basis.egop.EgopComparisonResult;

/**
 * One method of one quadrant, tuned on the config's grid: the best trial (fewest steps to the target; among equal
 * steps, or when none reaches it, the lowest final loss; then the lowest lr: {@link EgopComparisonResult.Trial}'s
 * order), its loss curve L(θ_0), …, L(θ_T) (shorter when the run diverged or the method had no step), and every
 * trial in ascending lr. A diverging lr is a trial with final loss +∞ and steps −1.
 *
 * @param method        the method
 * @param bestLr        the learning rate of the best trial
 * @param stepsToTarget the best trial's first step with loss ≤ target × initial loss, −1 when never
 * @param finalLoss     the best trial's loss after the budget
 * @param lossCurve     the best trial's losses
 * @param trials        every learning rate's trial, ascending lr
 */
public record MethodResult(QuadrantMethod method, double bestLr, int stepsToTarget, double finalLoss,
                           double[] lossCurve, List<EgopComparisonResult.Trial> trials) {
    public MethodResult {
        Objects.requireNonNull(method, "method");
        lossCurve = lossCurve.clone();
        trials = List.copyOf(trials);
    }

    @Override
    public double[] lossCurve() {
        return lossCurve.clone();
    }
}
