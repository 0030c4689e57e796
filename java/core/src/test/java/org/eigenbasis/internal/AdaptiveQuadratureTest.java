package org.eigenbasis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Gauss–Kronrod rule's exactness (which also checks its nodes and weights) and the adaptive loop. */
class AdaptiveQuadratureTest {
    /** K15 integrates x^p exactly for p ≤ 22 and G7 for p ≤ 13 (up to a few ulp of the summed terms). */
    @Test
    void ruleIsExactForItsDegrees() {
        for (int p = 0; p <= 22; p++) {
            final int power = p;
            double[] panel = AdaptiveQuadrature.panel(x -> Math.pow(x, power), 0, 1);
            double exact = 1.0 / (p + 1);
            assertEquals(exact, panel[2], 16 * Math.ulp(1.0), "K15, x^" + p);
            if (p <= 13) {
                assertTrue(panel[3] <= 16 * Math.ulp(1.0), "G7 exact for x^" + p + ": " + panel[3]);
            }
        }
        // Degree 14 is beyond G7: its estimate must notice.
        assertTrue(AdaptiveQuadrature.panel(x -> Math.pow(x, 14), -1, 1)[3] > 1e-6);
    }

    @Test
    void adaptiveReachesTheTolerance() {
        AdaptiveQuadrature.Result r = AdaptiveQuadrature.integrate(Math::sqrt, 0, 1, 1e-13, 10_000);
        assertEquals(2.0 / 3, r.value(), 1e-13 * r.absolute());
        assertTrue(r.panels() > 1, "the singular derivative at 0 needs bisection");
        assertTrue(r.error() <= 1e-13 * r.absolute());
    }

    /**
     * A sign-changing integrand, ∫₀⁴ e^(−x)cos 3x dx = (1 + e^(−4)(3 sin 12 − cos 12))/10: the tolerance is held
     * against the estimate of ∫|f| (the scale), which must itself exceed |∫f|.
     */
    @Test
    void signChangingIntegrandStopsRelativeToAbsoluteIntegral() {
        AdaptiveQuadrature.Result r = AdaptiveQuadrature.integrate(x -> Math.exp(-x) * Math.cos(3 * x), 0, 4,
                1e-13, 10_000);
        double exact = (1 + Math.exp(-4) * (3 * Math.sin(12) - Math.cos(12))) / 10;
        assertEquals(exact, r.value(), 1e-13 * r.absolute() + 16 * Math.ulp(exact));
        assertTrue(r.absolute() > Math.abs(r.value()) && r.panels() > 1);
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> AdaptiveQuadrature.integrate(x -> x, 1, 1, 1e-10, 10));
        assertThrows(IllegalArgumentException.class,
                () -> AdaptiveQuadrature.integrate(x -> x, 0, Double.POSITIVE_INFINITY, 1e-10, 10));
        assertThrows(IllegalArgumentException.class, () -> AdaptiveQuadrature.integrate(x -> x, 0, 1, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> AdaptiveQuadrature.integrate(x -> x, 0, 1, 1e-10, 0));
    }
}
