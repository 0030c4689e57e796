package org.eigenbasis.internal.random;

/**
 * Deterministic elementary functions for the trajectory simulator: exp, expm1 and log written with only +, −, ×,
 * ÷ and bit manipulation, in an operation order that {@code native/src/cpu/det_math.hpp} repeats statement for
 * statement, so the java reference and the cpu backend agree bit for bit (java.lang.Math may use intrinsics whose
 * last bit differs from any C library). Accuracy: within about 1 ulp of the exact result over the whole double
 * range (DetMathTest checks ≤ 2 ulp against {@link Math}), subnormal results included.
 *
 * <p>exp and expm1 reduce x = k·ln2 + r with k = trunc(x/ln2), so |r| &lt; ln2 and r has the sign of x (no
 * cancellation when expm1 reassembles 2^k·expm1(r) + (2^k − 1)); expm1(r) is its Taylor series to degree 16,
 * whose truncation error is below 2^−56 relative. log writes x = 2^k·m with m in [√½, √2), f = m − 1,
 * s = f/(2 + f), and log(m) = f − (f²/2 − s·(f²/2 + R(s²))) with R the atanh series to degree 24 in s.
 */
public final class DetMath {
    public static final double LN2_HI = 0x1.62e42feep-1;
    public static final double LN2_LO = 0x1.a39ef35793c76p-33;
    public static final double LOG2E = 0x1.71547652b82fep0;
    public static final double SQRT2 = 0x1.6a09e667f3bcdp0;
    /** 1.5·2^52: adding it to an integer-valued double of magnitude below 2^51 leaves the integer in the low bits. */
    public static final double SHIFTER = 0x1.8p52;

    // 1/n! for n = 2..16: the tail of the Taylor series of expm1, and (alternating) the series of G.
    public static final double C2 = 0x1.0000000000000p-1;
    public static final double C3 = 0x1.5555555555555p-3;
    public static final double C4 = 0x1.5555555555555p-5;
    public static final double C5 = 0x1.1111111111111p-7;
    public static final double C6 = 0x1.6c16c16c16c17p-10;
    public static final double C7 = 0x1.a01a01a01a01ap-13;
    public static final double C8 = 0x1.a01a01a01a01ap-16;
    public static final double C9 = 0x1.71de3a556c734p-19;
    public static final double C10 = 0x1.27e4fb7789f5cp-22;
    public static final double C11 = 0x1.ae64567f544e4p-26;
    public static final double C12 = 0x1.1eed8eff8d898p-29;
    public static final double C13 = 0x1.6124613a86d09p-33;
    public static final double C14 = 0x1.93974a8c07c9dp-37;
    public static final double C15 = 0x1.ae7f3e733b81fp-41;
    public static final double C16 = 0x1.ae7f3e733b81fp-45;

    // 2/(2n + 1) for n = 1..12: the atanh series of log.
    public static final double L1 = 0x1.5555555555555p-1;
    public static final double L2 = 0x1.999999999999ap-2;
    public static final double L3 = 0x1.2492492492492p-2;
    public static final double L4 = 0x1.c71c71c71c71cp-3;
    public static final double L5 = 0x1.745d1745d1746p-3;
    public static final double L6 = 0x1.3b13b13b13b14p-3;
    public static final double L7 = 0x1.1111111111111p-3;
    public static final double L8 = 0x1.e1e1e1e1e1e1ep-4;
    public static final double L9 = 0x1.af286bca1af28p-4;
    public static final double L10 = 0x1.8618618618618p-4;
    public static final double L11 = 0x1.642c8590b2164p-4;
    public static final double L12 = 0x1.47ae147ae147bp-4;

    /** Below this, x·K(x) = em(x) is x to double precision and K(x) = 1 (its error 2^−61 rounds away). */
    public static final double TINY = 0x1p-60;

    private DetMath() {
    }

    /** 1/v for v &gt; 0, at most Double.MAX_VALUE (v subnormal); 0 for v = 0. */
    public static double inverse(double v) {
        double q = 1 / (v > 0 ? v : 1);
        q = q < Double.MAX_VALUE ? q : Double.MAX_VALUE;
        return v > 0 ? q : 0;
    }

