package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.eigenbasis.filter.SpectralFilter;
import org.eigenbasis.linalg.SpectralFunctions;
import org.eigenbasis.value.BatchedMatrix;
import org.junit.jupiter.api.Test;

class ResetFilterTest {
    private static final double[] MUS = {1e-9, 1e-6, 1e-3, 0.05, 0.4, 1, 2.5, 10, 100, 1e4, 1e7};

    /** h and 1 − h from 60-digit E[e^(−μτ)]: h = 1 − (1 − L)/(μm), g = (1 − L)/(μm). */
    private static void assertMatchesLaplace(RenewalLaw law, BigDecimal mean, java.util.function.Function<BigDecimal,
            BigDecimal> oneMinusLaplace, double tol) {
        ResetFilter f = ResetFilter.of(law);
        for (double mu : MUS) {
            BigDecimal bm = Reference.big(mu);
            BigDecimal g = oneMinusLaplace.apply(bm).divide(bm.multiply(mean, Reference.MC), Reference.MC);
            BigDecimal h = BigDecimal.ONE.subtract(g, Reference.MC);
            assertEquals(1, f.apply(mu) / h.doubleValue(), tol, law.spec() + " h at μ = " + mu);
            assertEquals(1, f.complement(mu) / g.doubleValue(), tol, law.spec() + " 1 − h at μ = " + mu);
            assertEquals(1, f.hOverMu(mu) / h.divide(bm, Reference.MC).doubleValue(), tol, law.spec() + " h/μ");
            double lam = g.multiply(bm, Reference.MC).divide(h, Reference.MC).doubleValue();
            assertEquals(1, f.effectiveRidge(mu) / lam, tol, law.spec() + " λ_eff at μ = " + mu);
        }
    }

    @Test
    void deterministicMatchesHighPrecision() {
        double t = 1.7;
        assertMatchesLaplace(RenewalLaw.deterministic(t), Reference.big(t),
                mu -> BigDecimal.ONE.subtract(Reference.expNeg(mu.multiply(Reference.big(t)))), 1e-13);
    }

    @Test
    void integerShapeGammaMatchesHighPrecision() {
        for (int k : new int[] {1, 2, 5}) {
            double scale = 0.3;
            BigDecimal bs = Reference.big(scale);
            assertMatchesLaplace(RenewalLaw.gamma(k, scale), BigDecimal.valueOf(k).multiply(bs),
                    mu -> BigDecimal.ONE.subtract(BigDecimal.ONE.divide(BigDecimal.ONE.add(bs.multiply(mu))
                            .pow(k), Reference.MC)), 1e-13);
        }
    }

    @Test
    void uniformMatchesHighPrecision() {
        double a = 0.5;
        double b = 2.25;
        BigDecimal ba = Reference.big(a);
        BigDecimal bb = Reference.big(b);
        assertMatchesLaplace(RenewalLaw.uniform(a, b), ba.add(bb).divide(BigDecimal.valueOf(2)), mu -> {
            BigDecimal diff = Reference.expNeg(mu.multiply(ba)).subtract(Reference.expNeg(mu.multiply(bb)));
            return BigDecimal.ONE.subtract(diff.divide(mu.multiply(bb.subtract(ba)), Reference.MC));
        }, 1e-13);
        // A narrow interval far from 0 (the product form alone would cancel).
        double a2 = 1000;
        double b2 = 1000.5;
        BigDecimal ba2 = Reference.big(a2);
        BigDecimal bb2 = Reference.big(b2);
        ResetFilter f = ResetFilter.of(RenewalLaw.uniform(a2, b2));
        for (double mu : new double[] {1e-9, 1e-6, 1e-4}) {
            BigDecimal bm = Reference.big(mu);
            BigDecimal l = Reference.expNeg(bm.multiply(ba2)).subtract(Reference.expNeg(bm.multiply(bb2)))
                    .divide(bm.multiply(bb2.subtract(ba2)), Reference.MC);
            BigDecimal g = BigDecimal.ONE.subtract(l).divide(bm.multiply(Reference.big(0.5 * (a2 + b2))), Reference.MC);
            double h = BigDecimal.ONE.subtract(g).doubleValue();
            assertEquals(1, f.apply(mu) / h, 1e-13, "narrow uniform h at μ = " + mu);
        }
    }

