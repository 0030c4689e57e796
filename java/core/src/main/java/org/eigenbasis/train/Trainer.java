package org.eigenbasis.train;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizer;

/**
 * Runs an {@link Optimizer} on a {@link Model} for a fixed number of steps and records the training loss after
 * every step. The optimizer must have been created over {@code model.parameters()}.
 *
 * <p>Loss bookkeeping: {@code losses[t]} is the mean cross-entropy over the whole training set after t steps,
 * t = 0..steps. With full batches it is the loss the gradient of step t+1 is computed at (no extra pass); with
 * minibatches the training set is evaluated after every step. A run whose loss turns NaN or infinite stops there
 * ({@link Result#diverged()}) rather than feeding the optimizer non-finite gradients.
 */
public final class Trainer {
    private Trainer() {
    }

    /**
     * Settings of one run.
     *
     * @param steps      optimizer steps, ≥ 0
     * @param batchSize  samples per step; 0 means the full training set every step. Minibatches are drawn without
     *                   replacement by reshuffling the training set each epoch with {@code java.util.Random(seed)}
     * @param seed       seed of the minibatch order and of the labels drawn for sampled statistics
     * @param targetLoss the training loss {@link Result#stepsToTarget()} is measured against
     * @param statistics which K-FAC layer statistics the model reports with each gradient
     */
    public record Config(int steps, int batchSize, long seed, double targetLoss, LayerStatisticsMode statistics) {
        public Config {
            if (steps < 0) {
                throw new IllegalArgumentException("steps: " + steps + " is outside [0, " + Integer.MAX_VALUE + "]");
            }
            if (batchSize < 0) {
                throw new IllegalArgumentException("batchSize: " + batchSize + " is outside [0, " + Integer.MAX_VALUE
                        + "] (0 = full batch)");
            }
            if (!(targetLoss >= 0) || Double.isInfinite(targetLoss)) {
                throw new IllegalArgumentException("targetLoss: " + targetLoss + " is outside [0, ∞)");
            }
            Objects.requireNonNull(statistics, "statistics");
        }

        /** The CLI's defaults: 300 full-batch steps, seed 0, target loss 0.2, no layer statistics. */
        public static Config defaults() {
            return fullBatch(300, 0.2);
        }

        /** Full-batch gradient steps without layer statistics. */
        public static Config fullBatch(int steps, double targetLoss) {
            return new Config(steps, 0, 0, targetLoss, LayerStatisticsMode.NONE);
        }

        public Config withSteps(int v) {
            return new Config(v, batchSize, seed, targetLoss, statistics);
        }

        /** Samples per step; 0 for the full training set. */
        public Config withBatchSize(int v) {
            return new Config(steps, v, seed, targetLoss, statistics);
        }

        public Config withSeed(long v) {
            return new Config(steps, batchSize, v, targetLoss, statistics);
        }

        public Config withTargetLoss(double v) {
            return new Config(steps, batchSize, seed, v, statistics);
        }

        public Config withStatistics(LayerStatisticsMode v) {
            return new Config(steps, batchSize, seed, targetLoss, v);
        }
    }

