package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.train.Dataset;
import org.eigenbasis.train.Digits;
import org.eigenbasis.train.Sweep;
import org.junit.jupiter.api.Test;

/**
 * The claim of "Digits: SOAP and Shampoo against tuned AdamW" (docs/design-notes.md) where it holds with a wide
 * margin: on the 64-32-10 MLP, SOAP and Shampoo reach training loss 0.05 in fewer full-batch steps than AdamW
 * with its learning rate tuned over a grid around its optimum (about 17 and 14 steps against 37 in the full
 * experiment, for every seed). A smaller version of that experiment: seed 0, 60 steps, nine AdamW learning rates,
 * three for each of the others (which can only make them look worse). Not tested: logistic regression, where
 * SOAP is slower than tuned AdamW.
 *
 * <p>An experiment-level claim, not a rounding tolerance: the runs are on the java backend, pure Java arithmetic
 * with the same bits on every machine and JDK (up to the last bit of Math's elementary functions), so the step
 * counts are reproducible: here SOAP 15 (lr 0.1) and Shampoo 13 (lr 0.178) against tuned AdamW's 37 (lr 0.1, inside
 * the grid). The assertion asks only for fewer steps, a margin of 22 and 24 steps, far beyond the ±1 step a last-bit
 * difference could move a target crossing by.
 */
class DigitsClaimTest {
    static final double TARGET = 0.05;

    @Test
    void soapAndShampooReachTheTargetInFewerStepsThanTunedAdamWOnTheMlp() {
        DigitsExperiment.Settings settings = new DigitsExperiment.Settings(60, Sweep.logGrid(1e-2, 1, 9), new long[] {0},
                new double[] {TARGET}, TARGET, 32);
        Dataset.Split split = Digits.split();
        Backend java = Backends.select("java");
        List<DigitsExperiment.Run> runs = new ArrayList<>();
        for (double lr : settings.grid()) {
            runs.add(DigitsExperiment.runOne("mlp", "adamw", lr, 0, settings, split, java));
        }
        double[] others = {0.1, 0.1778279410038923, 0.3162277660168378};
        for (String optimizer : new String[] {"soap", "shampoo"}) {
            for (double lr : others) {
                runs.add(DigitsExperiment.runOne("mlp", optimizer, lr, 0, settings, split, java));
            }
        }
        DigitsExperiment.Tuned adamw = DigitsExperiment.tune(runs, "mlp", "adamw", TARGET, settings.grid());
        assertTrue(adamw.reached(), "tuned AdamW reaches " + TARGET + " within 60 steps");
        assertFalse(adamw.atGridEdge(), "AdamW's best lr " + adamw.lr() + " is inside the grid, so it is tuned");
        for (String optimizer : new String[] {"soap", "shampoo"}) {
            DigitsExperiment.Tuned t = DigitsExperiment.tune(runs, "mlp", optimizer, TARGET, others);
            assertTrue(t.reached(), optimizer);
            assertEquals(1, t.steps().length);
            assertTrue(t.medianSteps() < adamw.medianSteps(), optimizer + " " + t.medianSteps() + " steps (lr " + t.lr()
                    + ") against tuned AdamW " + adamw.medianSteps() + " (lr " + adamw.lr() + ")");
        }
    }
}