    @Test
    void exponentialIsRidgeInEveryDirection() {
        ResetFilter f = ResetFilter.of(RenewalLaw.exponential(0.7));
        for (double mu : MUS) {
            assertEquals(mu / (mu + 0.7), f.apply(mu), 2 * Math.ulp(1.0) * f.apply(mu));
            assertEquals(0.7, f.effectiveRidge(mu), 0);
        }
    }

    /** h and 1 − h by brute-force quadrature over the age density S(a)/E[τ], for the laws without closed forms. */
    @Test
    void quadratureLawsMatchBruteForce() {
        List<RenewalLaw> laws = List.of(RenewalLaw.lognormal(0.3, 0.8), RenewalLaw.lognormal(-1, 2),
                RenewalLaw.weibull(0.7, 2), RenewalLaw.weibull(3, 1), RenewalLaw.pareto(1, 3.5),
                RenewalLaw.pareto(0.5, 1.5), RenewalLaw.lomax(2, 3), RenewalLaw.lomax(1, 1.5),
                RenewalLaw.gamma(0.3, 2), RenewalLaw.empirical(0.5, 1, 1, 7));
        for (RenewalLaw law : laws) {
            ResetFilter f = ResetFilter.of(law);
            double m = law.mean();
            double[] kinks = law instanceof ParetoLaw p ? new double[] {p.xm()}
                    : law instanceof EmpiricalLaw e ? e.observations() : new double[0];
            for (double mu : new double[] {1e-3, 0.1, 1, 10, 1e3}) {
                // Up to where the survival times e^(−μa) (for g) or the tail (for h) is below 1e-17 of the total.
                double hi = 1e40;
                double lo = 1e-8 / mu;
                double g = Reference.integrate(a -> law.survival(a) / m * Math.exp(-mu * a), lo, hi, kinks);
                double h = Reference.integrate(a -> law.survival(a) / m * -Math.expm1(-mu * a), lo, hi, kinks);
                assertEquals(1, f.apply(mu) / h, 1e-10, law.spec() + " h at μ = " + mu);
                assertEquals(1, f.complement(mu) / g, 1e-10, law.spec() + " 1 − h at μ = " + mu);
            }
        }
    }

    @Test
    void effectiveRidgeAtZeroIsTheLimitNotZeroOverZero() {
        // What `eigenbasis filter` prints at mu = 0: the rate for exp, 2E[τ]/E[τ²] otherwise, 0 when E[τ²] = ∞.
        assertEquals(0.3, ResetFilter.of(RenewalLaw.exponential(0.3)).effectiveRidge(0), 0);
        assertEquals(4.0 / 3, ResetFilter.of(RenewalLaw.gamma(2, 0.5)).effectiveRidge(0), 1e-15);
        assertEquals(2.0 / 3, ResetFilter.of(RenewalLaw.deterministic(3)).effectiveRidge(0), 1e-15);
        for (RenewalLaw heavy : List.of(RenewalLaw.pareto(1, 1.5), RenewalLaw.lomax(1, 2))) {
            ResetFilter f = ResetFilter.of(heavy);
            assertEquals(0, f.effectiveRidge(0), 0, heavy.spec());
            assertTrue(f.effectiveRidge(1e-8) > 0 && f.effectiveRidge(1e-8) < f.effectiveRidge(1e-4),
                    heavy.spec() + ": λ_eff falls towards its limit 0");
        }
    }

