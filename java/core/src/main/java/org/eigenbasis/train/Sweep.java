package org.eigenbasis.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * A one-dimensional hyper-parameter sweep (typically the learning rate of the baseline, e.g. AdamW's lr over a log
 * grid): runs one training per value and picks the best by {@link #RANKING}.
 */
public final class Sweep {
    /**
     * Best first: runs that reached the target loss, by fewest steps to it; then runs that did not diverge, by
     * lowest final training loss; diverged runs last. Ties keep the sweep's order (the comparator is stable in
     * {@link #run}).
     */
    public static final Comparator<Trainer.Result> RANKING = Comparator
            .comparingInt((Trainer.Result r) -> r.reachedTarget() ? 0 : r.diverged() ? 2 : 1)
            .thenComparingInt(r -> r.reachedTarget() ? r.stepsToTarget() : 0)
            .thenComparingDouble(r -> r.diverged() || !Double.isFinite(r.finalTrainLoss()) ? 0 : r.finalTrainLoss());

    private Sweep() {
    }

    /** One value of the swept hyper-parameter and the run it gave. */
    public record Trial(double value, Trainer.Result result) {
    }

    /** Every trial in the order run, and the best one. */
    public record Outcome(List<Trial> trials, Trial best) {
        public Outcome {
            trials = List.copyOf(trials);
        }

        /** Whether the best value is the first or last of the grid: the grid should then be widened. */
        public boolean bestAtGridEdge() {
            return trials.size() > 1 && (best == trials.get(0) || best == trials.get(trials.size() - 1));
        }
    }

    /**
     * {@code points} values spaced evenly in log scale from {@code lo} to {@code hi}, both included:
     * 10^(a + (b − a)·i/(points − 1)) with a = log10(lo), b = log10(hi), and the ends set to lo and hi exactly.
     * Base 10 so that whole decades of a decade-aligned grid come out as the correctly rounded decimal
     * (0.1 rather than 0.10000000000000006, as base e gives). The one log grid of the code base: learning-rate
     * sweeps here and the mean reset times and curvatures of {@code eigenbasis reset experiment}.
     *
     * @throws IllegalArgumentException unless 0 &lt; lo ≤ hi &lt; ∞, and points ≥ 2 (or points = 1 with lo = hi)
     */
    public static double[] logGrid(double lo, double hi, int points) {
        if (!(lo > 0) || !(hi >= lo) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("log grid: [" + lo + ", " + hi + "] must satisfy 0 < lo ≤ hi < ∞");
        }
        if (points < 1 || (points == 1 && hi != lo)) {
            throw new IllegalArgumentException("points: " + points + " is outside [" + (hi == lo ? 1 : 2) + ", "
                    + Integer.MAX_VALUE + "]");
        }
        double[] grid = new double[points];
        double a = Math.log10(lo);
        double b = Math.log10(hi);
        for (int i = 1; i < points - 1; i++) {
            grid[i] = Math.pow(10, a + (b - a) * i / (points - 1));
        }
        grid[0] = lo;
        grid[points - 1] = hi;
        return grid;
    }

    /** Runs {@code trial} for every value, in order, and ranks the results. */
    public static Outcome run(double[] values, DoubleFunction<Trainer.Result> trial) {
        Objects.requireNonNull(trial, "trial");
        if (values.length == 0) {
            throw new IllegalArgumentException("values: the sweep needs at least one value");
        }
        List<Trial> trials = new ArrayList<>();
        for (double v : values) {
            trials.add(new Trial(v, Objects.requireNonNull(trial.apply(v), "trial result")));
        }
        Trial best = Collections.min(trials, Comparator.comparing(Trial::result, RANKING));
        return new Outcome(trials, best);
    }
}
