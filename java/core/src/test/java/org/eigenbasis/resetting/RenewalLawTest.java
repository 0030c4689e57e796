package org.eigenbasis.resetting;

import static org.eigenbasis.resetting.ResetFilterTest.assertBad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * Each law's moments, survival function and Laplace transform against its density, written independently here and
 * integrated by {@link Reference#integrate} (relative accuracy {@link Reference#QUADRATURE_ACCURACY}); special
 * functions and the quadrature rules against known values. Tolerances: the law's documented accuracy plus the
 * reference's.
 */
class RenewalLawTest {
    /** Γ(0.4) to 16 digits (its last digit half a unit, 2e-16 relative). */
    private static final double LN_GAMMA_04 = Math.log(2.218159543757688);
    private static final double U = ErrorBounds.unitRoundoff(DType.F64);
    /**
     * The laws' closed-form moments, survival functions and test densities: a few roundings (γ_8), lnΓ's
     * absolute 4e-15 where Weibull's moments go through e^(lnΓ) and the test densities' normalising constants
     * through Γ(0.4), erfc's and Q's "about 1e-14" in the survival functions (SpecialFunctions): 1e-14 relative.
     */
    private static final double LAW_ACCURACY = 1e-14;
    /** RenewalLaw: a Laplace transform without a closed form is quadrature, "relative accuracy about 1e-10". */
    private static final double LAPLACE_QUADRATURE = 1e-10;

    /** A law with its density written independently here, and the kinks of that density. */
    private record Case(RenewalLaw law, DoubleUnaryOperator density, double... kinks) {
    }

    private static List<Case> cases() {
        return List.of(
                new Case(RenewalLaw.gamma(2.5, 0.6), t -> Math.pow(t, 1.5) * Math.exp(-t / 0.6)
                        / (0.75 * Math.sqrt(Math.PI) * Math.pow(0.6, 2.5))),
                new Case(RenewalLaw.gamma(0.4, 2), t -> Math.exp(-0.6 * Math.log(t) - t / 2 - LN_GAMMA_04
                        - 0.4 * Math.log(2))),
                new Case(RenewalLaw.lognormal(0.2, 0.9), t -> Math.exp(-Math.pow(Math.log(t) - 0.2, 2) / (2 * 0.81))
                        / (t * 0.9 * Math.sqrt(2 * Math.PI))),
                new Case(RenewalLaw.weibull(0.7, 1.5), t -> 0.7 / 1.5 * Math.pow(t / 1.5, -0.3)
                        * Math.exp(-Math.pow(t / 1.5, 0.7))),
                new Case(RenewalLaw.weibull(3, 2), t -> 3 / 2.0 * Math.pow(t / 2, 2) * Math.exp(-Math.pow(t / 2, 3))),
                new Case(RenewalLaw.pareto(0.5, 3.5), t -> t < 0.5 ? 0 : 3.5 * Math.pow(0.5, 3.5) / Math.pow(t, 4.5),
                        0.5),
                new Case(RenewalLaw.lomax(2, 3.5), t -> 3.5 / 2 * Math.pow(1 + t / 2, -4.5)),
                new Case(RenewalLaw.uniform(0.5, 2), t -> t < 0.5 || t > 2 ? 0 : 1 / 1.5, 0.5, 2));
    }

    private static double integrate(Case c, DoubleUnaryOperator weight) {
        // From 1e-100: gamma k = 0.4 holds (1e-100)^0.4 = 1e-40 of its mass below the first break.
        return Reference.integrate(t -> c.density.applyAsDouble(t) * weight.applyAsDouble(t), 1e-100, 1e40, c.kinks);
    }

    @Test
    void momentsSurvivalAndLaplaceMatchTheDensity() {
        for (Case c : cases()) {
            RenewalLaw law = c.law;
            // Every ratio below is (law's value)/(brute-force integral): within the law's accuracy plus the reference's.
            double tol = LAW_ACCURACY + Reference.QUADRATURE_ACCURACY;
            assertEquals(1, integrate(c, t -> 1), tol, law.spec() + ": the test density integrates to 1");
            assertEquals(1, law.mean() / integrate(c, t -> t), tol, law.spec() + " mean");
            assertEquals(1, law.secondMoment() / integrate(c, t -> t * t), tol, law.spec() + " E[τ²]");
            for (double t0 : new double[] {0.1, 0.7, 1.9, 6}) {
                double tail = tailIntegral(c, t0);
                if (tail > 1e-300) {
                    assertEquals(1, law.survival(t0) / tail, tol, law.spec() + " survival at " + t0);
                }
            }
            // A closed-form Laplace transform is a few roundings; the others, RenewalLaw's quadrature accuracy.
            double laplaceTol = (law.hasClosedFormLaplace() ? LAW_ACCURACY : LAPLACE_QUADRATURE)
                    + Reference.QUADRATURE_ACCURACY;
            for (double s : new double[] {0.01, 0.3, 2, 20, 200}) {
                double ref = integrate(c, t -> Math.exp(-s * t));
                assertEquals(1, law.laplace(s) / ref, laplaceTol, law.spec() + " Laplace at s = " + s);
            }
            assertEquals(1, law.laplace(0), 0, "E[e^(−0·τ)] = 1 exactly: every law returns 1 at s = 0");
        }
    }

    private static double tailIntegral(Case c, double t0) {
        // ∫_{t0}^∞ f: shift the variable so that t0 is a panel edge.
        return Reference.integrate(u -> c.density.applyAsDouble(t0 + u), 1e-100, 1e40, shift(c.kinks, t0));
    }

    private static double[] shift(double[] kinks, double t0) {
        double[] out = new double[kinks.length];
        for (int i = 0; i < kinks.length; i++) {
            out[i] = kinks[i] - t0;
        }
        return out;
    }

    @Test
    void heavyTailsHaveInfiniteSecondMoments() {
        assertEquals(Double.POSITIVE_INFINITY, RenewalLaw.pareto(1, 2).secondMoment());
        assertEquals(Double.POSITIVE_INFINITY, RenewalLaw.lomax(1, 1.5).secondMoment());
        assertTrue(Double.isFinite(RenewalLaw.pareto(1, 2.01).secondMoment()));
    }

    @Test
    void closedFormLaplaceAndEmpiricalLaw() {
        // Closed form against closed form in double: the same exact value through a few roundings on each side.
        RenewalLaw emp = RenewalLaw.empirical(3, 1, 2);
        // Three exps (1 ulp each), two additions and a division on each side, in another order: ≤ 8 ulp.
        double laplace = (Math.exp(-0.5) + Math.exp(-1) + Math.exp(-1.5)) / 3;
        assertEquals(laplace, emp.laplace(0.5), ErrorBounds.ulps(laplace, 8));
        assertEquals(2, emp.mean(), 0, "(3 + 1 + 2)/3: exact in binary");
        // 9 + 1 + 4 = 14 exact, then one division on each side.
        assertEquals(14 / 3.0, emp.secondMoment(), ErrorBounds.ulps(14 / 3.0, 1));
        assertEquals(2 / 3.0, emp.survival(1), 0, "the count 2 over 3: the same division");
        // The same Math.exp(−7.5) on both sides (s·T = 7.5 exactly): within the 1 ulp Math may differ by.
        assertEquals(Math.exp(-3 * 2.5), RenewalLaw.deterministic(3).laplace(2.5), ErrorBounds.ulps(Math.exp(-7.5), 1));
        // (1 + θs)^(−k) = 2^(−3) = 0.125: exp(−3·log1p(1)) (two 1-ulp functions, a product) against exact pow.
        assertEquals(Math.pow(1 + 0.5 * 2, -3), RenewalLaw.gamma(3, 0.5).laplace(2), ErrorBounds.ulps(0.125, 4));
        // r/(r + s) = 1/4: both operations exact.
        assertEquals(0.25, RenewalLaw.exponential(1).laplace(3), 0);
    }

    @Test
    void specRoundTrips() {
        List<RenewalLaw> laws = List.of(RenewalLaw.exponential(0.25), RenewalLaw.deterministic(3),
                RenewalLaw.gamma(2, 0.1), RenewalLaw.uniform(0, 1.5), RenewalLaw.lognormal(-0.3, 1e-3),
                RenewalLaw.weibull(0.5, 7), RenewalLaw.pareto(1e-12, 1.5), RenewalLaw.lomax(3, 2.25));
        for (RenewalLaw law : laws) {
            assertEquals(law, RenewalLaw.parse(law.spec()), law.spec());
        }
        assertEquals(RenewalLaw.gamma(2, 0.5), RenewalLaw.parse(" Gamma( scale = 0.5 , K=2 ) "));
    }

    @Test
    void badParametersNameTheParameterAndItsRange() {
        assertBad(() -> RenewalLaw.exponential(0), "exp rate", "(0, ∞)");
        assertBad(() -> RenewalLaw.exponential(Double.NaN), "exp rate", "(0, ∞)");
        assertBad(() -> RenewalLaw.deterministic(Double.POSITIVE_INFINITY), "det T", "(0, ∞)");
        assertBad(() -> RenewalLaw.gamma(-1, 1), "gamma k", "(0, ∞)");
        assertBad(() -> RenewalLaw.gamma(1, 0), "gamma scale", "(0, ∞)");
        assertBad(() -> RenewalLaw.uniform(-1, 1), "uniform a", "[0, ∞)");
        assertBad(() -> RenewalLaw.uniform(2, 1), "uniform b", "(a=2, ∞)");
        assertBad(() -> RenewalLaw.lognormal(0, 0), "lognormal sigma", "(0, ∞)");
        assertBad(() -> RenewalLaw.lognormal(Double.NaN, 1), "lognormal mu", "(−∞, ∞)");
        assertBad(() -> RenewalLaw.weibull(0.01, 1), "weibull k", "[0.02, ∞)");
        assertBad(() -> RenewalLaw.pareto(1, 1), "pareto alpha", "(1, ∞)");
        assertBad(() -> RenewalLaw.pareto(0, 2), "pareto xm", "(0, ∞)");
        assertBad(() -> RenewalLaw.lomax(1, 0.5), "lomax alpha", "(1, ∞)");
        assertBad(() -> RenewalLaw.empirical(), "empirical observations", "[1, 2^31)");
        assertBad(() -> RenewalLaw.empirical(1, -2), "empirical observations[1]", "(0, ∞)");
        assertBad(() -> RenewalLaw.parse("cauchy(x=1)"), "unknown name", "exp(rate=R)");
        assertBad(() -> RenewalLaw.parse("gamma(k=2)"), "missing key 'scale'", "[k, scale]");
        assertBad(() -> RenewalLaw.exponential(1).laplace(-1), "s", "[0, ∞)");
    }

    @Test
    void specialFunctionsMatchKnownValues() {
        // lnΓ: SpecialFunctions documents absolute 4e-15 for x < 10 and relative 1e-15 beyond; the references carry
        // their own rounding (ln π: 1 ulp of the log plus ½ of the product; ln Γ(0.4): the log's ulp and the
        // literal's 2e-16 relative).
        double lnSqrtPi = 0.5 * Math.log(Math.PI);
        assertEquals(lnSqrtPi, SpecialFunctions.logGamma(0.5), 4e-15 + ErrorBounds.ulps(lnSqrtPi, 2));
        assertEquals(LN_GAMMA_04, SpecialFunctions.logGamma(0.4), 4e-15 + ErrorBounds.ulps(LN_GAMMA_04, 1) + 2 * U);
        // ln((n − 1)!) as a compensated sum of Math.log(k), each within 1 ulp: its error is at most the sum of those
        // ulps plus one rounding of the total.
        double logFactorial = 0;
        double carry = 0;
        double referenceError = 0;
        for (int n = 1; n <= 170; n++) {
            double documented = n < 10 ? 4e-15 : 1e-15 * logFactorial;
            assertEquals(logFactorial, SpecialFunctions.logGamma(n), documented + referenceError
                    + ErrorBounds.ulps(logFactorial, 1), "lnΓ(" + n + ")");
            double term = Math.log(n) - carry;          // Kahan: the sum's own rounding is carried, not accumulated
            double next = logFactorial + term;
            carry = (next - logFactorial) - term;
            logFactorial = next;
            referenceError += Math.ulp(Math.log(n));
        }
        assertEquals(1, SpecialFunctions.erfc(0), 0, "Q(1/2, 0) = 1 exactly");
        // erfc: SpecialFunctions documents relative 1e-14; in the tail its prefactor e^(−x² + ½·ln x² − lnΓ(½)) also
        // carries the rounding of the exponent, x²·u relative per operation forming it (two), and lnΓ(½)'s absolute
        // 4e-15, as Q's below: 1e-14 + 2x²u + 4e-15. The references are to 20 digits (erfc(0.1): 15 digits, 6e-16
        // relative).
        assertEquals(1, SpecialFunctions.erfc(0.1) / 0.887537083981715, erfcTolerance(0.1) + 6e-16);
        assertEquals(1, SpecialFunctions.erfc(1) / 0.15729920705028513066, erfcTolerance(1));
        assertEquals(1, SpecialFunctions.erfc(-1) / 1.8427007929497148693, erfcTolerance(1));
        assertEquals(1, SpecialFunctions.erfc(3) / 2.2090496998585441373e-5, erfcTolerance(3));
        assertEquals(1, SpecialFunctions.erfc(10) / 2.0884875837625447570e-45, erfcTolerance(10));
        for (double x : new double[] {0.05, 0.5, 2, 10, 50, 300}) {
            // Q(a, x): documented 1e-14 for moderate a, plus the prefactor e^(−x + a·ln x − lnΓ(a)): its exponent
            // rounded in two additions of terms up to x (2x·u) and lnΓ(a)'s absolute 4e-15; the references e^(−x)
            // (1 ulp) and e^(−x)(1 + x + x²/2) (a few roundings): γ_8.
            double tol = 1e-14 + 2 * x * U + 4e-15 + ErrorBounds.gamma(8, DType.F64);
            assertEquals(1, SpecialFunctions.regularizedGammaQ(1, x) / Math.exp(-x), tol, "Q(1, " + x + ")");
            double q3 = Math.exp(-x) * (1 + x + x * x / 2);
            assertEquals(1, SpecialFunctions.regularizedGammaQ(3, x) / q3, tol, "Q(3, " + x + ")");
        }
        assertEquals(1, SpecialFunctions.regularizedGammaQ(2, 0), 0, "Q(a, x ≤ 0) = 1 by definition");
    }

    /**
     * erfc's documented 1e-14 relative plus what its prefactor's exponent carries: the rounding of x² (two
     * operations) and lnΓ(½)'s absolute 4e-15.
     */
    private static double erfcTolerance(double x) {
        return 1e-14 + 2 * x * x * U + 4e-15;
    }

    @Test
    void gaussKronrodRuleIsExactForPolynomials() {
        for (int p = 0; p <= 21; p++) {
            int power = p;
            double got = GaussKronrod.integrate(x -> Math.pow(x, power), new double[] {0, 1}, 1);
            // K15 is exact to degree 22, so only rounding remains: each node is a tabulated abscissa rounded once
            // and shifted by centre ± (half·x) once (2u), which x^p turns into 2p·u, Math.pow adds 1 ulp (2u), and
            // the 15 positive terms' weighted sum (weights rounded once, u) rounds by γ_16: γ_(2p+19) of ∫x^p.
            double exact = 1.0 / (p + 1);
            assertEquals(exact, got, ErrorBounds.gamma(2 * p + 19, DType.F64) * exact, "∫x^" + p);
        }
        double[][] gl = GaussKronrod.legendre(20);
        double sum = 0;
        for (double w : gl[1]) {
            sum += w;
        }
        // Σw = 2 exactly; each weight 2/((1 − z²)P'(z)²) from P' by the three-term recurrence (rounding of order
        // n·u, n = 20) at a Newton root z (converged to |dz| < 1e-16, which moves w by n·|dz| relative), squared:
        // about 3n·u per weight, and a sum of 20 positive terms (γ_19): γ_80 of 2.
        assertEquals(2, sum, 2 * ErrorBounds.gamma(80, DType.F64));
    }
}
