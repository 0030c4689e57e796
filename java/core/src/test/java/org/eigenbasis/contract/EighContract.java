package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.linalg.EighConvergenceException;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.FailurePolicy;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.testing.EighChecks;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.Placement;
import org.eigenbasis.verify.Accuracy;
import org.eigenbasis.verify.Invariants;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The eigh contract every backend runs: invariants (residual, orthogonality, order, signs) on seeded random and
 * adversarial inputs for f32 and f64, for AUTO and for every algorithm the backend can be forced to use. A
 * subclass names the backend; where it cannot run, every test is reported skipped with the reason
 * ({@link #requireBackend()}).
 */
public abstract class EighContract extends BackendContract {
    /**
     * The largest error of one eigenvalue of r's matrix b that {@link Accuracy} allows: the algorithm's eigenvalue
     * limit (residual plus orthogonality ratio) times n·ulp·‖A‖₁; an eigenvector's is this over the gap.
     */
    static double eigenvalueTolerance(BatchedMatrix a, EighResult r, int b) {
        return Accuracy.eigenvalueLimit(r.algorithm()) * Math.max(a.rows(), 1) * a.dtype().epsilon()
                * Invariants.norm1(a, b);
    }

    /** Sizes at SIMD (4, 8, 16) and warp (32) boundaries ± 1 and the backends' algorithm switch points ± 1. */
    protected int[] sizes() {
        return new int[] {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 150, 151, 176, 177, 200};
    }

    /** Algorithms to force, besides AUTO: every one the backend supports. */
    protected List<EighAlgorithm> forcedAlgorithms() {
        List<EighAlgorithm> out = new ArrayList<>();
        for (EighAlgorithm a : EighAlgorithm.values()) {
            if (a != EighAlgorithm.AUTO && backend().eigh().supports(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** Largest n a forced algorithm is run at here (keeps our O(n³)-per-sweep Jacobi paths quick). */
    protected int maxForcedSize(EighAlgorithm algorithm) {
        return algorithm == EighAlgorithm.JACOBI ? 64 : 200;
    }

    private SymmetricEigen eigen() {
        return SymmetricEigen.on(backend());
    }

    private EighResult run(BatchedMatrix a, EighAlgorithm algorithm) {
        return eigen().decompose(a, EighOptions.defaults().withAlgorithm(algorithm));
    }

    Stream<Arguments> sizesAndDtypes() {
        return Arrays.stream(sizes()).boxed()
                .flatMap(n -> Stream.of(Arguments.of(n, DType.F64), Arguments.of(n, DType.F32)));
    }

    @ParameterizedTest(name = "random n={0} {1}")
    @MethodSource("sizesAndDtypes")
    void randomMatricesSatisfyInvariants(int n, DType dtype) {
        Random rng = new Random(1000 + n);
        int batch = n <= 16 ? 7 : n <= 64 ? 3 : 1;
        double[][] ms = new double[batch][];
        for (int b = 0; b < batch; b++) {
            ms[b] = SeededMatrices.randomSymmetric(n, rng);
        }
        try (BatchedMatrix a = SeededMatrices.batch(dtype, n, ms); EighResult r = eigen().decompose(a)) {
            EighChecks.assertValid(a, r, backend().name() + " n=" + n + " " + dtype);
        }
    }

    Stream<Arguments> forcedCases() {
        List<Arguments> cases = new ArrayList<>();
        for (EighAlgorithm algorithm : forcedAlgorithms()) {
            for (int n : new int[] {1, 2, 3, 5, 8, 16, 17, 32, 33, 64, 65, 129, 200}) {
                if (n <= maxForcedSize(algorithm)) {
                    cases.add(Arguments.of(algorithm, n, DType.F64));
                    cases.add(Arguments.of(algorithm, n, DType.F32));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "forced {0} n={1} {2}")
    @MethodSource("forcedCases")
    void everyAlgorithmSatisfiesInvariants(EighAlgorithm algorithm, int n, DType dtype) {
        Random rng = new Random(2000 + n);
        double[] graded = SeededMatrices.withSpectrum(SeededMatrices.geometric(n, 1e-6, 1e6), rng);
        try (BatchedMatrix a = SeededMatrices.batch(dtype, n, SeededMatrices.randomSymmetric(n, rng), graded,
                SeededMatrices.laplacian1d(n));
             EighResult r = run(a, algorithm)) {
            assertEquals(algorithm, r.algorithm());
            EighChecks.assertValid(a, r, algorithm + " n=" + n + " " + dtype);
        }
    }

    Stream<Arguments> adversarial() {
        List<Arguments> cases = new ArrayList<>();
        List<EighAlgorithm> algorithms = new ArrayList<>(List.of(EighAlgorithm.AUTO));
        algorithms.addAll(forcedAlgorithms());
        for (EighAlgorithm algorithm : algorithms) {
            for (DType dtype : DType.values()) {
                for (String kind : SeededMatrices.ADVERSARIAL_KINDS) {
                    cases.add(Arguments.of(kind, dtype, algorithm));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("adversarial")
    void adversarialInputsSatisfyInvariants(String kind, DType dtype, EighAlgorithm algorithm) {
        int n = 24;
        Random rng = new Random(kind.hashCode());
        double[] m = SeededMatrices.adversarial(kind, dtype, n, rng);
        try (BatchedMatrix a = SeededMatrices.batch(dtype, n, m); EighResult r = run(a, algorithm)) {
            EighChecks.assertValid(a, r, kind + " " + dtype + " " + algorithm);
            double[] w = r.valuesOf(0);
            if (kind.equals("zero")) {
                assertArrayEquals(new double[n], w, 0, "zero matrix: eigenvalues");
            }
            if (kind.equals("identity")) {
                for (double x : w) {
                    assertEquals(1, x, eigenvalueTolerance(a, r, 0), "identity: eigenvalue");
                }
            }
            if (kind.equals("laplacian")) {
                double[] expected = new double[n];
                for (int k = 1; k <= n; k++) {
                    expected[k - 1] = 2 - 2 * Math.cos(k * Math.PI / (n + 1));
                }
                assertTrue(Invariants.maxDifference(w, expected) <= eigenvalueTolerance(a, r, 0), "laplacian closed form");
            }
            if (kind.equals("diagonal")) {
                double[] expected = new double[n];
                for (int i = 0; i < n; i++) {
                    expected[i] = m[i * n + i];
                }
                Arrays.sort(expected);
                assertTrue(Invariants.maxDifference(w, expected) <= eigenvalueTolerance(a, r, 0), "diagonal: eigenvalues");
            }
            if (kind.equals("wilkinson")) {
                // Q W⁺ Qᵀ: the trace Σ|i − (n−1)/2| is kept, and the two largest eigenvalues agree far below the
                // tolerance (W⁺₂₄'s top pair differs by about 1e-15 relative), so a solver must not split them.
                double trace = 0;
                for (int i = 0; i < n; i++) {
                    trace += Math.abs(i - (n - 1) / 2.0);
                }
                assertEquals(trace, Arrays.stream(w).sum(), n * eigenvalueTolerance(a, r, 0), "wilkinson: trace");
                assertEquals(w[n - 1], w[n - 2], eigenvalueTolerance(a, r, 0), "wilkinson: the top pair");
            }
            if (kind.equals("two-by-two")) {
                // Eigenvalues 0 and 2 (n/2 each); the sign rule must give every backend the same vectors.
                for (int b = 0; b < n / 2; b++) {
                    assertEquals(0, w[b], eigenvalueTolerance(a, r, 0));
                    assertEquals(2, w[n / 2 + b], eigenvalueTolerance(a, r, 0));
                }
            }
        }
    }

    @Test
    void smallestSizesHaveClosedForms() {
        for (DType dtype : DType.values()) {
            try (BatchedMatrix empty = BatchedMatrix.zeros(dtype, 3, 0, 0); EighResult r = eigen().decompose(empty)) {
                assertEquals(3, r.batch());
                assertEquals(0, r.n());
                assertTrue(r.converged());
            }
            try (BatchedMatrix one = SeededMatrices.batch(dtype, 1, new double[] {-2.5}, new double[] {0});
                 EighResult r = eigen().decompose(one)) {
                assertEquals(-2.5, r.value(0, 0));
                assertEquals(1.0, r.vectors().get(0, 0, 0));
                assertEquals(0.0, r.value(1, 0));
                assertEquals(1.0, r.vectors().get(1, 0, 0));
            }
            // [[2, 1], [1, 2]]: eigenvalues 1 and 3, vectors (1, -1)/√2 → canonical (−1, 1)/√2 flipped to (1, −1)/√2.
            try (BatchedMatrix two = SeededMatrices.batch(dtype, 2, new double[] {2, 1, 1, 2});
                 EighResult r = eigen().decompose(two)) {
                double tol = eigenvalueTolerance(two, r, 0);                 // ‖A‖₁ = 3, gap 2
                assertEquals(1, r.value(0, 0), tol);
                assertEquals(3, r.value(0, 1), tol);
                tol /= 2;
                double s = Math.sqrt(0.5);
                assertEquals(s, r.vectors().get(0, 0, 0), tol);
                assertEquals(-s, r.vectors().get(0, 1, 0), tol);
                assertEquals(s, r.vectors().get(0, 0, 1), tol);
                assertEquals(s, r.vectors().get(0, 1, 1), tol);
            }
            try (BatchedMatrix three = SeededMatrices.batch(dtype, 3, SeededMatrices.laplacian1d(3));
                 EighResult r = eigen().decompose(three)) {
                double tol = eigenvalueTolerance(three, r, 0);
                assertEquals(2 - Math.sqrt(2), r.value(0, 0), tol);
                assertEquals(2, r.value(0, 1), tol);
                assertEquals(2 + Math.sqrt(2), r.value(0, 2), tol);
            }
        }
    }

    @ParameterizedTest(name = "batch {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2, 3, 5, 63, 1001, 4099})
    void batchesOfAnySize(int batch) {
        int n = 6;
        Random rng = new Random(batch);
        double[][] ms = new double[batch][];
        for (int b = 0; b < batch; b++) {
            ms[b] = SeededMatrices.randomSymmetric(n, rng);
        }
        for (DType dtype : DType.values()) {
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, ms); EighResult r = eigen().decompose(a)) {
                EighChecks.assertValid(a, r, "batch " + batch + " " + dtype);
            }
        }
    }

    @Test
    void largeMatrixOnTheThreadedPath() {
        Random rng = new Random(77);
        int n = 300;
        try (BatchedMatrix a = SeededMatrices.batch(DType.F64, n, SeededMatrices.randomSymmetric(n, rng));
             EighResult r = eigen().decompose(a)) {
            EighChecks.assertValid(a, r, "n=300");
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void upperTriangleIsNeverReadAndInputIsNotModified(DType dtype) {
        int n = 9;
        Random rng = new Random(5);
        double[] m = SeededMatrices.randomSymmetric(n, rng);
        double[] garbage = m.clone();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                garbage[i * n + j] = 1e9 * (i - j);   // finite nonsense above the diagonal
            }
        }
        try (BatchedMatrix clean = SeededMatrices.batch(dtype, n, m); BatchedMatrix dirty = SeededMatrices.batch(dtype, n, garbage);
             EighResult r1 = eigen().decompose(clean); EighResult r2 = eigen().decompose(dirty)) {
            assertArrayEquals(r1.values().toDoubleArray(), r2.values().toDoubleArray(), 0, "values depend on the upper triangle");
            assertArrayEquals(r1.vectors().toDoubleArray(), r2.vectors().toDoubleArray(), 0, "vectors depend on the upper triangle");
            double[] after = dirty.toDoubleArray();
            try (BatchedMatrix original = SeededMatrices.batch(dtype, n, garbage)) {
                assertArrayEquals(original.toDoubleArray(), after, 0, "the input was modified");
            }
        }
    }

    @Test
    void offHeapAndHeapGiveIdenticalResults() {
        Random rng = new Random(9);
        int n = 20;
        for (DType dtype : DType.values()) {
            try (BatchedMatrix heap = SeededMatrices.batch(dtype, n, SeededMatrices.randomSymmetric(n, rng),
                    SeededMatrices.randomSymmetric(n, rng));
                 BatchedMatrix off = heap.copy(Placement.OFF_HEAP);
                 EighResult r1 = eigen().decompose(heap); EighResult r2 = eigen().decompose(off)) {
                assertEquals(Placement.OFF_HEAP, r2.values().placement());
                assertArrayEquals(r1.values().toDoubleArray(), r2.values().toDoubleArray(), 0);
                assertArrayEquals(r1.vectors().toDoubleArray(), r2.vectors().toDoubleArray(), 0);
            }
        }
    }

    @Test
    void valuesOnlyMatchValuesWithVectors() {
        Random rng = new Random(11);
        for (int n : new int[] {1, 5, 40, 170}) {
            for (DType dtype : DType.values()) {
                try (BatchedMatrix a = SeededMatrices.batch(dtype, n, SeededMatrices.randomSymmetric(n, rng));
                     EighResult full = eigen().decompose(a);
                     EighResult values = eigen().decompose(a, EighOptions.defaults().withVectors(false))) {
                    assertNull(values.vectors());
                    // Both within the bound of their own algorithm (the values-only path may take another one).
                    double tol = eigenvalueTolerance(a, full, 0) + eigenvalueTolerance(a, values, 0);
                    assertArrayEquals(full.valuesOf(0), values.valuesOf(0), tol, "values-only n=" + n + " " + dtype);
                    // SymmetricEigen.values is that path, whatever computeVectors the options say
                    try (EighResult shortcut = eigen().values(a);
                         EighResult ignored = eigen().values(a, EighOptions.defaults().withVectors(true))) {
                        assertNull(shortcut.vectors());
                        assertNull(ignored.vectors());
                        assertArrayEquals(values.values().toDoubleArray(), shortcut.values().toDoubleArray(), 0);
                        assertArrayEquals(values.values().toDoubleArray(), ignored.values().toDoubleArray(), 0);
                    }
                }
            }
        }
    }

    /** Algorithms whose iteration limit we control (our own kernels), for failure-reporting tests. */
    protected List<EighAlgorithm> iterativeAlgorithms() {
        return forcedAlgorithms().stream()
                .filter(a -> a == EighAlgorithm.JACOBI || a == EighAlgorithm.TRIDIAGONAL_QL).toList();
    }

    @Test
    void nonConvergenceIsReportedByBatchIndex() {
        int n = 12;
        Random rng = new Random(3);
        double[] diag = new double[n * n];
        for (int i = 0; i < n; i++) {
            diag[i * n + i] = i;                      // already diagonal: converges without iterating
        }
        for (EighAlgorithm algorithm : iterativeAlgorithms()) {
            try (BatchedMatrix a = SeededMatrices.batch(DType.F64, n, SeededMatrices.randomSymmetric(n, rng), diag,
                    SeededMatrices.randomSymmetric(n, rng))) {
                EighOptions starved = EighOptions.defaults().withAlgorithm(algorithm).withMaxIterations(1);
                EighConvergenceException e = assertThrows(EighConvergenceException.class,
                        () -> eigen().decompose(a, starved), algorithm + " with 1 iteration");
                assertArrayEquals(new int[] {0, 2}, e.failedIndices(), algorithm + ": failed indices");
                assertTrue(e.getMessage().contains("[0, 2]"), e.getMessage());
                e.result().close();
                try (EighResult r = eigen().decompose(a, starved.withFailurePolicy(FailurePolicy.REPORT))) {
                    assertArrayEquals(new int[] {0, 2}, r.failedIndices());
                    assertTrue(Double.isNaN(r.value(0, 0)) && Double.isNaN(r.vectors().get(2, 3, 3)), "failed outputs are NaN");
                    assertEquals(0, r.value(1, 0), 0, "the converged matrix is intact");
                }
            }
        }
    }
    /**
     * A rank-deficient 40 × 40 covariance (a stochastic-resetting clock covariance with σ = 0: eight eigenvalues
     * from 0.44 down to 1e-9, the rest at the rounding level ±1e-16). Its rounding-level cluster needed 36 QL
     * sweeps for one eigenvalue, which a per-eigenvalue limit of 30 refused; every algorithm must decompose it.
     */
    @Test
    void rankDeficientCovarianceWithARoundingLevelCluster() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("eb-rank-deficient", ".npy");
        try (java.io.InputStream in = EighContract.class.getResourceAsStream(
                "/adversarial/rank-deficient-covariance-40.npy")) {
            java.nio.file.Files.copy(java.util.Objects.requireNonNull(in, "test resource"), file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            for (EighAlgorithm algorithm : forcedAlgorithms()) {
                for (DType dtype : DType.values()) {
                    try (BatchedMatrix a64 = org.eigenbasis.io.Npy.readBatch(file);
                            BatchedMatrix a = dtype == DType.F64 ? a64 : a64.convert(dtype);
                            EighResult r = eigen().decompose(a, EighOptions.defaults().withAlgorithm(algorithm))) {
                        EighChecks.assertValid(a, r, algorithm + " " + dtype);
                    }
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
