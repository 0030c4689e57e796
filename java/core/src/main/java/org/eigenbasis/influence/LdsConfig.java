package org.eigenbasis.influence;

import java.util.Arrays;

/**
 * The linear datamodeling score's protocol: for each α, {@code subsets} random training subsets of size ⌊α·n⌋
 * (without replacement, drawn from {@code seed}), and a {@code bootstrap}-sample percentile interval at
 * {@code confidence} over the validation points.
 *
 * @param alphas     each in (0, 1], at least one
 * @param subsets    M ≥ 2 per α
 * @param seed       subset sampling seed
 * @param bootstrap  resamples ≥ 1 for the interval
 * @param confidence in (0, 1)
 */
public record LdsConfig(double[] alphas, int subsets, long seed, int bootstrap, double confidence) {
    public LdsConfig {
        if (alphas == null || alphas.length == 0) {
            throw new IllegalArgumentException("alphas: needs at least one value");
        }
        alphas = alphas.clone();
        for (int i = 0; i < alphas.length; i++) {
            if (!(alphas[i] > 0 && alphas[i] <= 1)) {
                throw new IllegalArgumentException("alphas[" + i + "]: " + alphas[i] + " is outside (0, 1]");
            }
        }
        if (subsets < 2) {
            throw new IllegalArgumentException("subsets: " + subsets + " is outside [2, " + Integer.MAX_VALUE + "]");
        }
        if (bootstrap < 1) {
            throw new IllegalArgumentException("bootstrap: " + bootstrap + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence: " + confidence + " is outside (0, 1)");
        }
    }

    /** α ∈ {0.3, 0.5, 0.7, 0.9}, 100 subsets each, seed 0, 1000 bootstrap resamples, 95 %. */
    public static LdsConfig defaults() {
        return new LdsConfig(new double[] {0.3, 0.5, 0.7, 0.9}, 100, 0, 1000, 0.95);
    }

    @Override
    public double[] alphas() {
        return alphas.clone();
    }

    public LdsConfig withAlphas(double... values) {
        return new LdsConfig(values, subsets, seed, bootstrap, confidence);
    }

    public LdsConfig withSubsets(int value) {
        return new LdsConfig(alphas, value, seed, bootstrap, confidence);
    }

    public LdsConfig withSeed(long value) {
        return new LdsConfig(alphas, subsets, value, bootstrap, confidence);
    }

    public LdsConfig withBootstrap(int value) {
        return new LdsConfig(alphas, subsets, seed, value, confidence);
    }

    public LdsConfig withConfidence(double value) {
        return new LdsConfig(alphas, subsets, seed, bootstrap, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LdsConfig c && Arrays.equals(alphas, c.alphas) && subsets == c.subsets && seed == c.seed
                && bootstrap == c.bootstrap && confidence == c.confidence;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(alphas) * 31 + subsets;
    }

    @Override
    public String toString() {
        return "LdsConfig[alphas=" + Arrays.toString(alphas) + ", subsets=" + subsets + ", seed=" + seed
                + ", bootstrap=" + bootstrap + ", confidence=" + confidence + "]";
    }
}
