package org.eigenbasis.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.train.Activation;
import org.eigenbasis.train.Dataset;
import org.eigenbasis.train.Digits;
import org.eigenbasis.train.FeedForwardNetwork;
import org.eigenbasis.train.LayerStatisticsMode;
import org.eigenbasis.train.Model;
import org.eigenbasis.train.Sweep;
import org.eigenbasis.train.Trainer;

/**
 * Steps to a target training loss on the digits data, each optimizer with its learning rate tuned over the same
 * log grid: the computation behind {@code eigenbasis train experiment} (which adds the files).
 *
 * <p>Protocol. Full-batch steps on the 1438 training images, a fixed step budget, weight decay 0 for every
 * optimizer (the quantity measured is the training loss), every other option at the optimizer's default. Logistic
 * regression starts from zero weights and full-batch training draws no random numbers, so it is one deterministic
 * run per learning rate; the MLP (64 → hidden → 10, tanh, Glorot-uniform initial weights) is run from each
 * initialisation seed. For each model, optimizer and target, the tuned learning rate is the one with the fewest
 * steps to the target by the median over seeds (a seed that never reaches it counts as infinitely many steps;
 * ties go to the lower maximum over seeds, then the lower mean final loss).
 */
final class DigitsExperiment {
    /** The optimizers compared, baseline first. */
    static final List<String> OPTIMIZERS = List.of("adamw", "soap", "shampoo");
    /** The models. */
    static final List<String> MODELS = List.of("logreg", "mlp");

    private DigitsExperiment() {
    }

    /**
     * What to run.
     *
     * @param steps   full-batch steps per run
     * @param grid    learning rates, ascending
     * @param seeds   MLP initialisation seeds (logistic regression has no randomness and runs once)
     * @param targets training losses whose first step is measured; {@code primary} is one of them
     * @param hidden  hidden units of the MLP
     */
    record Settings(int steps, double[] grid, long[] seeds, double[] targets, double primary, int hidden) {
        Settings {
            if (steps < 1) {
                throw new IllegalArgumentException("steps: " + steps + " is outside [1, " + Integer.MAX_VALUE + "]");
            }
            if (grid.length == 0 || seeds.length == 0 || targets.length == 0) {
                throw new IllegalArgumentException("grid, seeds and targets must not be empty");
            }
            if (Arrays.stream(targets).noneMatch(t -> t == primary)) {
                throw new IllegalArgumentException("primary target " + primary + " is not one of " + Arrays.toString(targets));
            }
            grid = grid.clone();
            seeds = seeds.clone();
            targets = targets.clone();
        }

        /**
         * The committed experiment: 300 steps, 21 learning rates from 1e-4 to 10 (four per decade), MLP seeds 0, 1,
         * 2, 32 hidden units, targets 0.1, 0.05 (primary), 0.02, 0.01.
         */
        static Settings full() {
            return new Settings(300, Sweep.logGrid(1e-4, 10, 21), new long[] {0, 1, 2}, new double[] {0.1, 0.05, 0.02, 0.01},
                    0.05, 32);
        }

        /** A small run for tests and smoke checks: 40 steps, 5 learning rates, one seed, 8 hidden units. */
        static Settings quick() {
            return new Settings(40, Sweep.logGrid(1e-2, 1, 5), new long[] {0}, new double[] {1.0, 0.5}, 0.5, 8);
        }
    }

    /** One training run: its curve (training loss after t = 0..steps steps) and final test accuracy. */
    record Run(String model, String optimizer, double lr, long seed, double[] losses, double testAccuracy, boolean diverged) {
        /** First step with loss ≤ target, or −1. */
        int stepsTo(double target) {
            for (int t = 0; t < losses.length; t++) {
                if (losses[t] <= target) {
                    return t;
                }
            }
            return -1;
        }

        double finalLoss() {
            return losses[losses.length - 1];
        }
    }

    /**
     * The tuned learning rate of one model, optimizer and target, and the steps to the target at it for each seed
     * (−1: not reached); {@code lr} is NaN when no learning rate of the grid reached the target with any seed.
     */
    record Tuned(String model, String optimizer, double target, double lr, int[] steps, boolean atGridEdge) {
        boolean reached() {
            return !Double.isNaN(lr);
        }

        /** Median over seeds (the upper median for an even count), +∞ when not reached by that many seeds. */
        double medianSteps() {
            return median(steps);
        }
    }

    /** Called after every run. */
    interface Listener {
        void afterRun(Run run);
    }

