package org.eigenbasis.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static final Dataset.Split DIGITS = Digits.split();

    static Trainer.Result sgd(Model model, double lr, Trainer.Config config, Trainer.StepListener listener) {
        return Trainer.run(model, new TestSgd(model.parameters(), lr), DIGITS.train(), DIGITS.test(), config, listener);
    }

    @Test
    void fullBatchRecordsTheLossAfterEveryStepAndLearnsTheDigits() {
        FeedForwardNetwork model = FeedForwardNetwork.logisticRegression(64, 10);
        List<Double> reported = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        Trainer.Result r = sgd(model, 1.0, Trainer.Config.fullBatch(60, 0.5), (s, loss) -> {
            steps.add(s);
            reported.add(loss);
        });
        double[] losses = r.losses();
        assertEquals(61, losses.length);
        assertEquals(60, r.stepsRun());
        // Zero weights: the mean of N = 1438 copies of the same Math.log(10), within γ_N·ln 10
        // (FeedForwardNetworkTest).
        int n = DIGITS.train().samples();
        assertEquals(Math.log(10), losses[0], ErrorBounds.gamma(n, DType.F64) * Math.log(10));
        assertEquals(model.loss(DIGITS.train()), losses[60], 0, "the last entry is the final training loss");
        assertEquals(losses[60], r.finalTrainLoss());
        // Not rounding tolerances: claims about this seeded, deterministic run (pure Java arithmetic, the same on every
        // machine): the loss decreases at every step; it first reaches 0.5 at step 37; the accuracies end at 0.95
        // (test) and 0.94 (train), against 0.85 asked.
        for (int t = 1; t < losses.length; t++) {
            assertTrue(losses[t] < losses[t - 1], "monotone at step " + t);
        }
        assertEquals(60, steps.size());
        for (int i = 0; i < 60; i++) {
            assertEquals(i + 1, steps.get(i));
            assertEquals(losses[i + 1], reported.get(i), 0);
        }
        int first = -1;
        for (int t = 0; t < losses.length && first < 0; t++) {
            if (losses[t] <= 0.5) {
                first = t;
            }
        }
        assertTrue(first > 0);
        assertEquals(first, r.stepsToTarget());
        assertTrue(r.reachedTarget());
        assertFalse(r.diverged());
        assertTrue(r.testAccuracy() > 0.85, "test accuracy " + r.testAccuracy());
        assertTrue(r.trainAccuracy() > 0.85, "train accuracy " + r.trainAccuracy());
    }

    @Test
    void unreachableTargetIsMinusOne() {
        Trainer.Result r = sgd(FeedForwardNetwork.logisticRegression(64, 10), 0.1, Trainer.Config.fullBatch(5, 0.01), null);
        assertEquals(-1, r.stepsToTarget());
        assertFalse(r.reachedTarget());
        assertEquals(6, r.losses().length);
    }

    @Test
    void minibatchesAreSeededAndStillLearn() {
        Trainer.Config config = Trainer.Config.fullBatch(40, 1.0).withBatchSize(64).withSeed(11);
        Trainer.Result a = sgd(FeedForwardNetwork.mlp(64, 16, 10, Activation.TANH, 1), 0.5, config, null);
        Trainer.Result b = sgd(FeedForwardNetwork.mlp(64, 16, 10, Activation.TANH, 1), 0.5, config, null);
        Trainer.Result c = sgd(FeedForwardNetwork.mlp(64, 16, 10, Activation.TANH, 1), 0.5, config.withSeed(12), null);
        assertArrayEquals(a.losses(), b.losses(), 0, "same seed, same run");
        assertNotEquals(a.losses()[40], c.losses()[40], "another seed draws other batches");
        assertEquals(41, a.losses().length);
        // Not a rounding tolerance: this seeded run ends at 0.24 of its initial loss.
        assertTrue(a.finalTrainLoss() < 0.7 * a.losses()[0], a.toString());
    }

    @Test
    void divergenceStopsTheRunWithoutSteppingOnNonFiniteLoss() {
        // log-sum-exp keeps the loss finite for large weights; a step of 1e306 overflows the logits to ±∞
        FeedForwardNetwork model = FeedForwardNetwork.logisticRegression(64, 10);
        TestSgd sgd = new TestSgd(model.parameters(), 1e306);
        Trainer.Result r = Trainer.run(model, sgd, DIGITS.train(), null, Trainer.Config.fullBatch(200, 0.1), null);
        assertTrue(r.diverged(), r.toString());
        assertTrue(r.stepsRun() >= 1 && r.stepsRun() < 200, r.toString());
        assertEquals(r.stepsRun(), sgd.stepCount());
        assertFalse(Double.isFinite(r.finalTrainLoss()));
        assertTrue(Double.isNaN(r.testAccuracy()), "no test set");
    }

    @Test
    void statisticsModeReachesTheOptimizer() {
        FeedForwardNetwork model = FeedForwardNetwork.logisticRegression(64, 10);
        List<Integer> layerCounts = new ArrayList<>();
        TestSgd recording = new TestSgd(model.parameters(), 0.1) {
            @Override
            public void step(org.eigenbasis.precond.Gradients gradients) {
                layerCounts.add(gradients.layers().size());
                super.step(gradients);
            }
        };
        Trainer.run(model, recording, DIGITS.train(), null,
                Trainer.Config.fullBatch(3, 0.1).withStatistics(LayerStatisticsMode.SAMPLED), null);
        assertEquals(List.of(1, 1, 1), layerCounts);
    }

    @Test
    void refusesBadConfigurationsAndMismatchedOptimizers() {
        assertThrows(IllegalArgumentException.class, () -> Trainer.Config.fullBatch(-1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> Trainer.Config.fullBatch(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Trainer.Config.fullBatch(1, 0.1).withBatchSize(-3));
        FeedForwardNetwork model = FeedForwardNetwork.mlp(64, 4, 10, Activation.TANH, 0);
        FeedForwardNetwork other = FeedForwardNetwork.logisticRegression(64, 10);
        assertThrows(IllegalArgumentException.class, () -> Trainer.run(model, new TestSgd(other.parameters(), 0.1),
                DIGITS.train(), null, Trainer.Config.fullBatch(1, 0.1), null));
    }

    @Test
    void sweepPicksTheLearningRateThatReachesTheTargetFirst() {
        double[] grid = Sweep.logGrid(0.01, 100, 5);
        // Exact: whole decades come out as the correctly rounded decimals (Sweep.logGrid; SweepLogGridTest).
        assertArrayEquals(new double[] {0.01, 0.1, 1, 10, 100}, grid, 0);
        Sweep.Outcome outcome = Sweep.run(grid, lr -> sgd(FeedForwardNetwork.logisticRegression(64, 10), lr,
                Trainer.Config.fullBatch(25, 0.8), null));
        assertEquals(5, outcome.trials().size());
        // every reaching run is at least as fast as the best, and the best reached the target
        Sweep.Trial best = outcome.best();
        assertTrue(best.result().reachedTarget(), outcome.toString());
        for (Sweep.Trial t : outcome.trials()) {
            if (t.result().reachedTarget()) {
                assertTrue(t.result().stepsToTarget() >= best.result().stepsToTarget());
            }
        }
        // This seeded sweep: lr 1 and 10 reach 0.8 in 18 steps, 0.01, 0.1 and 100 not within 25.
        assertTrue(best.value() > 0.01 && best.value() < 100, "an interior learning rate: " + best.value());
        assertFalse(outcome.trials().get(0).result().reachedTarget(), "lr 0.01 is too small for 25 steps");
        assertFalse(outcome.bestAtGridEdge());
    }

    @Test
    void rankingPutsReachedBeforeFinishedBeforeDiverged() {
        Trainer.Result reachedSlow = new Trainer.Result(new double[] {2, 1, 0.5}, 2, false, 0.5, 0, 0, 0);
        Trainer.Result reachedFast = new Trainer.Result(new double[] {2, 0.5, 0.6}, 1, false, 0.6, 0, 0, 0);
        Trainer.Result missed = new Trainer.Result(new double[] {2, 1.5, 1.2}, -1, false, 1.2, 0, 0, 0);
        Trainer.Result missedWorse = new Trainer.Result(new double[] {2, 1.8, 1.7}, -1, false, 1.7, 0, 0, 0);
        Trainer.Result diverged = new Trainer.Result(new double[] {2, Double.NaN}, -1, true, Double.NaN, 0, 0, 0);
        List<Trainer.Result> sorted = new ArrayList<>(List.of(diverged, missedWorse, reachedSlow, missed, reachedFast));
        sorted.sort(Sweep.RANKING);
        assertEquals(List.of(reachedFast, reachedSlow, missed, missedWorse, diverged), sorted);
        double[] values = {1, 2, 3};
        Trainer.Result[] results = {missed, reachedSlow, reachedSlow};
        Sweep.Outcome o = Sweep.run(values, v -> results[(int) v - 1]);
        assertSame(o.trials().get(1), o.best(), "ties keep the first");
        assertThrows(IllegalArgumentException.class, () -> Sweep.logGrid(0, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> Sweep.logGrid(1, 10, 1));
    }
}
