package org.eigenbasis.internal.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * Seeded sampling of every law: sample mean and variance within z standard errors of the law's, a
 * Kolmogorov–Smirnov check of the CDF where it has a closed form (references written here, so no special
 * functions are needed), the stationary start (age and residual both have mean E[τ²]/(2E[τ])), determinism. Each
 * test's limits are set for a false alarm of 1e-3 shared by its comparisons (Bonferroni): the seeds are fixed, so
 * this says how rarely a change of seed would fail a correct sampler.
 */
class LawSamplerTest {
    private static final int N = 200_000;

    /** A law with its mean and second moment computed here (Weibull and lognormal in closed form). */
    private record Case(RenewalLaw law, double mean, double second) {
    }

    private static Case[] cases() {
        double lnM = -0.3;
        double lnS = 0.5;
        return new Case[] {
            new Case(RenewalLaw.exponential(2), 0.5, 0.5),
            new Case(RenewalLaw.deterministic(1.3), 1.3, 1.69),
            new Case(RenewalLaw.gamma(3, 0.5), 1.5, 3 * 4 * 0.25),
            new Case(RenewalLaw.gamma(0.6, 2), 1.2, 0.6 * 1.6 * 4),
            new Case(RenewalLaw.uniform(0.5, 2), 1.25, (0.25 + 1 + 4) / 3),
            new Case(RenewalLaw.lognormal(lnM, lnS), Math.exp(lnM + lnS * lnS / 2), Math.exp(2 * lnM + 2 * lnS * lnS)),
            new Case(RenewalLaw.weibull(2, 1.5), 1.5 * Math.sqrt(Math.PI) / 2, 1.5 * 1.5),
            new Case(RenewalLaw.pareto(0.4, 5), 5 * 0.4 / 4, 5 * 0.16 / 3),
            new Case(RenewalLaw.lomax(2, 5), 2.0 / 4, 2 * 4.0 / (4 * 3)),
            new Case(RenewalLaw.empirical(0.5, 1, 3), 1.5, (0.25 + 1 + 9) / 3),
        };
    }

    private static double[] meanAndSe(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        double m = s / x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        return new double[] {m, Math.sqrt(ss / (x.length - 1) / x.length)};
    }

    @Test
    void meansAndVariancesOfEveryLaw() {
        // A mean and a variance for each of the 9 laws with spread (det has none: its draws are checked exactly).
        double z = ErrorBounds.standardErrors(1e-3, 18);
        for (Case c : cases()) {
            double[] x = c.law().sample(N, 17);
            for (double v : x) {
                assertTrue(v > 0 && Double.isFinite(v), c.law().spec() + ": draw " + v);
            }
            double[] ms = meanAndSe(x);
            double var = c.second() - c.mean() * c.mean();
            // Zero variance up to the rounding of E[τ²] − E[τ]² as computed here: γ_2·(E[τ²] + E[τ]²).
            if (Math.abs(var) <= ErrorBounds.gamma(2, DType.F64) * (c.second() + c.mean() * c.mean())) {
                for (double v : x) {
                    assertEquals(c.mean(), v, 0, c.law().spec() + ": det draws T itself");
                }
                continue;
            }
            // The exact standard error of a mean of N draws: √(Var τ/N).
            assertEquals(c.mean(), ms[0], z * Math.sqrt(var / N), c.law().spec() + ": mean");
            // sample variance: standard error from the sample fourth central moment
            double m = ms[0];
            double m2 = 0;
            double m4 = 0;
            for (double v : x) {
                double e = (v - m) * (v - m);
                m2 += e;
                m4 += e * e;
            }
            m2 /= N;
            m4 /= N;
            assertEquals(var, m2, z * Math.sqrt((m4 - m2 * m2) / N), c.law().spec() + ": variance");
        }
    }

    /** The KS tests below. */
    private static final int KS_TESTS = 8;

