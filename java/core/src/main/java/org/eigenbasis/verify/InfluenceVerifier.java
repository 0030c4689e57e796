package org.eigenbasis.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;
import org.eigenbasis.value.MlpArchitecture.Activation;
import org.eigenbasis.value.MlpArchitecture.Loss;
import org.eigenbasis.value.Placement;

/**
 * The rows of {@link Verifier} for the influence kernels ({@link InfluenceKernel}: EK-FAC eigenvalues, Kronecker
 * rotations, weighted products, products) and the MLP kernels ({@link MlpKernel}: training, Hessian-vector
 * products). All are f64 only. Errors are in units of K·ε·B, Higham's scale for a computation of K sequential
 * roundings (Accuracy and Stability of Numerical Algorithms, §3.1, eq. 3.5: a sum of K products in any order, with
 * or without FMA, is within γ_K·Σ|terms|, γ_K = K·u/(1 − K·u) ≈ K·ε/2), B the same computation on |inputs|:
 * <ul>
 *   <li>residual, on every backend: against the closed form on small-integer inputs, whose every product and sum is
 *       exact in double (so the verifier's own value is exact). A kernel within γ_K·B gives at most ½(1 + O(Ku)):
 *       limit 1. The MLP kernels are checked on a linear model with squared loss, whose gradient and Hessian are
 *       closed forms (n = 8 rows, so the mean's division is exact too).</li>
 *   <li>vs ref, on backends other than the reference: seeded Gaussian inputs against the java reference. Both are
 *       within γ_K·B of the exact value, and B (computed by the reference on |inputs|) is itself within γ_K·B of
 *       exact: the difference is below 2·γ_{2K}·B ≈ 2·K·ε·B (the bound the native parity tests use, e.g.
 *       CpuInfluenceParityTest): limit 2. For the MLP kernels the contract test's bounds (MlpContract): a
 *       Hessian-vector product within 32·γ_K·max|Hv| of the reference (limit 16 in units of K·ε·max|Hv|, K its
 *       roundings), one full-batch SGD step within 4·γ_K·gabs + 4·ulp(|θ| + gabs) (limit 2 in units of
 *       K·ε·gabs + 2ε·(|θ| + gabs)), gabs the mean |per-example gradient|.</li>
 * </ul>
 */
final class InfluenceVerifier {
    /** The residual limit: a kernel within γ_K·B of an exact value shows at most ½(1 + O(Ku)) K·ε·B. */
    static final double EXACT_LIMIT = 1;
    /** Two results each within γ_K·B, B itself within γ_K·B: 2·γ_{2K}·B ≈ 2·K·ε·B. */
    static final double PARITY_LIMIT = 2;
    /** MlpContract's 32·γ_K·max|Hv| for a Hessian-vector product against the reference, in units of K·ε·max|Hv|. */
    static final double HVP_PARITY_LIMIT = 16;
    /** MlpContract's 4·γ_K·gabs + 4·ulp(|θ| + gabs) for one SGD step, in units of K·ε·gabs + 2ε·(|θ| + gabs). */
    static final double STEP_PARITY_LIMIT = 2;

    private static final DType F64 = DType.F64;
    private static final double EPS = F64.epsilon();
    /** (dOut, dIn) of the layers checked: one unit, odd, across a SIMD width and a GEMM block edge. */
    private static final int[][] SHAPES = {{1, 1}, {2, 3}, {9, 17}, {32, 33}};

    private final Backend backend;
    private final Backend reference;
    private final boolean isReference;

    private InfluenceVerifier(Backend backend, Backend reference) {
        this.backend = backend;
        this.reference = reference;
        this.isReference = backend.name().equals(reference.name());
    }

    /** The number of progress groups {@link #rows} reports. */
    static int groups() {
        return 2;
    }

