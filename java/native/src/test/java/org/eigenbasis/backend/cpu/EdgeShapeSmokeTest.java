package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.testing.EighChecks;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.eigenbasis.verify.Invariants;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edge shapes of the cpu eigh, spectral and refresh kernels, f32 and f64, as {@code native/sanitize.sh} runs
 * them under AddressSanitizer and UndefinedBehaviorSanitizer (issue 15, point 2): batch 0, n = 0 and n = 1 on every
 * algorithm with and without vectors, the sizes either side of every switch in the cpu library (AUTO's Jacobi → QL
 * at 2/3, QL → ?syevd at 150/151 (f64) and 176/177 (f32), the AVX-512 QL from 48, the threaded paths from 256), and
 * the largest n smoked here. None of these paths has a hard maximum n: the cap is {@link BatchedMatrix}'s (2^31 − 1
 * bytes off-heap: n ≤ 16383 f64, 23170 f32; 2^31 − 9 scalars on the heap: n ≤ 46340), far beyond what a test can
 * decompose, so the largest n run is 1024 for the LAPACK solvers (one matrix: OpenBLAS threaded inside LAPACK),
 * 512 for our tridiagonal QL, 128 for our Jacobi (O(n³) a sweep), 300 for refresh and 256 for the spectral
 * products (past their threaded paths; the java reference and checks they are held to are O(n³) in the test).
 * The other kernel families are in {@link EdgeShapeKernelsSmokeTest}.
 */
class EdgeShapeSmokeTest {
    private static final Backend CPU = new CpuBackend();
    private static final Backend JAVA = new JavaBackend();
    private static final int LARGEST_LAPACK = 1024;
    private static final int LARGEST_OWN = 512;
    private static final int LARGEST_JACOBI = 128;
    private static final int LARGEST_PRODUCT = 256;

    private static SymmetricEigen eigen() {
        return SymmetricEigen.on(CPU);
    }

    private static EighOptions options(EighAlgorithm algorithm, boolean vectors) {
        return EighOptions.defaults().withAlgorithm(algorithm).withVectors(vectors);
    }

    static Stream<Arguments> everyAlgorithm() {
        List<Arguments> list = new ArrayList<>();
        for (EighAlgorithm algorithm : EighAlgorithm.values()) {
            if (CPU.eigh().supports(algorithm)) {
                for (DType dtype : DType.values()) {
                    list.add(Arguments.of(algorithm, dtype, true));
                    list.add(Arguments.of(algorithm, dtype, false));
                }
            }
        }
        return list.stream();
    }

    // ---- eigh ---------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} vectors={2}")
    @MethodSource("everyAlgorithm")
    void emptyBatchesAndEmptyMatricesGiveEmptyResults(EighAlgorithm algorithm, DType dtype, boolean vectors) {
        int[][] shapes = {{0, 0}, {0, 1}, {0, 5}, {0, 200}, {3, 0}};   // (batch, n)
        for (int[] s : shapes) {
            String where = algorithm + " " + dtype + " batch " + s[0] + " n " + s[1];
            try (BatchedMatrix a = BatchedMatrix.zeros(dtype, s[0], s[1], s[1]);
                 EighResult r = eigen().decompose(a, options(algorithm, vectors))) {
                assertEquals(s[0], r.batch(), where);
                assertEquals(s[1], r.n(), where);
                assertEquals(s[0] * s[1], r.values().size(), where);
                assertEquals(dtype, r.values().dtype(), where);
                if (vectors) {
                    assertEquals(s[0] * s[1] * s[1], r.vectors().size(), where);
                } else {
                    assertNull(r.vectors(), where);
                }
                assertEquals(s[0], r.info().length, where);
                assertTrue(r.converged(), where);
                assertEquals(algorithm == EighAlgorithm.AUTO ? CPU.eigh().choose(s[1], s[0], dtype, vectors) : algorithm,
                        r.algorithm(), where);
            }
        }
    }

