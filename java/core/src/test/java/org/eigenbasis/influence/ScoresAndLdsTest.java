package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/** Scores against explicit solves, factored against dense gradients, top-k, Spearman, LDS and conjugate gradients. */
class ScoresAndLdsTest {
    private static final Backend JAVA = Backends.select("java");
    private static final int[] DIMS = {3, 4, 2};

    private static double[][] dense(Curvature c) {
        int p = c.dimension();
        double[] d = c.dense();
        double[][] m = new double[p][p];
        for (int i = 0; i < p; i++) {
            System.arraycopy(d, i * p, m[i], 0, p);
        }
        return m;
    }

    @Test
    void pairwiseAndSelfInfluenceMatchExplicitSolves() {
        List<LayerFactors> curvatureFactors = FactorFixtures.random(DIMS, 12, 2, 11);
        List<LayerFactors> trainGrads = FactorFixtures.random(DIMS, 9, 1, 12);
        List<LayerFactors> testGrads = FactorFixtures.random(DIMS, 4, 1, 13);
        PerExampleGradients train = PerExampleGradients.factored(trainGrads);
        PerExampleGradients test = PerExampleGradients.factored(testGrads);
        int p = train.dimension();
        double delta = 0.5;
        for (CurvatureKind kind : CurvatureKind.values()) {
            if (kind == CurvatureKind.HESSIAN) {
                continue;
            }
            Curvature c = Curvatures.fromFactors(kind, curvatureFactors, JAVA);
            double[][] m = kind == CurvatureKind.IDENTITY ? new double[p][p] : dense(c);
            double shift = kind == CurvatureKind.IDENTITY ? 1 : delta;       // identity: C^-1 = I, i.e. (0 + 1·I)^-1
            double[] s = InfluenceScores.pairwise(c, Damping.of(delta), test, train);
            double[] self = InfluenceScores.selfInfluence(c, Damping.of(delta), train);
            double[] trainRows = train.rows(0, 9);
            double[] testRows = test.rows(0, 4);
            double max = 0;
            for (double l : c.eigenvalues()) {
                max = Math.max(max, l);
            }
            double condition = (max + shift) / shift;
            for (int i = 0; i < 9; i++) {
                double[] gi = java.util.Arrays.copyOfRange(trainRows, i * p, i * p + p);
                double[] x = FactorFixtures.solve(m, shift, gi);
                double norm = 0;
                double selfExpected = 0;
                for (int j = 0; j < p; j++) {
                    selfExpected += gi[j] * x[j];
                    norm += Math.abs(gi[j] * x[j]);
                }
                double tol = ErrorBounds.threshold(condition, p, DType.F64, norm);
                assertEquals(selfExpected, self[i], tol, kind.cliName() + " self " + i);
                for (int t = 0; t < 4; t++) {
                    double e = 0;
                    double scale = 0;
                    for (int j = 0; j < p; j++) {
                        e -= testRows[t * p + j] * x[j];
                        scale += Math.abs(testRows[t * p + j] * x[j]);
                    }
                    assertEquals(e, s[t * 9 + i], ErrorBounds.threshold(condition, p, DType.F64, scale),
                            kind.cliName() + " S[" + t + "][" + i + "]");
                }
            }
        }
    }

    @Test
    void oneRotationServesManyDampingsAndDenseGradientsScoreLikeFactoredOnes() {
        List<LayerFactors> f = FactorFixtures.random(DIMS, 10, 3, 14);
        PerExampleGradients train = PerExampleGradients.factored(FactorFixtures.random(DIMS, 6, 1, 15));
        PerExampleGradients test = PerExampleGradients.factored(FactorFixtures.random(DIMS, 3, 1, 16));
        PerExampleGradients denseTrain = PerExampleGradients.dense(train.rows(0, 6), 6, train.dimension());
        Curvature c = Curvatures.fromFactors(CurvatureKind.EKFAC, f, JAVA);
        Damping[] dampings = {Damping.of(1e-2), Damping.of(1)};
        double[][] many = InfluenceScores.pairwise(c, dampings, test, train);
        int p = c.dimension();
        // the generic rotation of the expanded gradients, for the rounding scale of each score
        double[] rt = c.toEigenbasis(test.rows(0, 3), 3);
        double[] ri = c.toEigenbasis(train.rows(0, 6), 6);
        for (int d = 0; d < dampings.length; d++) {
            // stacked with the other damping or alone: the same rows, the same bits
            assertArrayEquals(InfluenceScores.pairwise(c, dampings[d], test, train), many[d], 0);
            // dense gradients take the generic rotation (Q_Sᵀ g aᵀ Q_A), factored ones (Q_Sᵀ g)(Q_Aᵀ a)ᵀ: equal to
            // rounding
            double[] dense = InfluenceScores.pairwise(c, dampings[d], test, denseTrain);
            double[] w = c.inverseWeights(dampings[d]);
            for (int t = 0; t < 3; t++) {
                for (int i = 0; i < 6; i++) {
                    double scale = 0;
                    for (int j = 0; j < p; j++) {
                        scale += Math.abs(w[j] * rt[t * p + j] * ri[i * p + j]);
                    }
                    assertEquals(dense[t * 6 + i], many[d][t * 6 + i], ErrorBounds.threshold(1, p, DType.F64, scale),
                            "S[" + t + "][" + i + "] at damping " + d);
                }
            }
        }
    }

