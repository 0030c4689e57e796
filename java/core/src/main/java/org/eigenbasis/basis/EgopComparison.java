package org.eigenbasis.basis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.eigenbasis.spi.Backend;

/**
 * Adagrad/Adam in the original coordinates against the same method after EGOP reparameterisation (issue 13, point 3;
 * DePavia, Charisopoulos, Willett, "Faster Adaptive Optimization via Expected Gradient Outer Product
 * Reparameterization"), each with its learning rate tuned on the same half-decade grid.
 *
 * <ol>
 *   <li>Estimate EGOP = V Λ Vᵀ with {@link EgopEstimator} around θ₀ (ρ = N(θ₀, s²I)).</li>
 *   <li><b>Original</b>: for each lr of the grid, {@link BasisOptimizer} with the identity basis on f from θ₀ for the
 *       step budget.</li>
 *   <li><b>EGOP</b>: the same optimizer with the identity basis on f~(θ~) = f(Vθ~), ∇f~ = Vᵀ∇f(Vθ~), from
 *       θ~₀ = Vᵀθ₀; losses are read at θ = Vθ~. (Mathematically this is the optimizer in basis V on f; running it on
 *       f~ is the paper's formulation and keeps the optimizer's rotations exact copies.)</li>
 *   <li>Per side the best trial: fewest steps to the target, ties and misses by final loss (see
 *       {@link EgopComparisonResult.Side}).</li>
 *   <li><b>Check</b>: plain gradient descent θ ← θ − η∇f at η = {@code gdLr} in both coordinates for the budget;
 *       since V is orthogonal the trajectories agree up to rounding, reported as the max relative difference.</li>
 * </ol>
 * <b>Cost</b> M gradients + one eigh for the estimate, then (2·|grid| + 2)·budget gradient and loss evaluations plus
 * two d² products per step on the EGOP side. <b>Fails</b> with {@link IllegalArgumentException} (nothing returned)
 * when f(θ₀) or ∇f(θ₀) is not finite or ∇f has the wrong length, and as {@link EgopEstimator} does; a learning rate
 * that diverges is data (final loss +∞), not an error. Library code: prints nothing. Thread-safe when the problem's
 * functions are.
 */
public final class EgopComparison {
    private final Backend backend;
    private final EgopComparisonConfig config;

