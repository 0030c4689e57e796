package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.eigenbasis.filter.SpectralFilter;
import org.eigenbasis.linalg.SpectralFunctions;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * The reset filter against 60-digit references (closed-form laws: {@link Reference#CLOSED_FORM_FILTER}, ResetFilter's
 * "a few ε"), brute-force quadrature (quadrature laws: its documented 1e-12, plus the reference's own
 * {@link Reference#QUADRATURE_ACCURACY}), its limits, and the stationary mean against ridge solves (tolerances from
 * the eigendecomposition's and Cholesky's backward errors, {@link Reference#ridgeTolerance}).
 */
class ResetFilterTest {
    private static final double[] MUS = {1e-9, 1e-6, 1e-3, 0.05, 0.4, 1, 2.5, 10, 100, 1e4, 1e7};
    private static final double U = ErrorBounds.unitRoundoff(DType.F64);
    /** The 60-digit reference rounded to double, and the ratio's quotient: one rounding each. */
    private static final double REFERENCE_ROUNDING = 2 * U;

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
                mu -> BigDecimal.ONE.subtract(Reference.expNeg(mu.multiply(Reference.big(t)))),
                Reference.CLOSED_FORM_FILTER + REFERENCE_ROUNDING);
    }

    @Test
    void integerShapeGammaMatchesHighPrecision() {
        for (int k : new int[] {1, 2, 5}) {
            double scale = 0.3;
            BigDecimal bs = Reference.big(scale);
            assertMatchesLaplace(RenewalLaw.gamma(k, scale), BigDecimal.valueOf(k).multiply(bs),
                    mu -> BigDecimal.ONE.subtract(BigDecimal.ONE.divide(BigDecimal.ONE.add(bs.multiply(mu))
                            .pow(k), Reference.MC)), Reference.CLOSED_FORM_FILTER + REFERENCE_ROUNDING);
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
        }, Reference.CLOSED_FORM_FILTER + REFERENCE_ROUNDING);
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
            assertEquals(1, f.apply(mu) / h, Reference.CLOSED_FORM_FILTER + REFERENCE_ROUNDING,
                    "narrow uniform h at μ = " + mu);
        }
    }

    @Test
    void exponentialIsRidgeInEveryDirection() {
        ResetFilter f = ResetFilter.of(RenewalLaw.exponential(0.7));
        for (double mu : MUS) {
            // h = 1 − r/(μ + r) (g ≤ 1/2: g two roundings, then at most g/h ≤ 1 of them and the subtraction's) or
            // μ·(1/(μ + r)) (three roundings), against μ/(μ + r) (two): γ_5 relative.
            double ridge = mu / (mu + 0.7);
            assertEquals(ridge, f.apply(mu), ErrorBounds.gamma(5, DType.F64) * ridge);
            assertEquals(0.7, f.effectiveRidge(mu), 0, "exp: λ_eff returns the rate itself");
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
                // From 1e-30, below which the age density (at most 1/E[τ]) holds under 1e-20 of g and h (and where
                // gamma k = 0.3's survival, 1 − c·a^0.3, leaves no cusp the first panel would have to resolve), to
                // where the tail is below 1e-17 of the total.
                double hi = 1e40;
                double lo = 1e-30;
                double g = Reference.integrate(a -> law.survival(a) / m * Math.exp(-mu * a), lo, hi, kinks);
                double h = Reference.integrate(a -> law.survival(a) / m * -Math.expm1(-mu * a), lo, hi, kinks);
                // ResetFilter's documented accuracy for the law plus the brute-force reference's.
                double tol = Reference.filterAccuracy(law) + Reference.QUADRATURE_ACCURACY;
                assertEquals(1, f.apply(mu) / h, tol, law.spec() + " h at μ = " + mu);
                assertEquals(1, f.complement(mu) / g, tol, law.spec() + " 1 − h at μ = " + mu);
            }
        }
    }

    @Test
    void effectiveRidgeAtZeroIsTheLimitNotZeroOverZero() {
        // What `eigenbasis filter` prints at mu = 0: the rate for exp, 2E[τ]/E[τ²] otherwise, 0 when E[τ²] = ∞.
        assertEquals(0.3, ResetFilter.of(RenewalLaw.exponential(0.3)).effectiveRidge(0), 0, "exp: the rate itself");
        // 1/E[A] with E[A] = (k + 1)θ/2 = 0.75 and T/2 = 1.5 exact: one correctly rounded quotient of 4/3 and 2/3,
        // as the literals are: within the ulp the two roundings may split.
        assertEquals(4.0 / 3, ResetFilter.of(RenewalLaw.gamma(2, 0.5)).effectiveRidge(0), ErrorBounds.ulps(4.0 / 3, 1));
        assertEquals(2.0 / 3, ResetFilter.of(RenewalLaw.deterministic(3)).effectiveRidge(0), ErrorBounds.ulps(2.0 / 3, 1));
        for (RenewalLaw heavy : List.of(RenewalLaw.pareto(1, 1.5), RenewalLaw.lomax(1, 2))) {
            ResetFilter f = ResetFilter.of(heavy);
            assertEquals(0, f.effectiveRidge(0), 0, heavy.spec() + ": 1/E[A] = 1/∞ = 0 exactly");
            // λ_eff(1e-8) and λ_eff(1e-4) differ by orders of magnitude (λ_eff ~ μ^(α−1)), far beyond the filter's
            // 1e-12: the comparison needs no tolerance.
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
            assertEquals(lam0, f.effectiveRidge(0), momentRatioTolerance(law) * lam0, law.spec() + " λ_eff(0)");
            // (Laws with mass piled at 0 and extreme tails reach the limits only at astronomically small or
            // large μ.)
            boolean extreme = law instanceof GammaLaw gl && gl.shape() < 0.1 || law instanceof WeibullLaw w && w.shape() < 0.1
                    || law instanceof LogNormalLaw ln && ln.sigma() > 5;
            // λ_eff = g/H from two expectations, each to the filter's accuracy.
            double numerical = 2 * Reference.filterAccuracy(law);
            if (second == Double.POSITIVE_INFINITY) {
                // λ_eff ~ μ^(α−2) near 0: six decades apart, far beyond the filter's accuracy.
                assertTrue(f.effectiveRidge(1e-12) < f.effectiveRidge(1e-6), law.spec() + ": λ_eff → 0 at 0");
            } else if (!extreme) {
                // At μ = 1e-14/E[A]: g = 1 − μE[A] + μ²E[A²]/2 − …, H = E[A] − μE[A²]/2 + …, so λ_eff/λ_eff(0) − 1 =
                // μ(E[A²]/(2E[A]) − E[A]) + O(μ²) = 1e-14·(E[A²]/(2E[A]²) − 1), with E[A²]/E[A]² =
                // (4/3)E[τ³]E[τ]/E[τ²]² ≤ 3 for these laws (lognormal σ = 0.8: (4/3)e^(σ²) = 2.5); for Lomax α = 3,
                // where E[τ³] = ∞, the term is of order μE[A]·ln(1/(μE[A])) instead, 3e-13: 1e-12 bounds it.
                assertEquals(1, f.effectiveRidge(1e-14 / f.meanAge()) / lam0, numerical + 1e-12, law.spec() + " λ_eff(0⁺)");
            }
            if (!extreme) {
                // At μ = 1e14/E[τ]: λ_eff·E[τ] = (1 − L(μ))/(1 − g(μ)) with g ≤ 1/(μE[τ]) = 1e-14, and
                // L(μ) = E[e^(−μτ)] ≤ P(τ ≤ t) + e^(−μt), t = 40/μ.
                double mu = 1e14 / law.mean();
                double limit = 1e-14 + (1 - law.survival(40 / mu)) + Math.exp(-40);
                assertEquals(1, f.effectiveRidge(mu) * law.mean(), numerical + limit, law.spec() + " λ_eff(∞)");
            }
        }
    }

    /**
     * 2E[τ]/E[τ²] in the test against 1/E[A] in the library, both from the law's moments: a handful of roundings each
     * (γ_16), and for lognormal and Weibull, whose moments are e^x, the rounding of each exponent x: the library's
     * E[A] = e^(μ + 3σ²/2)/2 and e^(lnΓ(1 + 2/k) − lnΓ(1 + 1/k))·λ/2 round exponents of other sizes than E[τ], E[τ²]
     * (their lnΓ values are the same doubles): u·|x| relative per rounding of x.
     */
    private static double momentRatioTolerance(RenewalLaw law) {
        double exponents = 0;
        if (law instanceof LogNormalLaw ln) {
            exponents = 8 * (Math.abs(ln.mu()) + ln.sigma() * ln.sigma());
        } else if (law instanceof WeibullLaw w) {
            exponents = SpecialFunctions.logGamma(1 + 2 / w.shape()) - SpecialFunctions.logGamma(1 + 1 / w.shape());
        }
        return ErrorBounds.gamma(16, DType.F64) + exponents * U;
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
            // h = 1 − g (or μH) and 1 − h = g (or 1 − μH): three roundings of numbers ≤ 1, ≤ 1.5 ulp(1).
            assertEquals(1, h + g, ErrorBounds.ulps(1, 2), at + ": h + (1 − h)");
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
        // 1/E[A] = 3/b: b/3 and the reciprocal round once each, and the literals 1e-300 and 3e300 once each: γ_4.
        assertEquals(3e300, ResetFilter.of(RenewalLaw.uniform(0, 1e-300)).effectiveRidge(0),
                ErrorBounds.gamma(4, DType.F64) * 3e300);
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
            // A law that were ridge would fit to the filter's accuracy (h ≤ 1, and μ/(μ + λ) two roundings), twice
            // (the fitted λ is the filter's too): anything beyond is a real difference of shape.
            double noise = 4 * (Reference.filterAccuracy(law) + ErrorBounds.gamma(2, DType.F64));
            assertTrue(worst > noise, law.spec() + " fits μ/(μ + λ) to " + worst);
        }
    }

    @Test
    void exponentialStationaryMeanIsTheRidgeSolve() {
        Random rnd = new Random(11);
        double[][] x = Reference.randomMatrix(rnd, 40, 9);
        double[] y = Reference.randomVector(rnd, 40);
        double r = 0.8;
        double[][] h = Reference.gram(x);
        double[] b = Reference.xty(x, y);
        double[] expected = Reference.plusDiagonalSolve(h, r, b);
        double[] got = StationaryMean.of(x, y, RenewalLaw.exponential(r));
        // H and Xᵀy are summed in the same order on both sides: the same doubles; the filter 1/(μ + r) is part of
        // the eigendecomposition's bound.
        double tol = Reference.ridgeTolerance(h, r, Reference.norm2(b), 0);
        assertTrue(Reference.maxAbsDiff(got, expected) <= tol, "ridge: " + Reference.maxAbsDiff(got, expected) + " > " + tol);
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
        double[][] h = Reference.gram(x);
        double[] expected = Reference.plusDiagonalSolve(h, r, rhs);
        double[] got = StationaryMean.of(x, y, theta0, RenewalLaw.exponential(r));
        // The library solves for θ − θ₀ with right-hand side Xᵀy − Hθ₀, whose sum Σ_j h_ij θ₀_j rounds by
        // γ_(d+1)·(|H||θ₀|)_i; Cholesky solves for θ with Xᵀy + rθ₀ (½ ulp of each entry); θ₀ + … rounds once more.
        int d = theta0.length;
        double[] gradient = Reference.xty(x, y);
        double rhsRounding = 0;
        for (int i = 0; i < d; i++) {
            double hTheta0 = 0;
            for (int j = 0; j < d; j++) {
                gradient[i] -= h[i][j] * theta0[j];
                hTheta0 += Math.abs(h[i][j] * theta0[j]);
            }
            rhsRounding += Math.pow(ErrorBounds.gamma(d + 1, DType.F64) * hTheta0 + U * Math.abs(rhs[i]), 2);
        }
        double bNorm = Math.max(Reference.norm2(rhs), Reference.norm2(gradient));
        double theta0Rounding = ErrorBounds.ulps(Reference.maxAbs(new double[][] {theta0}), 1);
        double tol = Reference.ridgeTolerance(h, r, bNorm, Math.sqrt(rhsRounding)) + theta0Rounding;
        assertTrue(Reference.maxAbsDiff(got, expected) <= tol, "centred ridge: " + Reference.maxAbsDiff(got, expected));
        // With another law the mean still moves from θ₀ toward the least-squares solution, not from 0: by at most
        // ‖F(H)‖·‖Xᵀy − Hθ₀‖ with F = h/μ ≤ F(0) = E[A] = T/2 (the filter is decreasing), F evaluated to the
        // filter's accuracy and applied with the rotations' rounding γ_(2d+1)·√d.
        RenewalLaw tiny = RenewalLaw.deterministic(1e-9);
        double[] det = StationaryMean.of(x, y, theta0, tiny);
        double moved = ResetFilter.of(tiny).meanAge() * Reference.norm2(gradient)
                * (1 + Reference.CLOSED_FORM_FILTER + ErrorBounds.gamma(2 * d + 1, DType.F64) * Math.sqrt(d))
                + theta0Rounding;
        assertTrue(Reference.maxAbsDiff(det, theta0) <= moved, "a tiny reset period keeps θ at θ₀");
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
        assertEquals(p / ((1 - p) * eta), lambda, 0, "the same expression, the same roundings");
        double[] ridge = Reference.plusDiagonalSolve(h, lambda, b);
        // The recursion's fixed point solves (H + λI)m = b exactly. Its iterates contract by
        // ρ = (1 − p)·max|1 − ημ| per step (ρ^20000 underflows: no truncation left); each step rounds by at most
        // γ_(d+3)·(1 − p)(|m| + η(|H||m| + |b|)), and those errors, contracted, add up to 1/(1 − ρ) times one step's.
        // Cholesky's forward error on top: κ₂(H + λI)·d·γ_(3d+1)·‖m‖ (Reference.ridgeTolerance with no eigh part
        // would be the same; the eigh part does not apply here, so it is written out).
        double[] mu = Reference.jacobiEigenvalues(h);
        double rho = (1 - p) * Math.max(Math.abs(1 - eta * mu[0]), Math.abs(1 - eta * mu[5]));
        double step = 0;
        for (int i = 0; i < 6; i++) {
            double hm = 0;
            for (int j = 0; j < 6; j++) {
                hm += Math.abs(h[i][j] * ridge[j]);
            }
            step = Math.max(step, (1 - p) * (Math.abs(ridge[i]) + eta * (hm + Math.abs(b[i]))));
        }
        double iteration = Math.sqrt(6) * ErrorBounds.gamma(9, DType.F64) * step / (1 - rho);
        double cholesky = (mu[5] + lambda) / (mu[0] + lambda) * 6 * ErrorBounds.gamma(19, DType.F64) * Reference.norm2(ridge);
        assertTrue(rho < 1, "the recursion contracts");
        assertTrue(Reference.maxAbsDiff(m, ridge) <= iteration + cholesky, "GD with resets vs ridge: "
                + Reference.maxAbsDiff(m, ridge) + " > " + (iteration + cholesky));
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
            // Two eigendecompositions of the same H (the same java eigh, but nothing here relies on that), the same
            // filter F = h/μ: Reference.twoDecompositions with F's slope and size on the spectrum.
            double[][] h = Reference.gram(x);
            double[] gain = Reference.gainBounds(f, Reference.jacobiEigenvalues(h)[0]);
            double tol = Reference.twoDecompositions(h, gain[0], gain[1], Reference.norm2(b));
            assertTrue(Reference.maxAbsDiff(direct, viaSpectral) <= tol, Reference.maxAbsDiff(direct, viaSpectral) + " > " + tol);
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
