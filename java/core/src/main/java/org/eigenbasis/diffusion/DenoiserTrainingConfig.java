package org.eigenbasis.diffusion;

import java.util.Objects;

/**
 * How {@link DenoiserTraining} trains the linear denoisers by stochastic gradient descent on samples.
 *
 * @param model      the denoiser (default {@link DenoiserModel#ONE_LAYER})
 * @param sigmaCount number of noise levels of the log-spaced grid σ_i = σ_min·(σ_max/σ_min)^(i/(count − 1)),
 *                   i = 0 … count − 1, each with its own weights; in [2, 4096] (default 32)
 * @param batchSize  fresh samples x ~ N(0, Σ) (each with its own noise) per step and noise level; in [1, 2^20]
 *                   (default 64)
 * @param step       the SGD step h in units of training time: one step advances τ by h, and the weights move by
 *                   −η·h·∇̂L_σ; finite, &gt; 0 (default 1e-3)
 * @param steps      number of steps, ≥ 0 (default 1000); the training time is τ = steps·h
 * @param seed       seed of the Gaussian draws, made in Java so that every backend sees the same numbers (default 1)
 */
public record DenoiserTrainingConfig(DenoiserModel model, int sigmaCount, int batchSize, double step, int steps,
                                     long seed) {
    /** Most noise levels one training holds. */
    public static final int MAX_SIGMA_COUNT = 4096;
    /** Largest batch per step and noise level. */
    public static final int MAX_BATCH_SIZE = 1 << 20;

    public DenoiserTrainingConfig {
        Objects.requireNonNull(model, "model");
        if (sigmaCount < 2 || sigmaCount > MAX_SIGMA_COUNT) {
            throw new IllegalArgumentException("sigmaCount: " + sigmaCount + " is outside [2, " + MAX_SIGMA_COUNT + "]");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batchSize: " + batchSize + " is outside [1, " + MAX_BATCH_SIZE + "]");
        }
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: " + step + " is outside (0, ∞) (finite)");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps: " + steps + " is outside [0, " + Integer.MAX_VALUE + "]");
        }
    }

    public static DenoiserTrainingConfig defaults() {
        return new DenoiserTrainingConfig(DenoiserModel.ONE_LAYER, 32, 64, 1e-3, 1000, 1);
    }

    /** The training time τ = steps·h reached at the end. */
    public double tau() {
        return steps * step;
    }

    public DenoiserTrainingConfig withModel(DenoiserModel v) {
        return new DenoiserTrainingConfig(v, sigmaCount, batchSize, step, steps, seed);
    }

    public DenoiserTrainingConfig withSigmaCount(int v) {
        return new DenoiserTrainingConfig(model, v, batchSize, step, steps, seed);
    }

    public DenoiserTrainingConfig withBatchSize(int v) {
        return new DenoiserTrainingConfig(model, sigmaCount, v, step, steps, seed);
    }

    public DenoiserTrainingConfig withStep(double v) {
        return new DenoiserTrainingConfig(model, sigmaCount, batchSize, v, steps, seed);
    }

    public DenoiserTrainingConfig withSteps(int v) {
        return new DenoiserTrainingConfig(model, sigmaCount, batchSize, step, v, seed);
    }

    public DenoiserTrainingConfig withSeed(long v) {
        return new DenoiserTrainingConfig(model, sigmaCount, batchSize, step, steps, v);
    }
}
