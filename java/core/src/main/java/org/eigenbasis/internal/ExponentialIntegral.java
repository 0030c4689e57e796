package org.eigenbasis.internal;

/**
 * The exponential integral E₁(x) = ∫ₓ^∞ e^(−t)/t dt for x &gt; 0, and differences E₁(x₁) − E₁(x₂) without the
 * cancellation of subtracting two values near ln(1/x) when both arguments are small.
 *
 * <p>Method (Abramowitz and Stegun 5.1.11 and 5.1.22): for x ≤ {@value #SERIES_LIMIT} the convergent series
 * E₁(x) = −γ − ln x − Σ_{k≥1} (−x)^k/(k·k!), its parts (γ as a double-double) added with Neumaier's compensated
 * summation until a term falls below 2⁻⁶⁰ of the sum, because near x = 1 the result (0.22) is the small
 * difference of parts of size 0.6–0.8 and plain summation loses up to 16 ulp there; above it the continued fraction
 * e^(−x)·1/(x + 1 − 1²/(x + 3 − 2²/(x + 5 − …))), evaluated from the tail backwards with N = 20 + ⌈160/x⌉ levels.
 * The fraction's truncation error falls like exp(−4√(Nx)) (it is a Stieltjes fraction), so N·x ≥ 160 leaves
 * e^(−50) ≈ 2e-22 relative; the backward evaluation does not accumulate the per-level rounding that a forward
 * (Lentz) product of ~90 factors does near x = 1 (15 ulp). Measured against mpmath (40 digits) on 22,000 points of
 * (1e-300, 60]: see docs/design-notes.md §15. Cost: at most ~25 series terms, or N ≤ 180 divisions (x just
 * above 1; 37 at x = 10).
 */
public final class ExponentialIntegral {
    /** The Euler–Mascheroni constant γ. */
    public static final double EULER_GAMMA = 0.57721566490153286060651209;
    /** γ − EULER_GAMMA: the low part of γ as a double-double. */
    private static final double EULER_GAMMA_LOW = -4.942915152430645e-18;
    /** The series is used up to here, the continued fraction above. */
    static final double SERIES_LIMIT = 1;

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
        if (x == Double.POSITIVE_INFINITY) {
            return 0;
        }
        if (x <= SERIES_LIMIT) {
            return compensatedSeries(x);
        }
        return Math.exp(-x) * continuedFraction(x);
    }

    /**
     * e^x·E₁(x) for x &gt; 0, finite for every large x (≈ 1/x; 0 at +∞): for products e^(a)·E₁(b) without overflow.
     * +∞ at 0, NaN for x &lt; 0 or NaN.
     */
    public static double scaledE1(double x) {
        if (!(x > 0)) {
            return x == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0;
        }
        if (x <= SERIES_LIMIT) {
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

    /**
     * Ein(x₂) − Ein(x₁) for x₁, x₂ &gt; 0, where Ein(x) = ∫₀ˣ (1 − e^(−t))/t dt = γ + ln x + E₁(x) is the entire
     * exponential integral (A&amp;S 5.1.40). Where both are at most 1 it is the series difference
     * Σ_{k≥1} (−1)^(k+1)(x₂^k − x₁^k)/(k·k!), free of logarithms, so a small result (both arguments small) keeps its
     * relative accuracy; elsewhere ln(x₂/x₁) − (E₁(x₁) − E₁(x₂)). NaN if either is not &gt; 0.
     */
    public static double einDifference(double x1, double x2) {
        if (!(x1 > 0) || !(x2 > 0)) {
            return Double.NaN;
        }
        if (x1 <= 1 && x2 <= 1) {
            return seriesTail(x1) - seriesTail(x2);
        }
        return Math.log(x2 / x1) - difference(x1, x2);
    }

    /** −γ − ln x − Σ_{k≥1} (−x)^k/(k·k!) for 0 &lt; x ≤ 1, by Neumaier's compensated summation of the parts. */
    private static double compensatedSeries(double x) {
        double sum = -EULER_GAMMA;
        double carry = -EULER_GAMMA_LOW;
        double part = -Math.log(x);
        double term = 1;   // (−x)^k / k!
        for (int k = 1; k < 60; k++) {
            double next = sum + part;
            carry += Math.abs(sum) >= Math.abs(part) ? (sum - next) + part : (part - next) + sum;
            sum = next;
            term *= -x / k;
            part = -term / k;
            if (Math.abs(part) <= 0x1p-60 * Math.abs(sum)) {
                break;
            }
        }
        return sum + carry;
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

    /** 1/(x + 1 − 1²/(x + 3 − 2²/(x + 5 − …))) = e^x·E₁(x), x &gt; 0.5, from level N = 20 + ⌈160/x⌉ back to 1. */
    private static double continuedFraction(double x) {
        int levels = 20 + (int) Math.ceil(160 / x);
        double tail = 0;
        for (int i = levels; i >= 1; i--) {
            tail = ((double) i * i) / (x + 2 * i + 1 - tail);
        }
        return 1 / (x + 1 - tail);
    }
}
