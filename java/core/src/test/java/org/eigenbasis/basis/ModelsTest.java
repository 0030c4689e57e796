package org.eigenbasis.basis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * The two models' gradients against central differences of their losses, and their Gauss–Newton matrices against
 * plain loops. Tolerances: a central difference of step h errs by h²/6·|f'''| (truncation, bounded here through the
 * difference between steps h and 2h) plus ε|f|/h (rounding); a Gram entry by Higham's γ_n·Σ|terms|.
 */
class ModelsTest {
    private static final Backend JAVA = Backends.select("java");

    private static double[][] design(Random r, int n, int d) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Random r = new Random(1);
        int n = 30;
        int d = 5;
        double[][] x = design(r, n, d);
        double[] y = new double[n];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextGaussian();
            labels[i] = r.nextBoolean() ? 1 : 0;
        }
        double[] theta = new double[d];
        for (int j = 0; j < d; j++) {
            theta[j] = 0.5 * r.nextGaussian();
        }
        LinearRegression lin = new LinearRegression(x, y);
        LogisticRegression log = new LogisticRegression(x, labels);
        check(lin::loss, lin.gradient(theta), theta);
        check(log::loss, log.gradient(theta), theta);
    }

    private static void check(java.util.function.ToDoubleFunction<double[]> f, double[] g, double[] theta) {
        double h = 1e-4;
        for (int j = 0; j < theta.length; j++) {
            double d1 = difference(f, theta, j, h);
            double d2 = difference(f, theta, j, 2 * h);
            double rounding = 4 * ErrorBounds.unitRoundoff(DType.F64) * Math.abs(f.applyAsDouble(theta)) / h;
            double tol = Math.abs(d1 - d2) + rounding + ErrorBounds.ulps(g[j], 64);
            assertEquals(d1, g[j], tol, "gradient entry " + j);
        }
    }

    private static double difference(java.util.function.ToDoubleFunction<double[]> f, double[] theta, int j, double h) {
        double[] p = theta.clone();
        double[] m = theta.clone();
        p[j] += h;
        m[j] -= h;
        return (f.applyAsDouble(p) - f.applyAsDouble(m)) / (2 * h);
    }

    @Test
    void gaussNewtonMatricesMatchPlainLoops() {
        Random r = new Random(2);
        int n = 40;
        int d = 6;
        double[][] x = design(r, n, d);
        double[] theta = new double[d];
        for (int j = 0; j < d; j++) {
            theta[j] = r.nextGaussian();
        }
        double[][] lin = GaussNewton.linearRegression(x, JAVA);
        double[][] log = GaussNewton.logisticRegression(x, theta, JAVA);
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double sl = 0;
                double ss = 0;
                double scale = 0;
                for (int i = 0; i < n; i++) {
                    double z = 0;
                    for (int j = 0; j < d; j++) {
                        z += x[i][j] * theta[j];
                    }
                    double s = 1 / (1 + Math.exp(-z));
                    sl += x[i][a] * x[i][b] / n;
                    ss += s * (1 - s) * x[i][a] * x[i][b] / n;
                    scale += Math.abs(x[i][a] * x[i][b]) / n;
                }
                // the logistic weights s(1-s) are themselves rounded (exp, division, a square root of the weight)
                double tol = ErrorBounds.gamma(n + 8, DType.F64) * scale;
                assertEquals(sl, lin[a][b], tol, "linear G[" + a + "][" + b + "]");
                assertEquals(ss, log[a][b], tol, "logistic G[" + a + "][" + b + "]");
            }
        }
    }
}
