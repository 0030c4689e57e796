package org.eigenbasis.influence;

/**
 * The k most helpful and most harmful training points of each test point under a score matrix S (test × train):
 * helpful = most negative S[t][i] (up-weighting i lowers t's loss), harmful = most positive; ties go to the lower
 * training index. {@code helpful[t]} and {@code harmful[t]} hold indices, best first; the value arrays their scores.
 */
public record TopK(int[][] helpful, double[][] helpfulScores, int[][] harmful, double[][] harmfulScores) {
}
