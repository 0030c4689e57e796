package org.eigenbasis.influence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * The linear datamodeling score (Park et al., TRAK, 2023): for each α, M random training subsets of size ⌊α·n⌋;
 * each subset's model is retrained (same initial parameters, same batch-order seed) and its loss on every
 * validation point recorded; a score matrix S predicts that loss by Σ_{i ∈ subset} S[t][i], and the LDS of point t
 * is the Spearman correlation of prediction and loss over the M subsets. The ground truth (the retrained losses) is
 * computed once and scores every curvature.
 */
public final class Lds {
    /** Retrains on subsets: for each (sorted) index array, the loss of every validation point afterwards. */
    @FunctionalInterface
    public interface Retrainer {
        double[][] validationLosses(List<int[]> subsets);
    }

    /** Retrained validation losses: {@code losses[a][m][t]} after training on {@code subsets[a][m]}. */
    public record GroundTruth(double[] alphas, int[][][] subsets, double[][][] losses, int validation) {
    }

    /** Subsets per call to the retrainer (progress granularity; retrainers may run one call's jobs in parallel). */
    static final int RETRAIN_BATCH = 20;

    private Lds() {
    }

    /**
     * The subsets of the protocol: for α index a, a {@link Random} seeded with {@code seed + 1_000_003·(a + 1)}
     * draws each subset by a partial Fisher–Yates shuffle of 0..n−1; the ⌊α·n⌋ indices are returned sorted.
     */
    public static int[][][] subsets(int n, LdsConfig config) {
        Objects.requireNonNull(config, "config");
        if (n < 2) {
            throw new IllegalArgumentException("n: " + n + " is outside [2, " + Integer.MAX_VALUE + "]");
        }
        double[] alphas = config.alphas();
        int[][][] out = new int[alphas.length][config.subsets()][];
        for (int a = 0; a < alphas.length; a++) {
            int size = (int) Math.floor(alphas[a] * n);
            if (size < 1) {
                throw new IllegalArgumentException("alphas[" + a + "]: " + alphas[a] + " of " + n + " examples is an empty subset");
            }
            Random random = new Random(config.seed() + 1_000_003L * (a + 1));
            int[] pool = new int[n];
            for (int m = 0; m < config.subsets(); m++) {
                for (int i = 0; i < n; i++) {
                    pool[i] = i;
                }
                for (int i = 0; i < size; i++) {
                    int j = i + random.nextInt(n - i);
                    int t = pool[i];
                    pool[i] = pool[j];
                    pool[j] = t;
                }
                int[] subset = Arrays.copyOf(pool, size);
                Arrays.sort(subset);
                out[a][m] = subset;
            }
        }
        return out;
    }