    /** Runs every model, optimizer, learning rate and seed (logistic regression once per learning rate). */
    static List<Run> runAll(Settings settings, Backend backend, Listener listener) {
        Dataset.Split split = Digits.split();
        List<Run> runs = new ArrayList<>();
        for (String modelName : MODELS) {
            long[] seeds = modelName.equals("logreg") ? new long[] {0} : settings.seeds();
            for (String optimizer : OPTIMIZERS) {
                for (double lr : settings.grid()) {
                    for (long seed : seeds) {
                        Run run = runOne(modelName, optimizer, lr, seed, settings, split, backend);
                        runs.add(run);
                        if (listener != null) {
                            listener.afterRun(run);
                        }
                    }
                }
            }
        }
        return runs;
    }

    /** The number of runs {@link #runAll} makes. */
    static int runCount(Settings settings) {
        return OPTIMIZERS.size() * settings.grid().length * (1 + settings.seeds().length);
    }

    /** One run: a fresh model from {@code seed} and the optimizer with {@code lr} and weight decay 0. */
    static Run runOne(String modelName, String optimizer, double lr, long seed, Settings settings, Dataset.Split split,
            Backend backend) {
        Model model = model(modelName, seed, settings.hidden());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", lr);
        config.put("weight_decay", 0.0);
        try (Optimizer opt = OptimizerFactory.create(optimizer, config, model.parameters(), backend)) {
            Trainer.Result r = Trainer.run(model, opt, split.train(), split.test(),
                    new Trainer.Config(settings.steps(), 0, seed, 0, LayerStatisticsMode.NONE), null);
            return new Run(modelName, optimizer, lr, seed, r.losses(), r.testAccuracy(), r.diverged());
        }
    }

    static Model model(String name, long seed, int hidden) {
        return switch (name) {
            case "logreg" -> FeedForwardNetwork.logisticRegression(Digits.FEATURES, Digits.CLASSES);
            case "mlp" -> FeedForwardNetwork.mlp(Digits.FEATURES, hidden, Digits.CLASSES, Activation.TANH, seed);
            default -> throw new IllegalArgumentException("model: '" + name + "' is not one of " + MODELS);
        };
    }

    /** The tuned learning rate of {@code model} and {@code optimizer} for {@code target}, by the rule above. */
    static Tuned tune(List<Run> runs, String model, String optimizer, double target, double[] grid) {
        Objects.requireNonNull(runs, "runs");
        double bestLr = Double.NaN;
        int[] bestSteps = null;
        double[] bestKey = null;
        int bestIndex = -1;
        for (int i = 0; i < grid.length; i++) {
            double lr = grid[i];
            List<Run> trials = runs.stream().filter(r -> r.model().equals(model) && r.optimizer().equals(optimizer)
                    && r.lr() == lr).toList();
            if (trials.isEmpty()) {
                continue;
            }
            int[] steps = trials.stream().mapToInt(r -> r.stepsTo(target)).toArray();
            double meanFinal = trials.stream().mapToDouble(r -> Double.isFinite(r.finalLoss()) ? r.finalLoss()
                    : Double.MAX_VALUE).average().orElseThrow();
            double[] key = {median(steps), Arrays.stream(steps).mapToDouble(s -> s < 0 ? Double.POSITIVE_INFINITY : s)
                    .max().orElseThrow(), meanFinal};
            if (Double.isInfinite(key[0])) {
                continue;
            }
            if (bestKey == null || Arrays.compare(key, bestKey) < 0) {
                bestKey = key;
                bestLr = lr;
                bestSteps = steps;
                bestIndex = i;
            }
        }
        if (bestSteps == null) {
            int count = (int) runs.stream().filter(r -> r.model().equals(model) && r.optimizer().equals(optimizer)
                    && r.lr() == grid[0]).count();
            int[] none = new int[count];
            Arrays.fill(none, -1);
            return new Tuned(model, optimizer, target, Double.NaN, none, false);
        }
        return new Tuned(model, optimizer, target, bestLr, bestSteps, grid.length > 1
                && (bestIndex == 0 || bestIndex == grid.length - 1));
    }

    /** Median of step counts, −1 read as +∞ (upper median for an even count). */
    static double median(int[] steps) {
        double[] s = Arrays.stream(steps).mapToDouble(x -> x < 0 ? Double.POSITIVE_INFINITY : x).sorted().toArray();
        return s[s.length / 2];
    }
}
