package org.eigenbasis.basis.egop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.BasisOptimizerConfig;
import org.eigenbasis.spi.Backend;

/**
 * Adagrad/Adam in the original coordinates against the same method after EGOP reparameterisation (issue 13, point 3;
 * DePavia, Charisopoulos, Willett, "Faster Adaptive Optimization via Expected Gradient Outer Product
 * Reparameterization"), each with its learning rate tuned on the same half-decade grid.
 *
 * <ol>
 *   <li>Estimate EGOP = V Λ Vᵀ with {@link EgopEstimator} around θ₀ (ρ = N(θ₀, s²I)); for a problem with several
 *       {@link EgopProblem#blocks()} (an MLP's layers) one EGOP per block, the diagonal blocks of the full EGOP, so
 *       V is block-diagonal.</li>
 *   <li><b>Original</b>: for each lr of the grid, {@link BasisOptimizer} with the identity basis on f from θ₀ for the
 *       step budget.</li>
 *   <li><b>EGOP</b>: the same optimizer with the identity basis on f~(θ~) = f(Vθ~), ∇f~ = Vᵀ∇f(Vθ~), from
 *       θ~₀ = Vᵀθ₀; losses are read at θ = Vθ~. (Mathematically this is the optimizer in basis V on f; running it on
 *       f~ is the paper's formulation and keeps the optimizer's rotations exact copies.) With
 *       {@link EgopComparisonConfig#rank()} r ≥ 1 the reduced top-r form {@link EgopReducedForm} instead, one per
 *       block.</li>
 *   <li>Per side the best trial: fewest steps to the target, ties and misses by final loss (see
 *       {@link EgopComparisonResult.Side}).</li>
 *   <li><b>Check</b>: plain gradient descent θ ← θ − η∇f at η = {@code gdLr} in both coordinates for the budget;
 *       since V is orthogonal the trajectories agree up to rounding, reported as the max relative difference (the
 *       reduced form's GD step, c ← c − ηV_rᵀg and θ⊥ ← θ⊥ − η(I − V_rV_rᵀ)g, is θ ← θ − ηg as well).</li>
 * </ol>
 * <b>Cost</b> M gradients (M per block, with several blocks) + one eigh per block for the estimate, then (2·|grid| + 2)·budget gradient and loss evaluations plus
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
        int[] blocks = problem.blocks();
        List<EgopResult> estimates = estimate(problem, theta0, blocks);
        List<EgopReparameterization> reps = config.rank() == 0 ? EgopSteppers.reparameterizations(estimates) : null;
        EgopComparisonResult.Side original = tune(problem, lr -> EgopSteppers.plain(theta0, lr, config.rule(), backend));
        EgopComparisonResult.Side egop = tune(problem, lr -> egopSide(estimates, reps, blocks, theta0, lr));
        double gdError = gradientDescentEquivarianceError(problem.gradient(),
                EgopSteppers.plain(theta0, 0, config.rule(), backend), egopSide(estimates, reps, blocks, theta0, 0));
        return new EgopComparisonResult(original, egop, gdError, estimates, config.rank());
    }

    private EgopSteppers.Stepper egopSide(List<EgopResult> estimates, List<EgopReparameterization> reps,
                                          int[] blocks, double[] theta0, double lr) {
        BasisOptimizerConfig optimizer = new BasisOptimizerConfig(lr, config.rule());
        return config.rank() == 0
                ? EgopSteppers.rotated(reps, blocks, theta0, optimizer, backend)
                : EgopSteppers.reduced(estimates, blocks, config.rank(), theta0, optimizer, backend);
    }

    /**
     * One EGOP per block. One block: the estimator on ∇f around θ₀. Several: block b's estimate is the diagonal block
     * of EGOP under ρ = N(θ₀, s²I), from a mini-batch-style oracle whose per-sample seed draws the other blocks'
     * coordinates (so each block costs M full gradients).
     */
    private List<EgopResult> estimate(EgopProblem problem, double[] theta0, int[] blocks) {
        EgopEstimator estimator = EgopEstimator.on(backend, config.egop());
        if (blocks.length == 1) {
            return List.of(estimator.estimate(problem.gradient(), theta0));
        }
        int d = theta0.length;
        double scale = config.egop().scale();
        List<EgopResult> out = new ArrayList<>();
        int offset = 0;
        for (int size : blocks) {
            int from = offset;
            EgopStochasticGradient slice = (block, seed) -> {
                SplittableRandom random = new SplittableRandom(seed);
                double[] full = new double[d];
                for (int i = 0; i < d; i++) {
                    full[i] = theta0[i] + scale * random.nextGaussian();
                }
                System.arraycopy(block, 0, full, from, size);
                double[] g = problem.gradient().at(full);
                if (g == null || g.length != d) {
                    throw new IllegalArgumentException("problem: ∇f has length " + (g == null ? "null" : g.length)
                            + ", not the dimension " + d);
                }
                return Arrays.copyOfRange(g, from, from + size);
            };
            out.add(estimator.estimate(slice, Arrays.copyOfRange(theta0, from, from + size)));
            offset += size;
        }
        return out;
    }

    private EgopComparisonResult.Side tune(EgopProblem problem, DoubleFunction<EgopSteppers.Stepper> side) {
        List<EgopComparisonResult.Trial> trials = new ArrayList<>();
        EgopComparisonResult.Trial best = null;
        double[] bestCurve = null;
        for (double lr : config.learningRates()) {
            double[] curve = new double[config.steps() + 1];
            EgopComparisonResult.Trial trial;
            try (EgopSteppers.Stepper stepper = side.apply(lr)) {
                trial = run(problem, stepper, lr, curve);
            }
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
                Arrays.copyOf(bestCurve, length), trials);
    }

    /** One run; {@code curve} receives f(θ_0..θ_T), NaN-filled past a divergence. */
    private EgopComparisonResult.Trial run(EgopProblem problem, EgopSteppers.Stepper stepper, double lr,
                                           double[] curve) {
        Arrays.fill(curve, Double.NaN);
        ToDoubleFunction<double[]> loss = problem.loss();
        double target = config.targetLoss();
        double[] theta = stepper.theta();
        double f = loss.applyAsDouble(theta);
        curve[0] = f;
        int reached = f <= target ? 0 : -1;
        for (int t = 1; t <= config.steps(); t++) {
            double[] g = problem.gradient().at(theta);
            if (!allFinite(g)) {
                return new EgopComparisonResult.Trial(lr, -1, Double.POSITIVE_INFINITY);
            }
            stepper.step(g);
            theta = stepper.theta();
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

    private double gradientDescentEquivarianceError(EgopGradient gradient, EgopSteppers.Stepper plain,
                                                    EgopSteppers.Stepper reparameterised) {
        try (plain; reparameterised) {
            double lr = config.gdLr();
            double worst = relativeDifference(reparameterised.theta(), plain.theta());
            for (int t = 1; t <= config.steps(); t++) {
                double[] g = gradient.at(plain.theta());
                double[] gr = gradient.at(reparameterised.theta());
                if (!allFinite(g) || !allFinite(gr)) {
                    break;
                }
                plain.descend(g, lr);
                reparameterised.descend(gr, lr);
                worst = Math.max(worst, relativeDifference(reparameterised.theta(), plain.theta()));
            }
            return worst;
        }
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
