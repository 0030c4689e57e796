package org.eigenbasis.internal;

/**
 * y ≈ a + p·x by ordinary least squares: the one fit behind the quadrant exponents, the EGOP decay exponent, the
 * emergence-time power law and the LDS's Pearson correlation. Sums in index order, centred first; p = Sxy/Sxx,
 * a = ȳ − p·x̄, p's standard error √(SSR/(n − 2)/Sxx) (NaN for n ≤ 2), the Pearson correlation Sxy/√(Sxx·Syy)
 * (NaN when x or y is constant). Inputs are not checked: callers validate.
 */
public record LeastSquaresLine(double slope, double intercept, double slopeStdError, double correlation) {
    public static LeastSquaresLine fit(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        double slope = sxy / sxx;
        double ssr = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - my - slope * (x[i] - mx);
            ssr += r * r;
        }
        double se = n > 2 ? Math.sqrt(ssr / (n - 2) / sxx) : Double.NaN;
        return new LeastSquaresLine(slope, my - slope * mx, se, sxy / Math.sqrt(sxx * syy));
    }
}
