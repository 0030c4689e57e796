package org.eigenbasis.basis.egop;

import java.util.Objects;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.GaussNewton;

/**
 * Settings of {@link EgopComparison}, validated at construction ({@link IllegalArgumentException} naming the value
 * and its legal range).
 *
 * <ul>
 *   <li>{@code rule}: Adam or AdaGrad (a Gauss–Newton rule needs a curvature and is refused); the same rule runs in
 *       both coordinates.</li>
 *   <li>{@code lrMinHalfDecade} ≤ {@code lrMaxHalfDecade}, both in [−40, 40]: the learning-rate grid is
 *       lr_k = 10^(k/2) for k = min..max (half-decade steps), the same grid for both sides.</li>
 *   <li>{@code steps} ≥ 1: the step budget of every run.</li>
 *   <li>{@code targetLoss}, finite: a run reaches the target at the first step t with f(θ_t) ≤ targetLoss (0 when
 *       f(θ₀) already is).</li>
 *   <li>{@code gdLr} &gt; 0, finite: the learning rate of the plain gradient-descent equivariance check.</li>
 *   <li>{@code egop}: the estimator's settings; ρ = N(θ₀, s²I) with s = {@code egop.scale()}.</li>
 *   <li>{@code rank} ≥ 0: 0 runs the full reparameterisation (all d EGOP eigenvectors, one state per coordinate);
 *       r ≥ 1 runs the reduced top-r form ({@link EgopReducedForm}) with min(r, block size) leading eigenvectors
 *       per EGOP block and one shared-scalar block for the orthogonal complement. r ≥ d is the full form again.</li>
 * </ul>
 */
public record EgopComparisonConfig(DiagonalRule rule, int lrMinHalfDecade, int lrMaxHalfDecade, int steps,
                                   double targetLoss, double gdLr, EgopConfig egop, int rank) {
    /** The full reparameterisation (rank 0). */
    public EgopComparisonConfig(DiagonalRule rule, int lrMinHalfDecade, int lrMaxHalfDecade, int steps,
                                double targetLoss, double gdLr, EgopConfig egop) {
        this(rule, lrMinHalfDecade, lrMaxHalfDecade, steps, targetLoss, gdLr, egop, 0);
    }

    /** The widest accepted |k| of the grid (lr from 1e-20 to 1e20). */
    public static final int MAX_HALF_DECADE = 40;

    public EgopComparisonConfig {
        Objects.requireNonNull(rule, "rule");
        if (rule instanceof DiagonalRule.GaussNewton) {
            throw new IllegalArgumentException("rule: " + rule + " is outside {Adam, Adagrad} (Gauss–Newton needs a "
                    + "curvature)");
        }
        halfDecade("lrMinHalfDecade", lrMinHalfDecade);
        halfDecade("lrMaxHalfDecade", lrMaxHalfDecade);
        if (lrMinHalfDecade > lrMaxHalfDecade) {
            throw new IllegalArgumentException("lrMaxHalfDecade: " + lrMaxHalfDecade + " is below lrMinHalfDecade "
                    + lrMinHalfDecade + " (must be in [lrMinHalfDecade, " + MAX_HALF_DECADE + "])");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps: " + steps + " is outside [1, ∞)");
        }
        if (!Double.isFinite(targetLoss)) {
            throw new IllegalArgumentException("targetLoss: " + targetLoss + " is not finite");
        }
        if (!(gdLr > 0) || Double.isInfinite(gdLr)) {
            throw new IllegalArgumentException("gdLr: " + gdLr + " is outside (0, ∞) (must be finite and positive)");
        }
        Objects.requireNonNull(egop, "egop");
        if (rank < 0) {
            throw new IllegalArgumentException("rank: " + rank + " is outside [0, ∞) (0 = full reparameterisation)");
        }
    }

    /**
     * AdaGrad (default ε), grid 10^-3 … 10^1 (k = −6..2), 500 steps, target 1e-6 (meant for problems with f* = 0,
     * such as {@link EgopProblems#rotatedQuadratic}), GD check at lr 0.5, EGOP defaults (M = 1024, s = 1).
     */
    public static EgopComparisonConfig defaults() {
        return new EgopComparisonConfig(DiagonalRule.Adagrad.defaults(), -6, 2, 500, 1e-6, 0.5, EgopConfig.defaults());
    }

    /** The grid 10^(k/2), k = lrMinHalfDecade..lrMaxHalfDecade, ascending. */
    public double[] learningRates() {
        double[] out = new double[lrMaxHalfDecade - lrMinHalfDecade + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.pow(10, (lrMinHalfDecade + i) / 2.0);
        }
        return out;
    }

    public EgopComparisonConfig withRule(DiagonalRule v) {
        return new EgopComparisonConfig(v, lrMinHalfDecade, lrMaxHalfDecade, steps, targetLoss, gdLr, egop, rank);
    }

    public EgopComparisonConfig withLrMinHalfDecade(int v) {
        return new EgopComparisonConfig(rule, v, lrMaxHalfDecade, steps, targetLoss, gdLr, egop, rank);
    }

    public EgopComparisonConfig withLrMaxHalfDecade(int v) {
        return new EgopComparisonConfig(rule, lrMinHalfDecade, v, steps, targetLoss, gdLr, egop, rank);
    }

    public EgopComparisonConfig withSteps(int v) {
        return new EgopComparisonConfig(rule, lrMinHalfDecade, lrMaxHalfDecade, v, targetLoss, gdLr, egop, rank);
    }

    public EgopComparisonConfig withTargetLoss(double v) {
        return new EgopComparisonConfig(rule, lrMinHalfDecade, lrMaxHalfDecade, steps, v, gdLr, egop, rank);
    }

    public EgopComparisonConfig withGdLr(double v) {
        return new EgopComparisonConfig(rule, lrMinHalfDecade, lrMaxHalfDecade, steps, targetLoss, v, egop, rank);
    }

    public EgopComparisonConfig withEgop(EgopConfig v) {
        return new EgopComparisonConfig(rule, lrMinHalfDecade, lrMaxHalfDecade, steps, targetLoss, gdLr, v, rank);
    }

    public EgopComparisonConfig withRank(int v) {
        return new EgopComparisonConfig(rule, lrMinHalfDecade, lrMaxHalfDecade, steps, targetLoss, gdLr, egop, v);
    }

    private static void halfDecade(String name, int k) {
        if (k < -MAX_HALF_DECADE || k > MAX_HALF_DECADE) {
            throw new IllegalArgumentException(name + ": " + k + " is outside [" + -MAX_HALF_DECADE + ", "
                    + MAX_HALF_DECADE + "]");
        }
    }
}