    /**
     * c2 + c3·r + … + c16·r^14 by Estrin's scheme (pairs, then the powers r², r⁴, r⁸; a short dependency chain,
     * which is what bounds the vectorised C++ loops): expm1(r) = r + r²·P(r), and G(y) = P(−y).
     */
    public static double poly(double r) {
        double r2 = r * r;
        double r4 = r2 * r2;
        double r8 = r4 * r4;
        double q0 = C2 + C3 * r;
        double q1 = C4 + C5 * r;
        double q2 = C6 + C7 * r;
        double q3 = C8 + C9 * r;
        double q4 = C10 + C11 * r;
        double q5 = C12 + C13 * r;
        double q6 = C14 + C15 * r;
        double q7 = C16;
        double s0 = q0 + q1 * r2;
        double s1 = q2 + q3 * r2;
        double s2 = q4 + q5 * r2;
        double s3 = q6 + q7 * r2;
        double t0 = s0 + s1 * r4;
        double t1 = s2 + s3 * r4;
        return t0 + t1 * r8;
    }

    /** 2^k for k in [−1022, 1023]. */
    public static double pow2(long k) {
        return Double.longBitsToDouble((k + 1023) << 52);
    }

    /** The integer held by a double of magnitude below 2^51 with integer value. */
    public static long toLong(double integral) {
        return (int) Double.doubleToRawLongBits(integral + SHIFTER);
    }

    /** e^x. */
    public static double exp(double x) {
        double xc = x > 710 ? 710 : x;
        xc = xc < -746 ? -746 : xc;
        double kd = truncate(xc * LOG2E);
        double r = (xc - kd * LN2_HI) - kd * LN2_LO;
        double em = r + (r * r) * poly(r);
        double p = 1 + em;
        long k = toLong(kd);
        long k1 = k >> 1;
        double result = (p * pow2(k1)) * pow2(k - k1);
        return x != x ? x : result;
    }

    /** e^x − 1, accurate relative to the result for small |x|. */
    public static double expm1(double x) {
        double xc = x > 710 ? 710 : x;
        xc = xc < -60 ? -60 : xc;
        double kd = truncate(xc * LOG2E);
        double r = (xc - kd * LN2_HI) - kd * LN2_LO;
        double em = r + (r * r) * poly(r);
        long k = toLong(kd);
        double t = pow2(k > 1023 ? 1023 : k);
        double small = (t - 1) + t * em;
        long k1 = k >> 1;
        double big = ((1 + em) * pow2(k1)) * pow2(k - k1);
        double result = k > 60 ? big : small;
        return x != x || x == 0 ? x : result;
    }

    /** 1 − e^(−x) for x ≥ 0 (−expm1(−x)): the "em" of the simulator spec. */
    public static double em(double x) {
        return -expm1(-x);
    }

    /** Natural logarithm; −∞ at 0, NaN below 0. */
    public static double log(double x) {
        boolean subnormal = x < 0x1p-1022;
        double xs = subnormal ? x * 0x1p54 : x;
        long bits = Double.doubleToRawLongBits(xs);
        long e = ((bits >>> 52) & 0x7ff) - 1023 - (subnormal ? 54 : 0);
        double m = Double.longBitsToDouble((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L);
        boolean high = m > SQRT2;
        m = high ? m * 0.5 : m;
        e = high ? e + 1 : e;
        double f = m - 1;
        double s = f / (2 + f);
        double z = s * s;
        // L1 + L2·z + … + L12·z^11 by Estrin's scheme (see poly)
        double z2 = z * z;
        double z4 = z2 * z2;
        double z8 = z4 * z4;
        double a0 = L1 + L2 * z;
        double a1 = L3 + L4 * z;
        double a2 = L5 + L6 * z;
        double a3 = L7 + L8 * z;
        double a4 = L9 + L10 * z;
        double a5 = L11 + L12 * z;
        double b0 = a0 + a1 * z2;
        double b1 = a2 + a3 * z2;
        double b2 = a4 + a5 * z2;
        double q = (b0 + b1 * z4) + b2 * z8;
        double rr = z * q;
        double hfsq = 0.5 * (f * f);
        double lm = f - (hfsq - s * (hfsq + rr));
        double ed = e;
        double result = ed * LN2_HI + (lm + ed * LN2_LO);
        if (x != x || x == Double.POSITIVE_INFINITY) {
            return x;
        }
        if (x == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return x < 0 ? Double.NaN : result;
    }

    /** K(x) = em(x)/x (K(0) = 1) from em = em(x). */
    public static double kFromEm(double x, double em) {
        return x > 0 ? em / x : 1;
    }

    /** G(y) = (1 − K(y))/y (G(0) = 1/2), from K = K(y): the series P(−y) below 0.5, where 1 − K cancels. */
    public static double g(double y, double k) {
        return y < 0.5 ? poly(-y) : (1 - k) / y;
    }

    private static double truncate(double v) {
        // |v| ≤ 1077 here (or NaN): the cast is exact truncation.
        return v != v ? v : (double) (long) v;
    }
}
