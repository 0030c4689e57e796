package org.eigenbasis.basis.egop;

import static org.eigenbasis.basis.egop.EgopFixtures.frobeniusDistance;
import static org.eigenbasis.basis.egop.EgopFixtures.matMul;
import static org.eigenbasis.basis.egop.EgopFixtures.matVec;
import static org.eigenbasis.basis.egop.EgopFixtures.powerLaw;
import static org.eigenbasis.basis.egop.EgopFixtures.quadratic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;

/**
 * The EGOP estimator against closed forms. On f = ½(θ − θ*)ᵀA(θ − θ*) with ρ = N(θ_c, s²I), g = ∇f(θ) = Aδ + sAz
 * (δ = θ_c − θ*, z standard normal) is Gaussian with mean μ = Aδ and covariance Σ = s²A², so
 * EGOP = E[ggᵀ] = s²A² + Aδδᵀ A and, for Gaussian products, Var(g_i g_k) = Σ_ii Σ_kk + Σ_ik² + μ_i²Σ_kk + μ_k²Σ_ii
 * + 2μ_iμ_kΣ_ik: each entry of the M-sample estimate has standard error √(Var/M), so the error falls as M^-1/2 and
 * is tested entrywise at several M within {@link ErrorBounds#standardErrors} of a stated false-alarm rate.
 */
class EgopEstimatorTest {
    private static final Backend JAVA = Backends.select("java");
    private static final double FALSE_ALARM = 1e-3;

    @Test
    void convergesToTheQuadraticClosedFormAtRateInverseSqrtM() {
        int d = 5;
        double s = 0.7;
        Random rng = new Random(11);
        double[] a = SeededMatrices.withSpectrum(new double[] {2.0, 1.0, 0.6, 0.3, 0.1}, rng);
        double[] optimum = new double[d];
        double[] center = new double[d];
        for (int i = 0; i < d; i++) {
            optimum[i] = rng.nextGaussian();
            center[i] = optimum[i] + 0.5 * rng.nextGaussian();
        }
        double[] delta = new double[d];
        for (int i = 0; i < d; i++) {
            delta[i] = center[i] - optimum[i];
        }
        double[] mu = matVec(a, delta);
        double[] a2 = matMul(a, a, d);
        double[] sigma = new double[d * d];
        double[] expected = new double[d * d];
        for (int i = 0; i < d * d; i++) {
            sigma[i] = s * s * a2[i];
            expected[i] = sigma[i] + mu[i / d] * mu[i % d];
        }
        int[] sizes = {250, 1000, 4000, 16000};
        int entries = d * (d + 1) / 2;
        double z = ErrorBounds.standardErrors(FALSE_ALARM, entries * sizes.length);
        for (int m : sizes) {
            EgopConfig config = EgopConfig.defaults().withSamples(m).withScale(s).withSeed(100 + m).withBlockRows(97);
            EgopResult r = EgopEstimator.on(JAVA, config).estimate(quadratic(a, optimum), center);
            double[] est = r.egop();
            for (int i = 0; i < d; i++) {
                for (int k = 0; k <= i; k++) {
                    double var = sigma[i * d + i] * sigma[k * d + k] + sigma[i * d + k] * sigma[i * d + k]
                            + mu[i] * mu[i] * sigma[k * d + k] + mu[k] * mu[k] * sigma[i * d + i]
                            + 2 * mu[i] * mu[k] * sigma[i * d + k];
                    double se = Math.sqrt(var / m);
                    double err = Math.abs(est[i * d + k] - expected[i * d + k]);
                    assertTrue(err <= z * se, "M = " + m + ", entry (" + i + ", " + k + "): error " + err + " > "
                            + z + " standard errors of " + se);
                    assertEquals(est[i * d + k], est[k * d + i], 0.0, "exactly symmetric");
                }
            }
        }
    }