    private EgopComparison(Backend backend, EgopComparisonConfig config) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.config = Objects.requireNonNull(config, "config");
    }

    public static EgopComparison on(Backend backend, EgopComparisonConfig config) {
        return new EgopComparison(backend, config);
    }

    public EgopComparisonConfig config() {
        return config;
    }

    /** Runs both sides and the equivariance check on {@code problem}. */
    public EgopComparisonResult compare(EgopProblem problem) {
        Objects.requireNonNull(problem, "problem");
        int d = problem.dimension();
        double[] theta0 = problem.initial();
        double f0 = problem.loss().applyAsDouble(theta0);
        if (!Double.isFinite(f0)) {
            throw new IllegalArgumentException("problem: f(θ₀) = " + f0 + " is not finite");
        }
        double[] g0 = problem.gradient().at(theta0.clone());
        if (g0 == null || g0.length != d) {
            throw new IllegalArgumentException("problem: ∇f(θ₀) has length " + (g0 == null ? "null" : g0.length)
                    + ", not the dimension " + d);
        }
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(g0[i])) {
                throw new IllegalArgumentException("problem: ∇f(θ₀)[" + i + "] = " + g0[i] + " is not finite");
            }
        }
        EgopResult estimate = EgopEstimator.on(backend, config.egop()).estimate(problem.gradient(), theta0);
        EgopReparameterization rep = EgopReparameterization.of(estimate);
        ToDoubleFunction<double[]> rotatedLoss = t -> problem.loss().applyAsDouble(rep.toOriginal(t));
        EgopGradient rotatedGradient = rep.rotated(problem.gradient());

        EgopComparisonResult.Side original = tune(problem.loss(), problem.gradient(), theta0);
        EgopComparisonResult.Side egop = tune(rotatedLoss, rotatedGradient, rep.toRotated(theta0));
        double gdError = gradientDescentEquivarianceError(problem.gradient(), rotatedGradient, rep, theta0);
        return new EgopComparisonResult(original, egop, gdError, estimate);
    }

    private EgopComparisonResult.Side tune(ToDoubleFunction<double[]> loss, EgopGradient gradient, double[] start) {
        List<EgopComparisonResult.Trial> trials = new ArrayList<>();
        EgopComparisonResult.Trial best = null;
        double[] bestCurve = null;
        for (double lr : config.learningRates()) {
            double[] curve = new double[config.steps() + 1];
            EgopComparisonResult.Trial trial = run(loss, gradient, start, lr, curve);
            trials.add(trial);
            if (best == null || trial.betterThan(best)) {
                best = trial;
                bestCurve = curve;
            }
        }
        int length = 0;
        while (length < bestCurve.length && !Double.isNaN(bestCurve[length])) {
            length++;
        }
        return new EgopComparisonResult.Side(best.lr(), best.stepsToTarget(), best.finalLoss(),
                java.util.Arrays.copyOf(bestCurve, length), trials);
    }

    /** One run; {@code curve} receives f(θ_0..θ_T), NaN-filled past a divergence. */
    private EgopComparisonResult.Trial run(ToDoubleFunction<double[]> loss, EgopGradient gradient, double[] start,
                                           double lr, double[] curve) {
        java.util.Arrays.fill(curve, Double.NaN);
        double[] theta = start.clone();
        int d = theta.length;
        double target = config.targetLoss();
        BasisOptimizerConfig optimizerConfig = new BasisOptimizerConfig(lr, config.rule());
        try (BasisOptimizer optimizer = new BasisOptimizer(optimizerConfig, Basis.identity(d), backend)) {
            double f = loss.applyAsDouble(theta);
            curve[0] = f;
            int reached = f <= target ? 0 : -1;
            for (int t = 1; t <= config.steps(); t++) {
                double[] g = gradient.at(theta.clone());
                if (!allFinite(g)) {
                    return new EgopComparisonResult.Trial(lr, -1, Double.POSITIVE_INFINITY);
                }
                optimizer.step(theta, g);
                f = loss.applyAsDouble(theta);
                if (!Double.isFinite(f) || !allFinite(theta)) {
                    return new EgopComparisonResult.Trial(lr, -1, Double.POSITIVE_INFINITY);
                }
                curve[t] = f;
                if (reached < 0 && f <= target) {
                    reached = t;
                }
            }
            return new EgopComparisonResult.Trial(lr, reached, f);
        }
    }

    private double gradientDescentEquivarianceError(EgopGradient gradient, EgopGradient rotatedGradient,
                                                    EgopReparameterization rep, double[] theta0) {
        int d = theta0.length;
        double[] theta = theta0.clone();
        double[] rotated = rep.toRotated(theta0);
        double lr = config.gdLr();
        double worst = relativeDifference(rep.toOriginal(rotated), theta);
        for (int t = 1; t <= config.steps(); t++) {
            double[] g = gradient.at(theta.clone());
            double[] gr = rotatedGradient.at(rotated.clone());
            if (!allFinite(g) || !allFinite(gr)) {
                break;
            }
            for (int i = 0; i < d; i++) {
                theta[i] -= lr * g[i];
                rotated[i] -= lr * gr[i];
            }
            worst = Math.max(worst, relativeDifference(rep.toOriginal(rotated), theta));
        }
        return worst;
    }

    private static double relativeDifference(double[] x, double[] reference) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            double e = x[i] - reference[i];
            diff += e * e;
            norm += reference[i] * reference[i];
        }
        if (diff == 0) {
            return 0;
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }

    private static boolean allFinite(double[] x) {
        if (x == null) {
            return false;
        }
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
