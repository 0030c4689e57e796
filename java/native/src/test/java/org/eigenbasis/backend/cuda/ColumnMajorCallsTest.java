package org.eigenbasis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.eigenbasis.backend.java.ReferencePreconditioner;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * The row-major to column-major mapping of the cuda preconditioner, checked on any machine: the cuBLAS calls that
 * {@link ColumnMajorCalls} plans are executed by a plain emulator of cuBLAS's documented column-major semantics
 * (gemm with op, leading dimensions and strides; syrk on the upper triangle) on the very buffers our row-major
 * matrices lie in, and must give the reference results. What this cannot check is cuBLAS itself.
 */
class ColumnMajorCallsTest {
    private static final int[] SIZES = {1, 2, 3, 7, 8};
    private final ReferencePreconditioner reference = new ReferencePreconditioner();

    @Test
    void rotationsFollowTheReferenceForEveryTransposeAndSide() {
        Random random = new Random(11);
        int batch = 3;
        for (int m : SIZES) {
            for (int n : SIZES) {
                double[] g = gaussian(random, batch * m * n);
                double[] l = gaussian(random, batch * m * m);
                double[] r = gaussian(random, batch * n * n);
                for (int mask = 0; mask < 16; mask++) {
                    boolean useLeft = (mask & 1) != 0;
                    boolean useRight = (mask & 2) != 0;
                    boolean tl = (mask & 4) != 0;
                    boolean tr = (mask & 8) != 0;
                    if (!useLeft && !useRight) {
                        continue;
                    }
                    double[] current = g;
                    if (useLeft) {
                        double[] t = new double[g.length];
                        gemm(ColumnMajorCalls.rotateLeft(m, n, tl), current, l, t, batch);
                        current = t;
                    }
                    if (useRight) {
                        double[] y = new double[g.length];
                        gemm(ColumnMajorCalls.rotateRight(m, n, tr), r, current, y, batch);
                        current = y;
                    }
                    BatchedMatrix out = BatchedMatrix.zeros(org.eigenbasis.value.DType.F64, batch, m, n);
                    reference.rotate(useLeft ? BatchedMatrix.of(l, batch, m, m) : null, tl,
                            BatchedMatrix.of(g, batch, m, n), useRight ? BatchedMatrix.of(r, batch, n, n) : null, tr,
                            out);
                    // Two products in another order: each entry within γ_{m+n} of Σ|terms| ≤ m·n·max|l|·max|g|·max|r|
                    // (Higham §3.5; absent factors count as 1), once per side.
                    double bound = 2 * ErrorBounds.gamma(m + n, DType.F64) * m * n * maxAbs(g)
                            * (useLeft ? maxAbs(l) : 1) * (useRight ? maxAbs(r) : 1);
                    assertClose(out.toDoubleArray(), current, bound,
                            "rotate m=" + m + " n=" + n + " left=" + useLeft + "/" + tl + " right=" + useRight + "/" + tr);
                }
            }
        }
    }

    @Test
    void factorProductsFollowTheReferenceByGemmAndBySyrk() {
        Random random = new Random(12);
        int batch = 2;
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                double[] x = gaussian(random, batch * rows * cols);
                for (boolean left : new boolean[] {true, false}) {
                    int k = left ? rows : cols;
                    BatchedMatrix expected = BatchedMatrix.zeros(org.eigenbasis.value.DType.F64, batch, k, k);
                    reference.accumulateFactor(BatchedMatrix.of(x, batch, rows, cols), left, 0, 1, expected);
                    double[] want = expected.toDoubleArray();

                    double[] full = new double[batch * k * k];
                    gemm(ColumnMajorCalls.factorProduct(rows, cols, left), x, x, full, batch);
                    // Sums of rows·cols/k products of two entries: within γ_inner·inner·max|x|², once per side.
                    int inner = left ? cols : rows;
                    double bound = 2 * ErrorBounds.gamma(inner, DType.F64) * inner * maxAbs(x) * maxAbs(x);
                    assertClose(want, full, bound, "gemm rows=" + rows + " cols=" + cols + " left=" + left);

                    // syrk: one matrix at a time; only our row-major lower triangle (its upper) is written.
                    ColumnMajorCalls.Syrk s = ColumnMajorCalls.factorSyrk(rows, cols, left);
                    for (int b = 0; b < batch; b++) {
                        double[] c = new double[k * k];
                        java.util.Arrays.fill(c, Double.NaN);
                        double[] xb = java.util.Arrays.copyOfRange(x, b * rows * cols, (b + 1) * rows * cols);
                        syrkUpper(s, xb, c);
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                double got = c[i * k + j];
                                if (j <= i) {
                                    assertEquals(want[b * k * k + i * k + j], got, bound,
                                            "syrk rows=" + rows + " cols=" + cols + " left=" + left);
                                } else {
                                    assertEquals(Double.NaN, got, "syrk must leave the row-major upper triangle");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** cublas?gemmStridedBatched with alpha = 1, beta = 0, as documented: column-major, element (i, j) at i + j·ld. */
    private static void gemm(ColumnMajorCalls.Gemm c, double[] a, double[] b, double[] out, int batch) {
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < c.m(); i++) {
                for (int j = 0; j < c.n(); j++) {
                    double s = 0;
                    for (int p = 0; p < c.k(); p++) {
                        double av = c.transA() ? a[(int) (t * c.strideA()) + p + i * c.lda()]
                                : a[(int) (t * c.strideA()) + i + p * c.lda()];
                        double bv = c.transB() ? b[(int) (t * c.strideB()) + j + p * c.ldb()]
                                : b[(int) (t * c.strideB()) + p + j * c.ldb()];
                        s += av * bv;
                    }
                    out[(int) (t * c.strideC()) + i + j * c.ldc()] = s;
                }
            }
        }
    }

    /** cublas?syrk, upper, alpha = 1, beta = 0: C(i, j) for i ≤ j = Σ op(A)(i, p)·op(A)(j, p). */
    private static void syrkUpper(ColumnMajorCalls.Syrk c, double[] a, double[] out) {
        for (int j = 0; j < c.n(); j++) {
            for (int i = 0; i <= j; i++) {
                double s = 0;
                for (int p = 0; p < c.k(); p++) {
                    double ai = c.trans() ? a[p + i * c.lda()] : a[i + p * c.lda()];
                    double aj = c.trans() ? a[p + j * c.lda()] : a[j + p * c.lda()];
                    s += ai * aj;
                }
                out[i + j * c.ldc()] = s;
            }
        }
    }

    private static double[] gaussian(Random random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextGaussian();
        }
        return x;
    }

    private static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static void assertClose(double[] want, double[] got, double tolerance, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tolerance, what + " [" + i + "]");
        }
    }
}