    static List<VerificationRow> rows(Backend backend, Backend reference, Consumer<String> progress) {
        InfluenceVerifier v = new InfluenceVerifier(backend, reference);
        List<VerificationRow> rows = new ArrayList<>();
        progress.accept(backend.name() + " influence f64");
        rows.add(v.ekfacEigenvalues());
        rows.add(v.kroneckerRotate());
        rows.add(v.weightedProduct());
        rows.add(v.multiply());
        progress.accept(backend.name() + " mlp f64");
        rows.add(v.train());
        rows.add(v.hessianProduct());
        return rows;
    }

    // ---- influence kernels -------------------------------------------------------------------------------------

    private VerificationRow ekfacEigenvalues() {
        Verifier.Measure m = new Verifier.Measure();
        int[] ns = {1, 7, 40};
        int[] perExamples = {1, 3};
        int c = 0;
        for (int[] shape : SHAPES) {
            int dOut = shape[0];
            int dIn = shape[1];
            for (boolean bias : new boolean[] {false, true}) {
                int n = ns[c % ns.length];
                int per = perExamples[c % perExamples.length];
                c++;
                int cols = bias ? 1 : dIn;
                int depth = 2 * dOut + 2 * cols + per + n + 4;
                // Exact: entries in [−2, 2] keep every value below 2^53 (|u| ≤ 4·dOut, λ ≤ n·per·(4·dOut)²·(4·dIn)²),
                // and the scale 1/4 is a power of two.
                Random random = new Random(1009L * dOut + 31L * dIn + (bias ? 1 : 0));
                double[] g = integers(random, n * per * dOut);
                double[] a = bias ? null : integers(random, n * dIn);
                double[] qs = integers(random, dOut * dOut);
                double[] qa = bias ? null : integers(random, dIn * dIn);
                double[] got = ekfac(backend.influence(), g, per, a, qs, qa, n, dOut, dIn, bias, 0.25);
                double[] exact = ekfacClosedForm(g, per, a, qs, qa, n, dOut, cols, 0.25);
                double[] bound = ekfacClosedForm(abs(g), per, abs(a), abs(qs), abs(qa), n, dOut, cols, 0.25);
                m.cases++;
                m.residual(ratio(got, exact, bound, depth), EXACT_LIMIT);
                if (!isReference) {
                    double[] gg = gaussian(random, n * per * dOut);
                    double[] ga = bias ? null : gaussian(random, n * dIn);
                    double[] gqs = gaussian(random, dOut * dOut);
                    double[] gqa = bias ? null : gaussian(random, dIn * dIn);
                    double scale = 1.0 / n;
                    double[] ours = ekfac(backend.influence(), gg, per, ga, gqs, gqa, n, dOut, dIn, bias, scale);
                    double[] theirs = ekfac(reference.influence(), gg, per, ga, gqs, gqa, n, dOut, dIn, bias, scale);
                    double[] b = ekfac(reference.influence(), abs(gg), per, abs(ga), abs(gqs), abs(gqa), n, dOut, dIn,
                            bias, scale);
                    m.parity(ratio(ours, theirs, b, depth), PARITY_LIMIT);
                }
            }
        }
        return m.row(backend.name(), "influence", "ekfac_eigenvalues", F64,
                "(dOut, dIn) 1x1-32x33 +bias, n 1-40, 1|3 vectors per example; units K*eps*B (Higham)");
    }

    private static double[] ekfac(InfluenceKernel kernel, double[] g, int per, double[] a, double[] qs, double[] qa,
                                  int n, int dOut, int dIn, boolean bias, double scale) {
        int cols = bias ? 1 : dIn;
        try (BatchedMatrix gm = BatchedMatrix.of(g, 1, n * per, dOut, Placement.OFF_HEAP);
             BatchedMatrix am = bias ? null : BatchedMatrix.of(a, 1, n, dIn);
             BatchedMatrix qsm = BatchedMatrix.of(qs, 1, dOut, dOut);
             BatchedMatrix qam = bias ? null : BatchedMatrix.of(qa, 1, dIn, dIn, Placement.OFF_HEAP);
             BatchedMatrix out = BatchedMatrix.zeros(F64, 1, dOut, cols)) {
            kernel.ekfacEigenvalues(gm, per, am, qsm, qam, scale, out);
            return out.toDoubleArray();
        }
    }

