package org.eigenbasis.internal.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * DetMath against java.lang.Math: at most 2 ulp apart over wide ranges (DetMath is within about 1 ulp of the exact
 * result, its Javadoc; Math within 1 ulp, its specification: 2 by the triangle inequality), edges exact.
 */
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
        // e^(−744.44) ≈ 0.9·MIN_VALUE: among the subnormals one ulp is MIN_VALUE itself.
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
        // The reference k·ln 2 from the correctly rounded ln 2 (relative error ≤ u, ≤ ¾ ulp of k·ln 2 whatever its
        // binade) and one product (½ ulp): within 1.25 ulp of the exact value, DetMath within about 1: 3 ulp.
        double ln2 = 0x1.62e42fefa39efp-1;
        for (int k = -1074; k <= 1023; k++) {
            assertTrue(ulps(DetMath.log(Math.scalb(1.0, k)), k * ln2) <= 3, "log 2^" + k);
        }
    }

    @Test
    void kAndGMatchTheirDefinitions() {
        for (double x : new double[] {0, 1e-300, 1e-9, 0.1, 0.49, 0.5, 0.51, 1, 7, 50, 800}) {
            double k = DetMath.kFromEm(x, DetMath.em(x));
            double refK = x == 0 ? 1 : -Math.expm1(-x) / x;
            // em within about 1 ulp and Math.expm1 within 1, one division each: 3 ulp apart at most.
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
            // DetMath's G: below 1/2 the degree-14 series (truncation below y^15/17! < 1e-19), a few u; above, (1 − K)/y
            // with K's 3 ulp (6u) amplified by K/(1 − K) ≤ 3.7 (at y = 1/2), plus 2u: about 24u. The reference: an
            // alternating series whose terms sum to at most twice G (G ≥ e^(−1) for x ≤ 1), γ_30 of 2G, or
            // (x − 1 + e^(−x))/x² with terms at most 4/3 of the result (x ≥ 7 here), γ_4·4/3: at most 60u.
            assertEquals(refG, g, ErrorBounds.gamma(84, DType.F64) * refG, "G(" + x + ")");
        }
    }
}