    /** n = 1: λ = a exactly and v = [1] (the canonical sign), for values from 2^-100 to 2^100, either sign, and 0. */
    @ParameterizedTest(name = "{0} {1} vectors={2}")
    @MethodSource("everyAlgorithm")
    void oneByOneMatricesAreTheirOwnEigenvalue(EighAlgorithm algorithm, DType dtype, boolean vectors) {
        double[] scalars = {-2.5, 0.0, 0x1p-100, -0x1p100, 0.15625, 3.0};
        double[][] ms = new double[scalars.length][];
        for (int b = 0; b < scalars.length; b++) {
            ms[b] = new double[] {scalars[b]};
        }
        try (BatchedMatrix a = SeededMatrices.batch(dtype, 1, ms);
             EighResult r = eigen().decompose(a, options(algorithm, vectors))) {
            for (int b = 0; b < scalars.length; b++) {
                assertEquals(scalars[b], r.value(b, 0), 0.0, algorithm + " " + dtype + " matrix " + b);
                if (vectors) {
                    assertEquals(1.0, r.vectors().get(b, 0, 0), 0.0, algorithm + " " + dtype + " vector " + b);
                }
            }
            assertTrue(r.converged());
        }
    }

    /** AUTO's switch points and the AVX-512 QL's, each ± 1, with the documented choice and every invariant. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void autoSwitchPointsAndTheirNeighbours(DType dtype) {
        int qlLimit = dtype == DType.F32 ? 176 : 150;
        int[] sizes = {2, 3, 47, 48, 49, qlLimit, qlLimit + 1, 255, 256, 257};
        Random rng = new Random(dtype.bytes());
        for (int n : sizes) {
            EighAlgorithm expected = n <= 2 ? EighAlgorithm.JACOBI
                    : n <= qlLimit ? EighAlgorithm.TRIDIAGONAL_QL : n < 256 ? EighAlgorithm.SYEVD : EighAlgorithm.TRIDIAGONAL_DC;
            assertEquals(expected, CPU.eigh().choose(n, 1, dtype, true), "AUTO at n = " + n);
            // Two matrices: on two workers each runs on its own thread with its own workspace.
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, SeededMatrices.randomSymmetric(n, rng),
                    SeededMatrices.randomSymmetric(n, rng));
                 EighResult r = eigen().decompose(a);
                 EighResult w = eigen().decompose(a, options(EighAlgorithm.AUTO, false))) {
                assertEquals(expected, r.algorithm());
                EighChecks.assertValid(a, r, "auto n=" + n + " " + dtype);
                assertValuesAgree(a, r, w, "values only n=" + n + " " + dtype);
            }
        }
    }

    /**
     * Eigenvalues only, AUTO takes ?sytrd with our bisection (TRIDIAGONAL_DC) from n = 256 and the two-stage
     * reduction from n = 768 where our AVX-512 kernels run, and ?syevd up to the two-stage reduction at 3072 (f64)
     * and 4096 (f32) where they do not. With vectors it keeps TRIDIAGONAL_DC at every n from 256, with or without
     * them (choice only: no run).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void autoLargeSwitchPoints(DType dtype) {
        boolean wide = CpuKernels.describe().get("avx512_kernels").startsWith("used");
        int from = wide ? 768 : dtype == DType.F32 ? 4096 : 3072;
        EighAlgorithm below = wide ? EighAlgorithm.TRIDIAGONAL_DC : EighAlgorithm.SYEVD;
        assertEquals(EighAlgorithm.SYEVD, CPU.eigh().choose(255, 1, dtype, false));
        assertEquals(below, CPU.eigh().choose(256, 1, dtype, false));
        assertEquals(below, CPU.eigh().choose(from - 1, 1, dtype, false));
        assertEquals(EighAlgorithm.TWO_STAGE, CPU.eigh().choose(from, 1, dtype, false));
        assertEquals(EighAlgorithm.TRIDIAGONAL_DC, CPU.eigh().choose(from, 1, dtype, true));
        assertEquals(EighAlgorithm.TRIDIAGONAL_DC, CPU.eigh().choose(6144, 1, dtype, true));
        assertEquals(EighAlgorithm.TRIDIAGONAL_DC, CPU.eigh().choose(8192, 1, dtype, true));
    }

    static Stream<Arguments> largest() {
        List<Arguments> list = new ArrayList<>();
        for (DType dtype : DType.values()) {
            list.add(Arguments.of(EighAlgorithm.JACOBI, dtype, LARGEST_JACOBI, 1));
            list.add(Arguments.of(EighAlgorithm.TRIDIAGONAL_QL, dtype, LARGEST_OWN, 1));
            for (EighAlgorithm lapack : new EighAlgorithm[] {EighAlgorithm.SYEVD, EighAlgorithm.SYEVR,
                    EighAlgorithm.TWO_STAGE, EighAlgorithm.TRIDIAGONAL_DC}) {
                list.add(Arguments.of(lapack, dtype, 256, 3));              // one matrix a worker, BLAS single
                list.add(Arguments.of(lapack, dtype, LARGEST_LAPACK, 1));   // one matrix, threaded inside LAPACK
            }
            // Either side of the one-stage path's switch from ?sytrd to our reduction (own_one_stage_from).
            list.add(Arguments.of(EighAlgorithm.TRIDIAGONAL_DC, dtype, 767, 1));
            list.add(Arguments.of(EighAlgorithm.TRIDIAGONAL_DC, dtype, 768, 1));
        }
        return list.stream();
    }

    /**
     * The largest n run: every invariant up to 512 (LAPACK's xSYT21 ratios, O(n³) in the test), random probes of
     * the same bounds at 1024, and the values-only run's eigenvalues within the eigenvalue bound of the full run's.
     */
    @ParameterizedTest(name = "{0} {1} n={2} batch={3}")
    @MethodSource("largest")
    void largestSizes(EighAlgorithm algorithm, DType dtype, int n, int batch) {
        Random rng = new Random(31L * n + batch);
        double[][] ms = new double[batch][];
        for (int b = 0; b < batch; b++) {
            ms[b] = SeededMatrices.randomSymmetric(n, rng);
        }
        String where = algorithm + " " + dtype + " n=" + n;
        try (BatchedMatrix a = SeededMatrices.batch(dtype, n, ms);
             EighResult r = eigen().decompose(a, options(algorithm, true));
             EighResult w = eigen().decompose(a, options(algorithm, false))) {
            assertEquals(algorithm, r.algorithm());
            if (n <= LARGEST_OWN) {
                EighChecks.assertValid(a, r, where);
            } else {
                assertTrue(r.converged(), where);
                for (int b = 0; b < batch; b++) {
                    assertTrue(Invariants.ascending(r, b), where);
                    assertTrue(Invariants.canonicalSigns(r, b), where);
                    assertProbes(a, r, b, rng, where);
                }
            }
            assertValuesAgree(a, r, w, where + " values only");
        }
    }

