package org.eigenbasis.train;

import java.util.List;
import java.util.Random;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Parameter;

/**
 * A differentiable classifier trained by minimising the mean softmax cross-entropy
 * {@code L = (1/B) Σ_n ℓ_n}, {@code ℓ_n = log Σ_c exp z_nc − z_n,y_n} over a batch of B samples. Its
 * {@link #parameters()} are live views of the model's own arrays: an optimizer that updates them in place updates
 * the model.
 */
public interface Model {
    /** A short name for reports, e.g. {@code logreg} or {@code mlp(64-32-10, tanh)}. */
    String name();

    /** The parameters in a fixed order: for each linear layer its weight (out × in) then its bias (out). */
    List<Parameter> parameters();

    /** Mean cross-entropy over all samples of {@code data}. */
    double loss(Dataset data);

    /** The most probable class of each sample (the first on ties). */
    int[] predict(Dataset data);

    /** Fraction of samples whose predicted class is the label. */
    default double accuracy(Dataset data) {
        int[] predicted = predict(data);
        int right = 0;
        for (int n = 0; n < predicted.length; n++) {
            if (predicted[n] == data.labels()[n]) {
                right++;
            }
        }
        return (double) right / predicted.length;
    }

    /**
     * The mean cross-entropy over {@code batch}, its gradient with respect to every parameter into {@code out}
     * (fresh double arrays, by parameter name), and, unless {@code statistics} is {@link LayerStatisticsMode#NONE},
     * the K-FAC statistics of every linear layer via {@link Gradients#layer(Parameter, Gradients.LayerStatistics)}
     * under its weight's name. The statistics follow one convention: the inputs a_n (B × in) and the gradients
     * g_n = ∂ℓ_n/∂z_n of the per-sample loss with respect to the layer's outputs (B × out, not divided by B),
     * so the weight gradient equals (1/B) Σ_n g_n a_nᵀ in {@link LayerStatisticsMode#EMPIRICAL} mode.
     *
     * @param random the source of the labels drawn in {@link LayerStatisticsMode#SAMPLED} mode; unused otherwise
     *               (may then be null)
     * @return the mean loss over the batch at the current parameters
     */
    double lossAndGradients(Dataset batch, Gradients out, LayerStatisticsMode statistics, Random random);
}
