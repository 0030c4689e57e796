package org.eigenbasis.basis.egop;

import org.eigenbasis.influence.DigitsInfluence;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.value.MlpArchitecture;

/**
 * The digits problems of issue 13, point 3's EGOP experiments, on the training half of the split of
 * {@link DigitsInfluence#split()}: the 1,797 UCI digits permuted with seed 0, the first
 * {@value DigitsInfluence#TRAIN} for training (the loss here), the last {@value DigitsInfluence#VALIDATION} held out,
 * every pixel standardised with the training mean and standard deviation. Losses are the mean cross-entropy over the
 * training examples, gradients the exact full-batch gradients of {@link Mlp} (plain Java, about 6·n·P flops each).
 */
public final class EgopDigitsProblems {
    /** The hidden width of {@link #mlp(long)}: 64-32-10, 2,410 parameters. */
    public static final int HIDDEN = 32;

    private EgopDigitsProblems() {
    }

    /**
     * Multinomial logistic regression: z = Wx + b with W 10 × 64 and b ∈ ℝ¹⁰ (650 parameters, W row-major then b),
     * softmax cross-entropy; θ₀ = 0 (f(θ₀) = log 10); f* unknown (NaN). One EGOP block over all 650 parameters.
     */
    public static EgopProblem logisticRegression() {
        MlpArchitecture linear = new MlpArchitecture(new int[] {64, 10}, MlpArchitecture.Activation.IDENTITY,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        return problem("digits-logreg(64x10+10)", linear, new double[linear.parameterCount()], false);
    }

    /**
     * The digits MLP 64-{@value #HIDDEN}-10, gelu, cross-entropy (2,410 parameters), from PyTorch's default
     * initialisation {@link Mlp#initialParameters} with {@code seed}; f* unknown (NaN). Per-layer EGOP: one block per
     * layer (W_l and b_l together: 2,080 and 330 parameters), so the EGOP basis is block-diagonal.
     */
    public static EgopProblem mlp(long seed) {
        MlpArchitecture architecture = new MlpArchitecture(new int[] {64, HIDDEN, 10}, MlpArchitecture.Activation.GELU,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        return problem("digits-mlp(64-" + HIDDEN + "-10, gelu, seed=" + seed + ")", architecture,
                Mlp.initialParameters(architecture, seed), true);
    }

    private static EgopProblem problem(String name, MlpArchitecture architecture, double[] theta0, boolean perLayer) {
        Examples train = DigitsInfluence.split().train();
        int depth = architecture.depth();
        int[] blocks = new int[perLayer ? depth : 1];
        if (perLayer) {
            for (int l = 0; l < depth; l++) {
                blocks[l] = architecture.width(l + 1) * architecture.width(l) + architecture.width(l + 1);
            }
        } else {
            blocks[0] = architecture.parameterCount();
        }
        return new EgopProblem(name, theta -> Mlp.of(architecture, theta).meanLoss(train),
                theta -> Mlp.of(architecture, theta).gradient(train), theta0, Double.NaN, blocks);
    }
}
