package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;
import org.eigenbasis.value.MlpArchitecture.Activation;
import org.eigenbasis.value.MlpArchitecture.Loss;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MLP kernels ({@link MlpKernel}) on every backend, against a small model written here from the Javadoc of
 * {@link MlpKernel} and {@link MlpArchitecture} (plain loops, one example at a time; gelu from an erf written here
 * too), so that the contract needs nothing of the library's own model code:
 *
 * <ul>
 *   <li>Hessian-vector products against central differences of this file's gradient, for every activation and
 *       loss; symmetry vᵀHw = wᵀHv; linearity in v; sizes: one example, one output unit, a one-layer net, k = 0, 1
 *       and a vector count across the blocks a native kernel uses (17).</li>
 *   <li>One full-batch step at lr = 1 and momentum 0 moves θ by exactly −∇L: the trainer's gradient against this
 *       file's for every activation and loss.</li>
 *   <li>Training against a hand-stepped run: one linear layer, identity, squared loss (the gradient in closed
 *       form), 2 epochs of 5 rows in batches of 3 (a partial batch), momentum 0.9 and the cosine schedule.</li>
 *   <li>Job independence: each job's result is the same bits whether it is trained alone or beside others.</li>
 *   <li>Parity with the java reference (skipped while the reference is a scaffold).</li>
 * </ul>
 *
 * Tolerances (each derived where it is used): sums of K products carry Higham's γ_K·Σ|terms| (ErrorBounds, Higham
 * §3.1, eq. 3.5); central differences carry a truncation error O(h²), estimated by Richardson from the step 2h
 * (D(2h) − D(h) = 3·c·h² + O(h⁴)), and a rounding error of (error of the gradient)/h.
 */
public abstract class MlpContract extends BackendContract {
    private static final DType F64 = DType.F64;

    private MlpKernel kernel() {
        return backend().mlp();
    }

    // ---- the contract's own model ------------------------------------------------------------------------------

