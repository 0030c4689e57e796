package org.eigenbasis.spark;

import java.io.Serializable;

/**
 * Influence scores of a block of training points: columns of S (n_test × n_train) for the training indices
 * {@code trainIndices}. {@code scores} is tests × trainIndices.length, row-major: entry (t, j) is S[t][trainIndices[j]].
 * For self-influence, tests = 1 and the row is ∇l_iᵀ (C + δI)^-1 ∇l_i of each training point.
 */
public record ScoreBlock(long[] trainIndices, int tests, double[] scores) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ScoreBlock {
        if (trainIndices == null || scores == null || tests < 1
                || (long) tests * trainIndices.length != scores.length) {
            throw new IllegalArgumentException("scores: not tests x trainIndices.length");
        }
    }

    /** S[t][trainIndices[j]]. */
    public double score(int t, int j) {
        return scores[t * trainIndices.length + j];
    }
}
