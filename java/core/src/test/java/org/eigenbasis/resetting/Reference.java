package org.eigenbasis.resetting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;

/**
 * Independent references for the resetting tests: high-precision exp, brute-force quadrature, Cholesky. Public
 * (in the core test-jar) for the shared {@link org.eigenbasis.contract.ResetContract}.
 */
public final class Reference {
    static final MathContext MC = new MathContext(60);

    private Reference() {
    }

    /** e^(−x) to 60 digits for x ≥ 0 (series for e^(x/2^k), then squaring; 0 beyond 300). */
    static BigDecimal expNeg(BigDecimal x) {
        if (x.compareTo(BigDecimal.valueOf(300)) > 0) {
            return BigDecimal.ZERO; // below 1e-130: nothing at 60 digits next to the O(1) terms it meets
        }
        int halvings = 0;
        BigDecimal y = x;
        while (y.compareTo(BigDecimal.valueOf(0.01)) > 0) {
            y = y.divide(BigDecimal.valueOf(2), MC);
            halvings++;
        }
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int n = 1; n < 60; n++) {
            term = term.multiply(y, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
        }
        for (int i = 0; i < halvings; i++) {
            sum = sum.multiply(sum, MC);
        }
        return BigDecimal.ONE.divide(sum, MC);
    }

    static BigDecimal big(double x) {
        return new BigDecimal(x);
    }

    /** 20-point Gauss–Legendre nodes and weights, computed here independently of the library. */
    static final double[][] GL = legendre(20);

    private static double[][] legendre(int n) {
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int it = 0; it < 200; it++) {
                double[] pd = legendreAndDerivative(n, z);
                double dz = pd[0] / pd[1];
                z -= dz;
                if (Math.abs(dz) < 1e-17) {
                    break;
                }
            }
            double[] pd = legendreAndDerivative(n, z);
            x[i] = z;
            w[i] = 2 / ((1 - z * z) * pd[1] * pd[1]);
        }
        return new double[][] {x, w};
    }

    private static double[] legendreAndDerivative(int n, double z) {
        double p0 = 1;
        double p1 = z;
        for (int k = 2; k <= n; k++) {
            double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        return new double[] {p1, n * (z * p1 - p0) / (z * z - 1)};
    }

    /**
     * ∫ f(a) da over [0, ∞) by 20-point Gauss–Legendre panels: linear on [0, lo], then geometric panels of ratio
     * 1.2 (width 0.18 in ln a) up to hi, split at the given kinks. Brute force: thousands of panels.
     */
    static double integrate(DoubleUnaryOperator f, double lo, double hi, double... kinks) {
        TreeSet<Double> edges = new TreeSet<>();
        edges.add(0.0);
        for (double a = lo; a < hi; a *= 1.2) {
            edges.add(a);
        }
        edges.add(hi);
        for (double k : kinks) {
            if (k > 0 && k < hi) {
                edges.add(k);
            }
        }
        Double[] e = edges.toArray(new Double[0]);
        double sum = 0;
        for (int p = 0; p + 1 < e.length; p++) {
            double a = e[p];
            double b = e[p + 1];
            double part = 0;
            for (int i = 0; i < GL[0].length; i++) {
                double t = 0.5 * (a + b) + 0.5 * (b - a) * GL[0][i];
                part += GL[1][i] * f.applyAsDouble(t);
            }
            sum += 0.5 * (b - a) * part;
        }
        return sum;
    }

    /** Solves A x = b for symmetric positive definite A by Cholesky. */
    static double[] choleskySolve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** XᵀX of an n × d matrix. */
    public static double[][] gram(double[][] x) {
        int d = x[0].length;
        double[][] h = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i][j] += row[i] * row[j];
                }
            }
        }
        return h;
    }

    /** Xᵀy. */
    public static double[] xty(double[][] x, double[] y) {
        double[] b = new double[x[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int i = 0; i < b.length; i++) {
                b[i] += x[r][i] * y[r];
            }
        }
        return b;
    }

    /** n × d standard normal entries. */
    public static double[][] randomMatrix(Random rnd, int n, int d) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return x;
    }

    /** n standard normal entries. */
    public static double[] randomVector(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /**
     * A batch of regression problems for the batched StationaryMean: x[b] is n × d, y[b] is n × 1, standard
     * normal, drawn item by item (x[b], then y[b]).
     */
    public record RegressionBatch(double[][][] x, double[][][] y) {
        public static RegressionBatch random(Random rnd, int batch, int n, int d) {
            double[][][] xs = new double[batch][][];
            double[][][] ys = new double[batch][n][1];
            for (int b = 0; b < batch; b++) {
                xs[b] = randomMatrix(rnd, n, d);
                for (int i = 0; i < n; i++) {
                    ys[b][i][0] = rnd.nextGaussian();
                }
            }
            return new RegressionBatch(xs, ys);
        }

        /** y[b] as a vector of length n. */
        public double[] yOf(int b) {
            double[] v = new double[y[b].length];
            for (int i = 0; i < v.length; i++) {
                v[i] = y[b][i][0];
            }
            return v;
        }
    }

    /** (H + rI)⁻¹ rhs by Cholesky: the ridge solution for rhs = Xᵀy. */
    public static double[] plusDiagonalSolve(double[][] h, double r, double[] rhs) {
        double[][] a = new double[h.length][];
        for (int i = 0; i < h.length; i++) {
            a[i] = h[i].clone();
            a[i][i] += r;
        }
        return choleskySolve(a, rhs);
    }

    /** max|a − b| / max|b|. */
    public static double maxRelDiff(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / den;
    }

    /** max|m_ij|. */
    public static double maxAbs(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElse(0);
    }
}
