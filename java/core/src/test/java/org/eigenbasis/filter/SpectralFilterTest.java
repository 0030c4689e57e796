package org.eigenbasis.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
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
            double expected = t * exactG(t * lambda);
            assertEquals(expected, f.apply(lambda), 4 * Math.ulp(expected), "λ = " + lambda);
        }
        assertEquals((1 - Math.exp(-t * 50)) / 50, f.apply(50), 1e-16);
    }

    @Test
    void builtInFiltersMatchTheirFormulas() {
        assertEquals(0.5, SpectralFilter.inverseRoot(2, 0).apply(4), 0);
        assertEquals(Math.pow(16 + 0.1, -0.25), SpectralFilter.inverseRoot(4, 0.1).apply(16), 1e-16);
        assertEquals(Math.pow(0.1, -1 / 3.0), SpectralFilter.inverseRoot(3, 0.1).apply(-1e-14), 1e-15,
                "negative rounding noise counts as 0");
        assertEquals(1 / 2.5, SpectralFilter.dampedInverse(0.5).apply(2), 0);
        assertEquals(2 / 2.1, SpectralFilter.ridge(0.1).apply(2), 1e-16);
        assertEquals("ridge(r=0.1)", SpectralFilter.ridge(0.1).describe());
        assertEquals(9.0, SpectralFilter.of("square", l -> l * l).apply(3));
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