    /**
     * The CLI case: A = R diag(i^-α) Rᵀ, ρ = N(θ*, I), so EGOP = A² with spectrum i^-2α. E‖Ê − A²‖_F² =
     * (tr(A²)² + ‖A²‖_F²)/M, so by Chebyshev the relative Frobenius error exceeds √(that / p)/‖A²‖_F with
     * probability at most p = {@value #FALSE_ALARM}. Each eigenvalue estimate is to first order v_iᵀÊv_i, whose
     * relative standard error is √(2/M) (v_iᵀg is N(0, λ_i)), about 0.6% at M = 50 000: so the fitted exponent of
     * the top 10 (log 10 wide) sits within 0.05 of 2α and the stable rank within 5% of Σλ/λ_1.
     */
    @Test
    void closedFormSquareOfThePowerLawMatrix() {
        int d = 20;
        double alpha = 0.5;
        int m = 50_000;
        Random rng = new Random(5);
        double[] a = SeededMatrices.withSpectrum(powerLaw(d, 1, alpha), rng);
        double[] optimum = new double[d];
        for (int i = 0; i < d; i++) {
            optimum[i] = rng.nextGaussian();
        }
        double[] a2 = matMul(a, a, d);
        double trace = 0;
        double frob2 = 0;
        for (int i = 0; i < d; i++) {
            trace += a2[i * d + i];
        }
        for (double x : a2) {
            frob2 += x * x;
        }
        EgopConfig config = EgopConfig.defaults().withSamples(m).withSeed(9).withDecayFitCount(10);
        EgopResult r = EgopEstimator.on(JAVA, config).estimate(quadratic(a, optimum), optimum);
        double relative = frobeniusDistance(r.egop(), a2) / Math.sqrt(frob2);
        double bound = Math.sqrt((trace * trace + frob2) / m / FALSE_ALARM) / Math.sqrt(frob2);
        assertTrue(relative <= bound, "relative Frobenius error " + relative + " > " + bound);
        assertEquals(10, r.decayFitCount());
        assertEquals(2 * alpha, r.decayExponent(), 0.05);
        double[] exact = powerLaw(d, 1, 2 * alpha);
        double exactRank = 0;
        for (double x : exact) {
            exactRank += x;
        }
        assertEquals(exactRank, r.stableRank(), 0.05 * exactRank);
        double[] values = r.values();
        for (int i = 1; i < d; i++) {
            assertTrue(values[i - 1] >= values[i], "descending order");
        }
    }

