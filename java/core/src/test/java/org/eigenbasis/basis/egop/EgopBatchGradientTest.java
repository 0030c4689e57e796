package org.eigenbasis.basis.egop;

import static org.eigenbasis.basis.egop.EgopFixtures.absoluteOuterProductMean;
import static org.eigenbasis.basis.egop.EgopFixtures.matVec;
import static org.eigenbasis.basis.egop.EgopFixtures.quadratic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.eigenbasis.basis.egop.EgopFixtures.RecordingSampler;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;

/**
 * The batched gradient path of the EGOP estimator on the java backend: the same draws in the same order as the
 * per-sample path, the quadratic's GEMM gradient against its GEMV gradient to rounding, and bad input.
 */
class EgopBatchGradientTest {
    private static final Backend JAVA = Backends.select("java");

    /** The oracles see the same θ_j sequence, whatever the oracle kind and the block size. */
    @Test
    void batchedAndPerSampleOraclesSeeTheSameDraws() {
        int d = 4;
        int m = 23;
        double[] center = {0.5, -1, 2, 0};
        List<double[]> perSample = new ArrayList<>();
        EgopGradient f = theta -> {
            perSample.add(theta.clone());
            return theta.clone();
        };
        List<double[]> batched = new ArrayList<>();
        EgopBatchGradient fb = (thetas, rows, out) -> {
            assertEquals(rows * d, thetas.length);
            for (int r = 0; r < rows; r++) {
                batched.add(java.util.Arrays.copyOfRange(thetas, r * d, (r + 1) * d));
            }
            System.arraycopy(thetas, 0, out, 0, thetas.length);
        };
        EgopConfig config = EgopConfig.defaults().withSamples(m).withSeed(17);
        double[] one = EgopEstimator.on(JAVA, config.withBlockRows(5)).estimate(f, center).egop();
        double[] two = EgopEstimator.on(JAVA, config.withBlockRows(7)).estimate(fb, center).egop();
        assertEquals(m, perSample.size());
        assertEquals(m, batched.size());
        for (int j = 0; j < m; j++) {
            assertArrayEquals(perSample.get(j), batched.get(j), 0.0, "θ_" + j);
        }
        double scale = 0;
        for (double x : one) {
            scale = Math.max(scale, Math.abs(x));
        }
        assertArrayEquals(one, two, 4 * ErrorBounds.gamma(m, DType.F64) * scale * d, "block sizes 5 and 7");
    }