    private static void ks(RenewalLaw law, DoubleUnaryOperator cdf) {
        double[] x = law.sample(N, 23);
        Arrays.sort(x);
        double d = 0;
        for (int i = 0; i < N; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((i + 1.0) / N - f, f - (double) i / N));
        }
        // Kolmogorov: P(√N·D > x) ≈ 2e^(−2x²) (the first term, accurate far in the tail); x for a false alarm of 1e-3
        // shared by the KS tests: 2.20.
        double limit = Math.sqrt(Math.log(2 * KS_TESTS / 1e-3) / 2);
        assertTrue(Math.sqrt(N) * d < limit, law.spec() + ": KS statistic √N·D = " + Math.sqrt(N) * d);
    }

    @Test
    void cdfsMatchByKolmogorovSmirnov() {
        for (RenewalLaw law : new RenewalLaw[] {RenewalLaw.exponential(2), RenewalLaw.uniform(0.5, 2),
            RenewalLaw.pareto(0.4, 5), RenewalLaw.lomax(2, 1.5), RenewalLaw.pareto(1, 1.2)}) {
            ks(law, t -> 1 - law.survival(t));
        }
        ks(RenewalLaw.weibull(2, 1.5), t -> 1 - Math.exp(-(t / 1.5) * (t / 1.5)));
        ks(RenewalLaw.weibull(0.7, 1), t -> 1 - Math.exp(-Math.pow(t, 0.7)));
        // gamma with integer shape 3, scale 0.5: P(τ ≤ t) = 1 − e^(−x)(1 + x + x²/2), x = t/0.5
        ks(RenewalLaw.gamma(3, 0.5), t -> {
            double x = t / 0.5;
            return 1 - Math.exp(-x) * (1 + x + x * x / 2);
        });
    }

    @Test
    void empiricalDrawsEachObservationEquallyOften() {
        double[] obs = {0.2, 0.7, 1.1, 2.5};
        double[] x = RenewalLaw.empirical(obs).sample(N, 5);
        // Binomial(N, 1/4) counts: standard deviation √(Np(1 − p)); z for 1e-3 shared by the four.
        double z = ErrorBounds.standardErrors(1e-3, obs.length);
        for (double o : obs) {
            long count = Arrays.stream(x).filter(v -> v == o).count();
            double p = 0.25;
            assertEquals(p * N, count, z * Math.sqrt(N * p * (1 - p)), "observation " + o);
        }
    }

    @Test
    void stationaryStartHasTheSizeBiasedAgeAndResidual() {
        // Age and residual for each of the 10 laws, against the sample standard error of their means.
        double z = ErrorBounds.standardErrors(1e-3, 20);
        for (Case c : cases()) {
            LawSampler sampler = new LawSampler(c.law().kind().code(), c.law().parameters());
            Philox.Stream s = new Philox.Stream(31);
            int n = 100_000;
            double[] age = new double[n];
            double[] res = new double[n];
            double[] out = new double[2];
            for (int i = 0; i < n; i++) {
                sampler.start(s.reset(i), out);
                assertTrue(out[0] >= 0 && out[1] >= 0, c.law().spec());
                age[i] = out[0];
                res[i] = out[1];
            }
            double expected = c.second() / (2 * c.mean());
            double[] a = meanAndSe(age);
            double[] r = meanAndSe(res);
            assertEquals(expected, a[0], z * a[1], c.law().spec() + ": mean age");
            assertEquals(expected, r[0], z * r[1], c.law().spec() + ": mean residual");
        }
    }

    @Test
    void seededAndReproducible() {
        RenewalLaw law = RenewalLaw.gamma(0.6, 2);
        assertArrayEquals(law.sample(1000, 9), law.sample(1000, 9));
        double[] other = law.sample(1000, 10);
        assertTrue(other[0] != law.sample(1, 9)[0]);
        // draw i depends only on (seed, i): a prefix of a longer sample
        assertArrayEquals(law.sample(10, 9), Arrays.copyOf(law.sample(1000, 9), 10));
        assertEquals(0, law.sample(0, 1).length);
        assertThrows(IllegalArgumentException.class, () -> law.sample(-1, 1));
    }
}