    @Test
    void topKOrdersHelpfulByMostNegativeAndHarmfulByMostPositive() {
        double[] s = {0.5, -2, 3, -2, 1, /* second test point */ 0, 0, -1, 4, 4};
        TopK top = InfluenceScores.topK(s, 2, 5, 2);
        assertArrayEquals(new int[] {1, 3}, top.helpful()[0]);
        assertArrayEquals(new int[] {2, 4}, top.harmful()[0]);
        assertArrayEquals(new int[] {2, 0}, top.helpful()[1]);
        assertArrayEquals(new int[] {3, 4}, top.harmful()[1]);
        assertEquals(-2, top.helpfulScores()[0][0]);
        assertThrows(IllegalArgumentException.class, () -> InfluenceScores.topK(s, 2, 5, 6));
    }

    @Test
    void spearmanRanksWithAverageTies() {
        assertEquals(1, Spearman.correlation(new double[] {1, 2, 3, 4}, new double[] {10, 20, 35, 1000}), 1e-15);
        assertEquals(-1, Spearman.correlation(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}), 1e-15);
        // x ranks (1, 2.5, 2.5, 4), y ranks (1, 2, 3, 4): Pearson of those = 4.5 / sqrt(4.5 · 5)
        assertEquals(4.5 / Math.sqrt(4.5 * 5), Spearman.correlation(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4}), 1e-15);
        assertTrue(Double.isNaN(Spearman.correlation(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
        assertThrows(IllegalArgumentException.class, () -> Spearman.correlation(new double[] {1, Double.NaN}, new double[] {1, 2}));
    }

    @Test
    void ldsIsOneForAnExactlyLinearDatamodelAndNearZeroForNoise() {
        int nTrain = 30;
        int nVal = 5;
        LdsConfig config = LdsConfig.defaults().withAlphas(0.5, 0.8).withSubsets(25).withBootstrap(200);
        Random r = new Random(17);
        double[] scores = new double[nVal * nTrain];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = r.nextGaussian();
        }
        // the retrained loss of point t is a strictly increasing function of Σ_{i∈subset} S[t][i]
        Lds.GroundTruth truth = Lds.groundTruth(nTrain, nVal, config, subsets -> {
            double[][] out = new double[subsets.size()][nVal];
            for (int m = 0; m < subsets.size(); m++) {
                for (int t = 0; t < nVal; t++) {
                    double sum = 0;
                    for (int i : subsets.get(m)) {
                        sum += scores[t * nTrain + i];
                    }
                    out[m][t] = Math.exp(sum);
                }
            }
            return out;
        }, null);
        LdsResult exact = Lds.score(scores, nTrain, truth, config);
        assertEquals(1, exact.mean(), 1e-12);
        assertEquals(1, exact.lower(), 1e-12);
        double[] noise = new double[scores.length];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = r.nextGaussian();
        }
        LdsResult random = Lds.score(noise, nTrain, truth, config);
        // 10 (α, point) correlations of 25 pairs each: their mean has standard error ≈ 1/sqrt(24·10)
        double limit = ErrorBounds.standardErrors(1e-3, 1) / Math.sqrt(24 * 10);
        assertTrue(Math.abs(random.mean()) < limit, "noise LDS " + random.mean() + " limit " + limit);
        assertTrue(random.lower() <= random.mean() && random.mean() <= random.upper());
    }

    @Test
    void subsetsAreSortedDistinctAndOfTheStatedSize() {
        int[][][] s = Lds.subsets(50, LdsConfig.defaults().withSubsets(5));
        assertEquals(4, s.length);
        for (int a = 0; a < 4; a++) {
            int size = (int) Math.floor(new double[] {0.3, 0.5, 0.7, 0.9}[a] * 50);
            for (int[] subset : s[a]) {
                assertEquals(size, subset.length);
                for (int i = 1; i < subset.length; i++) {
                    assertTrue(subset[i] > subset[i - 1]);
                }
            }
        }
        assertArrayEquals(s[2][3], Lds.subsets(50, LdsConfig.defaults().withSubsets(5))[2][3]);
    }

    @Test
    void conjugateGradientsMatchTheDenseInverse() {
        List<LayerFactors> f = FactorFixtures.random(DIMS, 10, 2, 18);
        Curvature ggn = Curvatures.fromFactors(CurvatureKind.GGN, f, JAVA);
        double[][] m = dense(ggn);
        int p = m.length;
        HessianProducts products = (v, k) -> {
            double[] out = new double[k * p];
            for (int r = 0; r < k; r++) {
                for (int i = 0; i < p; i++) {
                    double s = 0;
                    for (int j = 0; j < p; j++) {
                        s += m[i][j] * v[r * p + j];
                    }
                    out[r * p + i] = s;
                }
            }
            return out;
        };
        HessianFreeInverse cg = new HessianFreeInverse(products, p);
        Random r = new Random(19);
        double[] v = new double[3 * p];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        double delta = 0.1;
        double[] x = cg.applyInverse(v, 3, Damping.of(delta));
        double[] expected = ggn.applyInverse(v, 3, Damping.of(delta));
        double max = 0;
        for (double l : ggn.eigenvalues()) {
            max = Math.max(max, l);
        }
        double condition = (max + delta) / delta;
        // CG stops at relative residual 1e-10, so the error is at most condition × 1e-10 relative to ‖x‖
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], x[i], condition * (cg.tolerance() + 1e-13) * norm(expected), "x[" + i + "]");
        }
        assertThrows(ArithmeticException.class, () -> new HessianFreeInverse((v2, k) -> {
            double[] out = v2.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] = -out[i];
            }
            return out;
        }, p).applyInverse(v, 3, Damping.of(0.5)));
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
