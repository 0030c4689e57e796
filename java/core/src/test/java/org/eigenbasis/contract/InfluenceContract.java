package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The influence kernels ({@link InfluenceKernel}) on every backend, against plain double-precision loops written here
 * from the Javadoc and against closed forms: EK-FAC eigenvalues are the diagonal of the layer's GGN block in the
 * Kronecker basis (a quadratic form over the explicit block), their sum is basis-invariant for orthogonal bases, a
 * Kronecker rotation forward then backward is the identity for orthogonal bases (bit for bit for signed
 * permutations).
 *
 * <p>Tolerances, from Higham, <i>Accuracy and Stability of Numerical Algorithms</i> (2nd ed.), §3.1 eq. (3.5) and
 * Lemma 3.3 ({@link ErrorBounds#gamma}): a sum of K products in any order, with or without fused multiply-add, is
 * within γ_K·Σ|terms| of the exact one; a product of two such computed nonnegative quantities, with bounds γ_a and
 * γ_b on their relative errors, is within γ_{a+b+1}. For EK-FAC: u = (Q_Sᵀg)_p is within γ_dOut·U, U = Σ_q|Q_S[q][p]
 * g_q|; u² within γ_{2·dOut+1}·U²; the sum over c adds γ_C; t = ((Q_Aᵀa)_k)² within γ_{2·dIn+1}·V²; the product, the
 * sum over n examples and the scale add γ_{n+2}: so |λ̂ − λ| ≤ γ_K·scale·Σ_i (Σ_c U²)·V², K = 2·dOut + 2·dIn + C +
 * n + 4. Every bound is doubled: the loops here round too (in f64, within the same bound of the exact value).
 *
 * <p>Inputs: seeded Gaussians; zeros; rank-deficient factors; n = 1, perExample = 1, dIn = 1, dOut = 1; a bias
 * (a and qa null); empty extents; blocks large enough for a native backend to split one product over its workers;
 * heap and off-heap matrices; beta = 0 over NaN; Y = X; every transpose flag; empty inner dimensions.
 */
public abstract class InfluenceContract extends BackendContract {
    private InfluenceKernel kernel() {
        return backend().influence();
    }

    // ---- EK-FAC eigenvalues ------------------------------------------------------------------------------------

    /** (n, perExample, dOut, dIn, bias). */
    static Stream<Arguments> ekfacShapes() {
        int[][] sizes = {{0, 3, 4, 5, 0}, {1, 1, 1, 1, 0}, {1, 1, 1, 1, 1}, {5, 3, 4, 1, 0}, {7, 2, 6, 1, 1},
                         {1, 10, 7, 5, 0}, {2, 3, 1, 6, 0}, {40, 10, 9, 13, 0}, {33, 10, 10, 1, 1}, {3, 2, 0, 4, 0},
                         {3, 2, 4, 0, 0}, {300, 10, 33, 17, 0}, {1100, 1, 64, 64, 0}};
        List<Arguments> list = new ArrayList<>();
        for (int[] s : sizes) {
            list.add(Arguments.of(s[0], s[1], s[2], s[3], s[4] == 1));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "n={0} C={1} dOut={2} dIn={3} bias={4}")
    @MethodSource("ekfacShapes")
    void ekfacEigenvaluesFollowTheFormula(int n, int perExample, int dOut, int dIn, boolean bias) {
        Random random = new Random(1000L * n + 100L * perExample + 10L * dOut + dIn);
        double[] g = gaussian(random, n * perExample * dOut);
        double[] a = bias ? null : gaussian(random, n * dIn);
        if (a != null && dIn >= 3) {   // rank-deficient: column 1 repeats column 0, column 2 is zero
            for (int i = 0; i < n; i++) {
                a[i * dIn + 1] = a[i * dIn];
                a[i * dIn + 2] = 0;
            }
        }
        double[] qs = gaussian(random, dOut * dOut);   // any matrices: the formula does not need orthogonality
        double[] qa = bias ? null : gaussian(random, dIn * dIn);
        double scale = 1.0 / Math.max(n, 1);
        checkEkfac(random, n, perExample, dOut, bias ? 1 : dIn, g, a, qs, qa, scale);
    }

    @Test
    void ekfacEigenvaluesOfZeroFactorsAreZero() {
        Random random = new Random(3);
        int n = 9;
        int c = 4;
        int dOut = 5;
        int dIn = 6;
        double[] qs = gaussian(random, dOut * dOut);
        double[] qa = gaussian(random, dIn * dIn);
        for (int zero = 0; zero < 2; zero++) {
            double[] g = zero == 0 ? new double[n * c * dOut] : gaussian(random, n * c * dOut);
            double[] a = zero == 1 ? new double[n * dIn] : gaussian(random, n * dIn);
            try (BatchedMatrix lambda = run(random, n, c, dOut, dIn, g, a, qs, qa, 0.5, true)) {
                for (double v : lambda.toDoubleArray()) {
                    assertEquals(0.0, v, 0.0, (zero == 0 ? "g" : "a") + " = 0 gives lambda = 0 exactly");
                }
            }
        }
    }

    /** (basis): identity or an exactly orthogonal one. */
    static Stream<Arguments> bases() {
        return Stream.of(Arguments.of("identity"), Arguments.of("orthogonal"));
    }

    /**
     * λ[p][k] = vᵀ F v with v = q_S,p ⊗ q_A,k and F = scale·Σ_i Σ_c vec(g_ic a_iᵀ) vec(g_ic a_iᵀ)ᵀ the layer's GGN
     * block formed explicitly: with identity bases, the diagonal of the block. The quadratic form sums
     * (dOut·dIn)² products of F entries, each a sum of n·C products: K = n·C + 2·dOut·dIn + 2·dOut + 2·dIn + 8 bounds
     * both routes, against the same sum over absolute values.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bases")
    void ekfacEigenvaluesAreTheBlockInTheKroneckerBasis(String basis) {
        Random random = new Random(basis.length());
        int n = 11;
        int c = 3;
        int dOut = 5;
        int dIn = 4;
        double[] g = gaussian(random, n * c * dOut);
        double[] a = gaussian(random, n * dIn);
        boolean identity = basis.equals("identity");
        double[] qs = identity ? identityMatrix(dOut) : orthogonal(random, dOut, false);
        double[] qa = identity ? identityMatrix(dIn) : orthogonal(random, dIn, false);
        double scale = 1.0 / n;
        int d = dOut * dIn;
        double[] block = new double[d * d];
        double[] blockAbs = new double[d * d];
        for (int i = 0; i < n; i++) {
            for (int cc = 0; cc < c; cc++) {
                double[] vec = new double[d];
                for (int o = 0; o < dOut; o++) {
                    for (int k = 0; k < dIn; k++) {
                        vec[o * dIn + k] = g[(i * c + cc) * dOut + o] * a[i * dIn + k];
                    }
                }
                for (int x = 0; x < d; x++) {
                    for (int y = 0; y < d; y++) {
                        block[x * d + y] += scale * vec[x] * vec[y];
                        blockAbs[x * d + y] += scale * Math.abs(vec[x] * vec[y]);
                    }
                }
            }
        }
        try (BatchedMatrix lambda = run(random, n, c, dOut, dIn, g, a, qs, qa, scale, true)) {
            int depth = n * c + 2 * d + 2 * dOut + 2 * dIn + 8;
            for (int p = 0; p < dOut; p++) {
                for (int k = 0; k < dIn; k++) {
                    double form = 0;
                    double abs = 0;
                    for (int x = 0; x < d; x++) {
                        double vx = qs[(x / dIn) * dOut + p] * qa[(x % dIn) * dIn + k];
                        for (int y = 0; y < d; y++) {
                            double vy = qs[(y / dIn) * dOut + p] * qa[(y % dIn) * dIn + k];
                            form += vx * block[x * d + y] * vy;
                            abs += Math.abs(vx) * blockAbs[x * d + y] * Math.abs(vy);
                        }
                    }
                    assertEquals(form, lambda.get(0, p, k), 2 * ErrorBounds.gamma(depth, DType.F64) * abs,
                            basis + " [" + p + "][" + k + "]");
                }
            }
        }
    }

    /**
     * For orthogonal Q_S and Q_A, Σ_{p,k} λ[p][k] = scale·Σ_i (Σ_c ‖g_ic‖²)·‖a_i‖², whatever the bases (the trace of
     * the block). The bases here are exactly orthogonal in floating point (signed permutations of Kronecker powers of
     * I − ½·11ᵀ), so the identity holds exactly and the tolerance is the rounding bound alone, with dOut·dIn more terms.
     */
    @Test
    void ekfacEigenvaluesSumToTheTraceForOrthogonalBases() {
        Random random = new Random(77);
        int n = 60;
        int c = 10;
        int dOut = 20;
        int dIn = 17;
        double[] g = gaussian(random, n * c * dOut);
        double[] a = gaussian(random, n * dIn);
        double[] qs = orthogonal(random, dOut, false);
        double[] qa = orthogonal(random, dIn, false);
        double scale = 1.0 / n;
        double trace = 0;
        double traceAbs = 0;
        for (int i = 0; i < n; i++) {
            double gg = 0;
            double ggAbs = 0;
            for (int cc = 0; cc < c; cc++) {
                for (int o = 0; o < dOut; o++) {
                    double v = g[(i * c + cc) * dOut + o];
                    gg += v * v;
                }
                for (int p = 0; p < dOut; p++) {   // Σ_p (Σ_q |Q_S[q][p] g_q|)², the bound's scale
                    double u = 0;
                    for (int q = 0; q < dOut; q++) {
                        u += Math.abs(qs[q * dOut + p] * g[(i * c + cc) * dOut + q]);
                    }
                    ggAbs += u * u;
                }
            }
            double aa = 0;
            double aaAbs = 0;
            for (int k = 0; k < dIn; k++) {
                aa += a[i * dIn + k] * a[i * dIn + k];
                double v = 0;
                for (int q = 0; q < dIn; q++) {
                    v += Math.abs(qa[q * dIn + k] * a[i * dIn + q]);
                }
                aaAbs += v * v;
            }
            trace += scale * gg * aa;
            traceAbs += scale * ggAbs * aaAbs;
        }
        try (BatchedMatrix lambda = run(random, n, c, dOut, dIn, g, a, qs, qa, scale, true)) {
            double sum = 0;
            for (double v : lambda.toDoubleArray()) {
                sum += v;
            }
            int depth = 2 * dOut + 2 * dIn + c + n + 4 + dOut * dIn;
            assertEquals(trace, sum, 2 * ErrorBounds.gamma(depth, DType.F64) * traceAbs, "sum of the eigenvalues");
        }
    }

    // ---- Kronecker rotation ------------------------------------------------------------------------------------

    /** (k, dOut, dIn). */
    static Stream<Arguments> rotateShapes() {
        int[][] sizes = {{0, 3, 4}, {2, 0, 3}, {2, 3, 0}, {1, 1, 1}, {1, 3, 5}, {37, 8, 5}, {5, 1, 7}, {6, 7, 1},
                         {3, 64, 64}, {1, 160, 150}};
        List<Arguments> list = new ArrayList<>();
        for (int[] s : sizes) {
            list.add(Arguments.of(s[0], s[1], s[2]));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "k={0} dOut={1} dIn={2}")
    @MethodSource("rotateShapes")
    void kroneckerRotationIsTheTwoSidedProduct(int k, int dOut, int dIn) {
        Random random = new Random(31L * k + 7L * dOut + dIn);
        double[] qs = gaussian(random, dOut * dOut);
        double[] qa = gaussian(random, dIn * dIn);
        double[] x = gaussian(random, k * dOut * dIn);
        try (BatchedMatrix s = matrix(random, qs, 1, dOut, dOut); BatchedMatrix q = matrix(random, qa, 1, dIn, dIn);
             BatchedMatrix xs = matrix(random, x, k, dOut, dIn);
             BatchedMatrix out = BatchedMatrix.zeros(DType.F64, k, dOut, dIn, placement(random))) {
            for (boolean forward : new boolean[] {true, false}) {
                fill(out, Double.NaN);   // out is written entirely
                kernel().kroneckerRotate(s, q, xs, forward, out);
                for (int j = 0; j < k; j++) {
                    // X_j·op(Q_A), then op(Q_S)·(that), with the sums over absolute values alongside.
                    double[] y = new double[dOut * dIn];
                    double[] ya = new double[dOut * dIn];
                    for (int i = 0; i < dOut; i++) {
                        for (int cc = 0; cc < dIn; cc++) {
                            for (int r = 0; r < dIn; r++) {
                                double t = x[j * dOut * dIn + i * dIn + r] * (forward ? qa[r * dIn + cc] : qa[cc * dIn + r]);
                                y[i * dIn + cc] += t;
                                ya[i * dIn + cc] += Math.abs(t);
                            }
                        }
                    }
                    for (int i = 0; i < dOut; i++) {
                        for (int cc = 0; cc < dIn; cc++) {
                            double want = 0;
                            double abs = 0;
                            for (int p = 0; p < dOut; p++) {
                                double l = forward ? qs[p * dOut + i] : qs[i * dOut + p];
                                want += l * y[p * dIn + cc];
                                abs += Math.abs(l) * ya[p * dIn + cc];
                            }
                            // Q·X·Q in either association, the intermediate rounded: γ_{dOut+dIn+1} (Higham §3.5).
                            assertEquals(want, out.get(j, i, cc), 2 * ErrorBounds.gamma(dOut + dIn + 2, DType.F64) * abs,
                                    "forward=" + forward + " [" + j + "][" + i + "][" + cc + "]");
                        }
                    }
                }
            }
        }
    }

    /**
     * Forward then backward is X for orthogonal bases. Signed permutations: every product is by ±1 or 0 and every sum
     * has one nonzero term, so both directions are exact and the round trip is X bit for bit. Kronecker powers of
     * I − ½·11ᵀ (exactly orthogonal in floating point): within 2·γ_K·(|Q_S||Q_S|ᵀ|X||Q_A||Q_A|ᵀ), K = 2·(dOut + dIn) + 4,
     * the two products' bounds added.
     */
    @Test
    void kroneckerRotationForwardThenBackwardIsTheIdentity() {
        for (boolean permutation : new boolean[] {true, false}) {
            Random random = new Random(permutation ? 5 : 6);
            int k = 9;
            int dOut = 20;
            int dIn = 18;
            double[] qs = orthogonal(random, dOut, permutation);
            double[] qa = orthogonal(random, dIn, permutation);
            double[] x = gaussian(random, k * dOut * dIn);
            try (BatchedMatrix s = matrix(random, qs, 1, dOut, dOut); BatchedMatrix q = matrix(random, qa, 1, dIn, dIn);
                 BatchedMatrix xs = matrix(random, x, k, dOut, dIn);
                 BatchedMatrix mid = BatchedMatrix.zeros(DType.F64, k, dOut, dIn, placement(random));
                 BatchedMatrix back = BatchedMatrix.zeros(DType.F64, k, dOut, dIn, placement(random))) {
                kernel().kroneckerRotate(s, q, xs, true, mid);
                kernel().kroneckerRotate(s, q, mid, false, back);
                double[] ss = absProduct(qs, dOut);   // |Q||Q|ᵀ
                double[] aa = absProduct(qa, dIn);
                for (int j = 0; j < k; j++) {
                    for (int i = 0; i < dOut; i++) {
                        for (int cc = 0; cc < dIn; cc++) {
                            double bound = 0;
                            if (!permutation) {
                                for (int p = 0; p < dOut; p++) {
                                    for (int r = 0; r < dIn; r++) {
                                        bound += ss[i * dOut + p] * Math.abs(x[j * dOut * dIn + p * dIn + r]) * aa[r * dIn + cc];
                                    }
                                }
                            }
                            double tol = 2 * ErrorBounds.gamma(2 * (dOut + dIn) + 4, DType.F64) * bound;
                            assertEquals(x[j * dOut * dIn + i * dIn + cc], back.get(j, i, cc), tol,
                                    (permutation ? "signed permutation" : "orthogonal") + " [" + j + "][" + i + "][" + cc + "]");
                        }
                    }
                }
            }
        }
    }

    // ---- weighted product --------------------------------------------------------------------------------------

    /** (m, p, n, weights: 0 none, 1 positive, 2 any sign with zeros, Y = X, beta). */
    static Stream<Arguments> weightedCases() {
        int[][] sizes = {{0, 3, 4}, {3, 4, 0}, {3, 0, 4}, {1, 1, 1}, {1, 7, 5}, {5, 9, 1}, {6, 9, 6}, {33, 17, 40},
                         {200, 130, 170}};
        List<Arguments> list = new ArrayList<>();
        for (int[] s : sizes) {
            for (int weights = 0; weights < 3; weights++) {
                boolean same = s[0] == s[2] && weights != 1;
                list.add(Arguments.of(s[0], s[1], s[2], weights, same, weights == 1 ? 0.75 : 0.0));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "m={0} p={1} n={2} w={3} y=x:{4} beta={5}")
    @MethodSource("weightedCases")
    void weightedProductFollowsTheFormula(int m, int p, int n, int weights, boolean same, double beta) {
        Random random = new Random(13L * m + 5L * p + n + weights);
        double[] x = gaussian(random, m * p);
        double[] y = same ? x : gaussian(random, n * p);
        double[] w = gaussian(random, p);
        for (int q = 0; q < p; q++) {
            w[q] = weights == 1 ? Math.abs(w[q]) : q % 3 == 0 ? 0 : w[q];
        }
        double[] old = gaussian(random, m * n);
        double alpha = -0.5;
        try (BatchedMatrix xs = matrix(random, x, 1, m, p); BatchedMatrix ys = same ? null : matrix(random, y, 1, n, p);
             BatchedMatrix ws = weights == 0 ? null : matrix(random, w, 1, 1, p);
             BatchedMatrix out = matrix(random, old, 1, m, n)) {
            if (beta == 0) {
                fill(out, Double.NaN);   // beta = 0: out is not read
            }
            kernel().weightedProduct(xs, ws, same ? xs : ys, alpha, beta, out);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int q = 0; q < p; q++) {
                        double t = x[i * p + q] * (weights == 0 ? 1 : w[q]) * y[j * p + q];
                        sum += t;
                        abs += Math.abs(t);
                    }
                    double o = beta == 0 ? 0 : beta * old[i * n + j];
                    // α·Σ_q (x·w)·y + β·o: p products of three factors and two more operations.
                    double tol = 2 * ErrorBounds.gamma(p + 4, DType.F64) * (Math.abs(alpha) * abs + Math.abs(o));
                    assertEquals(alpha * sum + o, out.get(0, i, j), tol, "[" + i + "][" + j + "]");
                }
            }
        }
    }

    // ---- multiply ----------------------------------------------------------------------------------------------

    /** (m, n, k, transposeA, transposeB). */
    static Stream<Arguments> multiplyCases() {
        int[][] sizes = {{1, 1, 1}, {5, 7, 3}, {0, 3, 2}, {3, 0, 2}, {4, 5, 0}, {1, 300, 40}, {41, 1, 9}, {170, 150, 160}};
        List<Arguments> list = new ArrayList<>();
        for (int[] s : sizes) {
            for (int flags = 0; flags < 4; flags++) {
                list.add(Arguments.of(s[0], s[1], s[2], (flags & 1) != 0, (flags & 2) != 0));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} tA={3} tB={4}")
    @MethodSource("multiplyCases")
    void multiplyIsThePlainProduct(int m, int n, int k, boolean transposeA, boolean transposeB) {
        Random random = new Random(101L * m + 11L * n + k + (transposeA ? 7 : 0) + (transposeB ? 3 : 0));
        double[] a = gaussian(random, m * k);   // stored as op(A) requires: k × m when transposed
        double[] b = gaussian(random, k * n);
        int aRows = transposeA ? k : m;
        int aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k;
        int bCols = transposeB ? k : n;
        try (BatchedMatrix as = matrix(random, a, 1, aRows, aCols); BatchedMatrix bs = matrix(random, b, 1, bRows, bCols);
             BatchedMatrix out = BatchedMatrix.zeros(DType.F64, 1, m, n, placement(random))) {
            fill(out, Double.NaN);   // out is written entirely and never read
            kernel().multiply(as, transposeA, bs, transposeB, out);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int q = 0; q < k; q++) {
                        double t = (transposeA ? a[q * aCols + i] : a[i * aCols + q])
                                * (transposeB ? b[j * bCols + q] : b[q * bCols + j]);
                        sum += t;
                        abs += Math.abs(t);
                    }
                    assertEquals(sum, out.get(0, i, j), 2 * ErrorBounds.gamma(k + 1, DType.F64) * abs,
                            "[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void multiplyOfAMatrixByItsOwnTranspose() {
        Random random = new Random(8);
        double[] a = gaussian(random, 30 * 12);
        try (BatchedMatrix as = matrix(random, a, 1, 30, 12); BatchedMatrix out = BatchedMatrix.zeros(DType.F64, 1, 12, 12)) {
            kernel().multiply(as, true, as, false, out);   // Aᵀ·A, the same matrix on both sides
            for (int i = 0; i < 12; i++) {
                for (int j = 0; j < 12; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int q = 0; q < 30; q++) {
                        sum += a[q * 12 + i] * a[q * 12 + j];
                        abs += Math.abs(a[q * 12 + i] * a[q * 12 + j]);
                    }
                    assertEquals(sum, out.get(0, i, j), 2 * ErrorBounds.gamma(31, DType.F64) * abs, "[" + i + "][" + j + "]");
                }
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Runs ekfacEigenvalues on the given data (a, qa null for a bias) and compares with the formula's bound. */
    private void checkEkfac(Random random, int n, int c, int dOut, int dIn, double[] g, double[] a, double[] qs,
                            double[] qa, double scale) {
        double[] s = new double[n * dOut];
        double[] sa = new double[n * dOut];
        double[] t = new double[n * dIn];
        double[] ta = new double[n * dIn];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < dOut; p++) {
                for (int cc = 0; cc < c; cc++) {
                    double u = 0;
                    double ua = 0;
                    for (int q = 0; q < dOut; q++) {
                        double term = qs[q * dOut + p] * g[(i * c + cc) * dOut + q];
                        u += term;
                        ua += Math.abs(term);
                    }
                    s[i * dOut + p] += u * u;
                    sa[i * dOut + p] += ua * ua;
                }
            }
            for (int k = 0; k < dIn; k++) {
                double v = 0;
                double va = 0;
                if (a == null) {
                    v = 1;
                    va = 1;
                } else {
                    for (int q = 0; q < dIn; q++) {
                        double term = qa[q * dIn + k] * a[i * dIn + q];
                        v += term;
                        va += Math.abs(term);
                    }
                }
                t[i * dIn + k] = v * v;
                ta[i * dIn + k] = va * va;
            }
        }
        try (BatchedMatrix lambda = run(random, n, c, dOut, dIn, g, a, qs, qa, scale, a != null)) {
            int depth = 2 * dOut + 2 * dIn + c + n + 4;
            for (int p = 0; p < dOut; p++) {
                for (int k = 0; k < dIn; k++) {
                    double want = 0;
                    double abs = 0;
                    for (int i = 0; i < n; i++) {
                        want += s[i * dOut + p] * t[i * dIn + k];
                        abs += sa[i * dOut + p] * ta[i * dIn + k];
                    }
                    assertEquals(scale * want, lambda.get(0, p, k), 2 * ErrorBounds.gamma(depth, DType.F64) * scale * abs,
                            "lambda[" + p + "][" + k + "]");
                }
            }
        }
    }

    /** ekfacEigenvalues into a fresh lambda prefilled with NaN (it is written entirely, never read). */
    private BatchedMatrix run(Random random, int n, int c, int dOut, int dIn, double[] g, double[] a, double[] qs,
                              double[] qa, double scale, boolean withA) {
        BatchedMatrix lambda = BatchedMatrix.zeros(DType.F64, 1, dOut, withA ? dIn : 1, placement(random));
        fill(lambda, Double.NaN);
        try (BatchedMatrix gs = matrix(random, g, 1, n * c, dOut); BatchedMatrix s = matrix(random, qs, 1, dOut, dOut);
             BatchedMatrix as = withA ? matrix(random, a, 1, n, dIn) : null;
             BatchedMatrix q = withA ? matrix(random, qa, 1, dIn, dIn) : null) {
            kernel().ekfacEigenvalues(gs, c, as, s, q, scale, lambda);
        }
        return lambda;
    }

    private static BatchedMatrix matrix(Random random, double[] data, int batch, int rows, int cols) {
        return BatchedMatrix.of(data, batch, rows, cols, placement(random));
    }

    private static void fill(BatchedMatrix m, double value) {
        for (int b = 0; b < m.batch(); b++) {
            for (int i = 0; i < m.rows(); i++) {
                for (int j = 0; j < m.cols(); j++) {
                    m.set(b, i, j, value);
                }
            }
        }
    }

    private static Placement placement(Random random) {
        return random.nextBoolean() ? Placement.HEAP : Placement.OFF_HEAP;
    }

    private static double[] gaussian(Random random, int count) {
        double[] x = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = random.nextGaussian();
        }
        return x;
    }

    private static double[] identityMatrix(int n) {
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        return q;
    }

    /**
     * An n × n matrix that is orthogonal exactly in floating point: a signed permutation (when {@code permutation})
     * or P₁·diag(blocks)·P₂ with signed permutations P and blocks H⊗…⊗H, H = I₄ − ½·11ᵀ (entries ±2^-j, QᵀQ = I
     * exactly since every product and sum of them is exact), 1 × 1 blocks of ±1 for the remainder.
     */
    private static double[] orthogonal(Random random, int n, boolean permutation) {
        double[] block = identityMatrix(n);
        if (!permutation) {
            int start = 0;
            while (start < n) {
                int size = 1;
                while (size * 4 <= n - start && size * 4 <= 64) {
                    size *= 4;
                }
                double[] h = kroneckerPowerOfH(size);
                for (int i = 0; i < size; i++) {
                    System.arraycopy(h, i * size, block, (start + i) * n + start, size);
                }
                start += size;
            }
        }
        return signedPermutation(random, signedPermutation(random, block, n, true), n, false);
    }

    private static double[] kroneckerPowerOfH(int size) {
        double[] h = {1};
        for (int s = 1; s < size; s *= 4) {
            double[] next = new double[16 * s * s];
            for (int i = 0; i < 4 * s; i++) {
                for (int j = 0; j < 4 * s; j++) {
                    double hij = (i / s == j / s ? 1 : 0) - 0.5;
                    next[i * 4 * s + j] = hij * h[(i % s) * s + (j % s)];
                }
            }
            h = next;
        }
        return h;
    }

    /** Rows (left) or columns of m permuted at random and multiplied by random signs. */
    private static double[] signedPermutation(Random random, double[] m, int n, boolean left) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            double sign = random.nextBoolean() ? 1 : -1;
            for (int j = 0; j < n; j++) {
                if (left) {
                    out[i * n + j] = sign * m[order[i] * n + j];
                } else {
                    out[j * n + i] = sign * m[j * n + order[i]];
                }
            }
        }
        return out;
    }

    /** |Q|·|Q|ᵀ. */
    private static double[] absProduct(double[] q, int n) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += Math.abs(q[i * n + k]) * Math.abs(q[j * n + k]);
                }
                out[i * n + j] = s;
            }
        }
        return out;
    }
}
