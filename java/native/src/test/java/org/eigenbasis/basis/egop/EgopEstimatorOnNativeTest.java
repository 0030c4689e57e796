package org.eigenbasis.basis.egop;

import static org.eigenbasis.basis.egop.EgopFixtures.absoluteOuterProductMean;
import static org.eigenbasis.basis.egop.EgopFixtures.quadratic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.eigenbasis.basis.egop.EgopFixtures.RecordingSampler;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The EGOP estimator on a native backend against the java backend, same seed, on the quadratic
 * f = ½(θ − θ*)ᵀA(θ − θ*): the draws are the same (one seeded stream on the host), so the estimates differ by
 * rounding only. Each gradient entry is within γ_d·h of A(θ − θ*) on either backend (h = |A||θ − θ*|; BLAS sums in
 * its own order, with fused multiply-adds), and each backend's SYRK sums M products, so entry (i, k) of the two
 * estimates differ by at most (5γ_d + 3γ_2M)·S_ik, S = (1/M)Σ_j h_j h_jᵀ (as in EgopBatchGradientTest). The
 * eigenvalues then differ by at most ‖ΔÊ‖₂ ≤ ‖that bound‖_F (Weyl) plus each eigh's backward error, c·d·ε·‖Ê‖_F.
 * cuda runs where a GPU is usable and is skipped, visibly, elsewhere.
 */
class EgopEstimatorOnNativeTest {
    private static final Backend JAVA = Backends.select("java");

    private static Backend nativeBackend(String name) {
        Backend backend = Backends.find(name);
        Assumptions.assumeTrue(backend != null, name + " backend not on the class path");
        Assumptions.assumeTrue(backend.availability().available(),
                name + " backend unavailable: " + backend.availability().reason());
        return backend;
    }

    /** d = 67 (odd, past SIMD multiples), M = 300 in blocks of 128 (a partial last block). */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void estimateMatchesTheJavaBackend(String name) {
        Backend backend = nativeBackend(name);
        int d = 67;
        int m = 300;
        Random rng = new Random(41);
        double[] a = SeededMatrices.withSpectrum(EgopFixtures.powerLaw(d, 1, 1), rng);
        double[] optimum = new double[d];
        double[] center = new double[d];
        for (int i = 0; i < d; i++) {
            optimum[i] = rng.nextGaussian();
            center[i] = optimum[i] + 0.3 * rng.nextGaussian();
        }
        EgopConfig config = EgopConfig.defaults().withSamples(m).withBlockRows(128).withSeed(13);
        RecordingSampler draws = new RecordingSampler(center, config.scale());
        EgopResult reference = EgopEstimator.on(JAVA, config).estimate(quadratic(a, optimum), draws, d);
        double[] s = absoluteOuterProductMean(a, optimum, draws.draws);
        double factor = 5 * ErrorBounds.gamma(d, DType.F64) + 3 * ErrorBounds.gamma(2 * m, DType.F64);
        double frobeniusBound = 0;
        for (double x : s) {
            frobeniusBound += factor * x * factor * x;
        }
        frobeniusBound = Math.sqrt(frobeniusBound);
        EgopResult batched;
        try (EgopQuadraticGradient g = EgopQuadraticGradient.on(backend, a, optimum)) {
            batched = EgopEstimator.on(backend, config).estimate(g, center);
        }
        EgopResult perSample = EgopEstimator.on(backend, config).estimate(quadratic(a, optimum), center);
        for (EgopResult r : new EgopResult[] {batched, perSample}) {
            String which = (r == batched ? "batched" : "per-sample") + " on " + name;
            double[] x = reference.egop();
            double[] y = r.egop();
            double norm = 0;
            for (int e = 0; e < d * d; e++) {
                assertEquals(x[e], y[e], factor * s[e], which + ", entry (" + e / d + ", " + e % d + ")");
                norm += x[e] * x[e];
            }
            double valueTol = frobeniusBound + 2 * ErrorBounds.threshold(1, d, DType.F64, Math.sqrt(norm));
            assertArrayEquals(reference.values(), r.values(), valueTol, which + ", eigenvalues");
            assertEquals(m, r.samples());
        }
    }

    /** Validation happens on the host before any kernel: the same refusals on every backend. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void badInputIsRefusedOnNativeBackends(String name) {
        Backend backend = nativeBackend(name);
        EgopEstimator est = EgopEstimator.on(backend, EgopConfig.defaults().withSamples(8).withBlockRows(3));
        double[] a = SeededMatrices.randomSymmetric(4, new Random(2));
        try (EgopQuadraticGradient g = EgopQuadraticGradient.on(backend, a, new double[4])) {
            assertThrows(IllegalArgumentException.class, () -> est.estimate(g, new double[5]));
        }
        assertThrows(IllegalArgumentException.class, () -> est.estimate(
                (EgopBatchGradient) (thetas, rows, out) -> java.util.Arrays.fill(out, Double.NaN), new double[4]));
    }
}
