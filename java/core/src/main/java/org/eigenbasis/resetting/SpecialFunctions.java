package org.eigenbasis.resetting;

/**
 * Special functions for the renewal laws and the reset filters, in double precision.
 *
 * <ul>
 *   <li>{@link #logGamma}: recurrence up to x ≥ 10, then the Stirling series to x⁻¹³; absolute error about 4e-15
 *       for x &lt; 10 (where the recurrence subtracts), relative 1e-15 beyond (x &gt; 0).</li>
 *   <li>{@link #regularizedGammaQ}: Q(a, x) = Γ(a, x)/Γ(a) by the power series of P for x &lt; a + 1 and the
 *       Legendre continued fraction (modified Lentz) otherwise; relative accuracy about 1e-14 for moderate a
 *       (the prefactor e^(−x + a ln x − ln Γ(a)) costs about a·ε for large a).</li>
 *   <li>{@link #erfc}: via Q(1/2, x²); relative accuracy about 1e-14, including the far tail.</li>
 *   <li>The kernels of the age expectations: em(x) = 1 − e^(−x), K(x) = em(x)/x, Kh(x) = 1 − K(x),
 *       G(x) = Kh(x)/x, each without cancellation (series for x &lt; 1/2), relative accuracy a few ε for x ≥ 0,
 *       including x = +∞ (K = Kh·0 = G = 0, Kh = 1).</li>
 * </ul>
 */
final class SpecialFunctions {
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    private static final double EPS = 0x1p-53;
    private static final double TINY = 1e-300;
    private static final double SERIES_LIMIT = 0.5;

    private SpecialFunctions() {
    }

    /** ln Γ(x) for x &gt; 0 (NaN otherwise, +∞ at +∞). */
    static double logGamma(double x) {
        if (!(x > 0)) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        double shift = 0;
        double z = x;
        if (z < 10) {
            // ln Γ(x) = ln Γ(x + n) − ln(x(x+1)…(x+n−1)); the product stays far from overflow for n ≤ 10.
            double product = 1;
            while (z < 10) {
                product *= z;
                z += 1;
            }
            shift = Math.log(product);
        }
        double inv = 1 / z;
        double inv2 = inv * inv;
        // Stirling: Σ B_2n / (2n(2n−1) z^(2n−1)), n = 1..7.
        double series = inv * (1.0 / 12 + inv2 * (-1.0 / 360 + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680
                + inv2 * (1.0 / 1188 + inv2 * (-691.0 / 360360 + inv2 * (1.0 / 156)))))));
        return (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + series - shift;
    }

    /** erfc(x) = 1 − erf(x), for every x (NaN gives NaN). */
    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x >= 0) {
            if (x > 27) {
                return 0; // below the smallest subnormal
            }
            return regularizedGammaQ(0.5, x * x);
        }
        if (x < -6) {
            return 2;
        }
        return 1 + regularizedGammaP(0.5, x * x);
    }

    /** Q(a, x) = Γ(a, x)/Γ(a), a &gt; 0; 1 for x ≤ 0. */
    static double regularizedGammaQ(double a, double x) {
        if (!(a > 0) || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x <= 0) {
            return 1;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0;
        }
        if (x < a + 1) {
            return 1 - lowerSeries(a, x);
        }
        return upperFraction(a, x);
    }

    /** P(a, x) = 1 − Q(a, x). */
    static double regularizedGammaP(double a, double x) {
        if (!(a > 0) || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x <= 0) {
            return 0;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 1;
        }
        if (x < a + 1) {
            return lowerSeries(a, x);
        }
        return 1 - upperFraction(a, x);
    }

    private static double prefactor(double a, double x) {
        return Math.exp(-x + a * Math.log(x) - logGamma(a));
    }

    private static double lowerSeries(double a, double x) {
        double term = 1 / a;
        double sum = term;
        for (int n = 1; n < 10_000; n++) {
            term *= x / (a + n);
            sum += term;
            if (term < sum * EPS) {
                break;
            }
        }
        return sum * prefactor(a, x);
    }

    private static double upperFraction(double a, double x) {
        double b = x + 1 - a;
        double c = 1 / TINY;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < TINY) {
                d = TINY;
            }
            c = b + an / c;
            if (Math.abs(c) < TINY) {
                c = TINY;
            }
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) {
                break;
            }
        }
        return h * prefactor(a, x);
    }

    /** em(x) = 1 − e^(−x). */
    static double em(double x) {
        return -Math.expm1(-x);
    }

    /** K(x) = (1 − e^(−x))/x, K(0) = 1, K(∞) = 0. */
    static double k(double x) {
        if (x == 0) {
            return 1;
        }
        return em(x) / x;
    }

    /** Kh(x) = 1 − K(x) = Σ_{n≥1} (−1)^(n+1) xⁿ/(n+1)! for small x. */
    static double kh(double x) {
        if (x < SERIES_LIMIT) {
            return x * g(x);
        }
        return 1 - k(x);
    }

    /** G(x) = Kh(x)/x = (x − 1 + e^(−x))/x², G(0) = 1/2, G(∞) = 0. */
    static double g(double x) {
        if (x < SERIES_LIMIT) {
            // Σ_{n≥0} (−x)ⁿ/(n+2)!, alternating with ratio below 1/4: 24 terms reach ε.
            double term = 0.5;
            double sum = term;
            for (int n = 1; n < 24; n++) {
                term *= -x / (n + 2);
                sum += term;
            }
            return sum;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0;
        }
        return (1 - k(x)) / x;
    }
}
