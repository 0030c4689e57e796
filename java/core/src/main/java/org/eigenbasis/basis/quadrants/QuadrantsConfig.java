package org.eigenbasis.basis.quadrants;

import java.util.Objects;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.egop.EgopComparisonConfig;
import org.eigenbasis.internal.RuleChecks;

/**
 * Settings of {@link FourQuadrants}, validated at construction ({@link IllegalArgumentException} naming the value and
 * its legal range). One learning-rate grid serves every method in every quadrant.
 *
 * <ul>
 *   <li>{@code lrMinHalfDecade} ≤ {@code lrMaxHalfDecade}, both in [−40, 40]: the grid lr_k = 10^(k/2), k = min..max
 *       (default −8..6: 1e-4 … 1e3, fifteen rates, lr = 1 among them).</li>
 *   <li>{@code seed}: every draw (data, rotations, mini-batches, Monte Carlo) comes from it.</li>
 *   <li>{@code adam}: the Adam rule of quadrants a, b, d and of the tuning in c (default β₁ = 0.9, β₂ = 0.999,
 *       ε = 1e-8).</li>
 *   <li>{@code *Steps} ≥ 1: each quadrant's step budget per run (defaults a 400, b 2000, c 2000, d 600).</li>
 *   <li>{@code *Target} in (0, 1]: a run reaches its target at the first step with loss ≤ target × initial loss (for c
 *       the excess loss); defaults a 1e-10, b 1e-8, c 0.1, d 0.01.</li>
 *   <li>{@code batchSize} B ≥ 1 (default 4) and {@code noise} s ≥ 0, finite (label-noise standard deviation,
 *       default 1): the mini-batch quadrant.</li>
 *   <li>{@code monteCarloSamples} ≥ 2 (default 20000): mini-batch gradients per basis for the check of E[g̃²].</li>
 *   <li>{@code momentSteps} ≥ 1 (default 20000) and {@code momentBeta2} in [0, 1) (default 0.9999): the long Adam
 *       run whose second moment v gives c's exponent and cosine.</li>
 * </ul>
 */
public record QuadrantsConfig(int lrMinHalfDecade, int lrMaxHalfDecade, long seed, DiagonalRule.Adam adam, int linearSteps, double linearTarget, int blockSteps, double blockTarget, int minibatchSteps, double minibatchTarget, int batchSize, double noise, int monteCarloSamples, int momentSteps, double momentBeta2, int logisticSteps, double logisticTarget) {
    public QuadrantsConfig {
        halfDecade("lrMinHalfDecade", lrMinHalfDecade);
        halfDecade("lrMaxHalfDecade", lrMaxHalfDecade);
        if (lrMinHalfDecade > lrMaxHalfDecade) {
            throw new IllegalArgumentException("lrMaxHalfDecade: " + lrMaxHalfDecade + " is below lrMinHalfDecade "
                    + lrMinHalfDecade + " (must be in [lrMinHalfDecade, " + EgopComparisonConfig.MAX_HALF_DECADE + "])");
        }
        Objects.requireNonNull(adam, "adam");
        positive("linearSteps", linearSteps);
        positive("blockSteps", blockSteps);
        positive("minibatchSteps", minibatchSteps);
        positive("logisticSteps", logisticSteps);
        positive("batchSize", batchSize);
        positive("momentSteps", momentSteps);
        target("linearTarget", linearTarget);
        target("blockTarget", blockTarget);
        target("minibatchTarget", minibatchTarget);
        target("logisticTarget", logisticTarget);
        RuleChecks.nonNegative("noise", noise);
        if (monteCarloSamples < 2) {
            throw new IllegalArgumentException("monteCarloSamples: " + monteCarloSamples + " is outside [2, ∞)");
        }
        RuleChecks.beta("momentBeta2", momentBeta2);
    }

    /** The defaults listed above. */
    public static QuadrantsConfig defaults() {
        return new QuadrantsConfig(-8, 6, 7L, DiagonalRule.Adam.defaults(), 400, 1e-10, 2000, 1e-8, 2000, 0.1, 4, 1.0,
                20000, 20000, 0.9999, 600, 0.01);
    }

    /** The grid 10^(k/2), k = lrMinHalfDecade..lrMaxHalfDecade, ascending. */
    public double[] learningRates() {
        double[] out = new double[lrMaxHalfDecade - lrMinHalfDecade + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.pow(10, (lrMinHalfDecade + i) / 2.0);
        }
        return out;
    }

    public QuadrantsConfig withLrMinHalfDecade(int v) {
        return new QuadrantsConfig(v, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withLrMaxHalfDecade(int v) {
        return new QuadrantsConfig(lrMinHalfDecade, v, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withSeed(long v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, v, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withAdam(DiagonalRule.Adam v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, v, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withLinearSteps(int v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, v, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withLinearTarget(double v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, v, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withBlockSteps(int v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, v, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withBlockTarget(double v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, v, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withMinibatchSteps(int v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, v, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withMinibatchTarget(double v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, v, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withBatchSize(int v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, v, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withNoise(double v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, v, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withMonteCarloSamples(int v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, v, momentSteps, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withMomentSteps(int v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, v, momentBeta2, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withMomentBeta2(double v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, v, logisticSteps, logisticTarget);
    }

    public QuadrantsConfig withLogisticSteps(int v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, v, logisticTarget);
    }

    public QuadrantsConfig withLogisticTarget(double v) {
        return new QuadrantsConfig(lrMinHalfDecade, lrMaxHalfDecade, seed, adam, linearSteps, linearTarget, blockSteps, blockTarget, minibatchSteps, minibatchTarget, batchSize, noise, monteCarloSamples, momentSteps, momentBeta2, logisticSteps, v);
    }

    private static void halfDecade(String name, int k) {
        int max = EgopComparisonConfig.MAX_HALF_DECADE;
        if (k < -max || k > max) {
            throw new IllegalArgumentException(name + ": " + k + " is outside [" + -max + ", " + max + "]");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [1, ∞)");
        }
    }

    private static void target(String name, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside (0, 1]");
        }
    }
}
