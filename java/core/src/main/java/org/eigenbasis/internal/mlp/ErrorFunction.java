package org.eigenbasis.internal.mlp;

/**
 * erf, erfc and the standard normal Φ and φ, for the exact gelu z·Φ(z). Java has no {@code Math.erf}.
 *
 * <p>Method: W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
 * 631–637, the three near-minimax rational approximations of that paper (the coefficients below are its published
 * values, the ones of the double-precision table): erf(x) = x·R₁(x²) on |x| ≤ 0.5; erfc(x) = e^(−x²)·R₂(x) on
 * 0.5 &lt; x ≤ 4; erfc(x) = e^(−x²)/x·(1/√π + x⁻²·R₃(x⁻²)) on x &gt; 4; erfc(−x) = 2 − erfc(x), erf(−x) = −erf(x).
 * e^(−x²) is evaluated as e^(−hi)·(1 − lo) with x² = hi + lo split exactly (Dekker's product), so the rounding of
 * x² — relative error u, amplified by x² in e^(−x²) — does not cost the ~x² ulps it otherwise would.
 *
 * <p>Accuracy (ErrorFunctionTest, against 50-digit mpmath values): erf within 2 ulp everywhere, erfc within 4 ulp
 * of its own value for x below 26.5 (where it is normal); erfc(x) = 0 for x ≥ 27.3 where it is below the smallest
 * subnormal. The C++ twin uses std::erf/std::erfc, which are as accurate; the two may differ in the last bits.
 */
public final class ErrorFunction {
    /** 1/√π. */
    static final double INV_SQRT_PI = 0.56418958354775628695;
    /** 1/√(2π), the standard normal density at 0. */
    static final double INV_SQRT_2PI = 0.39894228040143267794;
    /** 1/√2. */
    static final double INV_SQRT2 = 0.70710678118654752440;
    /** Above this erfc(x) is below half the smallest subnormal: erfc(27.3) ≈ 1.5e−325. */
    private static final double ERFC_ZERO = 27.3;

    private static final double A0 = 3.16112374387056560e00;
    private static final double A1 = 1.13864154151050156e02;
    private static final double A2 = 3.77485237685302021e02;
    private static final double A3 = 3.20937758913846947e03;
    private static final double A4 = 1.85777706184603153e-1;
    private static final double B0 = 2.36012909523441209e01;
    private static final double B1 = 2.44024637934444173e02;
    private static final double B2 = 1.28261652607737228e03;
    private static final double B3 = 2.84423683343917062e03;

    private static final double C0 = 5.64188496988670089e-1;
    private static final double C1 = 8.88314979438837594e00;
    private static final double C2 = 6.61191906371416295e01;
    private static final double C3 = 2.98635138197400131e02;
    private static final double C4 = 8.81952221241769090e02;
    private static final double C5 = 1.71204761263407058e03;
    private static final double C6 = 2.05107837782607147e03;
    private static final double C7 = 1.23033935479799725e03;
    private static final double C8 = 2.15311535474403846e-8;
    private static final double D0 = 1.57449261107098347e01;
    private static final double D1 = 1.17693950891312499e02;
    private static final double D2 = 5.37181101862009858e02;
    private static final double D3 = 1.62138957456669019e03;
    private static final double D4 = 3.29079923573345963e03;
    private static final double D5 = 4.36261909014324716e03;
    private static final double D6 = 3.43936767414372164e03;
    private static final double D7 = 1.23033935480374942e03;

    private static final double P0 = 3.05326634961232344e-1;
    private static final double P1 = 3.60344899949804439e-1;
    private static final double P2 = 1.25781726111229246e-1;
    private static final double P3 = 1.60837851487422766e-2;
    private static final double P4 = 6.58749161529837803e-4;
    private static final double P5 = 1.63153871373020978e-2;
    private static final double Q0 = 2.56852019228982242e00;
    private static final double Q1 = 1.87295284992346725e00;
    private static final double Q2 = 5.27905102951428412e-1;
    private static final double Q3 = 6.05183413124413191e-2;
    private static final double Q4 = 2.33520497626869185e-3;

    /** 2^27 + 1: Veltkamp's splitter for 53-bit doubles. */
    private static final double SPLITTER = 134217729.0;

    private ErrorFunction() {
    }

    /** erf(x) = (2/√π)∫₀ˣ e^(−t²) dt; NaN for NaN, ±1 for ±∞. */
    public static double erf(double x) {
        double y = Math.abs(x);
        if (y <= 0.5) {
            return x * small(y * y);
        }
        double r = 1 - erfcPositive(y);
        return x < 0 ? -r : r;
    }

    /** erfc(x) = 1 − erf(x), accurate relative to itself also where it is tiny (x large); 2 at −∞, 0 at +∞. */
    public static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= 0.5) {
            return 1 - x * small(y * y);
        }
        double r = erfcPositive(y);
        return x < 0 ? 2 - r : r;
    }

    /** The standard normal distribution function Φ(z) = erfc(−z/√2)/2, accurate relative to itself in both tails. */
    public static double normalCdf(double z) {
        return 0.5 * erfc(-z * INV_SQRT2);
    }

    /** The standard normal density φ(z) = e^(−z²/2)/√(2π). */
    public static double normalPdf(double z) {
        return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    }

    /** erf(x)/x = R₁(x²) for x² ≤ 0.25. */
    private static double small(double y2) {
        double num = A4 * y2;
        double den = y2;
        num = (num + A0) * y2;
        den = (den + B0) * y2;
        num = (num + A1) * y2;
        den = (den + B1) * y2;
        num = (num + A2) * y2;
        den = (den + B2) * y2;
        return (num + A3) / (den + B3);
    }

    /** erfc(y) for y &gt; 0.5 (NaN stays NaN). */
    private static double erfcPositive(double y) {
        if (y >= ERFC_ZERO) {
            return 0;
        }
        double r;
        if (y <= 4) {
            double num = C8 * y;
            double den = y;
            num = (num + C0) * y;
            den = (den + D0) * y;
            num = (num + C1) * y;
            den = (den + D1) * y;
            num = (num + C2) * y;
            den = (den + D2) * y;
            num = (num + C3) * y;
            den = (den + D3) * y;
            num = (num + C4) * y;
            den = (den + D4) * y;
            num = (num + C5) * y;
            den = (den + D5) * y;
            num = (num + C6) * y;
            den = (den + D6) * y;
            r = (num + C7) / (den + D7);
        } else {
            double w = 1 / (y * y);
            double num = P5 * w;
            double den = w;
            num = (num + P0) * w;
            den = (den + Q0) * w;
            num = (num + P1) * w;
            den = (den + Q1) * w;
            num = (num + P2) * w;
            den = (den + Q2) * w;
            num = (num + P3) * w;
            den = (den + Q3) * w;
            r = w * (num + P4) / (den + Q4);
            r = (INV_SQRT_PI - r) / y;
        }
        return r * expMinusSquare(y);
    }

    /** e^(−y²) for 0.5 &lt; y &lt; 27.3, with y² split exactly into hi + lo (Dekker) so its rounding costs nothing. */
    private static double expMinusSquare(double y) {
        double hi = y * y;
        double t = SPLITTER * y;
        double yh = t - (t - y);
        double yl = y - yh;
        double lo = ((yh * yh - hi) + 2 * yh * yl) + yl * yl;
        return Math.exp(-hi) * (1 - lo);
    }
}
