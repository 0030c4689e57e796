package org.eigenbasis.influence;

/**
 * A linear datamodeling score: {@code mean} over validation points of their Spearman correlation averaged over
 * the α's, its bootstrap percentile interval [{@code lower}, {@code upper}], the score at each α
 * ({@code perAlpha}), and how many (α, point) pairs had an undefined correlation (all predictions or all retrained
 * losses equal) and were left out.
 */
public record LdsResult(double mean, double lower, double upper, double[] perAlpha, int undefined) {
    @Override
    public double[] perAlpha() {
        return perAlpha.clone();
    }
}
