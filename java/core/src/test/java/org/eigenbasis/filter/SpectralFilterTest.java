package org.eigenbasis.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.eigenbasis.testing.ErrorBounds;
import org.junit.jupiter.api.Test;

class SpectralFilterTest {
    /** (1 − e^{−x})/x to 40 digits by its alternating series, for the small x where doubles lose it. */
    private static double exactG(double x) {
        MathContext mc = new MathContext(40);
        BigDecimal bx = new BigDecimal(x);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int k = 1; k < 60; k++) {
            term = term.multiply(bx.negate(), mc).divide(BigDecimal.valueOf(k + 1), mc);
            sum = sum.add(term, mc);
        }
        return sum.doubleValue();
    }

    @Test
    void gradientFlowIsAccurateAsLambdaGoesToZero() {
        double t = 3;
        SpectralFilter f = SpectralFilter.gradientFlow(t);
        assertEquals(t, f.apply(0), 0, "the limit at λ = 0 is t");
        assertEquals(t, f.apply(Double.MIN_VALUE), 0, "a subnormal λ must not give 0/0 or 0");
        for (double lambda : new double[] {1e-300, 1e-20, 1e-9, 3e-5, 1e-4, 0.5, 4, -1e-7, -0.2}) {
            // The filter: x = tλ (½ ulp, moving g by at most its condition |xg'/g| ≤ 1 times that), Math.expm1 (1 ulp)
            // or the Taylor series (truncation below 1e-18, a few ½-ulp steps), the division and t·g (½ ulp each);
            // the 40-digit reference rounded once and multiplied by t once: at most 3.5 ulp apart.
            double expected = t * exactG(t * lambda);
            assertEquals(expected, f.apply(lambda), ErrorBounds.ulps(expected, 4), "λ = " + lambda);
        }
        // e^(−150) is below ½ ulp of 1: −expm1(−150) = 1 and 1 − e^(−150) = 1 exactly; then t·(1/150) (two roundings)
        // against 1/50 (one).
        assertEquals((1 - Math.exp(-t * 50)) / 50, f.apply(50), ErrorBounds.ulps(1.0 / 50, 2));
    }

    @Test
    void builtInFiltersMatchTheirFormulas() {
        assertEquals(0.5, SpectralFilter.inverseRoot(2, 0).apply(4), 0, "1/√4: every step exact");
        // 1/√√x: the square roots and the reciprocal are correctly rounded (u, u/2 + u, and u more: 2.5u relative
        // on the same x = 16.1), Math.pow within 1 ulp (≤ 2u): 4.5u ≤ 5 ulp.
        double root4 = Math.pow(16 + 0.1, -0.25);
        assertEquals(root4, SpectralFilter.inverseRoot(4, 0.1).apply(16), ErrorBounds.ulps(root4, 5));
        // max(−1e-14, 0) + 0.1 is 0.1 itself, and the filter calls the same Math.pow(0.1, −1/3): equal but for the
        // ulp an intrinsic and a library Math.pow may differ by, each within 1 ulp.
        double root3 = Math.pow(0.1, -1 / 3.0);
        assertEquals(root3, SpectralFilter.inverseRoot(3, 0.1).apply(-1e-14), ErrorBounds.ulps(root3, 2),
                "negative rounding noise counts as 0");
        assertEquals(1 / 2.5, SpectralFilter.dampedInverse(0.5).apply(2), 0, "2 + 0.5 is exact: the same quotient");
        // 2 + 0.1 rounds once where the literal 2.1 rounds once (½ ulp of 2.1 each), then the quotient: ≤ 2 ulp.
        assertEquals(2 / 2.1, SpectralFilter.ridge(0.1).apply(2), ErrorBounds.ulps(2 / 2.1, 2));
        assertEquals("ridge(r=0.1)", SpectralFilter.ridge(0.1).describe());
        assertEquals(9.0, SpectralFilter.of("square", l -> l * l).apply(3), 0, "3·3 is exact");
    }

    @Test
    void parametersAreValidatedWithTheirLegalRange() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpectralFilter.ridge(0)).getMessage()
                .startsWith("r: 0.0 is outside (0.0, ∞)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpectralFilter.inverseRoot(-2, 0)).getMessage()
                .startsWith("p: -2.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpectralFilter.inverseRoot(2, -1e-3)).getMessage()
                .startsWith("epsilon: -0.001 is outside [0.0, ∞)"));
        assertThrows(IllegalArgumentException.class, () -> SpectralFilter.dampedInverse(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> SpectralFilter.gradientFlow(Double.POSITIVE_INFINITY));
    }
}
