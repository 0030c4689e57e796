package org.eigenbasis.internal;

/**
 * An adaptive explicit Runge–Kutta 5(4) integrator (Dormand and Prince, J. Comput. Appl. Math. 6, 1980; the
 * tableau and the step-size rule of Hairer, Nørsett and Wanner, Solving ODEs I, §II.4–5) for y' = f(t, y), y ∈ Rⁿ:
 * the reference against which closed-form solutions of the gradient-flow ODEs are checked.
 *
 * <p>Each step advances the 5th-order solution (local extrapolation) and estimates the local error of the embedded
 * 4th-order one, e = h·Σ(b_i − b̂_i)k_i. A step is accepted when max_i |e_i|/(atol + rtol·max(|y_i|, |y_i'|)) ≤ 1;
 * the next step is h·min(5, max(0.2, 0.9·err^(−1/5))). Every accepted |e| (max-norm) is summed into
 * {@link Result#localErrorSum}: for a system whose flow does not expand distances (a gradient flow of a convex
 * loss, say) the global error is at most that sum, because each step's local error is carried forward without
 * growth; the 5th-order value makes the true error usually much smaller. Cost: 6 evaluations of f per step (the
 * 7th is reused, FSAL), O(n) memory. Fails with {@link IllegalStateException} after {@code maxSteps} steps or if a
 * step underflows.
 */
public final class DormandPrince {
    private static final double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private static final double A21 = 1.0 / 5;
    private static final double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private static final double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private static final double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561,
            A54 = -212.0 / 729;
    private static final double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176,
            A65 = -5103.0 / 18656;
    private static final double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784,
            B6 = 11.0 / 84;
    /** b − b̂ (5th minus embedded 4th order weights). */
    private static final double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200,
            E6 = 22.0 / 525, E7 = -1.0 / 40;

    /** The right-hand side: writes f(t, y) into {@code dydt} (same length as y; y must not be modified). */
    @FunctionalInterface
    public interface Derivative {
        void apply(double t, double[] y, double[] dydt);
    }

    /**
     * The state at the end time and the bookkeeping.
     *
     * @param y             y(t₁)
     * @param steps         accepted steps
     * @param rejected      rejected steps
     * @param localErrorSum Σ over accepted steps of the max-norm local error estimate
     */
    public record Result(double[] y, int steps, int rejected, double localErrorSum) {
    }

    private DormandPrince() {
    }

    /** Integrates from (t0, y0) to t1 ≥ t0; y0 is not modified. */
    public static Result integrate(Derivative f, double[] y0, double t0, double t1, double rtol, double atol,
                                   int maxSteps) {
        if (!(t1 >= t0) || !Double.isFinite(t0) || !Double.isFinite(t1)) {
            throw new IllegalArgumentException("t1: " + t1 + " must be finite and ≥ t0 = " + t0);
        }
        if (!(rtol >= 0) || !(atol >= 0) || !(rtol + atol > 0)) {
            throw new IllegalArgumentException("rtol, atol: " + rtol + ", " + atol + " must be ≥ 0, not both 0");
        }
        int n = y0.length;
        double[] y = y0.clone();
        if (t1 == t0) {
            return new Result(y, 0, 0, 0);
        }
        double[] k1 = new double[n], k2 = new double[n], k3 = new double[n], k4 = new double[n];
        double[] k5 = new double[n], k6 = new double[n], k7 = new double[n];
        double[] stage = new double[n];
        double[] next = new double[n];
        f.apply(t0, y, k1);
        double h = initialStep(y, k1, t1 - t0, rtol, atol);
        double t = t0;
        int steps = 0;
        int rejected = 0;
        double errorSum = 0;
        while (t < t1) {
            if (steps + rejected >= maxSteps) {
                throw new IllegalStateException("DormandPrince: " + maxSteps + " steps reached at t = " + t
                        + " of " + t1);
            }
            boolean last = t + h >= t1;
            if (last) {
                h = t1 - t;
            }
            for (int i = 0; i < n; i++) {
                stage[i] = y[i] + h * A21 * k1[i];
            }
            f.apply(t + C2 * h, stage, k2);
            for (int i = 0; i < n; i++) {
                stage[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
            }
            f.apply(t + C3 * h, stage, k3);
            for (int i = 0; i < n; i++) {
                stage[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
            }
            f.apply(t + C4 * h, stage, k4);
            for (int i = 0; i < n; i++) {
                stage[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
            }
            f.apply(t + C5 * h, stage, k5);
            for (int i = 0; i < n; i++) {
                stage[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
            }
            double tNext = last ? t1 : t + h;
            f.apply(tNext, stage, k6);
            for (int i = 0; i < n; i++) {
                next[i] = y[i] + h * (B1 * k1[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i]);
            }
            f.apply(tNext, next, k7);
            double err = 0;
            double errAbs = 0;
            for (int i = 0; i < n; i++) {
                double e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
                double scale = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(next[i]));
                err = Math.max(err, Math.abs(e) / scale);
                errAbs = Math.max(errAbs, Math.abs(e));
            }
            if (!(err <= 1)) {
                rejected++;
                h *= Double.isNaN(err) ? 0.2 : Math.max(0.2, 0.9 * Math.pow(err, -0.2));
                if (!(t + h > t)) {
                    throw new IllegalStateException("DormandPrince: step underflow at t = " + t);
                }
                continue;
            }
            steps++;
            errorSum += errAbs;
            t = tNext;
            System.arraycopy(next, 0, y, 0, n);
            System.arraycopy(k7, 0, k1, 0, n);
            h *= err == 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * Math.pow(err, -0.2)));
        }
        return new Result(y, steps, rejected, errorSum);
    }

    /** h₀ = 0.01·‖y‖/‖f‖ in the scaled max-norm (1e-6 of the span where either is tiny), at most the span. */
    private static double initialStep(double[] y, double[] dydt, double span, double rtol, double atol) {
        double d0 = 0;
        double d1 = 0;
        for (int i = 0; i < y.length; i++) {
            double scale = atol + rtol * Math.abs(y[i]);
            d0 = Math.max(d0, Math.abs(y[i]) / scale);
            d1 = Math.max(d1, Math.abs(dydt[i]) / scale);
        }
        double h = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 * span : 0.01 * d0 / d1;
        return Math.min(h, span);
    }
}
