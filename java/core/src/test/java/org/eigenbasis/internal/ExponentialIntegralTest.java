package org.eigenbasis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * E₁ against published values, across its method switch, against quadrature and against its asymptotic series.
 *
 * <p>Tolerances: the series adds −γ (double-double), −ln x and its terms with compensated summation, so what is left
 * is ln x's own rounding (1 ulp of |ln x| ≤ 0.7, about 3 ulp of E₁ ≥ 0.22 near x = 1) and one final rounding; the
 * fraction is e^(−x) (1 ulp) times a backward recurrence whose per-level rounding is damped, not accumulated, and
 * whose truncation is below e^(−50). Hence {@value #ULPS} ulp for a single value.
 */
class ExponentialIntegralTest {
    private static final int ULPS = 8;

    /**
     * E₁ at 0.5, 1, 2, 10 to 20 significant digits. Abramowitz and Stegun, Handbook of Mathematical Functions,
     * Table 5.1 (E₁(x) + ln x for x ≤ 1 and x·eˣ·E₁(x) for x ≥ 1, to 9–10 digits), extended to 20 digits with
     * mpmath.e1 at 30 digits: the first 9 digits agree with the table.
     */
    private static final double[][] PUBLISHED = {
        {0.5, 0.55977359477616081175},
        {1, 0.21938393439552027368},
        {2, 0.048900510708061119567},
        {10, 4.1569689296853242774e-6},
    };

    @Test
    void publishedValues() {
        for (double[] row : PUBLISHED) {
            double got = ExponentialIntegral.e1(row[0]);
            assertTrue(Math.abs(got - row[1]) <= ULPS * Math.ulp(row[1]), "E1(" + row[0] + ") = " + got);
            double scaled = ExponentialIntegral.scaledE1(row[0]);
            assertEquals(Math.exp(row[0]) * row[1], scaled, (ULPS + 2) * Math.ulp(scaled), "scaledE1(" + row[0] + ")");
        }
    }

    /** Both sides of the method switch agree within the error of each plus |E₁'|·ulp. */
    @Test
    void continuousAcrossTheMethodSwitch() {
        double x = ExponentialIntegral.SERIES_LIMIT;
        double below = ExponentialIntegral.e1(x);
        double above = ExponentialIntegral.e1(Math.nextUp(x));
        double slope = Math.exp(-x) / x * Math.ulp(x);   // |E₁'(x)|·ulp(x)
        assertTrue(below >= above, "E1 non-increasing at " + x);
        assertTrue(below - above <= 2 * ULPS * Math.ulp(below) + slope, "jump at " + x + ": " + (below - above));
        double sBelow = ExponentialIntegral.scaledE1(x);
        double sAbove = ExponentialIntegral.scaledE1(Math.nextUp(x));
        assertTrue(Math.abs(sBelow - sAbove) <= 2 * (ULPS + 2) * Math.ulp(sBelow) + Math.ulp(x), "scaled jump at " + x);
    }

    /**
     * E₁(x₁) − E₁(x₂) = ∫_{ln x₁}^{ln x₂} exp(−eˢ) ds by adaptive quadrature to 1e-14 of the integral: agreement to
     * 1e-13 relative, plus for the generic branch (e1 − e1) 2·{@value #ULPS} ulp of E₁(x₁) for its cancellation.
     */
    @Test
    void differenceAgainstQuadrature() {
        double[] xs = {1e-300, 1e-12, 1e-6, 1e-3, 0.1, 0.5, 0.9, 1, 1.5, 3, 10, 40};
        for (double x1 : xs) {
            for (double x2 : xs) {
                if (!(x2 > x1)) {
                    continue;
                }
                AdaptiveQuadrature.Result q = AdaptiveQuadrature.integrate(s -> Math.exp(-Math.exp(s)),
                        Math.log(x1), Math.log(x2), 1e-14, 10_000);
                double got = ExponentialIntegral.difference(x1, x2);
                double tol = 1e-13 * q.value() + 2 * ULPS * Math.ulp(ExponentialIntegral.e1(x1));
                assertEquals(q.value(), got, tol, "E1(" + x1 + ") − E1(" + x2 + ")");
                assertEquals(-got, ExponentialIntegral.difference(x2, x1), tol, "antisymmetric");
            }
        }
        assertEquals(0, ExponentialIntegral.difference(0.25, 0.25));
    }

    /**
     * Ein(x₂) − Ein(x₁) = ∫_{x₁}^{x₂} (1 − e^(−t))/t dt = ∫_{ln x₁}^{ln x₂} −expm1(−eˢ) ds by quadrature to 1e-14;
     * agreement to 1e-13 relative where both arguments are ≤ 1 (the log-free series) and, elsewhere, plus the
     * rounding of ln(x₂/x₁) and of the E₁ difference (a few ulp of ln x₂ and of E₁(x₁)).
     */
    @Test
    void einDifferenceAgainstQuadrature() {
        double[] xs = {1e-300, 1e-12, 1e-6, 1e-3, 0.1, 0.5, 1, 1.5, 3, 10, 40, 1e6};
        for (double x1 : xs) {
            for (double x2 : xs) {
                if (!(x2 > x1)) {
                    continue;
                }
                AdaptiveQuadrature.Result q = AdaptiveQuadrature.integrate(s -> -Math.expm1(-Math.exp(s)),
                        Math.log(x1), Math.log(x2), 1e-14, 10_000);
                double got = ExponentialIntegral.einDifference(x1, x2);
                double tol = 1e-13 * q.value() + (x2 <= 1 ? 0
                        : 4 * Math.ulp(Math.abs(Math.log(x2)) + Math.abs(Math.log(x1)))
                        + 2 * ULPS * Math.ulp(ExponentialIntegral.e1(x1)));
                assertEquals(q.value(), got, tol, "Ein(" + x2 + ") − Ein(" + x1 + ")");
            }
        }
        // Small arguments: Ein(x) = x − x²/4 + O(x³) (the x³ term is 1e-27 here).
        assertEquals(1e-9 - (4e-18 - 1e-18) / 4, ExponentialIntegral.einDifference(1e-9, 2e-9), 1e-24);
        assertTrue(Double.isNaN(ExponentialIntegral.einDifference(-1, 1)));
    }

    /**
     * eˣE₁(x) ~ Σ_{k<n} (−1)^k k!/x^(k+1), an alternating series whose error is below its first omitted term; at
     * x ≥ 50 with n = 20 that term is at most 20!/50²¹ ≈ 5e-18 of 1/x, below an ulp.
     */
    @Test
    void scaledAgainstAsymptoticSeries() {
        for (double x : new double[] {50, 100, 1e3, 1e6, 1e12, 1e100, 1e300}) {
            double sum = 0;
            double term = 1 / x;
            for (int k = 0; k < 20; k++) {
                sum += term;
                term *= -(k + 1) / x;
            }
            double got = ExponentialIntegral.scaledE1(x);
            assertEquals(sum, got, ULPS * Math.ulp(sum), "scaledE1(" + x + ")");
            if (x <= 700) {
                assertEquals(Math.exp(-x) * sum, ExponentialIntegral.e1(x), (ULPS + 2) * Math.ulp(Math.exp(-x) * sum));
            }
        }
    }

    @Test
    void edges() {
        assertTrue(Double.isNaN(ExponentialIntegral.e1(Double.NaN)));
        assertTrue(Double.isNaN(ExponentialIntegral.e1(-1)));
        assertTrue(Double.isNaN(ExponentialIntegral.e1(Double.NEGATIVE_INFINITY)));
        assertEquals(Double.POSITIVE_INFINITY, ExponentialIntegral.e1(0));
        assertEquals(0, ExponentialIntegral.e1(Double.POSITIVE_INFINITY));
        assertEquals(0, ExponentialIntegral.e1(800));   // e^(−800) underflows
        // −γ − ln x dominates at the smallest subnormal: E₁(x) = −γ − ln x + O(x).
        assertEquals(-ExponentialIntegral.EULER_GAMMA - Math.log(Double.MIN_VALUE),
                ExponentialIntegral.e1(Double.MIN_VALUE), 2 * Math.ulp(744.0));
        assertTrue(Double.isNaN(ExponentialIntegral.scaledE1(Double.NaN)));
        assertTrue(Double.isNaN(ExponentialIntegral.scaledE1(-2)));
        assertEquals(Double.POSITIVE_INFINITY, ExponentialIntegral.scaledE1(0));
        assertEquals(0, ExponentialIntegral.scaledE1(Double.POSITIVE_INFINITY));
        assertEquals(1 / Double.MAX_VALUE, ExponentialIntegral.scaledE1(Double.MAX_VALUE), Math.ulp(1 / Double.MAX_VALUE));
        assertTrue(Double.isNaN(ExponentialIntegral.difference(0, 1)));
        assertTrue(Double.isNaN(ExponentialIntegral.difference(1, Double.NaN)));
    }
}