    /** erf(x): Kummer's series of positive terms for |x| < 3 (no cancellation), the continued fraction of erfc beyond. */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            // erf(a) = (2/√π) e^(−a²) Σ 2^n a^(2n+1) / (1·3·…·(2n+1))
            double term = a;
            double sum = a;
            for (int n = 1; n < 200 && term > 1e-18 * sum; n++) {
                term *= 2 * a * a / (2 * n + 1);
                sum += term;
            }
            r = 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
        } else {
            r = 1 - erfcLarge(a);
        }
        return x < 0 ? -r : r;
    }

    /** erfc(a) for a ≥ 3: e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated bottom-up. */
    static double erfcLarge(double a) {
        double f = a;
        for (int k = 120; k >= 1; k--) {
            f = a + (k / 2.0) / f;
        }
        return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
    }

    /** Φ(z), relatively accurate in the lower tail. */
    static double cdf(double z) {
        double x = z / Math.sqrt(2);
        if (x <= -3) {
            return 0.5 * erfcLarge(-x);
        }
        return 0.5 * (1 + erf(x));
    }

    static double pdf(double z) {
        return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    }

    /** σ(z), σ'(z). relu'(0) = 0 (PyTorch's). */
    static double[] activation(Activation act, double z) {
        switch (act) {
            case GELU:
                return new double[] {z * cdf(z), cdf(z) + z * pdf(z)};
            case RELU:
                return new double[] {z > 0 ? z : 0, z > 0 ? 1 : 0};
            case TANH: {
                double t = Math.tanh(z);
                return new double[] {t, 1 - t * t};
            }
            default:
                return new double[] {z, 1};
        }
    }

    /**
     * The mean-loss gradient over the rows {@code rows} (each row once) by backpropagation one example at a time;
     * {@code abs[i]} receives the mean over the rows of |per-example gradient_i| (the scale of the rounding bound).
     */
    static double[] gradient(MlpArchitecture a, double[] theta, double[] x, double[] y, int[] rows, double[] abs) {
        int layers = a.depth();
        int p = a.parameterCount();
        double[] grad = new double[p];
        double[] per = new double[p];
        if (abs != null) {
            java.util.Arrays.fill(abs, 0);
        }
        for (int row : rows) {
            java.util.Arrays.fill(per, 0);
            double[][] acts = new double[layers][];
            double[][] slopes = new double[layers][];
            double[] h = java.util.Arrays.copyOfRange(x, row * a.inputs(), (row + 1) * a.inputs());
            double[] z = null;
            for (int l = 0; l < layers; l++) {
                acts[l] = h;
                int din = a.width(l);
                int dout = a.width(l + 1);
                z = new double[dout];
                for (int o = 0; o < dout; o++) {
                    double s = theta[a.biasOffset(l) + o];
                    for (int i = 0; i < din; i++) {
                        s += theta[a.weightOffset(l) + o * din + i] * h[i];
                    }
                    z[o] = s;
                }
                if (l + 1 < layers) {
                    h = new double[dout];
                    slopes[l] = new double[dout];
                    for (int o = 0; o < dout; o++) {
                        double[] s = activation(a.activation(), z[o]);
                        h[o] = s[0];
                        slopes[l][o] = s[1];
                    }
                }
            }
            int c = a.outputs();
            double[] g = new double[c];
            if (a.loss() == Loss.SQUARED) {
                for (int o = 0; o < c; o++) {
                    g[o] = z[o] - y[row * c + o];
                }
            } else {
                double m = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    m = Math.max(m, v);
                }
                double s = 0;
                for (int o = 0; o < c; o++) {
                    g[o] = Math.exp(z[o] - m);
                    s += g[o];
                }
                for (int o = 0; o < c; o++) {
                    g[o] /= s;
                }
                g[(int) y[row]] -= 1;
            }
            for (int l = layers - 1; l >= 0; l--) {
                int din = a.width(l);
                int dout = a.width(l + 1);
                for (int o = 0; o < dout; o++) {
                    per[a.biasOffset(l) + o] = g[o];
                    for (int i = 0; i < din; i++) {
                        per[a.weightOffset(l) + o * din + i] = g[o] * acts[l][i];
                    }
                }
                if (l > 0) {
                    double[] below = new double[din];
                    for (int i = 0; i < din; i++) {
                        double s = 0;
                        for (int o = 0; o < dout; o++) {
                            s += g[o] * theta[a.weightOffset(l) + o * din + i];
                        }
                        below[i] = s * slopes[l - 1][i];
                    }
                    g = below;
                }
            }
            for (int i = 0; i < p; i++) {
                grad[i] += per[i] / rows.length;
                if (abs != null) {
                    abs[i] += Math.abs(per[i]) / rows.length;
                }
            }
        }
        return grad;
    }

    /**
     * The number of roundings K behind one entry of a gradient or Hessian-vector product of this architecture over
     * n rows: the sum over the rows, and per row a forward and backward chain of depth L, each link a dot product
     * of at most maxWidth + 1 terms plus a few elementwise operations (the activation, its slope, the softmax).
     */
    static int roundings(MlpArchitecture a, int n) {
        int maxWidth = 0;
        for (int w : a.layers()) {
            maxWidth = Math.max(maxWidth, w);
        }
        return n + 2 * a.depth() * (maxWidth + 8) + 16;
    }

    // ---- problems ----------------------------------------------------------------------------------------------

    record Problem(MlpArchitecture arch, double[] theta, double[] x, double[] y, int n) {
        int p() {
            return arch.parameterCount();
        }

        int[] allRows() {
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = i;
            }
            return r;
        }
    }

    static Problem problem(int[] widths, Activation act, Loss loss, int n, long seed) {
        MlpArchitecture a = new MlpArchitecture(widths, act, loss);
        Random random = new Random(seed);
        double[] theta = new double[a.parameterCount()];
        for (int l = 0; l < a.depth(); l++) {
            double bound = 1.5 / Math.sqrt(a.width(l));
            for (int i = a.weightOffset(l); i < a.biasOffset(l) + a.width(l + 1); i++) {
                theta[i] = bound * (2 * random.nextDouble() - 1);
            }
        }
        double[] x = new double[n * a.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        double[] y = new double[n * a.targetWidth()];
        for (int i = 0; i < y.length; i++) {
            y[i] = loss == Loss.SQUARED ? random.nextGaussian() : random.nextInt(a.outputs());
        }
        return new Problem(a, theta, x, y, n);
    }

    static Stream<Arguments> models() {
        List<Arguments> list = new ArrayList<>();
        for (Activation act : Activation.values()) {
            for (Loss loss : Loss.values()) {
                list.add(Arguments.of(act, loss, new int[] {5, 7, 6, loss == Loss.SQUARED ? 3 : 4}, 13));
            }
        }
        list.add(Arguments.of(Activation.GELU, Loss.CROSS_ENTROPY, new int[] {4, 3}, 9));   // one layer
        list.add(Arguments.of(Activation.TANH, Loss.SQUARED, new int[] {3, 1, 1}, 1));      // one example, width 1
        list.add(Arguments.of(Activation.GELU, Loss.SQUARED, new int[] {2, 17, 1}, 6));     // one output
        list.add(Arguments.of(Activation.RELU, Loss.CROSS_ENTROPY, new int[] {6, 9, 8, 7, 5}, 21)); // four layers
        return list.stream();
    }

    private static double[] randomVectors(Random random, int k, int p) {
        double[] v = new double[k * p];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private double[] hvp(Problem pr, double[] v) {
        double[] out = new double[v.length];
        kernel().hessianProduct(pr.arch, pr.theta, pr.x, pr.y, pr.n, v, out);
        return out;
    }

    private static double maxAbs(double[] a, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m;
    }

    // ---- Hessian-vector products -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} {2} n={3}")
    @MethodSource("models")
    void hessianProductMatchesCentralDifferencesOfTheGradient(Activation act, Loss loss, int[] widths, int n) {
        Problem pr = problem(widths, act, loss, n, 41L * n + widths.length + 7L * act.ordinal() + loss.ordinal());
        int p = pr.p();
        Random random = new Random(5);
        int k = 2;
        double[] v = randomVectors(random, k, p);
        double[] hv = hvp(pr, v);
        int roundings = roundings(pr.arch, n);
        double h = 1e-4;
        for (int j = 0; j < k; j++) {
            double[] gabs = new double[p];
            double[] d1 = difference(pr, v, j, h, gabs);
            double[] d2 = difference(pr, v, j, 2 * h, null);
            double truncation = 0;
            for (int i = 0; i < p; i++) {
                truncation = Math.max(truncation, Math.abs(d2[i] - d1[i]));
            }
            // D(h) − Hv = c·h² + O(h⁴) and D(2h) − D(h) = 3·c·h² + O(h⁴): |D(2h) − D(h)| bounds the truncation with a
            // factor 3 to spare for the O(h⁴) terms. Rounding: each gradient within γ_K·(mean |per-example
            // gradient|), twice over 2h, so γ_K·gabs/h; the kernel's own product within γ_K·(its scale) again.
            double rounding = ErrorBounds.gamma(roundings, F64) * maxAbs(gabs, 0, p) / h * 4;
            double own = ErrorBounds.gamma(roundings, F64) * maxAbs(hv, j * p, (j + 1) * p) * 16;
            double tol = truncation + rounding + own;
            for (int i = 0; i < p; i++) {
                assertEquals(d1[i], hv[j * p + i], tol, "vector " + j + " entry " + i + " (truncation " + truncation
                        + ", rounding " + rounding + ")");
            }
        }
    }

    /** (∇L(θ + h v_j) − ∇L(θ − h v_j)) / 2h. */
    private static double[] difference(Problem pr, double[] v, int j, double h, double[] gabs) {
        int p = pr.p();
        double[] plus = pr.theta.clone();
        double[] minus = pr.theta.clone();
        for (int i = 0; i < p; i++) {
            plus[i] += h * v[j * p + i];
            minus[i] -= h * v[j * p + i];
        }
        double[] gp = gradient(pr.arch, plus, pr.x, pr.y, pr.allRows(), gabs);
        double[] gm = gradient(pr.arch, minus, pr.x, pr.y, pr.allRows(), null);
        double[] d = new double[p];
        for (int i = 0; i < p; i++) {
            d[i] = (gp[i] - gm[i]) / (2 * h);
        }
        return d;
    }

    @ParameterizedTest(name = "{0} {1} {2} n={3}")
    @MethodSource("models")
    void hessianProductIsSymmetricAndLinear(Activation act, Loss loss, int[] widths, int n) {
        Problem pr = problem(widths, act, loss, n, 13L * n + widths.length + act.ordinal());
        int p = pr.p();
        Random random = new Random(11);
        double[] vw = randomVectors(random, 3, p);
        double alpha = 0.75;
        double beta = -1.25;
        for (int i = 0; i < p; i++) {
            vw[2 * p + i] = alpha * vw[i] + beta * vw[p + i];   // the third vector: α v + β w
        }
        double[] out = hvp(pr, vw);
        double vhw = 0;
        double whv = 0;
        double scale = 0;
        for (int i = 0; i < p; i++) {
            vhw += vw[i] * out[p + i];
            whv += vw[p + i] * out[i];
            scale += Math.abs(vw[i] * out[p + i]) + Math.abs(vw[p + i] * out[i]);
        }
        // Each Hv entry carries γ_K of its own terms' scale, which sums of products of the Hessian's pieces can
        // make larger than |Hv| itself: 16× covers the cancellation of these seeded nets (the largest measured
        // asymmetry is under 1/100 of this bound). The two inner products add γ_p each.
        double gammaK = ErrorBounds.gamma(roundings(pr.arch, n) + p, F64);
        assertEquals(vhw, whv, 16 * gammaK * scale, "v^T H w against w^T H v");
        for (int i = 0; i < p; i++) {
            double combined = alpha * out[i] + beta * out[p + i];
            double tol = 16 * gammaK * (Math.abs(alpha * out[i]) + Math.abs(beta * out[p + i])
                    + maxAbs(out, 0, 3 * p)) + 4 * Math.ulp(maxAbs(out, 0, 3 * p));
            assertEquals(combined, out[2 * p + i], tol, "H(αv + βw) against αHv + βHw at " + i);
        }
    }

    @Test
    void hessianProductOfManyVectorsIsEachVectorsProduct() {
        Problem pr = problem(new int[] {6, 10, 4}, Activation.GELU, Loss.CROSS_ENTROPY, 70, 3);
        int p = pr.p();
        int k = 17;   // across a native kernel's blocks of vectors
        double[] v = randomVectors(new Random(8), k, p);
        double[] all = hvp(pr, v);
        int roundings = roundings(pr.arch, pr.n);
        for (int j : new int[] {0, 7, 16}) {
            double[] one = hvp(pr, java.util.Arrays.copyOfRange(v, j * p, (j + 1) * p));
            // the same vector in another block and block size: the products may sum in another order
            double tol = 16 * ErrorBounds.gamma(roundings, F64) * maxAbs(one, 0, p);
            for (int i = 0; i < p; i++) {
                assertEquals(one[i], all[j * p + i], tol, "vector " + j + " entry " + i);
            }
        }
    }

    @Test
    void noVectorsIsNoWork() {
        Problem pr = problem(new int[] {3, 4, 2}, Activation.GELU, Loss.CROSS_ENTROPY, 5, 1);
        double[] out = new double[0];
        kernel().hessianProduct(pr.arch, pr.theta, pr.x, pr.y, pr.n, new double[0], out);
        assertEquals(0, out.length);
    }

    @Test
    void hessianProductReadsOnlyTheFirstNRows() {
        Problem pr = problem(new int[] {3, 5, 3}, Activation.TANH, Loss.CROSS_ENTROPY, 12, 9);
        double[] v = randomVectors(new Random(4), 2, pr.p());
        double[] x = pr.x.clone();
        double[] y = pr.y.clone();
        double[] first = new double[v.length];
        kernel().hessianProduct(pr.arch, pr.theta, x, y, 8, v, first);
        for (int i = 8 * 3; i < x.length; i++) {
            x[i] = 1e6;   // rows 8.. differ wildly; they must not matter
        }
        double[] again = new double[v.length];
        kernel().hessianProduct(pr.arch, pr.theta, x, y, 8, v, again);
        assertArrayEquals(first, again, 0.0);
    }

    // ---- training ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} {2} n={3}")
    @MethodSource("models")
    void oneFullBatchStepMovesByTheGradient(Activation act, Loss loss, int[] widths, int n) {
        Problem pr = problem(widths, act, loss, n, 97L * n + act.ordinal() + 3L * loss.ordinal());
        int p = pr.p();
        double[][] params = {pr.theta.clone()};
        // one epoch, one batch of all n rows, lr_0 = lr·(1 + cos 0)/2 = lr = 1, buf = grad: θ' = θ − ∇L exactly
        kernel().train(pr.arch, params, pr.x, pr.y, new int[][] {pr.allRows()}, 1, n, 1.0, 0.0);
        double[] gabs = new double[p];
        double[] grad = gradient(pr.arch, pr.theta, pr.x, pr.y, pr.allRows(), gabs);
        double gamma = ErrorBounds.gamma(roundings(pr.arch, n), F64);
        for (int i = 0; i < p; i++) {
            double moved = pr.theta[i] - params[0][i];
            // both gradients within γ_K·gabs; θ − ∇L rounded once and subtracted again: 2 ulp of |θ| + |∇L|
            double tol = 2 * gamma * gabs[i] + 2 * Math.ulp(Math.abs(pr.theta[i]) + Math.abs(grad[i]));
            assertEquals(grad[i], moved, tol, "gradient entry " + i);
        }
    }

    @Test
    void trainingMatchesAHandSteppedRun() {
        // one linear layer z = W x + b, identity, squared loss: per-example gradient (z − y) xᵀ and (z − y)
        MlpArchitecture a = new MlpArchitecture(new int[] {3, 2}, Activation.IDENTITY, Loss.SQUARED);
        int p = a.parameterCount();
        Random random = new Random(21);
        int rows = 6;
        double[] x = new double[rows * 3];
        double[] y = new double[rows * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = random.nextGaussian();
        }
        double[] theta = new double[p];
        for (int i = 0; i < p; i++) {
            theta[i] = random.nextGaussian();
        }
        int epochs = 2;
        int batch = 3;
        int[] order = {4, 0, 5, 2, 1, /* epoch 2 */ 1, 3, 0, 4, 2};   // m = 5: batches of 3 and 2
        double lr = 0.1;
        double mu = 0.9;
        double[][] params = {theta.clone()};
        kernel().train(a, params, x, y, new int[][] {order}, epochs, batch, lr, mu);

        int m = order.length / epochs;
        int steps = epochs * ((m + batch - 1) / batch);
        assertEquals(4, steps);
        double[] want = theta.clone();
        double[] buf = new double[p];
        // error recursion (Higham-style forward bound): e_{t+1} ≤ e_t·(1 + lr_t·λ/(1 − μ)) + lr_t·δ_t/(1 − μ)
        // + 2u·(|θ| + lr_t|buf|), λ = max ‖(x, 1)‖² the Lipschitz constant of a batch's gradient in θ, δ_t the
        // gradient's rounding bound γ_{d0 + b + 3}·(mean |per-example gradient|); a momentum buffer carries past
        // errors with weights μ^s summing below 1/(1 − μ).
        double lambda = 0;
        for (int r = 0; r < rows; r++) {
            double s = 1;
            for (int i = 0; i < 3; i++) {
                s += x[r * 3 + i] * x[r * 3 + i];
            }
            lambda = Math.max(lambda, s);
        }
        double u = ErrorBounds.unitRoundoff(F64);
        double err = 0;
        int t = 0;
        for (int e = 0; e < epochs; e++) {
            for (int start = 0; start < m; start += batch, t++) {
                int b = Math.min(batch, m - start);
                int[] rowsOfBatch = java.util.Arrays.copyOfRange(order, e * m + start, e * m + start + b);
                double[] gabs = new double[p];
                double[] grad = new double[p];
                for (int row : rowsOfBatch) {
                    for (int o = 0; o < 2; o++) {
                        double z = want[a.biasOffset(0) + o];
                        for (int i = 0; i < 3; i++) {
                            z += want[a.weightOffset(0) + o * 3 + i] * x[row * 3 + i];
                        }
                        double r = z - y[row * 2 + o];
                        for (int i = 0; i < 3; i++) {
                            grad[o * 3 + i] += r * x[row * 3 + i] / b;
                            gabs[o * 3 + i] += Math.abs(r * x[row * 3 + i]) / b;
                        }
                        grad[a.biasOffset(0) + o] += r / b;
                        gabs[a.biasOffset(0) + o] += Math.abs(r) / b;
                    }
                }
                double lrT = lr * (1 + Math.cos(Math.PI * t / steps)) / 2;
                double delta = ErrorBounds.gamma(3 + b + 3, F64) * maxAbs(gabs, 0, p) * 2;
                double size = 0;
                for (int i = 0; i < p; i++) {
                    buf[i] = mu * buf[i] + grad[i];
                    want[i] -= lrT * buf[i];
                    size = Math.max(size, Math.abs(want[i]) + lrT * Math.abs(buf[i]));
                }
                err = err * (1 + lrT * lambda / (1 - mu)) + lrT * delta / (1 - mu) + 2 * u * size * 2;
            }
        }
        for (int i = 0; i < p; i++) {
            assertEquals(want[i], params[0][i], err, "parameter " + i + " after " + steps + " steps");
        }
        // the bound stays near rounding level, so a wrong schedule, momentum or batch cut cannot pass
        assertTrue(err < 1e-12, "tolerance " + err);
    }

    @Test
    void eachJobIsIndependentOfTheOthers() {
        Problem pr = problem(new int[] {4, 6, 3}, Activation.GELU, Loss.CROSS_ENTROPY, 20, 17);
        Random random = new Random(2);
        int epochs = 3;
        int[][] orders = new int[3][];
        double[][] inits = new double[3][];
        int[] sizes = {20, 11, 7};
        for (int j = 0; j < 3; j++) {
            orders[j] = new int[epochs * sizes[j]];
            for (int i = 0; i < orders[j].length; i++) {
                orders[j][i] = random.nextInt(pr.n);
            }
            inits[j] = pr.theta.clone();
            inits[j][j] += 0.1;
        }
        double[][] together = {inits[0].clone(), inits[1].clone(), inits[2].clone()};
        kernel().train(pr.arch, together, pr.x, pr.y, orders, epochs, 4, 0.05, 0.9);
        for (int j = 0; j < 3; j++) {
            double[][] alone = {inits[j].clone()};
            kernel().train(pr.arch, alone, pr.x, pr.y, new int[][] {orders[j]}, epochs, 4, 0.05, 0.9);
            assertArrayEquals(alone[0], together[j], 0.0, "job " + j + " alone against beside two others");
        }
    }

    @Test
    void emptyJobsAndEmptyOrdersChangeNothing() {
        Problem pr = problem(new int[] {3, 4, 2}, Activation.RELU, Loss.CROSS_ENTROPY, 5, 4);
        kernel().train(pr.arch, new double[0][], pr.x, pr.y, new int[0][], 2, 4, 0.1, 0.9);
        double[][] params = {pr.theta.clone()};
        kernel().train(pr.arch, params, pr.x, pr.y, new int[][] {new int[0]}, 2, 4, 0.1, 0.9);
        assertArrayEquals(pr.theta, params[0], 0.0, "m = 0: no steps");
    }

    @Test
    void batchLargerThanAnEpochIsOneBatch() {
        Problem pr = problem(new int[] {3, 4, 2}, Activation.TANH, Loss.SQUARED, 5, 6);
        double[][] big = {pr.theta.clone()};
        double[][] exact = {pr.theta.clone()};
        int[][] order = {{0, 1, 2, 3, 4, 4, 3, 2, 1, 0}};
        kernel().train(pr.arch, big, pr.x, pr.y, order, 2, 64, 0.1, 0.9);
        kernel().train(pr.arch, exact, pr.x, pr.y, order, 2, 5, 0.1, 0.9);
        assertArrayEquals(exact[0], big[0], 0.0);
    }

    /**
     * A run that diverges (squared loss, a learning rate far past stability) overflows to ±∞ and then NaN inside
     * the activations: the kernel must come back with the non-finite parameters, not crash (gelu's table is indexed
     * from the input, so a NaN must never reach the index arithmetic).
     */
    @Test
    void aDivergingRunEndsNonFiniteWithoutCrashing() {
        for (Activation act : Activation.values()) {
            Problem pr = problem(new int[] {3, 6, 2}, act, Loss.SQUARED, 8, 21);
            double[][] params = {pr.theta.clone()};
            int[][] order = {{0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7}};
            for (int round = 0; round < 40 && allFinite(params[0]); round++) {
                kernel().train(pr.arch, params, pr.x, pr.y, order, 2, 4, 1e3, 0.9);
            }
            assertTrue(!allFinite(params[0]), act + ": a learning rate of 1e3 should have diverged");
        }
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    // ---- parity with the java reference --------------------------------------------------------------------------

    private static MlpKernel reference() {
        MlpKernel ref = new JavaBackend().mlp();
        MlpArchitecture a = new MlpArchitecture(new int[] {1, 2}, Activation.IDENTITY, Loss.CROSS_ENTROPY);
        try {
            ref.hessianProduct(a, new double[a.parameterCount()], new double[1], new double[1], 1, new double[0],
                    new double[0]);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("the java reference MlpKernel is still a scaffold: " + e.getMessage());
        }
        return ref;
    }

    @ParameterizedTest(name = "{0} {1} {2} n={3}")
    @MethodSource("models")
    void hessianProductAgreesWithTheReference(Activation act, Loss loss, int[] widths, int n) {
        MlpKernel ref = reference();
        Problem pr = problem(widths, act, loss, n, 3L * n + act.ordinal());
        double[] v = randomVectors(new Random(31), 3, pr.p());
        double[] want = new double[v.length];
        ref.hessianProduct(pr.arch, pr.theta, pr.x, pr.y, pr.n, v, want);
        double[] got = hvp(pr, v);
        double tol = 32 * ErrorBounds.gamma(roundings(pr.arch, n), F64) * maxAbs(want, 0, want.length);
        assertArrayEquals(want, got, tol);
    }

    @ParameterizedTest(name = "{0} {1} {2} n={3}")
    @MethodSource("models")
    void oneStepAgreesWithTheReference(Activation act, Loss loss, int[] widths, int n) {
        MlpKernel ref = reference();
        Problem pr = problem(widths, act, loss, n, 5L * n + act.ordinal());
        double[][] want = {pr.theta.clone()};
        double[][] got = {pr.theta.clone()};
        ref.train(pr.arch, want, pr.x, pr.y, new int[][] {pr.allRows()}, 1, n, 1.0, 0.0);
        kernel().train(pr.arch, got, pr.x, pr.y, new int[][] {pr.allRows()}, 1, n, 1.0, 0.0);
        double[] gabs = new double[pr.p()];
        gradient(pr.arch, pr.theta, pr.x, pr.y, pr.allRows(), gabs);
        double gamma = ErrorBounds.gamma(roundings(pr.arch, n), F64);
        for (int i = 0; i < pr.p(); i++) {
            double tol = 4 * gamma * gabs[i] + 4 * Math.ulp(Math.abs(pr.theta[i]) + gabs[i]);
            assertEquals(want[0][i], got[0][i], tol, "entry " + i);
        }
    }

    // ---- the contract's erf itself ---------------------------------------------------------------------------------

    @Test
    void theContractsErfIsAccurate() {
        // known values (Abramowitz & Stegun table 7.1; erfc(5) from the asymptotic series to 16 digits)
        assertEquals(0.5204998778130465, erf(0.5), 2 * Math.ulp(0.52));
        assertEquals(0.8427007929497149, erf(1.0), 2 * Math.ulp(0.84));
        assertEquals(0.9953222650189527, erf(2.0), 2 * Math.ulp(0.99));
        assertEquals(1.5374597944280349e-12, erfcLarge(5.0), 4 * Math.ulp(1.5374597944280349e-12));
        assertEquals(0.5 * 1.5374597944280349e-12, cdf(-5 * Math.sqrt(2)), 8 * Math.ulp(0.77e-12));
    }
}