    /** λ[p][k] = scale·Σ_i (Σ_c ((Q_Sᵀ g_ic)_p)²)·((Q_Aᵀ a_i)_k)², as InfluenceKernel defines it. */
    private static double[] ekfacClosedForm(double[] g, int per, double[] a, double[] qs, double[] qa, int n, int dOut,
                                            int cols, double scale) {
        double[] lambda = new double[dOut * cols];
        for (int i = 0; i < n; i++) {
            double[] s = new double[dOut];
            for (int c = 0; c < per; c++) {
                for (int p = 0; p < dOut; p++) {
                    double u = 0;
                    for (int q = 0; q < dOut; q++) {
                        u += qs[q * dOut + p] * g[(i * per + c) * dOut + q];
                    }
                    s[p] += u * u;
                }
            }
            for (int k = 0; k < cols; k++) {
                double t = 1;
                if (a != null) {
                    double v = 0;
                    for (int q = 0; q < cols; q++) {
                        v += qa[q * cols + k] * a[i * cols + q];
                    }
                    t = v * v;
                }
                for (int p = 0; p < dOut; p++) {
                    lambda[p * cols + k] += s[p] * t;
                }
            }
        }
        for (int i = 0; i < lambda.length; i++) {
            lambda[i] *= scale;
        }
        return lambda;
    }

    private VerificationRow kroneckerRotate() {
        Verifier.Measure m = new Verifier.Measure();
        int[] batches = {1, 3, 5, 2};
        int c = 0;
        for (int[] shape : SHAPES) {
            int dOut = shape[0];
            int dIn = shape[1];
            int k = batches[c++ % batches.length];
            int depth = dOut + dIn + 2;
            Random random = new Random(2003L * dOut + dIn);
            for (boolean forward : new boolean[] {true, false}) {
                double[] x = integers(random, k * dOut * dIn);
                double[] qs = integers(random, dOut * dOut);
                double[] qa = integers(random, dIn * dIn);
                double[] got = rotate(backend.influence(), qs, qa, x, k, dOut, dIn, forward);
                m.cases++;
                m.residual(ratio(got, rotateClosedForm(qs, qa, x, k, dOut, dIn, forward),
                        rotateClosedForm(abs(qs), abs(qa), abs(x), k, dOut, dIn, forward), depth), EXACT_LIMIT);
                if (!isReference) {
                    double[] gx = gaussian(random, k * dOut * dIn);
                    double[] gqs = gaussian(random, dOut * dOut);
                    double[] gqa = gaussian(random, dIn * dIn);
                    double[] ours = rotate(backend.influence(), gqs, gqa, gx, k, dOut, dIn, forward);
                    double[] theirs = rotate(reference.influence(), gqs, gqa, gx, k, dOut, dIn, forward);
                    double[] b = rotate(reference.influence(), abs(gqs), abs(gqa), abs(gx), k, dOut, dIn, forward);
                    m.parity(ratio(ours, theirs, b, depth), PARITY_LIMIT);
                }
            }
        }
        return m.row(backend.name(), "influence", "kronecker_rotate", F64,
                "(dOut, dIn) 1x1-32x33, batch 1-5, forward and back; units K*eps*B (Higham)");
    }

