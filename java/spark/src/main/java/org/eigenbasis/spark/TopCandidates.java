package org.eigenbasis.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.eigenbasis.influence.TopK;

/**
 * The k most helpful (lowest score) and most harmful (highest score) training points per test point seen so far,
 * under the order of {@link org.eigenbasis.influence.InfluenceScores#topK}: by {@link Double#compare} of the
 * scores, ties to the lower training index. That order is total, so the global top k is the top k of the union of
 * any parts' top k: one per partition, merged on the driver, gives exactly the single-pass answer.
 */
final class TopCandidates implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int tests;
    private final int k;
    private final long[][] helpful;
    private final double[][] helpfulScores;
    private final long[][] harmful;
    private final double[][] harmfulScores;

    TopCandidates(int tests, int k) {
        this.tests = tests;
        this.k = k;
        helpful = new long[tests][0];
        helpfulScores = new double[tests][0];
        harmful = new long[tests][0];
        harmfulScores = new double[tests][0];
    }

    /** Takes the block's points into account. */
    void offer(ScoreBlock block) {
        int m = block.trainIndices().length;
        for (int t = 0; t < tests; t++) {
            double[] s = Arrays.copyOfRange(block.scores(), t * m, (t + 1) * m);
            keep(t, block.trainIndices(), s, false);
            keep(t, block.trainIndices(), s, true);
        }
    }

    /** Takes another part's candidates into account. */
    void offer(TopCandidates other) {
        if (other.tests != tests || other.k != k) {
            throw new IllegalArgumentException("candidates: " + other.tests + " tests, top " + other.k + "; expected "
                    + tests + ", " + k);
        }
        for (int t = 0; t < tests; t++) {
            keep(t, other.helpful[t], other.helpfulScores[t], false);
            keep(t, other.harmful[t], other.harmfulScores[t], true);
        }
    }

    private void keep(int t, long[] indices, double[] scores, boolean harmfulSide) {
        long[] oldIdx = harmfulSide ? harmful[t] : helpful[t];
        double[] oldScores = harmfulSide ? harmfulScores[t] : helpfulScores[t];
        int total = oldIdx.length + indices.length;
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> {
            double sx = x < oldIdx.length ? oldScores[x] : scores[x - oldIdx.length];
            double sy = y < oldIdx.length ? oldScores[y] : scores[y - oldIdx.length];
            long ix = x < oldIdx.length ? oldIdx[x] : indices[x - oldIdx.length];
            long iy = y < oldIdx.length ? oldIdx[y] : indices[y - oldIdx.length];
            int c = harmfulSide ? Double.compare(sy, sx) : Double.compare(sx, sy);
            return c != 0 ? c : Long.compare(ix, iy);
        });
        int keep = Math.min(k, total);
        long[] idx = new long[keep];
        double[] sc = new double[keep];
        for (int j = 0; j < keep; j++) {
            int o = order[j];
            idx[j] = o < oldIdx.length ? oldIdx[o] : indices[o - oldIdx.length];
            sc[j] = o < oldIdx.length ? oldScores[o] : scores[o - oldIdx.length];
        }
        if (harmfulSide) {
            harmful[t] = idx;
            harmfulScores[t] = sc;
        } else {
            helpful[t] = idx;
            helpfulScores[t] = sc;
        }
    }

    /** As {@link TopK}; every list must hold k points (k ≤ n). */
    TopK toTopK() {
        int[][] help = new int[tests][];
        int[][] harm = new int[tests][];
        for (int t = 0; t < tests; t++) {
            if (helpful[t].length != k || harmful[t].length != k) {
                throw new IllegalStateException("test " + t + ": " + helpful[t].length + " candidates, expected " + k);
            }
            help[t] = toInts(helpful[t]);
            harm[t] = toInts(harmful[t]);
        }
        double[][] hs = new double[tests][];
        double[][] rs = new double[tests][];
        for (int t = 0; t < tests; t++) {
            hs[t] = helpfulScores[t].clone();
            rs[t] = harmfulScores[t].clone();
        }
        return new TopK(help, hs, harm, rs);
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }
}