    /** The per-sample adapter feeds the SYRK the very same rows as the per-sample path: the same bits. */
    @Test
    void perSampleAdapterGivesTheSameBits() {
        int d = 6;
        Random rng = new Random(4);
        double[] a = SeededMatrices.randomSymmetric(d, rng);
        double[] optimum = {1, 0, -1, 2, 0.5, 0};
        EgopEstimator est = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(31).withBlockRows(8));
        EgopResult direct = est.estimate(quadratic(a, optimum), new double[d]);
        EgopResult adapted = est.estimate(EgopBatchGradient.perSample(quadratic(a, optimum)), new double[d]);
        assertArrayEquals(direct.egop(), adapted.egop(), 0.0);
        assertArrayEquals(direct.values(), adapted.values(), 0.0);
    }

    /**
     * The GEMM gradient (Θ − 1θ*ᵀ)Aᵀ against the GEMV gradient A(θ − θ*): each computes g_i = Σ_k a_ik e_k with
     * error at most γ_d·h_i, h = |A||e| (Higham), so |Δg_i| ≤ 2γ_d·h_i. The estimates Σ_j g g ᵀ/M then differ by at
     * most (4γ_d + 4γ_d² + 2γ_2M(1 + γ_d)²)·S_ik with S = (1/M)Σ_j h_j h_jᵀ (both products' error plus each SYRK's
     * rounding of M terms and the scaling): tested with (5γ_d + 3γ_2M)·S_ik, S from the recorded draws.
     */
    @Test
    void quadraticGemmGradientMatchesTheGemvPathToRounding() {
        int d = 13;
        int m = 70;
        Random rng = new Random(12);
        double[] a = SeededMatrices.randomSymmetric(d, rng);
        double[] optimum = new double[d];
        double[] center = new double[d];
        for (int i = 0; i < d; i++) {
            optimum[i] = rng.nextGaussian();
            center[i] = rng.nextGaussian();
        }
        EgopConfig config = EgopConfig.defaults().withSamples(m).withBlockRows(16).withScale(0.8).withSeed(3);
        RecordingSampler draws = new RecordingSampler(center, config.scale());
        EgopResult gemv = EgopEstimator.on(JAVA, config).estimate(quadratic(a, optimum), draws, d);
        EgopResult gemm;
        try (EgopQuadraticGradient g = EgopQuadraticGradient.on(JAVA, a, optimum)) {
            gemm = EgopEstimator.on(JAVA, config).estimate(g, center);
        }
        assertEquals(m, draws.draws.size());
        double[] s = absoluteOuterProductMean(a, optimum, draws.draws);
        double factor = 5 * ErrorBounds.gamma(d, DType.F64) + 3 * ErrorBounds.gamma(2 * m, DType.F64);
        double[] x = gemv.egop();
        double[] y = gemm.egop();
        for (int e = 0; e < d * d; e++) {
            assertEquals(x[e], y[e], factor * s[e], "entry (" + e / d + ", " + e % d + ")");
        }
    }

    /**
     * EgopProblems.rotatedQuadraticGradient has the problem's A and θ*: rebuilt here from the documented draw order
     * (R, then θ*), each row of the GEMM and each problem gradient is within γ_d·h of A(θ − θ*), h = |A||θ − θ*|.
     */
    @Test
    void rotatedQuadraticGradientHasTheProblemsMatrix() {
        int d = 11;
        double alpha = 1.5;
        long seed = 8;
        SplittableRandom draws = new SplittableRandom(seed);
        double[] a = EgopProblems.rotatedPowerLawMatrix(d, alpha, draws);
        double[] optimum = new double[d];
        for (int i = 0; i < d; i++) {
            optimum[i] = draws.nextGaussian();
        }
        EgopProblem problem = EgopProblems.rotatedQuadratic(d, alpha, seed);
        SplittableRandom random = new SplittableRandom(2);
        int rows = 3;
        double[] thetas = new double[rows * d];
        for (int i = 0; i < thetas.length; i++) {
            thetas[i] = 2 * random.nextGaussian();
        }
        double[] out = new double[rows * d];
        try (EgopQuadraticGradient g = EgopProblems.rotatedQuadraticGradient(JAVA, d, alpha, seed)) {
            assertEquals(d, g.dimension());
            g.at(thetas, rows, out);
        }
        double[] abs = new double[d * d];
        for (int i = 0; i < d * d; i++) {
            abs[i] = Math.abs(a[i]);
        }
        for (int r = 0; r < rows; r++) {
            double[] theta = java.util.Arrays.copyOfRange(thetas, r * d, (r + 1) * d);
            double[] e = new double[d];
            double[] absE = new double[d];
            for (int i = 0; i < d; i++) {
                e[i] = theta[i] - optimum[i];
                absE[i] = Math.abs(e[i]);
            }
            double[] exact = matVec(a, e);
            double[] h = matVec(abs, absE);
            double[] fromProblem = problem.gradient().at(theta);
            for (int i = 0; i < d; i++) {
                double tol = 2 * ErrorBounds.gamma(d, DType.F64) * h[i];
                assertEquals(exact[i], out[r * d + i], tol, "GEMM row " + r + ", entry " + i);
                assertEquals(exact[i], fromProblem[i], tol, "problem gradient " + r + ", entry " + i);
            }
        }
    }

    @Test
    void nonFiniteBatchedGradientNamesSampleAndEntryAndStopsThere() {
        int d = 3;
        int[] calls = {0};
        EgopBatchGradient bad = (thetas, rows, out) -> {
            calls[0]++;
            System.arraycopy(thetas, 0, out, 0, thetas.length);
            if (calls[0] == 3) {
                out[(9 - 8) * d + 2] = Double.NaN;            // sample 9 is row 1 of the third block of 4
            }
        };
        EgopEstimator est = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(20).withBlockRows(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> est.estimate(bad, new double[d]));
        assertTrue(e.getMessage().contains("sample 9") && e.getMessage().contains("gradient[2]"), e.getMessage());
        assertEquals(3, calls[0], "no oracle call after the failing block");
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class, () -> est.estimate(
                (EgopGradient) t -> new double[] {0, t[0] > 1e300 ? 0 : 1, Double.NEGATIVE_INFINITY}, new double[d]));
        assertTrue(inf.getMessage().contains("sample 0") && inf.getMessage().contains("gradient[2]"), inf.getMessage());
    }

    @Test
    void perSampleLengthMismatchNamesTheSample() {
        int[] calls = {0};
        EgopGradient f = theta -> ++calls[0] == 6 ? new double[theta.length + 1] : theta.clone();
        EgopEstimator est = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(10).withBlockRows(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> est.estimate(f, new double[2]));
        assertTrue(e.getMessage().contains("sample 5") && e.getMessage().contains("length 3"), e.getMessage());
        IllegalArgumentException viaAdapter = assertThrows(IllegalArgumentException.class,
                () -> est.estimate(EgopBatchGradient.perSample(t -> null), new double[2]));
        assertTrue(viaAdapter.getMessage().contains("null"), viaAdapter.getMessage());
    }

    @Test
    void quadraticGradientRefusesBadInput() {
        double[] a = SeededMatrices.randomSymmetric(3, new Random(1));
        double[] optimum = {0, 1, 2};
        assertThrows(IllegalArgumentException.class, () -> EgopQuadraticGradient.on(JAVA, new double[8], optimum));
        assertThrows(IllegalArgumentException.class, () -> EgopQuadraticGradient.on(JAVA, new double[0], new double[0]));
        double[] nanA = a.clone();
        nanA[1 * 3 + 2] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EgopQuadraticGradient.on(JAVA, nanA, optimum));
        assertTrue(e.getMessage().contains("a[1, 2]"), e.getMessage());
        IllegalArgumentException o = assertThrows(IllegalArgumentException.class,
                () -> EgopQuadraticGradient.on(JAVA, a, new double[] {0, Double.POSITIVE_INFINITY, 0}));
        assertTrue(o.getMessage().contains("optimum[1]"), o.getMessage());
        EgopQuadraticGradient g = EgopQuadraticGradient.on(JAVA, a, optimum);
        EgopEstimator est = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(5));
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> est.estimate(g, new double[4]));
        assertTrue(mismatch.getMessage().contains("rows × d"), mismatch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.at(new double[3], 0, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> g.at(new double[6], 2, new double[3]));
        g.close();
        g.close();
        assertThrows(IllegalStateException.class, () -> g.at(new double[3], 1, new double[3]));
        IllegalArgumentException samples = assertThrows(IllegalArgumentException.class,
                () -> EgopConfig.defaults().withSamples(0));
        assertTrue(samples.getMessage().contains("samples: 0"), samples.getMessage());
    }

    /** A single GEMM row equals A(θ − θ*) computed in double, to γ_d·h (the direct GEMV of the fixtures). */
    @Test
    void quadraticGradientRowsAreTheMatrixTimesTheShift() {
        int d = 5;
        double[] a = SeededMatrices.randomSymmetric(d, new Random(6));
        a[1] += 0.25;                                          // not symmetric: the rows are A(θ − θ*) all the same
        double[] optimum = {1, 2, 3, 4, 5};
        double[] thetas = {0, 0, 0, 0, 0, 1, -1, 2, -2, 3};
        double[] out = new double[10];
        try (EgopQuadraticGradient g = EgopQuadraticGradient.on(JAVA, a, optimum)) {
            g.at(thetas, 2, out);
        }
        for (int r = 0; r < 2; r++) {
            double[] e = new double[d];
            double[] abs = new double[d * d];
            double[] absE = new double[d];
            for (int i = 0; i < d; i++) {
                e[i] = thetas[r * d + i] - optimum[i];
                absE[i] = Math.abs(e[i]);
            }
            for (int i = 0; i < d * d; i++) {
                abs[i] = Math.abs(a[i]);
            }
            double[] expected = matVec(a, e);
            double[] h = matVec(abs, absE);
            for (int i = 0; i < d; i++) {
                assertEquals(expected[i], out[r * d + i], 2 * ErrorBounds.gamma(d, DType.F64) * h[i]);
            }
        }
    }
}
