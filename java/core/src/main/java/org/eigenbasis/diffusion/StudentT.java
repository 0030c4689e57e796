package org.eigenbasis.diffusion;

/**
 * Student's t distribution with ν degrees of freedom: the upper tail P(T &gt; t) = ½·I_(ν/(ν + t²))(ν/2, ½) through
 * the regularized incomplete beta function (its continued fraction, evaluated by the modified Lentz method), and
 * quantiles by bisection on that tail. Package-private: {@link PowerLawFit}'s interval is its only user.
 */
final class StudentT {
    private static final double TINY = 1e-300;

    private StudentT() {
    }

    /** The q-quantile, q in (½, 1), ν ≥ 1: the t with P(T ≤ t) = q, to about 1e-13 relative. */
    static double quantile(double q, double nu) {
        if (!(q > 0.5 && q < 1)) {
            throw new IllegalArgumentException("q: " + q + " is outside (0.5, 1)");
        }
        if (!(nu >= 1) || !Double.isFinite(nu)) {
            throw new IllegalArgumentException("nu: " + nu + " is outside [1, ∞) (finite)");
        }
        double target = 1 - q;
        double lo = 0;
        double hi = 1;
        while (upperTail(hi, nu) > target) {
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (upperTail(mid, nu) > target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** P(T &gt; t) for t ≥ 0. */
    static double upperTail(double t, double nu) {
        return 0.5 * regularizedBeta(nu / (nu + t * t), 0.5 * nu, 0.5);
    }

    /** I_x(a, b) for x in [0, 1], a, b &gt; 0. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - regularizedBeta(1 - x, b, a);
        }
        double logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b) - Math.log(a);
        return Math.exp(logFront) * continuedFraction(x, a, b);
    }

    /** 1/(1 + d₁/(1 + d₂/(1 + …))) with the incomplete beta's coefficients, by modified Lentz. */
    private static double continuedFraction(double x, double a, double b) {
        double c = 1;
        double d = 1 / nonZero(1 - (a + b) * x / (a + 1));
        double f = d;
        for (int m = 1; m <= 10_000; m++) {
            double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 / nonZero(1 + even * d);
            c = nonZero(1 + even / c);
            f *= c * d;
            double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 / nonZero(1 + odd * d);
            c = nonZero(1 + odd / c);
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) <= 1e-16) {
                return f;
            }
        }
        return f;
    }

    private static double nonZero(double v) {
        return Math.abs(v) < TINY ? TINY : v;
    }

    static double logBeta(double a, double b) {
        return logGamma(a) + logGamma(b) - logGamma(a + b);
    }

    /**
     * ln Γ(x), x &gt; 0: Stirling's series (4 terms, the next ≤ 1/(1188·20⁹) ≈ 2e-15) at x + n ≥ 20, shifted down by
     * ln Γ(x) = ln Γ(x + n) − ln(x(x+1)…(x+n−1)).
     */
    static double logGamma(double x) {
        double shift = 0;
        while (x < 20) {
            shift += Math.log(x);
            x += 1;
        }
        double inv = 1 / x;
        double inv2 = inv * inv;
        double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680))));
        return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
    }
}