    /**
     * ‖A x − V Λ Vᵀ x‖₂ and ‖Vᵀ V x − x‖₂ for four Gaussian x: for symmetric E, ‖E‖₂ ≤ ‖E‖₁, so the xSYT21 limits
     * bound them by limit·n·ulp·‖A‖₁·‖x‖₂, plus this check's own rounding in double (three products of n terms
     * through V with ‖|V|‖₂ ≤ √n: 3·n^1.5·2⁻⁵³ times the same scale).
     */
    private static void assertProbes(BatchedMatrix a, EighResult r, int b, Random rng, String where) {
        int n = a.rows();
        double[] m = Invariants.fullSymmetric(a, b);
        double[] v = new double[n * n];
        r.vectors().copyMatrixTo(b, v, 0);
        double[] w = r.valuesOf(b);
        double ulp = a.dtype().epsilon();
        double anorm = Invariants.norm1(a, b);
        double check = 3 * n * Math.sqrt(n) * 0x1p-53;
        EighAlgorithm alg = r.algorithm();
        for (int probe = 0; probe < 4; probe++) {
            double[] x = new double[n];
            double xnorm = 0;
            for (int i = 0; i < n; i++) {
                x[i] = rng.nextGaussian();
                xnorm += x[i] * x[i];
            }
            xnorm = Math.sqrt(xnorm);
            double[] c = multiply(v, x, n, true);                  // Vᵀ x
            for (int i = 0; i < n; i++) {
                c[i] *= w[i];
            }
            double[] rec = multiply(v, c, n, false);               // V Λ Vᵀ x
            double[] ax = multiply(m, x, n, false);
            double res = 0;
            double orth = 0;
            double[] vtv = multiply(v, multiply(v, x, n, false), n, true);   // Vᵀ V x
            for (int i = 0; i < n; i++) {
                res += (ax[i] - rec[i]) * (ax[i] - rec[i]);
                orth += (vtv[i] - x[i]) * (vtv[i] - x[i]);
            }
            double resLimit = (Accuracy.residualLimit(alg) * n * ulp + check) * anorm * xnorm;
            double orthLimit = (Accuracy.orthogonalityLimit(alg) * n * ulp + check) * xnorm;
            assertTrue(Math.sqrt(res) <= resLimit, where + " matrix " + b + ": residual probe " + Math.sqrt(res)
                    + " > " + resLimit);
            assertTrue(Math.sqrt(orth) <= orthLimit, where + " matrix " + b + ": orthogonality probe "
                    + Math.sqrt(orth) + " > " + orthLimit);
        }
    }

