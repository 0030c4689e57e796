package org.eigenbasis.internal;

/**
 * The exponential integral E₁(x) = ∫ₓ^∞ e^(−t)/t dt for x &gt; 0, and differences E₁(x₁) − E₁(x₂) without the
 * cancellation of subtracting two values near ln(1/x) when both arguments are small.
 *
 * <p>Method (Abramowitz and Stegun 5.1.11 and 5.1.22): for x ≤ 1 the convergent series
 * E₁(x) = −γ − ln x − Σ_{k≥1} (−x)^k/(k·k!), summed until a term no longer changes the sum; for x &gt; 1 the continued
 * fraction e^(−x)·1/(x + 1 − 1/(x + 3 − 4/(x + 5 − …))) evaluated by the modified Lentz method to relative 1e-16.
 * Both converge to a few ulp; the series needs at most 20 terms at x = 1, the fraction at most ~40 at x just above 1.
 */
public final class ExponentialIntegral {
    /** The Euler–Mascheroni constant γ. */
    public static final double EULER_GAMMA = 0.57721566490153286060651209;

    private ExponentialIntegral() {
    }

    /** E₁(x) for x &gt; 0 (+∞ at 0, 0 where e^(−x) underflows); NaN for x &lt; 0 or NaN. */
    public static double e1(double x) {
        if (!(x >= 0)) {
            return Double.NaN;
        }
        if (x == 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (x <= 1) {
            return -EULER_GAMMA - Math.log(x) - seriesTail(x);
        }
        return Math.exp(-x) * continuedFraction(x);
    }

    /** e^x·E₁(x) for x &gt; 0, finite for every large x (≈ 1/x): for products e^(a)·E₁(b) without overflow. */
    public static double scaledE1(double x) {
        if (!(x > 0)) {
            return x == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (x <= 1) {
            return Math.exp(x) * e1(x);
        }
        return continuedFraction(x);
    }

    /**
     * E₁(x₁) − E₁(x₂) for x₁, x₂ &gt; 0. Where both are at most 1 the series gives ln(x₂/x₁) − Σ ((−x₁)^k − (−x₂)^k)/(k·k!)
     * directly, so the two logarithms' large common part never cancels; elsewhere the difference of the two values.
     */
    public static double difference(double x1, double x2) {
        if (!(x1 > 0) || !(x2 > 0)) {
            return Double.NaN;
        }
        if (x1 <= 1 && x2 <= 1) {
            return Math.log(x2 / x1) - (seriesTail(x1) - seriesTail(x2));
        }
        return e1(x1) - e1(x2);
    }

    /** Σ_{k≥1} (−x)^k/(k·k!) for 0 &lt; x ≤ 1. */
    private static double seriesTail(double x) {
        double term = 1;   // (−x)^k / k!
        double sum = 0;
        for (int k = 1; k < 60; k++) {
            term *= -x / k;
            double next = sum + term / k;
            if (next == sum) {
                break;
            }
            sum = next;
        }
        return sum;
    }

    /** 1/(x + 1 − 1²/(x + 3 − 2²/(x + 5 − …))) = e^x·E₁(x), x &gt; 1, modified Lentz. */
    private static double continuedFraction(double x) {
        final double tiny = 1e-300;
        double b = x + 1;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 200; i++) {
            double a = -(double) i * i;
            b += 2;
            d = 1 / (a * d + b);
            c = b + a / c;
            double delta = c * d;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return h;
    }
}
