package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The preconditioner kernels ({@link PreconditionerKernel}) on every backend, against plain double-precision loops
 * written here from the Javadoc. Products (factor accumulation, rotations) agree entry by entry within
 * 4·(k + 2)·ε·(the same sum over absolute values), k the inner dimension and ε the dtype's: the bound for a sum of
 * k products in any order, in the dtype's arithmetic, of inputs that are exact in the dtype. The factor must be
 * exactly symmetric. The diagonal update agrees within 4 ulp of the dtype (a backend may round differently only
 * where the Javadoc's formula leaves it: pow, or rounding f32 steps to f32). Shapes: empty batch and extents,
 * 1 × 1, tall, wide, odd, and blocks large enough for a native backend to split one over its workers; heap and
 * off-heap matrices; every transpose and missing side; beta = 0 over NaN; NaN in the strict upper triangle of the
 * old factor (never read); a square block accumulated into itself; out = g; AdaGrad (beta2 = 1) and an exponent
 * other than 1/2.
 */
public abstract class PreconditionerContract extends BackendContract {
    private PreconditionerKernel kernel() {
        return backend().preconditioner();
    }

    /** (dtype, batch, rows, cols): the sizes every kernel meets. */
    static Stream<Arguments> shapes() {
        int[][] sizes = {{0, 3, 4}, {2, 0, 3}, {2, 3, 0}, {1, 1, 1}, {3, 1, 1}, {2, 2, 3}, {3, 5, 2}, {1, 7, 9},
                         {4, 17, 33}, {3, 33, 8}, {1, 200, 130}, {1, 96, 250}};
        List<Arguments> list = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (int[] s : sizes) {
                list.add(Arguments.of(dtype, s[0], s[1], s[2]));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} ({1}, {2}, {3})")
    @MethodSource("shapes")
    void factorAccumulationIsTheSymmetricProduct(DType dtype, int batch, int rows, int cols) {
        Random random = new Random(31L * rows + cols + batch);
        try (BatchedMatrix x = gaussian(random, dtype, batch, rows, cols, placement(random))) {
            for (boolean left : new boolean[] {true, false}) {
                int k = left ? rows : cols;
                int inner = left ? cols : rows;
                for (double beta : new double[] {0.0, 0.95}) {
                    try (BatchedMatrix factor = gaussian(random, dtype, batch, k, k, placement(random))) {
                        double[] old = factor.toDoubleArray();
                        for (int b = 0; b < batch && k > 0; b++) {
                            if (beta == 0) {
                                factor.set(b, k - 1, 0, Double.NaN);   // beta = 0: the old factor is not read
                                factor.set(b, 0, 0, Double.NaN);
                            }
                            if (k > 1) {
                                factor.set(b, 0, k - 1, Double.NaN);   // the strict upper triangle is never read
                            }
                        }
                        double alpha = 0.25;
                        kernel().accumulateFactor(x, left, beta, alpha, factor);
                        double[] xs = x.toDoubleArray();
                        for (int b = 0; b < batch; b++) {
                            int xo = b * rows * cols;
                            for (int i = 0; i < k; i++) {
                                for (int j = 0; j < k; j++) {
                                    double sum = 0;
                                    double abs = 0;
                                    for (int c = 0; c < inner; c++) {
                                        double p = left ? xs[xo + i * cols + c] * xs[xo + j * cols + c]
                                                : xs[xo + c * cols + i] * xs[xo + c * cols + j];
                                        sum += p;
                                        abs += Math.abs(p);
                                    }
                                    double o = beta == 0 ? 0 : beta * old[b * k * k + Math.max(i, j) * k + Math.min(i, j)];
                                    double want = o + alpha * sum;
                                    // β·old + α·Σ of `inner` products: Higham's γ_{inner+2}·Σ|terms| in any order
                                    // (ErrorBounds); twice it for the reference's own rounding in f64.
                                    double tol = 2 * ErrorBounds.gamma(inner + 2, dtype) * (Math.abs(o) + alpha * abs);
                                    double got = factor.get(b, i, j);
                                    String where = "left=" + left + " beta=" + beta + " [" + b + "][" + i + "][" + j + "]";
                                    assertEquals(want, got, tol, where);
                                    assertEquals(got, factor.get(b, j, i), 0.0, "not exactly symmetric at " + where);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} ({1}, {2}, {3})")
    @MethodSource("shapes")
    void rotationIsTheTwoSidedProduct(DType dtype, int batch, int m, int n) {
        Random random = new Random(17L * m + n + batch);
        try (BatchedMatrix l = gaussian(random, dtype, batch, m, m, placement(random));
             BatchedMatrix g = gaussian(random, dtype, batch, m, n, placement(random));
             BatchedMatrix r = gaussian(random, dtype, batch, n, n, placement(random));
             BatchedMatrix out = BatchedMatrix.zeros(dtype, batch, m, n, placement(random))) {
            double[] ls = l.toDoubleArray();
            double[] gs = g.toDoubleArray();
            double[] rs = r.toDoubleArray();
            for (int sides = 0; sides < 9; sides++) {
                int leftMode = sides % 3;     // 0 identity (null), 1 L, 2 Lᵀ
                int rightMode = sides / 3;
                kernel().rotate(leftMode == 0 ? null : l, leftMode == 2, g, rightMode == 0 ? null : r, rightMode == 2, out);
                for (int b = 0; b < batch; b++) {
                    double[] y = new double[m * n];
                    double[] ya = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            double a = 0;
                            for (int p = 0; p < m; p++) {
                                double lv = leftMode == 0 ? (i == p ? 1 : 0)
                                        : leftMode == 2 ? ls[b * m * m + p * m + i] : ls[b * m * m + i * m + p];
                                double t = lv * gs[b * m * n + p * n + j];
                                s += t;
                                a += Math.abs(t);
                            }
                            y[i * n + j] = s;
                            ya[i * n + j] = a;
                        }
                    }
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            double a = 0;
                            for (int p = 0; p < n; p++) {
                                double rv = rightMode == 0 ? (p == j ? 1 : 0)
                                        : rightMode == 2 ? rs[b * n * n + j * n + p] : rs[b * n * n + p * n + j];
                                s += y[i * n + p] * rv;
                                a += ya[i * n + p] * Math.abs(rv);
                            }
                            // L·G·R in either association, the intermediate rounded: |error| ≤ γ_{m+n+1}·(|L||G||R|)
                            // (Higham §3.5); twice it for the reference's own rounding in f64.
                            double tol = 2 * ErrorBounds.gamma(m + n + 2, dtype) * a;
                            assertEquals(s, out.get(b, i, j), tol,
                                    "left mode " + leftMode + ", right mode " + rightMode + " at [" + b + "][" + i + "][" + j + "]");
                        }
                    }
                }
            }
        }
    }

    /** (dtype, with m, in place, beta2, gamma, exponent): Adam, AdaGrad and a non-square-root exponent. */
    static Stream<Arguments> diagonalCases() {
        List<Arguments> list = new ArrayList<>();
        double[][] moments = {{0.999, 0.001, 0.5}, {1.0, 1.0, 0.5}, {0.99, 0.01, 0.25}};
        for (DType dtype : DType.values()) {
            for (boolean withM : new boolean[] {true, false}) {
                for (boolean inPlace : new boolean[] {true, false}) {
                    for (double[] p : moments) {
                        list.add(Arguments.of(dtype, withM, inPlace, p[0], p[1], p[2]));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} m={1} out=g:{2} beta2={3} gamma={4} p={5}")
    @MethodSource("diagonalCases")
    void diagonalUpdateFollowsTheFormulaInOrder(DType dtype, boolean withM, boolean inPlace, double beta2,
                                                double gamma, double exponent) {
        Random random = new Random(5);
        int batch = 3;
        int rows = 67;
        int cols = 41;   // 8241 entries a block: not a multiple of any vector width
        double beta1 = 0.9;
        double eps = 1e-8;
        try (BatchedMatrix g = gaussian(random, dtype, batch, rows, cols, placement(random));
             BatchedMatrix m = gaussian(random, dtype, batch, rows, cols, placement(random));
             BatchedMatrix v = gaussian(random, dtype, batch, rows, cols, placement(random));
             BatchedMatrix separate = BatchedMatrix.zeros(dtype, batch, rows, cols, placement(random))) {
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        v.set(b, i, j, Math.abs(v.get(b, i, j)));
                    }
                }
            }
            v.set(0, 0, 0, 0.0);   // v = 0 with g = 0: without m, out = 0 / eps, a finite zero
            g.set(0, 0, 0, 0.0);
            double[] g0 = g.toDoubleArray();
            double[] m0 = m.toDoubleArray();
            double[] v0 = v.toDoubleArray();
            BatchedMatrix out = inPlace ? g : separate;
            kernel().diagonalUpdate(g, withM ? m : null, v, beta1, beta2, gamma, exponent, eps, out);
            double[] gotOut = out.toDoubleArray();
            double[] gotM = m.toDoubleArray();
            double[] gotV = v.toDoubleArray();
            for (int e = 0; e < g0.length; e++) {
                double gi = g0[e];
                double mi = withM ? beta1 * m0[e] + (1 - beta1) * gi : gi;
                double vi = beta2 * v0[e] + gamma * (gi * gi);
                double root = exponent == 0.5 ? Math.sqrt(vi) : Math.pow(vi, exponent);
                double want = mi / (root + eps);
                assertUlps(dtype, vi, gotV[e], "v at " + e);
                assertUlps(dtype, withM ? mi : m0[e], gotM[e], "m at " + e + (withM ? "" : " (absent: untouched)"));
                assertUlps(dtype, want, gotOut[e], "out at " + e);
            }
            if (!withM) {
                assertEquals(0.0, gotOut[0], 0.0, "g = 0, v = 0: out = 0 / eps");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void aSquareBlockMayBeAccumulatedIntoItself(DType dtype) {
        Random random = new Random(23);
        int n = 70;
        try (BatchedMatrix x = gaussian(random, dtype, 2, n, n, placement(random))) {
            double[] xs = x.toDoubleArray();
            kernel().accumulateFactor(x, false, 0.5, 1.0, x);   // x ← 0.5 x (lower, mirrored) + xᵀ x, of the old x
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        double abs = 0;
                        for (int r = 0; r < n; r++) {
                            double p = xs[b * n * n + r * n + i] * xs[b * n * n + r * n + j];
                            sum += p;
                            abs += Math.abs(p);
                        }
                        double o = 0.5 * xs[b * n * n + Math.max(i, j) * n + Math.min(i, j)];
                        assertEquals(o + sum, x.get(b, i, j), 2 * ErrorBounds.gamma(n + 2, dtype) * (Math.abs(o) + abs),
                                "[" + b + "][" + i + "][" + j + "]");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void emptyBlocksAreNoOps(DType dtype) {
        try (BatchedMatrix x = BatchedMatrix.zeros(dtype, 2, 0, 3); BatchedMatrix f = BatchedMatrix.zeros(dtype, 2, 0, 0);
             BatchedMatrix out = BatchedMatrix.zeros(dtype, 2, 0, 3)) {
            kernel().accumulateFactor(x, true, 0.5, 1, f);
            kernel().rotate(null, false, x, null, false, out);
            kernel().diagonalUpdate(x, null, out, 0.9, 0.99, 0.01, 0.5, 1e-8, x);
            assertEquals(0, f.size());
        }
    }

    /**
     * Within 4 ulps of the dtype: every kernel evaluates the formula in double, in the reference's order, each
     * operation correctly rounded and without fused multiply-add (precond.cpp is compiled -ffp-contract=off,
     * precond.cu --fmad=false), and rounds once when it stores an f32 result. So the results equal the reference's
     * but for pow, which is not correctly rounded (within 1 ulp in glibc and in Java) and can move an f32 rounding
     * by 1 ulp; 4 ulps leaves room for a libm that is off by a few.
     */
    private static void assertUlps(DType dtype, double want, double got, String where) {
        double rounded = dtype == DType.F32 ? (float) want : want;
        double ulp = dtype == DType.F32 ? Math.ulp((float) rounded) : Math.ulp(rounded);
        assertTrue(Math.abs(got - rounded) <= 4 * ulp || (got == rounded),
                where + ": " + got + " vs " + rounded + " (" + (Math.abs(got - rounded) / ulp) + " ulp)");
    }

    private static Placement placement(Random random) {
        return random.nextBoolean() ? Placement.HEAP : Placement.OFF_HEAP;
    }

    private static BatchedMatrix gaussian(Random random, DType dtype, int batch, int rows, int cols, Placement placement) {
        BatchedMatrix matrix = BatchedMatrix.zeros(dtype, batch, rows, cols, placement);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    matrix.set(b, i, j, random.nextGaussian());
                }
            }
        }
        return matrix;
    }
}
