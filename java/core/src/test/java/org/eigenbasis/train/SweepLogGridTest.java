package org.eigenbasis.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * {@link Sweep#logGrid}, the one log grid of the code base: decades come out as the correctly rounded decimal,
 * the ends are the arguments, and the values of the grids the reset and digits experiments use are pinned bit for
 * bit (their reports are compared byte for byte across refactorings).
 */
class SweepLogGridTest {
    @Test
    void decadesAreTheCorrectlyRoundedDecimals() {
        double[] lr = Sweep.logGrid(1e-4, 10, 21);
        double[] decades = {1e-4, 1e-3, 1e-2, 0.1, 1, 10};
        for (int k = 0; k < decades.length; k++) {
            assertEquals(decades[k], lr[4 * k], 0, "decade " + k);
        }
        double[] m = Sweep.logGrid(1e-3, 1e4, 15);
        for (int k = 0; k <= 7; k++) {
            assertEquals(Double.parseDouble("1e" + (k - 3)), m[2 * k], 0, "decade " + k);
        }
        assertArrayEquals(new double[] {0.01, 0.1, 1, 10, 100}, Sweep.logGrid(0.01, 100, 5), 0);
    }

    @Test
    void valuesInUseArePinned() {
        // Half decades of the reset experiment's quick grid and quarter decades of the digits learning rates.
        double[] m = Sweep.logGrid(1e-3, 1e4, 15);
        assertEquals(0.0031622776601683794, m[1], 0);
        assertEquals(3162.2776601683795, m[13], 0);
        double[] lr = Sweep.logGrid(1e-4, 10, 21);
        assertEquals(1.7782794100389227E-4, lr[1], 0);
        assertEquals(0.31622776601683794, lr[14], 0);
        double[] mu = Sweep.logGrid(1e-2, 1e2, 41);
        assertEquals(0.012589254117941675, mu[1], 0);
    }

    @Test
    void endsAreTheArgumentsAndTheGridIncreases() {
        double[] g = Sweep.logGrid(0.3, 7.1, 9);
        assertEquals(0.3, g[0], 0);
        assertEquals(7.1, g[8], 0);
        // Each interior point is 10^x with x = a + (b − a)·i/8 from a = log10(0.3), b = log10(7.1) (1 ulp each, 2u as
        // |a|, |b| < 1), b − a, ·i and the sum: |δx| ≤ 10u. Math.pow adds 1 ulp: the point is within (10·ln 10 + 2)u
        // relative, the ratio of two within twice that plus u, and its log within that plus u (the ends are exact).
        // The reference: 7.1/0.3, the log, /8: within 2u. Together (2·(10·ln 10 + 2) + 4)u ≈ 54u.
        double tol = (2 * (10 * Math.log(10) + 2) + 4) * ErrorBounds.unitRoundoff(DType.F64);
        for (int i = 1; i < g.length; i++) {
            assertTrue(g[i] > g[i - 1], "increasing at " + i);
            assertEquals(Math.log(7.1 / 0.3) / 8, Math.log(g[i] / g[i - 1]), tol, "even in log scale at " + i);
        }
        assertArrayEquals(new double[] {2.5}, Sweep.logGrid(2.5, 2.5, 1), 0);
    }

    @Test
    void badArgumentsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sweep.logGrid(0, 1, 3));
        assertTrue(e.getMessage().startsWith("log grid: [0.0, 1.0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sweep.logGrid(2, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> Sweep.logGrid(1, Double.POSITIVE_INFINITY, 3));
        e = assertThrows(IllegalArgumentException.class, () -> Sweep.logGrid(1, 10, 1));
        assertTrue(e.getMessage().startsWith("points: 1 is outside [2, "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sweep.logGrid(1, 1, 0));
    }
}