    private static double[] rotate(InfluenceKernel kernel, double[] qs, double[] qa, double[] x, int k, int dOut,
                                   int dIn, boolean forward) {
        try (BatchedMatrix qsm = BatchedMatrix.of(qs, 1, dOut, dOut, Placement.OFF_HEAP);
             BatchedMatrix qam = BatchedMatrix.of(qa, 1, dIn, dIn);
             BatchedMatrix xm = BatchedMatrix.of(x, k, dOut, dIn, Placement.OFF_HEAP);
             BatchedMatrix out = BatchedMatrix.zeros(F64, k, dOut, dIn)) {
            kernel.kroneckerRotate(qsm, qam, xm, forward, out);
            return out.toDoubleArray();
        }
    }

    /** Q_Sᵀ X_j Q_A (forward) or Q_S X_j Q_Aᵀ, for every j. */
    private static double[] rotateClosedForm(double[] qs, double[] qa, double[] x, int k, int dOut, int dIn,
                                             boolean forward) {
        double[] out = new double[k * dOut * dIn];
        for (int j = 0; j < k; j++) {
            int base = j * dOut * dIn;
            for (int p = 0; p < dOut; p++) {
                for (int r = 0; r < dIn; r++) {
                    double s = 0;
                    for (int o = 0; o < dOut; o++) {
                        double left = forward ? qs[o * dOut + p] : qs[p * dOut + o];
                        for (int i = 0; i < dIn; i++) {
                            double right = forward ? qa[i * dIn + r] : qa[r * dIn + i];
                            s += left * x[base + o * dIn + i] * right;
                        }
                    }
                    out[base + p * dIn + r] = s;
                }
            }
        }
        return out;
    }