    @Test
    void eigenpairsReconstructTheEstimateAndAreOrthonormal() {
        int d = 7;
        Random rng = new Random(3);
        double[] a = SeededMatrices.randomSymmetric(d, rng);
        EgopResult r = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(40))
                .estimate(quadratic(a, new double[d]), new double[d]);
        double[] v = r.vectors();
        double[] w = r.values();
        double[] e = r.egop();
        double scale = Math.sqrt(e.length) * Math.abs(w[0]);
        double tol = ErrorBounds.threshold(1, d, DType.F64, scale);
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                double rec = 0;
                double gram = 0;
                for (int c = 0; c < d; c++) {
                    rec += v[i * d + c] * w[c] * v[k * d + c];
                    gram += v[c * d + i] * v[c * d + k];
                }
                assertEquals(e[i * d + k], rec, tol, "V diag(λ) Vᵀ");
                assertEquals(i == k ? 1 : 0, gram, ErrorBounds.threshold(1, d, DType.F64, 1), "VᵀV = I");
            }
        }
        double[] lead = r.leadingVectors(2);
        for (int i = 0; i < d; i++) {
            assertEquals(v[i * d], lead[i * 2], 0.0);
            assertEquals(v[i * d + 1], lead[i * 2 + 1], 0.0);
        }
    }

    /** The draws are sequential in one seeded stream, so the block size changes the sum's grouping only. */
    @Test
    void blockSizeChangesOnlyRoundingAndSeedsReproduce() {
        int d = 9;
        int m = 53;
        Random rng = new Random(8);
        double[] a = SeededMatrices.randomSymmetric(d, rng);
        double[] c = new double[d];
        EgopGradient f = quadratic(a, c);
        double[] base = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(m).withBlockRows(m)).estimate(f, c).egop();
        double scale = 0;
        for (double x : base) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (int block : new int[] {1, 2, 7, 52, 1000}) {
            double[] other = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(m).withBlockRows(block))
                    .estimate(f, c).egop();
            assertArrayEquals(base, other, 4 * ErrorBounds.gamma(m, DType.F64) * scale * d, "blockRows " + block);
        }
        double[] again = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(m).withBlockRows(m)).estimate(f, c).egop();
        assertArrayEquals(base, again, 0.0, "same seed, same estimate");
        double[] otherSeed = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(m).withBlockRows(m).withSeed(1))
                .estimate(f, c).egop();
        assertTrue(frobeniusDistance(base, otherSeed) > 0, "another seed, other draws");
    }

    /** A mini-batch oracle gets one seed per sample from the stream: reproducible, and distinct across samples. */
    @Test
    void miniBatchOracleIsSeededPerSample() {
        int d = 3;
        java.util.Set<Long> seeds = new java.util.HashSet<>();
        EgopStochasticGradient f = (theta, seed) -> {
            seeds.add(seed);
            double[] g = theta.clone();
            g[0] += (seed % 7) * 1e-3;
            return g;
        };
        EgopConfig config = EgopConfig.defaults().withSamples(20).withBlockRows(6);
        double[] first = EgopEstimator.on(JAVA, config).estimate(f, new double[d]).egop();
        assertEquals(20, seeds.size());
        double[] second = EgopEstimator.on(JAVA, config).estimate(f, new double[d]).egop();
        assertArrayEquals(first, second, 0.0);
    }

    @Test
    void knownSpectrumGivesStableRankAndDecayExponent() {
        double alpha = 1.7;
        double[] lambda = powerLaw(40, 3.0, alpha);
        double trace = 0;
        for (double x : lambda) {
            trace += x;
        }
        assertEquals(trace / 3.0, EgopResult.stableRank(trace, lambda), 1e-15 * trace);
        assertEquals(alpha, EgopResult.decayExponent(lambda, 1e-12, 0), 1e-12);
        assertEquals(40, EgopResult.decayFitCount(lambda, 1e-12, 0));
        assertEquals(5, EgopResult.decayFitCount(lambda, 1e-12, 5));
        // the floor: 3·i^-1.7 > 3·1e-2 keeps i < 100^(1/1.7) ≈ 15.0, so i = 1..15
        assertEquals(15, EgopResult.decayFitCount(lambda, 1e-2, 0));
        double[] truncated = lambda.clone();
        for (int i = 10; i < truncated.length; i++) {
            truncated[i] = 0;
        }
        assertEquals(10, EgopResult.decayFitCount(truncated, 1e-12, 0), "stops at the first zero");
        assertEquals(alpha, EgopResult.decayExponent(truncated, 1e-12, 0), 1e-12);
        assertTrue(Double.isNaN(EgopResult.decayExponent(new double[] {1, 0}, 1e-6, 0)), "fewer than two");
        assertTrue(Double.isNaN(EgopResult.stableRank(0, new double[] {0, 0})), "zero EGOP");
    }

    /** Through the estimator: ρ = N(0, I) and ∇f(θ) = Bθ with B = R diag(i^-α/2) Rᵀ, so EGOP = B² ∼ i^-α. */
    @Test
    void estimatorRecoversAKnownDecay() {
        int d = 30;
        double alpha = 1.0;
        Random rng = new Random(21);
        double[] b = SeededMatrices.withSpectrum(powerLaw(d, 1, alpha / 2), rng);
        EgopConfig config = EgopConfig.defaults().withSamples(40_000).withDecayFitCount(8);
        EgopResult r = EgopEstimator.on(JAVA, config).estimate(theta -> matVec(b, theta), new double[d]);
        assertEquals(alpha, r.decayExponent(), 0.05);
    }

    @Test
    void badInputIsRefused() {
        EgopConfig ok = EgopConfig.defaults();
        assertThrows(IllegalArgumentException.class, () -> ok.withSamples(0));
        assertThrows(IllegalArgumentException.class, () -> ok.withScale(0));
        assertThrows(IllegalArgumentException.class, () -> ok.withScale(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ok.withScale(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> ok.withBlockRows(0));
        assertThrows(IllegalArgumentException.class, () -> ok.withDecayFloor(0));
        assertThrows(IllegalArgumentException.class, () -> ok.withDecayFloor(1));
        assertThrows(IllegalArgumentException.class, () -> ok.withDecayFitCount(1));
        assertThrows(IllegalArgumentException.class, () -> ok.withDecayFitCount(-1));
        EgopEstimator est = EgopEstimator.on(JAVA, ok.withSamples(4));
        assertThrows(IllegalArgumentException.class, () -> est.estimate((EgopGradient) t -> t, new double[0]));
        assertThrows(IllegalArgumentException.class,
                () -> est.estimate((EgopGradient) t -> t, new double[] {1, Double.NaN}));
        IllegalArgumentException wrongLength = assertThrows(IllegalArgumentException.class,
                () -> est.estimate((EgopGradient) t -> new double[3], new double[2]));
        assertTrue(wrongLength.getMessage().contains("sample 0"), wrongLength.getMessage());
        IllegalArgumentException nonFinite = assertThrows(IllegalArgumentException.class,
                () -> est.estimate((EgopGradient) t -> new double[] {0, Double.POSITIVE_INFINITY}, new double[2]));
        assertTrue(nonFinite.getMessage().contains("gradient[1]"), nonFinite.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> est.estimate((EgopGradient) t -> t, (rnd, out) -> out[0] = Double.NaN, 2));
        assertThrows(IllegalArgumentException.class, () -> est.estimate((EgopGradient) t -> t, (rnd, out) -> { }, 0));
    }
}
