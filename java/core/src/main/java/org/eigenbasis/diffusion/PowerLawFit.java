package org.eigenbasis.diffusion;

import java.util.Objects;
import org.eigenbasis.internal.LeastSquaresLine;

/**
 * The power law τ* ∝ λ^(−α) of emergence times: ordinary least squares of y = ln τ* on x = ln λ over the modes,
 * slope b, α = −b. The interval is the <b>95 % Student-t interval of the OLS slope</b>, α ± t_(0.975, n−2)·se,
 * se² = (Σ residual²/(n − 2))/Σ(x − x̄)². It treats the modes as noisy observations of a straight line; here the
 * "noise" is the curvature of ln τ* in ln λ (the closed forms are exact), so the interval measures how straight the
 * law is over the fitted range, not a sampling error. O(n).
 *
 * @param alpha        the fitted exponent α = −slope
 * @param lower        lower end of the 95 % interval of α
 * @param upper        upper end
 * @param intercept    ln τ* at λ = 1 on the fitted line
 * @param standardError the standard error se of the slope
 * @param modes        the number n of modes fitted (≥ 3)
 */
public record PowerLawFit(double alpha, double lower, double upper, double intercept, double standardError,
        int modes) {
    /**
     * Fits the emerged modes with λ in [lambdaMin, lambdaMax] (and λ &gt; 0).
     *
     * @throws IllegalArgumentException naming the range when fewer than 3 modes qualify, or when their λ are all
     *                                  equal (no slope), or a bad range
     */
    public static PowerLawFit of(EmergenceTimes.Mode[] modes, double lambdaMin, double lambdaMax) {
        Objects.requireNonNull(modes, "modes");
        if (!(lambdaMin >= 0) || !(lambdaMax >= lambdaMin) || Double.isNaN(lambdaMax)) {
            throw new IllegalArgumentException("lambda range: [" + lambdaMin + ", " + lambdaMax
                    + "] is not an interval within [0, ∞]");
        }
        int n = 0;
        for (EmergenceTimes.Mode m : modes) {
            if (qualifies(m, lambdaMin, lambdaMax)) {
                n++;
            }
        }
        double[] lambda = new double[n];
        double[] tau = new double[n];
        int i = 0;
        for (EmergenceTimes.Mode m : modes) {
            if (qualifies(m, lambdaMin, lambdaMax)) {
                lambda[i] = m.lambda();
                tau[i++] = m.time();
            }
        }
        if (n < 3) {
            throw new IllegalArgumentException("modes: " + n + " emerged modes with lambda in [" + lambdaMin + ", "
                    + lambdaMax + "], need at least 3 for a slope and its interval");
        }
        return of(lambda, tau);
    }

    /** Fits every emerged mode with λ &gt; {@code spectrum.roundingFloor()} (λ at rounding level carry no law). */
    public static PowerLawFit of(EmergenceTimes.Mode[] modes, Spectrum spectrum) {
        return of(modes, Math.nextUp(spectrum.roundingFloor()), Double.POSITIVE_INFINITY);
    }

    /**
     * Fits ln τ against ln λ for n ≥ 3 pairs, every λ and τ finite and &gt; 0.
     *
     * @throws IllegalArgumentException naming the first bad index, a length mismatch, or all-equal λ
     */
    public static PowerLawFit of(double[] lambda, double[] tau) {
        Objects.requireNonNull(lambda, "lambda");
        Objects.requireNonNull(tau, "tau");
        if (lambda.length != tau.length) {
            throw new IllegalArgumentException("tau: length " + tau.length + " differs from lambda's " + lambda.length);
        }
        int n = lambda.length;
        if (n < 3) {
            throw new IllegalArgumentException("lambda: " + n + " modes, need at least 3");
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            positive("lambda", i, lambda[i]);
            positive("tau", i, tau[i]);
            x[i] = Math.log(lambda[i]);
            y[i] = Math.log(tau[i]);
        }
        LeastSquaresLine line = LeastSquaresLine.fit(x, y);
        if (!Double.isFinite(line.slope())) {   // Sxx = 0
            throw new IllegalArgumentException("lambda: all " + n + " values are equal; no slope to fit");
        }
        double slope = line.slope();
        double intercept = line.intercept();
        double se = line.slopeStdError();
        double half = StudentT.quantile(0.975, n - 2) * se;
        return new PowerLawFit(-slope, -slope - half, -slope + half, intercept, se, n);
    }

    private static boolean qualifies(EmergenceTimes.Mode m, double lo, double hi) {
        return m.emerged() && m.lambda() > 0 && m.lambda() >= lo && m.lambda() <= hi && m.time() > 0;
    }

    private static void positive(String name, int i, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + "[" + i + "]: " + v + " is outside (0, ∞) (finite)");
        }
    }
}