    @Test
    void limitsAreFiniteMonotoneAndMatchTheMoments() {
        List<RenewalLaw> laws = List.of(RenewalLaw.exponential(2), RenewalLaw.deterministic(3),
                RenewalLaw.gamma(2.5, 0.4), RenewalLaw.gamma(0.05, 1), RenewalLaw.uniform(0, 3),
                RenewalLaw.uniform(1e3, 1e3 + 1), RenewalLaw.lognormal(0.3, 0.8), RenewalLaw.lognormal(-5, 10),
                RenewalLaw.weibull(0.02, 2), RenewalLaw.weibull(3, 1), RenewalLaw.weibull(50, 1),
                RenewalLaw.pareto(1, 3.5), RenewalLaw.pareto(0.5, 1.001), RenewalLaw.pareto(2, 1e6),
                RenewalLaw.lomax(2, 3), RenewalLaw.lomax(1, 1.001), RenewalLaw.lomax(1, 2), RenewalLaw.lomax(1, 1e6),
                RenewalLaw.empirical(0.5, 1, 7));
        for (RenewalLaw law : laws) {
            ResetFilter f = ResetFilter.of(law);
            assertFiniteAndMonotone(f);
            double second = law.secondMoment();
            double lam0 = second == Double.POSITIVE_INFINITY ? 0 : 2 * law.mean() / second;
            assertEquals(lam0, f.effectiveRidge(0), 1e-15 * lam0, law.spec() + " λ_eff(0)");
            // (Laws with mass piled at 0 and extreme tails reach the limits only at astronomically small or
            // large μ.)
            boolean extreme = law instanceof GammaLaw gl && gl.shape() < 0.1 || law instanceof WeibullLaw w && w.shape() < 0.1
                    || law instanceof LogNormalLaw ln && ln.sigma() > 5;
            if (second == Double.POSITIVE_INFINITY) {
                assertTrue(f.effectiveRidge(1e-12) < f.effectiveRidge(1e-6), law.spec() + ": λ_eff → 0 at 0");
            } else if (!extreme) {
                assertEquals(1, f.effectiveRidge(1e-14 / f.meanAge()) / lam0, 1e-6, law.spec() + " λ_eff(0⁺)");
            }
            if (!extreme) {
                assertEquals(1, f.effectiveRidge(1e14 / law.mean()) * law.mean(), 1e-6, law.spec() + " λ_eff(∞)");
            }
        }
    }

    private static void assertFiniteAndMonotone(ResetFilter f) {
        RenewalLaw law = f.law();
        double prevH = 0;
        double prevG = 1;
        for (int e = -300; e <= 300; e += 6) {
            double mu = Math.pow(10, e);
            double h = f.apply(mu);
            double g = f.complement(mu);
            double lam = f.effectiveRidge(mu);
            String at = law.spec() + " at μ = 1e" + e;
            assertTrue(h >= 0 && h <= 1 && g >= 0 && g <= 1, at + ": h = " + h + ", 1 − h = " + g);
            assertTrue(Double.isFinite(lam) && lam >= 0 && Double.isFinite(f.hOverMu(mu)), at + ": λ = " + lam);
            assertTrue(h >= prevH && g <= prevG, at + ": not monotone (h " + prevH + " → " + h + ")");
            assertEquals(1, h + g, 2 * Math.ulp(1.0), at + ": h + (1 − h)");
            prevH = h;
            prevG = g;
        }
    }