    /** Retrains every subset of the protocol; {@code progress} (may be null) receives the count done so far. */
    public static GroundTruth groundTruth(int nTrain, int nValidation, LdsConfig config, Retrainer retrainer,
                                          IntConsumer progress) {
        Objects.requireNonNull(retrainer, "retrainer");
        if (nValidation < 1) {
            throw new IllegalArgumentException("nValidation: " + nValidation + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        int[][][] subsets = subsets(nTrain, config);
        double[][][] losses = new double[subsets.length][config.subsets()][];
        int done = 0;
        for (int a = 0; a < subsets.length; a++) {
            for (int m0 = 0; m0 < config.subsets(); m0 += RETRAIN_BATCH) {
                int m1 = Math.min(config.subsets(), m0 + RETRAIN_BATCH);
                List<int[]> batch = new ArrayList<>();
                for (int m = m0; m < m1; m++) {
                    batch.add(subsets[a][m].clone());
                }
                double[][] result = retrainer.validationLosses(batch);
                if (result == null || result.length != batch.size()) {
                    throw new IllegalStateException("retrainer returned " + (result == null ? "null" : result.length
                            + " rows") + " for " + batch.size() + " subsets");
                }
                for (int m = m0; m < m1; m++) {
                    double[] row = result[m - m0];
                    if (row == null || row.length != nValidation) {
                        throw new IllegalStateException("retrainer: subset " + m + " gave " + (row == null ? "null"
                                : row.length + " losses") + ", expected " + nValidation);
                    }
                    losses[a][m] = row.clone();
                }
                done += m1 - m0;
                if (progress != null) {
                    progress.accept(done);
                }
            }
        }
        return new GroundTruth(config.alphas(), subsets, losses, nValidation);
    }

    /**
     * The LDS of the score matrix {@code scores} (nValidation × nTrain, row-major) against the ground truth.
     * Predictions Σ_{i ∈ subset} S[t][i] are summed in double. The interval resamples validation points with
     * replacement ({@link LdsConfig#bootstrap()} times, {@link Random} seeded with {@code seed + 7}).
     */
    public static LdsResult score(double[] scores, int nTrain, GroundTruth truth, LdsConfig config) {
        Objects.requireNonNull(truth, "truth");
        Objects.requireNonNull(config, "config");
        int nv = truth.validation();
        if (scores == null || (long) nv * nTrain != scores.length) {
            throw new IllegalArgumentException("scores: length " + (scores == null ? "null" : scores.length)
                    + ", expected nValidation " + nv + " x nTrain " + nTrain);
        }
        int alphas = truth.subsets().length;
        double[][] rho = new double[alphas][nv];
        double[] perAlpha = new double[alphas];
        int undefined = 0;
        for (int a = 0; a < alphas; a++) {
            int m = truth.subsets()[a].length;
            double[] predicted = new double[m];
            double[] actual = new double[m];
            int counted = 0;
            double sum = 0;
            for (int t = 0; t < nv; t++) {
                for (int s = 0; s < m; s++) {
                    double p = 0;
                    for (int i : truth.subsets()[a][s]) {
                        if (i >= nTrain) {
                            throw new IllegalArgumentException("truth: subset index " + i + " is outside [0, " + nTrain + ")");
                        }
                        p += scores[t * nTrain + i];
                    }
                    predicted[s] = p;
                    actual[s] = truth.losses()[a][s][t];
                }
                rho[a][t] = Spearman.correlation(predicted, actual);
                if (Double.isNaN(rho[a][t])) {
                    undefined++;
                } else {
                    sum += rho[a][t];
                    counted++;
                }
            }
            perAlpha[a] = counted == 0 ? Double.NaN : sum / counted;
        }
        double[] perPoint = new double[nv];
        for (int t = 0; t < nv; t++) {
            double s = 0;
            int c = 0;
            for (int a = 0; a < alphas; a++) {
                if (!Double.isNaN(rho[a][t])) {
                    s += rho[a][t];
                    c++;
                }
            }
            perPoint[t] = c == 0 ? Double.NaN : s / c;
        }
        double mean = nanMean(perPoint, null);
        Random random = new Random(config.seed() + 7);
        double[] boot = new double[config.bootstrap()];
        int[] pick = new int[nv];
        for (int b = 0; b < boot.length; b++) {
            for (int t = 0; t < nv; t++) {
                pick[t] = random.nextInt(nv);
            }
            boot[b] = nanMean(perPoint, pick);
        }
        Arrays.sort(boot);
        double tail = (1 - config.confidence()) / 2;
        return new LdsResult(mean, quantile(boot, tail), quantile(boot, 1 - tail), perAlpha, undefined);
    }

    private static double nanMean(double[] v, int[] pick) {
        double s = 0;
        int c = 0;
        int n = pick == null ? v.length : pick.length;
        for (int i = 0; i < n; i++) {
            double x = v[pick == null ? i : pick[i]];
            if (!Double.isNaN(x)) {
                s += x;
                c++;
            }
        }
        return c == 0 ? Double.NaN : s / c;
    }

    /** Linear interpolation between order statistics of the sorted {@code v}, NaNs (sorted last) excluded. */
    static double quantile(double[] sorted, double q) {
        int n = 0;
        while (n < sorted.length && !Double.isNaN(sorted[n])) {
            n++;
        }
        if (n == 0) {
            return Double.NaN;
        }
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(n - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
