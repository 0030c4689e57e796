package org.eigenbasis.basis.quadrants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.BasisOptimizerConfig;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.GaussNewton;
import org.eigenbasis.basis.egop.EgopComparisonResult;
import org.eigenbasis.spi.Backend;

/**
 * Runs one method at one learning rate, or tunes it over the grid, on a {@link QuadrantObjective}. Every run draws
 * its gradient mini-batches from one stream seeded by the config, so all methods and rates see the same batches
 * (common random numbers); a Gauss–Newton step's own curvature batch comes from a second, independent stream. A run
 * stops early, as data, when θ, the loss or the gradient stops being finite (final loss +∞, never reached) or when a
 * Gauss–Newton step has a zero denominator (ε = 0 and no curvature along a basis column: the curve ends at the last
 * loss, which is the final loss).
 */
final class QuadrantRunner {
    /**
     * Sees θ_{t−1} and the gradient g_t of step t before the step is applied, and the optimizer once at the end of
     * the run, before it is closed (not called for gradient descent, which has none).
     */
    interface Observer {
        void before(double[] theta, double[] gradient);

        default void after(BasisOptimizer optimizer) {
        }
    }

    private final Backend backend;
    private final QuadrantsConfig config;

    QuadrantRunner(Backend backend, QuadrantsConfig config) {
        this.backend = backend;
        this.config = config;
    }

    /** The method at every lr of the grid; the best by {@link EgopComparisonResult.Trial}'s order. */
    MethodResult tune(QuadrantMethod method, Basis basis, QuadrantObjective objective, int steps, double target,
                      DiagonalRule.Adam adam) {
        return tune(method, basis, objective, steps, target, adam, 1);
    }

    /**
     * As {@link #tune(QuadrantMethod, Basis, QuadrantObjective, int, double, DiagonalRule.Adam)}, the final loss being
     * the mean of the curve's last {@code tail} losses (for noisy mini-batch curves; 1 = the last loss).
     */
    MethodResult tune(QuadrantMethod method, Basis basis, QuadrantObjective objective, int steps, double target,
                      DiagonalRule.Adam adam, int tail) {
        List<EgopComparisonResult.Trial> trials = new ArrayList<>();
        EgopComparisonResult.Trial best = null;
        double[] bestCurve = null;
        for (double lr : config.learningRates()) {
            double[] curve = run(method, lr, basis, objective, steps, adam, null);
            EgopComparisonResult.Trial trial = trial(lr, curve, target, tail);
            trials.add(trial);
            if (best == null || trial.betterThan(best)) {
                best = trial;
                bestCurve = curve;
            }
        }
        return new MethodResult(method, best.lr(), best.stepsToTarget(), best.finalLoss(), finitePart(bestCurve),
                trials);
    }

    /**
     * A run's trial: steps to loss ≤ target·L₀ and the final loss, the mean of the last {@code tail} losses (+∞ when
     * the curve ended in divergence).
     */
    static EgopComparisonResult.Trial trial(double lr, double[] curve, double target, int tail) {
        boolean diverged = Double.isInfinite(curve[curve.length - 1]);
        curve = finitePart(curve);
        int reached = -1;
        double threshold = target * curve[0];
        for (int t = 0; t < curve.length; t++) {
            if (curve[t] <= threshold) {
                reached = t;
                break;
            }
        }
        if (diverged) {
            return new EgopComparisonResult.Trial(lr, -1, Double.POSITIVE_INFINITY);
        }
        int n = Math.min(tail, curve.length);
        double sum = 0;
        for (int t = curve.length - n; t < curve.length; t++) {
            sum += curve[t];
        }
        return new EgopComparisonResult.Trial(lr, reached, sum / n);
    }

    /** The curve without the +∞ a divergence appends. */
    static double[] finitePart(double[] curve) {
        return Double.isInfinite(curve[curve.length - 1]) ? Arrays.copyOf(curve, curve.length - 1) : curve;
    }

    /**
     * One run from the objective's θ₀ for up to {@code steps} steps; returns L(θ_0..θ_t). A divergence appends +∞
     * as the last entry (callers strip it); a Gauss–Newton step without a denominator ends the curve.
     */
    double[] run(QuadrantMethod method, double lr, Basis basis, QuadrantObjective objective, int steps,
                 DiagonalRule.Adam adam, Observer observer) {
        double[] theta = objective.initial();
        SplittableRandom random = new SplittableRandom(config.seed() ^ 0x9E3779B97F4A7C15L);
        SplittableRandom curvatureRandom = new SplittableRandom(config.seed() ^ 0xC2B2AE3D27D4EB4FL);
        double[] curve = new double[steps + 1];
        curve[0] = objective.loss(theta);
        DiagonalRule rule = method.rule(adam);
        BasisOptimizer optimizer = rule == null ? null
                : new BasisOptimizer(new BasisOptimizerConfig(lr, rule), basis, backend);
        try {
            if (optimizer != null && rule instanceof DiagonalRule.GaussNewton && objective.fixedCurvature() != null) {
                optimizer.fixCurvature(objective.fixedCurvature());
            }
            for (int t = 1; t <= steps; t++) {
                double[] g = objective.gradient(theta, random);
                if (!finite(g)) {
                    return diverged(curve, t);
                }
                if (observer != null) {
                    observer.before(theta, g);
                }
                if (optimizer == null) {
                    for (int i = 0; i < theta.length; i++) {
                        theta[i] -= lr * g[i];
                    }
                } else if (rule instanceof DiagonalRule.GaussNewton && objective.fixedCurvature() == null) {
                    double[][] curvature = objective.curvature(theta, curvatureRandom);
                    if (!finite(curvature)) {
                        return diverged(curve, t);
                    }
                    // BasisOptimizer refuses a zero denominator by exception; asking first keeps that out of the
                    // control flow, for one more O(d³) diagonal per step at d ≤ 20
                    if (!hasStep(basis, curvature)) {
                        return Arrays.copyOf(curve, t);
                    }
                    optimizer.step(theta, g, curvature);
                } else {
                    optimizer.step(theta, g);
                }
                double loss = finite(theta) ? objective.loss(theta) : Double.NaN;
                if (!Double.isFinite(loss)) {
                    return diverged(curve, t);
                }
                curve[t] = loss;
            }
            return curve;
        } finally {
            if (optimizer != null) {
                if (observer != null) {
                    observer.after(optimizer);
                }
                optimizer.close();
            }
        }
    }

    /** Whether every diag(UᵀGU)_j is positive (ε = 0: Gauss–Newton^-p has a step along every column). */
    private boolean hasStep(Basis basis, double[][] curvature) {
        for (double x : BasisOptimizer.diagonalInBasis(basis, curvature, backend)) {
            if (!(x > 0)) {
                return false;
            }
        }
        return true;
    }

    private static double[] diverged(double[] curve, int t) {
        double[] out = Arrays.copyOf(curve, t + 1);
        out[t] = Double.POSITIVE_INFINITY;
        return out;
    }

    static boolean finite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean finite(double[][] x) {
        for (double[] row : x) {
            if (!finite(row)) {
                return false;
            }
        }
        return true;
    }
}