    /** Called after every step with the step number (1-based) and the training loss after it. */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(int step, double trainLoss);
    }

    /**
     * The outcome of one run.
     *
     * @param losses        training loss after t steps, t = 0..stepsRun (a copy is returned by the accessor)
     * @param stepsToTarget the first t with losses[t] ≤ the target, or −1 when never reached
     * @param diverged      whether the run stopped early on a non-finite loss
     * @param testAccuracy  accuracy on the test set after the last step (NaN when no test set was given)
     */
    public record Result(double[] losses, int stepsToTarget, boolean diverged, double finalTrainLoss,
            double trainAccuracy, double testAccuracy, double seconds) {
        public Result {
            losses = losses.clone();
        }

        @Override
        public double[] losses() {
            return losses.clone();
        }

        public boolean reachedTarget() {
            return stepsToTarget >= 0;
        }

        /** Steps actually taken. */
        public int stepsRun() {
            return losses.length - 1;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && Arrays.equals(losses, r.losses) && stepsToTarget == r.stepsToTarget
                    && diverged == r.diverged && Double.compare(finalTrainLoss, r.finalTrainLoss) == 0
                    && Double.compare(trainAccuracy, r.trainAccuracy) == 0 && Double.compare(testAccuracy, r.testAccuracy) == 0;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(losses) * 31 + stepsToTarget;
        }

        @Override
        public String toString() {
            return "Result[steps=" + stepsRun() + ", finalTrainLoss=" + finalTrainLoss + ", stepsToTarget=" + stepsToTarget
                    + ", diverged=" + diverged + ", testAccuracy=" + testAccuracy + "]";
        }
    }

    /**
     * Checkpoints of one run: after every {@code every} steps and after the last, the state of the run is written
     * atomically to {@code file} as a {@link TrainingCheckpoint}; {@code resume}, when not null, is the checkpoint
     * the run continues from (already restored into the model and optimizer by
     * {@link TrainingCheckpoint#restoreInto}).
     *
     * @param file  where checkpoints go; null for none
     * @param every steps between checkpoints, ≥ 1
     * @param label the optimizer's label, stored in the checkpoint and checked on resume
     */
    public record Checkpointing(java.nio.file.Path file, int every, String label, TrainingCheckpoint resume) {
        public Checkpointing {
            if (every < 1) {
                throw new IllegalArgumentException("every: " + every + " is outside [1, " + Integer.MAX_VALUE + "]");
            }
            Objects.requireNonNull(label, "label");
        }

        /** No checkpoints, no resume. */
        public static Checkpointing none() {
            return new Checkpointing(null, 1, "", null);
        }
    }

    /** Runs {@code config.steps()} steps; {@code test} and {@code listener} may be null. */
    public static Result run(Model model, Optimizer optimizer, Dataset train, Dataset test, Config config,
            StepListener listener) {
        try {
            return run(model, optimizer, train, test, config, listener, Checkpointing.none());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);   // unreachable: no checkpoint file
        }
    }

    /**
     * {@link #run(Model, Optimizer, Dataset, Dataset, Config, StepListener)} with checkpoints and resume: a run
     * resumed from the checkpoint of step N takes steps N+1..{@code config.steps()} and ends with the parameters,
     * optimizer state, losses and checkpoints of an uninterrupted run, bit for bit (the generators' states, the
     * minibatch order and the losses so far travel in the checkpoint).
     *
     * @throws java.io.IOException when a checkpoint cannot be written
     */
    public static Result run(Model model, Optimizer optimizer, Dataset train, Dataset test, Config config,
            StepListener listener, Checkpointing checkpoints) throws java.io.IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(config, "config");
        if (optimizer.parameters().size() != model.parameters().size()) {
            throw new IllegalArgumentException("optimizer: it holds " + optimizer.parameters().size()
                    + " parameters, the model " + model.parameters().size() + "; create it over model.parameters()");
        }
        long start = System.nanoTime();
        boolean full = config.batchSize() == 0 || config.batchSize() >= train.samples();
        TrainingCheckpoint resume = checkpoints.resume();
        String setup = TrainingCheckpoint.setup(model, config, train);
        if (resume != null && (resume.step() > config.steps() || !resume.setup().equals(setup)
                || resume.order().length != train.samples())) {
            throw new IllegalArgumentException("checkpoints.resume: step " + resume.step() + " of '" + resume.setup()
                    + "' does not continue this run of " + config.steps() + " steps of '" + setup + "'");
        }
        ReplayableRandom batches = resume == null ? new ReplayableRandom(config.seed())
                : ReplayableRandom.restore(resume.batchesState());
        ReplayableRandom labels = resume == null ? new ReplayableRandom(config.seed() ^ 0x5DEECE66DL)
                : ReplayableRandom.restore(resume.labelsState());
        int[] order = resume == null ? identity(train.samples()) : resume.order();
        int cursor = resume == null ? order.length : resume.cursor();   // a fresh run reshuffles before its first minibatch
        double[] losses = new double[config.steps() + 1];
        int stepsRun = resume == null ? 0 : resume.step();
        if (resume != null) {
            System.arraycopy(resume.losses(), 0, losses, 0, stepsRun);
        }
        boolean diverged = false;
        double current = full ? Double.NaN : model.loss(train);
        for (int step = stepsRun; step < config.steps(); step++) {
            Gradients gradients = new Gradients();
            if (full) {
                current = model.lossAndGradients(train, gradients, config.statistics(), labels);
            } else {
                if (cursor + config.batchSize() > order.length) {
                    shuffle(order, batches);
                    cursor = 0;
                }
                int[] rows = Arrays.copyOfRange(order, cursor, cursor + config.batchSize());
                cursor += config.batchSize();
                model.lossAndGradients(train.rows(rows), gradients, config.statistics(), labels);
            }
            losses[step] = current;
            if (full && step > 0 && listener != null) {
                listener.afterStep(step, current);   // full batch: the loss after a step comes with the next gradient
            }
            if (!Double.isFinite(current)) {
                diverged = true;
                break;
            }
            optimizer.step(gradients);
            stepsRun++;
            if (checkpoints.file() != null && (stepsRun % checkpoints.every() == 0 || stepsRun == config.steps())) {
                new TrainingCheckpoint(checkpoints.label(), setup, stepsRun, batches.state(), labels.state(), cursor,
                        order, Arrays.copyOf(losses, stepsRun), TrainingCheckpoint.snapshot(model.parameters()),
                        TrainingCheckpoint.optimizerBytes(optimizer, checkpoints.file())).write(checkpoints.file());
            }
            if (!full) {
                current = model.loss(train);
                if (listener != null) {
                    listener.afterStep(step + 1, current);
                }
            }
        }
        if (!diverged) {
            if (full) {
                current = model.loss(train);
                if (listener != null && config.steps() > 0) {
                    listener.afterStep(config.steps(), current);
                }
            }
            losses[stepsRun] = current;
            diverged = !Double.isFinite(current);
        }
        double[] recorded = Arrays.copyOf(losses, stepsRun + 1);
        int toTarget = -1;
        for (int t = 0; t < recorded.length; t++) {
            if (recorded[t] <= config.targetLoss()) {
                toTarget = t;
                break;
            }
        }
        double trainAccuracy = model.accuracy(train);
        double testAccuracy = test == null ? Double.NaN : model.accuracy(test);
        return new Result(recorded, toTarget, diverged, recorded[recorded.length - 1], trainAccuracy, testAccuracy,
                (System.nanoTime() - start) * 1e-9);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
