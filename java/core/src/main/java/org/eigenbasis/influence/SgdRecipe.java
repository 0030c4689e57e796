package org.eigenbasis.influence;

/**
 * Minibatch SGD with momentum as {@link MlpTrainer} runs it (PyTorch's {@code torch.optim.SGD} without dampening,
 * Nesterov or weight decay, stepped with a per-step cosine schedule): per step t = 0..T−1 of T = epochs·⌈m/batchSize⌉,
 * <pre>
 *   buf ← momentum·buf + ∇L_batch(θ)   (buf starts at 0)
 *   θ   ← θ − lr_t·buf,   lr_t = learningRate·(1 + cos(π t / T))/2
 * </pre>
 * with each epoch's batch order a Fisher-Yates shuffle drawn from {@code java.util.Random(seed)}
 * ({@link MlpTrainer#batchOrder}).
 *
 * @param epochs       passes over the data, in [1, 10^6] (default 100)
 * @param learningRate the peak rate, finite and ≥ 0 (default 0.01)
 * @param batchSize    examples per step, ≥ 1 (default 32); an epoch's last batch may be smaller
 * @param momentum     in [0, 1) (default 0.9)
 * @param seed         seeds the batch order (default 0)
 */
public record SgdRecipe(int epochs, double learningRate, int batchSize, double momentum, long seed) {
    /** Upper bound on epochs: far beyond any use, and keeps epochs·m within int range checks simple. */
    public static final int MAX_EPOCHS = 1_000_000;

    public SgdRecipe {
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw new IllegalArgumentException("epochs: " + epochs + " is outside [1, " + MAX_EPOCHS + "]");
        }
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate: " + learningRate + " is outside [0, ∞) (finite)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: " + batchSize + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: " + momentum + " is outside [0, 1)");
        }
    }

    /** The digits recipe of issue 11: 100 epochs, lr 0.01, batch 32, momentum 0.9, seed 0. */
    public static SgdRecipe defaults() {
        return new SgdRecipe(100, 0.01, 32, 0.9, 0);
    }

    public SgdRecipe withEpochs(int v) {
        return new SgdRecipe(v, learningRate, batchSize, momentum, seed);
    }

    public SgdRecipe withLearningRate(double v) {
        return new SgdRecipe(epochs, v, batchSize, momentum, seed);
    }

    public SgdRecipe withBatchSize(int v) {
        return new SgdRecipe(epochs, learningRate, v, momentum, seed);
    }

    public SgdRecipe withMomentum(double v) {
        return new SgdRecipe(epochs, learningRate, batchSize, v, seed);
    }

    public SgdRecipe withSeed(long v) {
        return new SgdRecipe(epochs, learningRate, batchSize, momentum, v);
    }
}
