package org.eigenbasis.resetting;

import static org.eigenbasis.resetting.ResetFilterTest.assertBad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class RenewalLawTest {
    private static final double LN_GAMMA_04 = Math.log(2.218159543757688);

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
        return Reference.integrate(t -> c.density.applyAsDouble(t) * weight.applyAsDouble(t), 1e-30, 1e40, c.kinks);
    }

    @Test
    void momentsSurvivalAndLaplaceMatchTheDensity() {
        for (Case c : cases()) {
            RenewalLaw law = c.law;
            assertEquals(1, integrate(c, t -> 1), 1e-10, law.spec() + ": the test density integrates to 1");
            assertEquals(1, law.mean() / integrate(c, t -> t), 1e-10, law.spec() + " mean");
            assertEquals(1, law.secondMoment() / integrate(c, t -> t * t), 1e-10, law.spec() + " E[τ²]");
            for (double t0 : new double[] {0.1, 0.7, 1.9, 6}) {
                double tail = tailIntegral(c, t0);
                if (tail > 1e-300) {
                    assertEquals(1, law.survival(t0) / tail, 1e-9, law.spec() + " survival at " + t0);
                }
            }
            for (double s : new double[] {0.01, 0.3, 2, 20, 200}) {
                double ref = integrate(c, t -> Math.exp(-s * t));
                assertEquals(1, law.laplace(s) / ref, 1e-9, law.spec() + " Laplace at s = " + s);
            }
            assertEquals(1, law.laplace(0), 0);
        }
    }

    private static double tailIntegral(Case c, double t0) {
        // ∫_{t0}^∞ f: shift the variable so that t0 is a panel edge.
        return Reference.integrate(u -> c.density.applyAsDouble(t0 + u), 1e-30, 1e40, shift(c.kinks, t0));
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
        RenewalLaw emp = RenewalLaw.empirical(3, 1, 2);
        assertEquals((Math.exp(-0.5) + Math.exp(-1) + Math.exp(-1.5)) / 3, emp.laplace(0.5), 1e-16);
        assertEquals(2, emp.mean(), 0);
        assertEquals(14 / 3.0, emp.secondMoment(), 1e-15);
        assertEquals(2 / 3.0, emp.survival(1), 0);
        assertEquals(Math.exp(-3 * 2.5), RenewalLaw.deterministic(3).laplace(2.5), 1e-18);
        assertEquals(Math.pow(1 + 0.5 * 2, -3), RenewalLaw.gamma(3, 0.5).laplace(2), 1e-16);
        assertEquals(0.25, RenewalLaw.exponential(1).laplace(3), 1e-16);
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
        assertEquals(0.5 * Math.log(Math.PI), SpecialFunctions.logGamma(0.5), 4e-15);
        assertEquals(LN_GAMMA_04, SpecialFunctions.logGamma(0.4), 4e-15);
        double logFactorial = 0;
        for (int n = 1; n <= 170; n++) {
            assertEquals(logFactorial, SpecialFunctions.logGamma(n), 4e-15 * Math.max(1, logFactorial), "lnΓ(" + n + ")");
            logFactorial += Math.log(n);
        }
        assertEquals(1, SpecialFunctions.erfc(0), 0);
        assertEquals(0.887537083981715, SpecialFunctions.erfc(0.1), 1e-15);
        assertEquals(1, SpecialFunctions.erfc(1) / 0.15729920705028513066, 1e-14);
        assertEquals(1, SpecialFunctions.erfc(-1) / 1.8427007929497148693, 1e-14);
        assertEquals(1, SpecialFunctions.erfc(3) / 2.2090496998585441373e-5, 1e-13);
        assertEquals(1, SpecialFunctions.erfc(10) / 2.0884875837625447570e-45, 1e-13);
        for (double x : new double[] {0.05, 0.5, 2, 10, 50, 300}) {
            assertEquals(1, SpecialFunctions.regularizedGammaQ(1, x) / Math.exp(-x), 1e-13, "Q(1, " + x + ")");
            double q3 = Math.exp(-x) * (1 + x + x * x / 2);
            assertEquals(1, SpecialFunctions.regularizedGammaQ(3, x) / q3, 1e-13, "Q(3, " + x + ")");
        }
        assertEquals(1, SpecialFunctions.regularizedGammaQ(2, 0), 0);
    }

    @Test
    void gaussKronrodRuleIsExactForPolynomials() {
        for (int p = 0; p <= 21; p++) {
            int power = p;
            double got = GaussKronrod.integrate(x -> Math.pow(x, power), new double[] {0, 1}, 1);
            assertEquals(1.0 / (p + 1), got, 1e-15, "∫x^" + p);
        }
        double[][] gl = GaussKronrod.legendre(20);
        double sum = 0;
        for (double w : gl[1]) {
            sum += w;
        }
        assertEquals(2, sum, 1e-14);
    }
}