    /** Parameters at the ends of their legal ranges, where E[τ²] itself under- or overflows. */
    @Test
    void extremeParametersStayFiniteAndMonotone() {
        List<RenewalLaw> laws = List.of(RenewalLaw.lognormal(-299, 0.5), RenewalLaw.lognormal(299, 0.5),
                RenewalLaw.lognormal(0, 17.2), RenewalLaw.weibull(0.02, 1e-200), RenewalLaw.weibull(200, 1e200),
                RenewalLaw.pareto(1e-300, 1.5), RenewalLaw.pareto(1e300, 50), RenewalLaw.lomax(1e300, 3),
                RenewalLaw.lomax(1e-300, 1.0000001), RenewalLaw.gamma(1e-3, 1e300), RenewalLaw.gamma(1e8, 1e-300),
                RenewalLaw.uniform(0, 1e-300), RenewalLaw.deterministic(1e300), RenewalLaw.empirical(1e-300, 1e300));
        for (RenewalLaw law : laws) {
            ResetFilter f = ResetFilter.of(law);
            assertFiniteAndMonotone(f);
            assertTrue(f.effectiveRidge(0) >= 0 && Double.isFinite(f.effectiveRidge(0)), law.spec());
        }
        assertEquals(3e300, ResetFilter.of(RenewalLaw.uniform(0, 1e-300)).effectiveRidge(0), 1e286);
    }

    @Test
    void noOtherLawIsRidge() {
        List<RenewalLaw> laws = List.of(RenewalLaw.deterministic(1), RenewalLaw.gamma(2, 0.5),
                RenewalLaw.gamma(0.5, 2), RenewalLaw.uniform(0, 2), RenewalLaw.lognormal(0, 0.5),
                RenewalLaw.weibull(2, 1), RenewalLaw.pareto(0.5, 3), RenewalLaw.lomax(1, 3),
                RenewalLaw.empirical(0.5, 1.5));
        for (RenewalLaw law : laws) {
            ResetFilter f = ResetFilter.of(law);
            double lambda = f.effectiveRidge(1 / law.mean()); // the ridge that fits at one curvature
            double worst = 0;
            for (double mu : new double[] {0.01, 0.1, 10, 100}) {
                double scaled = mu / law.mean();
                worst = Math.max(worst, Math.abs(f.apply(scaled) - scaled / (scaled + lambda)));
            }
            assertTrue(worst > 1e-3, law.spec() + " fits μ/(μ + λ) to " + worst);
        }
    }

    @Test
    void exponentialStationaryMeanIsTheRidgeSolve() {
        Random rnd = new Random(11);
        double[][] x = Reference.randomMatrix(rnd, 40, 9);
        double[] y = Reference.randomVector(rnd, 40);
        double r = 0.8;
        double[] expected = Reference.plusDiagonalSolve(Reference.gram(x), r, Reference.xty(x, y));
        double[] got = StationaryMean.of(x, y, RenewalLaw.exponential(r));
        assertTrue(Reference.maxRelDiff(got, expected) < 1e-12, "ridge: " + Reference.maxRelDiff(got, expected));
    }

    @Test
    void resetToTheta0IsRidgeCentredAtTheta0() {
        Random rnd = new Random(12);
        double[][] x = Reference.randomMatrix(rnd, 30, 7);
        double[] y = Reference.randomVector(rnd, 30);
        double[] theta0 = Reference.randomVector(rnd, 7);
        double r = 2.5;
        // argmin ½‖Xθ − y‖² + (r/2)‖θ − θ₀‖²: (H + rI)θ = Xᵀy + rθ₀.
        double[] rhs = Reference.xty(x, y);
        for (int i = 0; i < rhs.length; i++) {
            rhs[i] += r * theta0[i];
        }
        double[] expected = Reference.plusDiagonalSolve(Reference.gram(x), r, rhs);
        double[] got = StationaryMean.of(x, y, theta0, RenewalLaw.exponential(r));
        assertTrue(Reference.maxRelDiff(got, expected) < 1e-12, "centred ridge: " + Reference.maxRelDiff(got, expected));
        // With another law the mean still moves from θ₀ toward the least-squares solution, not from 0.
        double[] det = StationaryMean.of(x, y, theta0, RenewalLaw.deterministic(1e-9));
        assertTrue(Reference.maxRelDiff(det, theta0) < 1e-6, "a tiny reset period keeps θ at θ₀");
    }