    /** M x (or Mᵀ x) for a row-major n × n M. */
    private static double[] multiply(double[] m, double[] x, int n, boolean transpose) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                if (transpose) {
                    y[k] += m[i * n + k] * x[i];
                } else {
                    y[i] += m[i * n + k] * x[k];
                }
            }
        }
        return y;
    }

    /** Two decompositions each within the limits: eigenvalues within twice the eigenvalue bound of each other. */
    private static void assertValuesAgree(BatchedMatrix a, EighResult full, EighResult valuesOnly, String where) {
        assertTrue(valuesOnly.converged(), where);
        assertNull(valuesOnly.vectors(), where);
        for (int b = 0; b < a.batch(); b++) {
            double tol = 2 * Accuracy.eigenvalueLimit(full.algorithm()) * a.rows() * a.dtype().epsilon()
                    * Invariants.norm1(a, b);
            double[] x = full.valuesOf(b);
            double[] y = valuesOnly.valuesOf(b);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], tol, where + " matrix " + b + " eigenvalue " + i);
            }
        }
    }

    // ---- spectral -----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void spectralProductsOfEmptyAndOneByOneBases(DType dtype) {
        // batch 0 and n = 0: nothing to read or write, so the calls return normally and leave the shapes alone (that
        // they touch no memory is what ASan judges under sanitize.sh).
        try (BatchedMatrix v = BatchedMatrix.zeros(dtype, 0, 4, 4); BatchedMatrix f = BatchedMatrix.zeros(dtype, 0, 1, 4);
             BatchedMatrix x = BatchedMatrix.zeros(dtype, 0, 4, 3); BatchedMatrix out = BatchedMatrix.zeros(dtype, 0, 4, 4);
             BatchedMatrix outX = BatchedMatrix.zeros(dtype, 0, 4, 3)) {
            CPU.spectral().reconstruct(v, f, out);
            CPU.spectral().apply(v, f, x, outX);
            assertEquals("(0, 4, 4)", out.shape());
            assertEquals("(0, 4, 3)", outX.shape());
        }
        try (BatchedMatrix v = BatchedMatrix.zeros(dtype, 2, 0, 0); BatchedMatrix f = BatchedMatrix.zeros(dtype, 2, 1, 0);
             BatchedMatrix x = BatchedMatrix.zeros(dtype, 2, 0, 3); BatchedMatrix out = BatchedMatrix.zeros(dtype, 2, 0, 0);
             BatchedMatrix outX = BatchedMatrix.zeros(dtype, 2, 0, 3)) {
            CPU.spectral().reconstruct(v, f, out);
            CPU.spectral().apply(v, f, x, outX);
            assertEquals(0, out.size());
        }
        // m = 0 right-hand sides: out (2 × 3 × 0) has no entries; the same v with m = 1 is checked below.
        try (BatchedMatrix v = SeededMatrices.batch(dtype, 3, SeededMatrices.identity(3), SeededMatrices.identity(3));
             BatchedMatrix f = BatchedMatrix.zeros(dtype, 2, 1, 3); BatchedMatrix x = BatchedMatrix.zeros(dtype, 2, 3, 0);
             BatchedMatrix outX = BatchedMatrix.zeros(dtype, 2, 3, 0)) {
            CPU.spectral().apply(v, f, x, outX);
            assertEquals(0, outX.size());
        }
        // n = 1: V = [±1], so V f Vᵀ = f and V (f ⊙ Vᵀ x) = f x, exactly (one product of a sign).
        double[] signs = {1, -1, 1};
        double[] fs = {2.5, -0x1p-90, 0x1p90};
        double[] xs = {3, 5, -0.25, 7, 1.5, -2};   // 3 × 1 × 2
        try (BatchedMatrix v = SeededMatrices.batch(dtype, 1, new double[] {signs[0]}, new double[] {signs[1]},
                new double[] {signs[2]});
             BatchedMatrix f = SeededMatrices.batch(dtype, 1, new double[] {fs[0]}, new double[] {fs[1]},
                     new double[] {fs[2]});
             BatchedMatrix x = BatchedMatrix.of(xs, 3, 1, 2).convert(dtype);
             BatchedMatrix out = BatchedMatrix.zeros(dtype, 3, 1, 1); BatchedMatrix outX = BatchedMatrix.zeros(dtype, 3, 1, 2)) {
            CPU.spectral().reconstruct(v, f, out);
            CPU.spectral().apply(v, f, x, outX);
            for (int b = 0; b < 3; b++) {
                assertEquals(fs[b], out.get(b, 0, 0), 0.0, "reconstruct n=1 matrix " + b);
                for (int j = 0; j < 2; j++) {
                    assertEquals((double) round(dtype, fs[b] * xs[2 * b + j]), outX.get(b, 0, j), 0.0,
                            "apply n=1 matrix " + b);
                }
            }
        }
    }

    /**
     * n = 256 against the java reference (the kernel has no size switch; one ?gemm pair a matrix): each entry of V diag(f) Vᵀ is a sum of n products with Σ|v_ik v_jk| ≤ 1
     * (orthonormal rows), so each backend is within γ_n·max|f| plus the output's rounding; V (f ⊙ Vᵀ x) is two such
     * sums, Vᵀx_col bounded by ‖x_col‖₂ ≤ √n‖x‖_∞ and Σ_k|v_ik| ≤ √n: within γ_2n·max|f|·n·‖x‖_∞ each.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void spectralProductsAtTheLargestSize(DType dtype) {
        int n = LARGEST_PRODUCT;
        int m = 3;
        Random rng = new Random(5);
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = rng.nextGaussian();
        }
        double[] xs = new double[n * m];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = rng.nextGaussian();
        }
        try (BatchedMatrix v = SeededMatrices.batch(dtype, n, SeededMatrices.randomOrthogonal(n, rng));
             BatchedMatrix fm = BatchedMatrix.of(f, 1, 1, n).convert(dtype);
             BatchedMatrix x = BatchedMatrix.of(xs, 1, n, m).convert(dtype);
             BatchedMatrix cpu = BatchedMatrix.zeros(dtype, 1, n, n); BatchedMatrix ref = BatchedMatrix.zeros(dtype, 1, n, n);
             BatchedMatrix cpuX = BatchedMatrix.zeros(dtype, 1, n, m); BatchedMatrix refX = BatchedMatrix.zeros(dtype, 1, n, m)) {
            CPU.spectral().reconstruct(v, fm, cpu);
            JAVA.spectral().reconstruct(v, fm, ref);
            CPU.spectral().apply(v, fm, x, cpuX);
            JAVA.spectral().apply(v, fm, x, refX);
            double fmax = Invariants.maxAbs(f);
            double u = dtype.epsilon();
            double tol = 2 * (n * u / (1 - n * u) * (1 + n * u) + u) * fmax;   // rows of the rounded V: ‖v‖² ≤ 1 + n·u
            assertTrue(Invariants.maxDifference(cpu.toDoubleArray(), ref.toDoubleArray()) <= tol, "reconstruct");
            for (int i = 0; i < n; i++) {
                assertEquals(cpu.get(0, i, 0), cpu.get(0, 0, i), 0.0, "reconstruct is exactly symmetric");
            }
            double xmax = Invariants.maxAbs(xs);
            double tolX = 2 * (2 * n * u / (1 - 2 * n * u) + u) * (1 + n * u) * fmax * n * xmax;
            assertTrue(Invariants.maxDifference(cpuX.toDoubleArray(), refX.toDoubleArray()) <= tolX, "apply");
        }
    }

    // ---- refresh ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void refreshOfEmptyAndOneByOneMatrices(DType dtype) {
        EigenbasisRefresh refresh = EigenbasisRefresh.on(CPU);
        for (int[] s : new int[][] {{0, 0}, {0, 6}, {4, 0}}) {
            try (BatchedMatrix a = BatchedMatrix.zeros(dtype, s[0], s[1], s[1]);
                 RefreshResult r = refresh.refresh(a, a, 2)) {
                assertEquals(s[0], r.offDiagonal().length);
                assertEquals(s[0] * s[1], r.rayleigh().size());
                assertEquals(s[0] * s[1] * s[1], r.basis().size());
            }
        }
        // n = 1: qr(a q) is sign(a q) with R = |a q| ≥ 0, B = a: Rayleigh quotient a exactly, no off-diagonal mass.
        double[] as = {2.5, -3.0, 0x1p-60, -0x1p70};
        double[] qs = {1, 1, -1, -1};
        double[][] am = new double[as.length][];
        double[][] qm = new double[as.length][];
        for (int b = 0; b < as.length; b++) {
            am[b] = new double[] {as[b]};
            qm[b] = new double[] {qs[b]};
        }
        try (BatchedMatrix a = SeededMatrices.batch(dtype, 1, am); BatchedMatrix q = SeededMatrices.batch(dtype, 1, qm);
             RefreshResult r = refresh.refresh(a, q, 3)) {
            for (int b = 0; b < as.length; b++) {
                // Each step multiplies Q by sign(a): after three, Q = sign(a)³·q = sign(a)·q.
                assertEquals(Math.signum(as[b]) * qs[b], r.basis().get(b, 0, 0), 0.0, "q " + b);
                assertEquals(as[b], r.rayleigh().get(b, 0, 0), 0.0, "rayleigh " + b);
                assertEquals(0.0, r.offDiagonal(b), 0.0, "off-diagonal " + b);
            }
        }
    }

    /**
     * n = 300 on one matrix (OpenBLAS threaded inside, from n = 256) and n = 64 on three (one a worker): Q
     * orthonormal as LAPACK's xQRT01 judges Householder QR, and each Rayleigh quotient qᵢᵀ A qᵢ recomputed in double
     * from the returned Q within LAPACK's threshold times n·ulp·‖A‖₁.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void refreshAtTheLargestSizes(DType dtype) {
        EigenbasisRefresh refresh = EigenbasisRefresh.on(CPU);
        Random rng = new Random(11);
        for (int[] s : new int[][] {{1, 300}, {3, 64}}) {
            int n = s[1];
            double[][] as = new double[s[0]][];
            double[][] qs = new double[s[0]][];
            for (int b = 0; b < s[0]; b++) {
                as[b] = SeededMatrices.randomSymmetric(n, rng);
                qs[b] = SeededMatrices.randomOrthogonal(n, rng);
            }
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, as); BatchedMatrix q = SeededMatrices.batch(dtype, n, qs);
                 RefreshResult r = refresh.refresh(a, q, 2)) {
                for (int b = 0; b < s[0]; b++) {
                    String where = dtype + " n=" + n + " matrix " + b;
                    double orth = Invariants.orthogonality(r.basis(), b);
                    assertTrue(orth <= Accuracy.qrOrthogonalityLimit() * n * dtype.epsilon(), where + ": ‖QᵀQ − I‖₁ " + orth);
                    double[] m = Invariants.fullSymmetric(a, b);
                    double[] qn = new double[n * n];
                    r.basis().copyMatrixTo(b, qn, 0);
                    double tol = Accuracy.LAPACK_THRESHOLD * n * dtype.epsilon() * Invariants.norm1(a, b);
                    double[] aq = new double[n * n];
                    for (int k = 0; k < n; k++) {
                        for (int l = 0; l < n; l++) {
                            double akl = m[k * n + l];
                            for (int i = 0; i < n; i++) {
                                aq[k * n + i] += akl * qn[l * n + i];
                            }
                        }
                    }
                    double[] quotient = new double[n];
                    for (int k = 0; k < n; k++) {
                        for (int i = 0; i < n; i++) {
                            quotient[i] += qn[k * n + i] * aq[k * n + i];
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        assertEquals(quotient[i], r.rayleigh().get(b, 0, i), tol, where + " rayleigh " + i);
                    }
                    assertTrue(r.offDiagonal(b) >= 0 && r.offDiagonal(b) <= 1, where + " off " + r.offDiagonal(b));
                }
            }
        }
    }

    private static double round(DType dtype, double x) {
        return dtype == DType.F32 ? (float) x : x;
    }
}