    private VerificationRow weightedProduct() {
        Verifier.Measure m = new Verifier.Measure();
        int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {17, 9, 33}, {8, 40, 65}};   // m, n, p
        for (int[] size : sizes) {
            int rows = size[0];
            int cols = size[1];
            int p = size[2];
            int depth = p + 4;
            Random random = new Random(3001L * p + rows);
            for (boolean weighted : new boolean[] {true, false}) {
                // alpha −1, beta ½ over an integer out: exact in double, as every product of the integers
                double beta = weighted ? 0.5 : 0;
                double[] x = integers(random, rows * p);
                double[] y = integers(random, cols * p);
                double[] w = weighted ? integers(random, p) : null;
                double[] before = integers(random, rows * cols);
                double[] got = weighted(backend.influence(), x, w, y, rows, cols, p, -1, beta, before);
                m.cases++;
                m.residual(ratio(got, weightedClosedForm(x, w, y, rows, cols, p, -1, beta, before),
                        weightedClosedForm(abs(x), abs(w), abs(y), rows, cols, p, 1, beta, abs(before)), depth),
                        EXACT_LIMIT);
                if (!isReference) {
                    double[] gx = gaussian(random, rows * p);
                    double[] gy = gaussian(random, cols * p);
                    double[] gw = weighted ? gaussian(random, p) : null;
                    double[] gb = gaussian(random, rows * cols);
                    double[] ours = weighted(backend.influence(), gx, gw, gy, rows, cols, p, -1, beta, gb);
                    double[] theirs = weighted(reference.influence(), gx, gw, gy, rows, cols, p, -1, beta, gb);
                    double[] b = weighted(reference.influence(), abs(gx), abs(gw), abs(gy), rows, cols, p, 1, beta,
                            abs(gb));
                    m.parity(ratio(ours, theirs, b, depth), PARITY_LIMIT);
                }
            }
        }
        return m.row(backend.name(), "influence", "weighted_product", F64,
                "m x n x p 1x1x1-8x40x65, w and ones, beta 0 and 1/2; units K*eps*B (Higham)");
    }

    private static double[] weighted(InfluenceKernel kernel, double[] x, double[] w, double[] y, int rows, int cols,
                                     int p, double alpha, double beta, double[] before) {
        try (BatchedMatrix xm = BatchedMatrix.of(x, 1, rows, p, Placement.OFF_HEAP);
             BatchedMatrix wm = w == null ? null : BatchedMatrix.of(w, 1, 1, p);
             BatchedMatrix ym = BatchedMatrix.of(y, 1, cols, p);
             BatchedMatrix out = BatchedMatrix.of(before, 1, rows, cols, Placement.OFF_HEAP)) {
            kernel.weightedProduct(xm, wm, ym, alpha, beta, out);
            return out.toDoubleArray();
        }
    }

    /** alpha·X·diag(w)·Yᵀ + beta·out (beta = 0: out not read). */
    private static double[] weightedClosedForm(double[] x, double[] w, double[] y, int rows, int cols, int p,
                                               double alpha, double beta, double[] before) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int q = 0; q < p; q++) {
                    s += x[i * p + q] * (w == null ? 1 : w[q]) * y[j * p + q];
                }
                out[i * cols + j] = alpha * s + (beta == 0 ? 0 : beta * before[i * cols + j]);
            }
        }
        return out;
    }

    private VerificationRow multiply() {
        Verifier.Measure m = new Verifier.Measure();
        int[][] sizes = {{1, 1, 1}, {3, 4, 5}, {17, 33, 9}, {40, 16, 31}};   // m, k, n
        int c = 0;
        for (int[] size : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                int rows = size[0];
                int inner = size[1];
                int cols = size[2];
                int depth = inner + 1;
                Random random = new Random(4001L * c++);
                double[] a = integers(random, rows * inner);
                double[] b = integers(random, inner * cols);
                double[] got = product(backend.influence(), a, ta, b, tb, rows, inner, cols);
                m.cases++;
                m.residual(ratio(got, productClosedForm(a, ta, b, tb, rows, inner, cols),
                        productClosedForm(abs(a), ta, abs(b), tb, rows, inner, cols), depth), EXACT_LIMIT);
                if (!isReference) {
                    double[] ga = gaussian(random, rows * inner);
                    double[] gb = gaussian(random, inner * cols);
                    double[] ours = product(backend.influence(), ga, ta, gb, tb, rows, inner, cols);
                    double[] theirs = product(reference.influence(), ga, ta, gb, tb, rows, inner, cols);
                    double[] bound = product(reference.influence(), abs(ga), ta, abs(gb), tb, rows, inner, cols);
                    m.parity(ratio(ours, theirs, bound, depth), PARITY_LIMIT);
                }
            }
        }
        return m.row(backend.name(), "influence", "multiply", F64,
                "m x k x n 1x1x1-40x16x31, every transpose; units K*eps*B (Higham)");
    }

    /** op(A)·op(B) with op(A) m × k, op(B) k × n; A is stored as op's argument (k × m when transposed). */
    private static double[] product(InfluenceKernel kernel, double[] a, boolean ta, double[] b, boolean tb, int rows,
                                    int inner, int cols) {
        try (BatchedMatrix am = ta ? BatchedMatrix.of(a, 1, inner, rows) : BatchedMatrix.of(a, 1, rows, inner, Placement.OFF_HEAP);
             BatchedMatrix bm = tb ? BatchedMatrix.of(b, 1, cols, inner, Placement.OFF_HEAP) : BatchedMatrix.of(b, 1, inner, cols);
             BatchedMatrix out = BatchedMatrix.zeros(F64, 1, rows, cols)) {
            kernel.multiply(am, ta, bm, tb, out);
            return out.toDoubleArray();
        }
    }

    private static double[] productClosedForm(double[] a, boolean ta, double[] b, boolean tb, int rows, int inner,
                                              int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int q = 0; q < inner; q++) {
                    s += (ta ? a[q * rows + i] : a[i * inner + q]) * (tb ? b[j * inner + q] : b[q * cols + j]);
                }
                out[i * cols + j] = s;
            }
        }
        return out;
    }

    // ---- MLP kernels -------------------------------------------------------------------------------------------

    /** A seeded problem: architecture, θ, x (n × d0) and y (n × targetWidth, labels as doubles). */
    private record Problem(MlpArchitecture arch, double[] theta, double[] x, double[] y, int n) {
        int[] rows() {
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = i;
            }
            return r;
        }

        /** MlpContract's count of roundings behind one gradient or Hessian-vector entry. */
        int roundings() {
            int maxWidth = 0;
            for (int w : arch.layers()) {
                maxWidth = Math.max(maxWidth, w);
            }
            return n + 2 * arch.depth() * (maxWidth + 8) + 16;
        }
    }

    /** Gaussian x, θ uniform within ±1.5/√fan-in, y random labels or Gaussian targets. */
    private static Problem seeded(int[] widths, Activation activation, Loss loss, int n, long seed) {
        MlpArchitecture a = new MlpArchitecture(widths, activation, loss);
        Random random = new Random(seed);
        double[] theta = new double[a.parameterCount()];
        for (int l = 0; l < a.depth(); l++) {
            double bound = 1.5 / Math.sqrt(a.width(l));
            for (int i = a.weightOffset(l); i < a.biasOffset(l) + a.width(l + 1); i++) {
                theta[i] = bound * (2 * random.nextDouble() - 1);
            }
        }
        double[] x = gaussian(random, n * a.inputs());
        double[] y = new double[n * a.targetWidth()];
        for (int i = 0; i < y.length; i++) {
            y[i] = loss == Loss.SQUARED ? random.nextGaussian() : random.nextInt(a.outputs());
        }
        return new Problem(a, theta, x, y, n);
    }

    private static final Object[][] MODELS = {
        {new int[] {5, 7, 6, 4}, Activation.GELU, Loss.CROSS_ENTROPY, 13},
        {new int[] {3, 9, 2}, Activation.TANH, Loss.SQUARED, 6},
        {new int[] {6, 9, 8, 5}, Activation.RELU, Loss.CROSS_ENTROPY, 21},
        {new int[] {2, 17, 1}, Activation.IDENTITY, Loss.SQUARED, 1},
        {new int[] {64, 64, 32, 10}, Activation.GELU, Loss.CROSS_ENTROPY, 40},   // the digits MLP
    };

    /**
     * One linear layer d0 → dL, identity, squared loss, n = 8 rows, integer x, y and θ (and v): its gradient
     * (1/n)·Σ_i r_i·(x_i, 1)ᵀ, r_i = W x_i + b − y_i, and its Hessian-vector product (1/n)·Σ_i (V x_i + v_b)·(x_i, 1)ᵀ
     * are exact in double (small integers, a power-of-two mean).
     */
    private static Problem linear(int d0, int dL, long seed) {
        MlpArchitecture a = new MlpArchitecture(new int[] {d0, dL}, Activation.IDENTITY, Loss.SQUARED);
        Random random = new Random(seed);
        int n = 8;
        return new Problem(a, integers(random, a.parameterCount()), integers(random, n * d0), integers(random, n * dL), n);
    }

    /**
     * The linear problem's (1/n)·Σ_i u_i·(x_i, 1)ᵀ in parameter order (W row-major, then b), u_i = V x_i + v_b − c·y_i:
     * the gradient for (V, v_b, c) = (θ, 1) and the Hessian-vector product for (v, 0); on |inputs| with c = −|c| the
     * scale B of the rounding bound.
     */
    private static double[] linearClosedForm(Problem pr, double[] v, double c, boolean abs) {
        int d0 = pr.arch().inputs();
        int dL = pr.arch().outputs();
        double[] out = new double[pr.arch().parameterCount()];
        for (int i = 0; i < pr.n(); i++) {
            for (int o = 0; o < dL; o++) {
                double u = v[pr.arch().biasOffset(0) + o];
                u = abs ? Math.abs(u) : u;
                for (int j = 0; j < d0; j++) {
                    double term = v[o * d0 + j] * pr.x()[i * d0 + j];
                    u += abs ? Math.abs(term) : term;
                }
                u += abs ? Math.abs(c * pr.y()[i * dL + o]) : -c * pr.y()[i * dL + o];
                for (int j = 0; j < d0; j++) {
                    double xij = abs ? Math.abs(pr.x()[i * d0 + j]) : pr.x()[i * d0 + j];
                    out[o * d0 + j] += u * xij;
                }
                out[pr.arch().biasOffset(0) + o] += u;
            }
        }
        for (int k = 0; k < out.length; k++) {
            out[k] /= pr.n();
        }
        return out;
    }

    private VerificationRow train() {
        Verifier.Measure m = new Verifier.Measure();
        MlpKernel kernel = backend.mlp();
        for (int[] shape : new int[][] {{3, 2}, {17, 9}, {64, 10}}) {
            // one full-batch step at lr 1 and momentum 0 moves θ by exactly −∇L (MlpKernel's update, lr_0 = lr)
            Problem pr = linear(shape[0], shape[1], 5003L * shape[0] + shape[1]);
            double[][] params = {pr.theta().clone()};
            kernel.train(pr.arch(), params, pr.x(), pr.y(), new int[][] {pr.rows()}, 1, pr.n(), 1.0, 0.0);
            double[] gradient = linearClosedForm(pr, pr.theta(), 1, false);
            double[] bound = linearClosedForm(pr, pr.theta(), 1, true);
            int depth = pr.arch().inputs() + pr.n() + 4;
            double worst = 0;
            for (int i = 0; i < gradient.length; i++) {
                // the gradient within γ_K·B, the update θ − ∇L rounded once more: u·(|θ| + |∇L|) ≤ K·ε·|θ|
                double want = pr.theta()[i] - gradient[i];
                double unit = depth * EPS * (bound[i] + Math.abs(pr.theta()[i]));
                worst = Math.max(worst, excess(params[0][i], want, unit));
            }
            m.cases++;
            m.residual(worst, EXACT_LIMIT);
        }
        if (!isReference) {
            for (Object[] model : MODELS) {
                Problem pr = seeded((int[]) model[0], (Activation) model[1], (Loss) model[2], (int) model[3],
                        7001L * (int) model[3]);
                double[][] ours = {pr.theta().clone()};
                double[][] theirs = {pr.theta().clone()};
                kernel.train(pr.arch(), ours, pr.x(), pr.y(), new int[][] {pr.rows()}, 1, pr.n(), 1.0, 0.0);
                reference.mlp().train(pr.arch(), theirs, pr.x(), pr.y(), new int[][] {pr.rows()}, 1, pr.n(), 1.0, 0.0);
                double[] gabs = meanAbsoluteGradient(reference.mlp(), pr);
                int k = pr.roundings();
                double worst = 0;
                for (int i = 0; i < gabs.length; i++) {
                    double unit = k * EPS * gabs[i] + 2 * EPS * (Math.abs(pr.theta()[i]) + gabs[i]);
                    worst = Math.max(worst, excess(ours[0][i], theirs[0][i], unit));
                }
                m.cases++;
                m.parity(worst, STEP_PARITY_LIMIT);
            }
        }
        return m.row(backend.name(), "mlp", "train", F64, "one full-batch SGD step: linear closed form (d0 3-64);"
                + " vs ref on 5 MLPs (gelu/tanh/relu/identity, digits 64-64-32-10)");
    }

    /**
     * The mean over the rows of |per-example gradient|, the scale of the gradient's rounding bound: each row's
     * gradient is θ − θ' after one step of lr 1 on that row alone (one job per row, through the reference).
     */
    private static double[] meanAbsoluteGradient(MlpKernel kernel, Problem pr) {
        double[][] params = new double[pr.n()][];
        int[][] orders = new int[pr.n()][];
        for (int i = 0; i < pr.n(); i++) {
            params[i] = pr.theta().clone();
            orders[i] = new int[] {i};
        }
        kernel.train(pr.arch(), params, pr.x(), pr.y(), orders, 1, 1, 1.0, 0.0);
        double[] gabs = new double[pr.theta().length];
        for (int i = 0; i < pr.n(); i++) {
            for (int j = 0; j < gabs.length; j++) {
                gabs[j] += Math.abs(pr.theta()[j] - params[i][j]) / pr.n();
            }
        }
        return gabs;
    }

    private VerificationRow hessianProduct() {
        Verifier.Measure m = new Verifier.Measure();
        MlpKernel kernel = backend.mlp();
        for (int[] shape : new int[][] {{3, 2}, {17, 9}, {64, 10}}) {
            Problem pr = linear(shape[0], shape[1], 6007L * shape[0] + shape[1]);
            int p = pr.arch().parameterCount();
            int k = 3;
            double[] v = integers(new Random(shape[0]), k * p);
            double[] out = new double[k * p];
            kernel.hessianProduct(pr.arch(), pr.theta(), pr.x(), pr.y(), pr.n(), v, out);
            int depth = pr.arch().inputs() + pr.n() + 4;
            double worst = 0;
            for (int j = 0; j < k; j++) {
                double[] vj = java.util.Arrays.copyOfRange(v, j * p, (j + 1) * p);
                double[] exact = linearClosedForm(pr, vj, 0, false);
                double[] bound = linearClosedForm(pr, vj, 0, true);
                worst = Math.max(worst, ratio(java.util.Arrays.copyOfRange(out, j * p, (j + 1) * p), exact, bound,
                        depth));
            }
            m.cases++;
            m.residual(worst, EXACT_LIMIT);
        }
        if (!isReference) {
            for (Object[] model : MODELS) {
                Problem pr = seeded((int[]) model[0], (Activation) model[1], (Loss) model[2], (int) model[3],
                        8009L * (int) model[3]);
                int p = pr.arch().parameterCount();
                double[] v = gaussian(new Random(p), 3 * p);
                double[] ours = new double[v.length];
                double[] theirs = new double[v.length];
                kernel.hessianProduct(pr.arch(), pr.theta(), pr.x(), pr.y(), pr.n(), v, ours);
                reference.mlp().hessianProduct(pr.arch(), pr.theta(), pr.x(), pr.y(), pr.n(), v, theirs);
                double unit = pr.roundings() * EPS * Invariants.maxAbs(theirs);
                m.cases++;
                m.parity(unit == 0 ? (Invariants.maxDifference(ours, theirs) == 0 ? 0 : Double.POSITIVE_INFINITY)
                        : Invariants.maxDifference(ours, theirs) / unit, HVP_PARITY_LIMIT);
            }
        }
        return m.row(backend.name(), "mlp", "hessian_product", F64, "3 vectors: linear closed form (d0 3-64);"
                + " vs ref on 5 MLPs (gelu/tanh/relu/identity, digits 64-64-32-10)");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** max_i |got_i − want_i| / (K·ε·bound_i); an entry with bound 0 must match exactly. */
    private static double ratio(double[] got, double[] want, double[] bound, int depth) {
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, excess(got[i], want[i], depth * EPS * bound[i]));
        }
        return worst;
    }

    /** |got − want| / unit; 0/0 is 0 and a difference over a zero unit is infinite (NaN is infinite too). */
    private static double excess(double got, double want, double unit) {
        double d = Math.abs(got - want);
        if (!(d == d)) {
            return Double.POSITIVE_INFINITY;
        }
        if (unit == 0) {
            return d == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return d / unit;
    }

    /** Integers in [−2, 2]: products and sums of a few thousand of them are exact in double. */
    private static double[] integers(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(5) - 2;
        }
        return v;
    }

    private static double[] gaussian(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static double[] abs(double[] v) {
        if (v == null) {
            return null;
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }
}