    @Test
    void discreteGradientDescentWithResetsIsExactRidge() {
        Random rnd = new Random(13);
        double[][] x = Reference.randomMatrix(rnd, 25, 6);
        double[] y = Reference.randomVector(rnd, 25);
        double[][] h = Reference.gram(x);
        double[] b = Reference.xty(x, y);
        double p = 0.05;
        double eta = 0.01;
        double[] m = new double[6];
        for (int it = 0; it < 20000; it++) {
            double[] next = new double[6];
            for (int i = 0; i < 6; i++) {
                double grad = -b[i];
                for (int j = 0; j < 6; j++) {
                    grad += h[i][j] * m[j];
                }
                next[i] = (1 - p) * (m[i] - eta * grad);
            }
            m = next;
        }
        double lambda = DiscreteReset.equivalentRidge(p, eta);
        assertEquals(p / ((1 - p) * eta), lambda, 0);
        double[] ridge = Reference.plusDiagonalSolve(h, lambda, b);
        assertTrue(Reference.maxRelDiff(m, ridge) < 1e-12, "GD with resets vs ridge: " + Reference.maxRelDiff(m, ridge));
        assertTrue(DiscreteReset.maxStableStep(p, 50) > eta);
        assertBad(() -> DiscreteReset.equivalentRidge(0, eta), "p", "(0, 1)");
        assertBad(() -> DiscreteReset.equivalentRidge(1, eta), "p", "(0, 1)");
        assertBad(() -> DiscreteReset.equivalentRidge(Double.NaN, eta), "p", "(0, 1)");
        assertBad(() -> DiscreteReset.equivalentRidge(p, 0), "eta", "(0, ∞)");
        assertBad(() -> DiscreteReset.equivalentRidge(p, Double.POSITIVE_INFINITY), "eta", "(0, ∞)");
        assertBad(() -> DiscreteReset.maxStableStep(p, -1), "muMax", "(0, ∞)");
    }

    @Test
    void plugsIntoSpectralFunctions() {
        Random rnd = new Random(14);
        double[][] x = Reference.randomMatrix(rnd, 50, 5);
        double[] y = Reference.randomVector(rnd, 50);
        RenewalLaw law = RenewalLaw.weibull(1.5, 0.8);
        ResetFilter f = ResetFilter.of(law);
        double[] b = Reference.xty(x, y);
        double[][] bm = new double[5][1];
        for (int i = 0; i < 5; i++) {
            bm[i][0] = b[i];
        }
        try (BatchedMatrix hb = BatchedMatrix.of(Reference.gram(x)); BatchedMatrix rhs = BatchedMatrix.of(bm);
                BatchedMatrix out = SpectralFunctions.on("java").applyTo(hb, SpectralFilter.of("h/μ", f::hOverMu), rhs)) {
            double[] viaSpectral = new double[5];
            for (int i = 0; i < 5; i++) {
                viaSpectral[i] = out.get(0, i, 0);
            }
            double[] direct = StationaryMean.of(x, y, law);
            assertTrue(Reference.maxRelDiff(direct, viaSpectral) < 1e-12);
        }
        assertTrue(f.describe().contains("weibull(k=1.5"), f.describe());
    }

    @Test
    void badCurvatureIsRefused() {
        ResetFilter f = ResetFilter.of(RenewalLaw.gamma(2, 1));
        for (double mu : new double[] {-1e-300, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertBad(() -> f.apply(mu), "mu", "[0, ∞)");
            assertBad(() -> f.complement(mu), "mu", "[0, ∞)");
            assertBad(() -> f.effectiveRidge(mu), "mu", "[0, ∞)");
        }
        assertThrows(NullPointerException.class, () -> ResetFilter.of(null));
    }

    static void assertBad(org.junit.jupiter.api.function.Executable call, String name, String range) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(range),
                "message should name " + name + " and " + range + ": " + e.getMessage());
    }
}
