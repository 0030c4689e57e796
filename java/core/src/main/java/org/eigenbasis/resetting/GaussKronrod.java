package org.eigenbasis.resetting;

import java.util.PriorityQueue;
import java.util.function.DoubleUnaryOperator;
import org.eigenbasis.internal.AdaptiveQuadrature;

/**
 * Quadrature rules for the age expectations: adaptive Gauss–Kronrod (7-point Gauss, 15-point Kronrod; Piessens
 * et al., QUADPACK, 1983) on a list of initial panels, and Gauss–Legendre nodes by Newton's method.
 *
 * <p>{@link #integrate} is written for positive integrands: it bisects the panel with the largest |K15 − G7|
 * until the sum of those estimates is below {@code rtol} times the running total (so the error is relative to
 * the integral, whatever its scale), or {@value #MAX_PANELS} panels. |K15 − G7| is the G7 error, far above the
 * K15 error, so the result is usually several digits better than {@code rtol}. Cost 15 evaluations a panel.
 */
final class GaussKronrod {
    static final int MAX_PANELS = 4000;

    private GaussKronrod() {
    }

    /** ∫ f over [breaks[0], breaks[last]], starting from the panels between consecutive breaks. */
    static double integrate(DoubleUnaryOperator f, double[] breaks, double rtol) {
        PriorityQueue<double[]> queue = new PriorityQueue<>((p, q) -> Double.compare(q[3], p[3]));
        double total = 0;
        double error = 0;
        for (int i = 0; i + 1 < breaks.length; i++) {
            if (breaks[i + 1] > breaks[i]) {
                double[] panel = panel(f, breaks[i], breaks[i + 1]);
                queue.add(panel);
                total += panel[2];
                error += panel[3];
            }
        }
        int panels = queue.size();
        while (!queue.isEmpty() && error > rtol * Math.abs(total) && panels < MAX_PANELS) {
            double[] worst = queue.poll();
            double mid = 0.5 * (worst[0] + worst[1]);
            if (!(mid > worst[0] && mid < worst[1])) {
                queue.add(worst);
                break; // cannot split further in double precision
            }
            double[] left = panel(f, worst[0], mid);
            double[] right = panel(f, mid, worst[1]);
            total += left[2] + right[2] - worst[2];
            error += left[3] + right[3] - worst[3];
            queue.add(left);
            queue.add(right);
            panels++;
        }
        // Re-sum for a total free of the running updates' rounding.
        double sum = 0;
        for (double[] p : queue) {
            sum += p[2];
        }
        return sum;
    }

    /** {a, b, K15, |K15 − G7|, …}: the rule is {@link AdaptiveQuadrature#panel}'s. */
    private static double[] panel(DoubleUnaryOperator f, double a, double b) {
        return AdaptiveQuadrature.panel(f, a, b);
    }

    /** Breaks 0, x0·2^j (j = 0, 1, …) up to {@code to}, then steps of at most {@code step} up to {@code to}. */
    static double[] geometricThenLinear(double x0, double to, double step) {
        java.util.ArrayList<Double> out = new java.util.ArrayList<>();
        out.add(0.0);
        double x = Math.min(Math.max(x0, Double.MIN_NORMAL), to);
        while (x < Math.min(1, to)) {
            out.add(x);
            x *= 2;
        }
        double start = out.get(out.size() - 1);
        int n = (int) Math.min(5000, Math.ceil((to - start) / step));
        for (int i = 1; i <= n; i++) {
            out.add(start + (to - start) * i / n);
        }
        if (out.get(out.size() - 1) < to) {
            out.add(to);
        }
        double[] r = new double[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = out.get(i);
        }
        return r;
    }

    /** Breaks from a to b in equal steps of at most {@code step}. */
    static double[] linear(double a, double b, double step) {
        int n = (int) Math.max(1, Math.min(5000, Math.ceil((b - a) / step)));
        double[] r = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            r[i] = a + (b - a) * i / n;
        }
        r[n] = b;
        return r;
    }

    /** Gauss–Legendre nodes (row 0) and weights (row 1) on [−1, 1], by Newton's method on P_n. */
    static double[][] legendre(int n) {
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int iter = 0; iter < 100; iter++) {
                double p0 = 1;
                double p1 = z;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (z * p1 - p0) / (z * z - 1);
                double dz = p1 / dp;
                z -= dz;
                if (Math.abs(dz) < 1e-16) {
                    break;
                }
            }
            double p0 = 1;
            double p1 = z;
            for (int k = 2; k <= n; k++) {
                double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            dp = n * (z * p1 - p0) / (z * z - 1);
            x[i] = -z;
            x[n - 1 - i] = z;
            w[i] = 2 / ((1 - z * z) * dp * dp);
            w[n - 1 - i] = w[i];
        }
        if (n % 2 == 1) {
            x[n / 2] = 0;
        }
        return new double[][] {x, w};
    }
}
