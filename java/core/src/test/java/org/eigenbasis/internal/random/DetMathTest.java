package org.eigenbasis.internal.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** DetMath against java.lang.Math: at most 2 ulp apart over wide ranges, edges exact. */
class DetMathTest {
    /** Distance in units in the last place, on the ordered integer line of doubles (0 and −0 are 0 apart). */
    static long ulps(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        if (a == b) {
            return 0;
        }
        long x = Double.doubleToLongBits(a);
        long y = Double.doubleToLongBits(b);
        x = x < 0 ? Long.MIN_VALUE - x : x;
        y = y < 0 ? Long.MIN_VALUE - y : y;
        return Math.abs(x - y);
    }

    private static void sweep(String name, DoubleUnaryOperator ours, DoubleUnaryOperator ref, double lo, double hi,
            boolean logScale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long worst = 0;
        double worstAt = Double.NaN;
        for (int i = 0; i < 200_000; i++) {
            double x = logScale ? Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo)))
                    : lo + rng.nextDouble() * (hi - lo);
            long u = ulps(ours.applyAsDouble(x), ref.applyAsDouble(x));
            if (u > worst) {
                worst = u;
                worstAt = x;
            }
        }
        assertTrue(worst <= 2, name + ": " + worst + " ulp at " + worstAt);
    }

    @Test
    void expWithin2Ulp() {
        sweep("exp", DetMath::exp, Math::exp, -745.2, 709.8, false, 1);
        sweep("exp small", DetMath::exp, Math::exp, -1, 1, false, 2);
        sweep("exp tiny", DetMath::exp, Math::exp, 1e-300, 1e-3, true, 3);
        sweep("exp subnormal results", DetMath::exp, Math::exp, -745.1, -708, false, 4);
    }

    @Test
    void expm1Within2Ulp() {
        sweep("expm1", DetMath::expm1, Math::expm1, -80, 709.8, false, 5);
        sweep("expm1 small", DetMath::expm1, Math::expm1, -2, 2, false, 6);
        sweep("expm1 tiny+", DetMath::expm1, Math::expm1, 1e-320, 1, true, 7);
        sweep("expm1 tiny-", x -> DetMath.expm1(-x), x -> Math.expm1(-x), 1e-320, 1, true, 8);
    }

    @Test
    void logWithin2Ulp() {
        sweep("log", DetMath::log, Math::log, 1e-300, 1e300, true, 9);
        sweep("log near 1", DetMath::log, Math::log, 0.5, 2, false, 10);
        sweep("log subnormal", DetMath::log, Math::log, Double.MIN_VALUE, 0x1p-1022, true, 11);
        sweep("log unit interval", DetMath::log, Math::log, 0x1p-53, 1, false, 12);
    }

    @Test
    void edges() {
        assertEquals(1.0, DetMath.exp(0));
        assertEquals(1.0, DetMath.exp(-0.0));
        assertEquals(Double.POSITIVE_INFINITY, DetMath.exp(710));
        assertEquals(Double.POSITIVE_INFINITY, DetMath.exp(Double.POSITIVE_INFINITY));
        assertEquals(0.0, DetMath.exp(-746));
        assertEquals(0.0, DetMath.exp(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(DetMath.exp(Double.NaN)));
        assertEquals(Double.MIN_VALUE, DetMath.exp(-744.44), Double.MIN_VALUE);
        assertEquals(0.0, DetMath.expm1(0));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(DetMath.expm1(-0.0)));
        assertEquals(-1.0, DetMath.expm1(-60));
        assertEquals(-1.0, DetMath.expm1(Double.NEGATIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, DetMath.expm1(710));
        assertTrue(Double.isNaN(DetMath.expm1(Double.NaN)));
        assertEquals(Double.MIN_VALUE, DetMath.expm1(Double.MIN_VALUE));
        assertEquals(0.0, DetMath.log(1));
        assertEquals(Double.NEGATIVE_INFINITY, DetMath.log(0));
        assertEquals(Double.NEGATIVE_INFINITY, DetMath.log(-0.0));
        assertEquals(Double.POSITIVE_INFINITY, DetMath.log(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(DetMath.log(-1)));
        assertTrue(Double.isNaN(DetMath.log(Double.NaN)));
        assertTrue(ulps(DetMath.log(Double.MIN_VALUE), Math.log(Double.MIN_VALUE)) <= 2);
        assertTrue(ulps(DetMath.log(Double.MAX_VALUE), Math.log(Double.MAX_VALUE)) <= 2);
        assertTrue(ulps(DetMath.exp(709.78), Math.exp(709.78)) <= 2);
        for (int k = -1074; k <= 1023; k++) {
            assertTrue(ulps(DetMath.log(Math.scalb(1.0, k)), k * Math.log(2)) <= 2, "log 2^" + k);
        }
    }

    @Test
    void kAndGMatchTheirDefinitions() {
        for (double x : new double[] {0, 1e-300, 1e-9, 0.1, 0.49, 0.5, 0.51, 1, 7, 50, 800}) {
            double k = DetMath.kFromEm(x, DetMath.em(x));
            double refK = x == 0 ? 1 : -Math.expm1(-x) / x;
            assertTrue(ulps(k, refK) <= 3, "K(" + x + ")");
            double g = DetMath.g(x, k);
            // G(x) = (x − 1 + e^(−x))/x²: its alternating series Σ (−x)^n/(n + 2)! (30 terms) up to 1, the direct
            // form above, where it does not cancel.
            double refG;
            if (x <= 1) {
                refG = 0;
                double term = 0.5;
                for (int n = 0; n < 30; n++) {
                    refG += term;
                    term *= -x / (n + 3);
                }
            } else {
                refG = (x - 1 + Math.exp(-x)) / (x * x);
            }
            assertEquals(refG, g, 1e-14 * refG, "G(" + x + ")");
        }
    }
}
