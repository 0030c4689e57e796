package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.EighRange;
import org.eigenbasis.verify.Accuracy;
import org.eigenbasis.verify.Invariants;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The partial-spectrum contract every backend runs (issue 16, point 2): for each kind of {@link EighRange}, the
 * eigenvalues equal the full solve's corresponding slice within the sum of both solves' Weyl bounds
 * ({@link Accuracy#eigenvalueLimit}·n·ulp·‖A‖₁ each), the eigenpairs' residual ‖AV − VΛ‖₁ and orthogonality
 * ‖I − VᵀV‖₁ are within the limits of the algorithm that ran (in units of n·ulp, as {@link Invariants}), signs are
 * canonical, an interval placed in clear gaps counts exactly the full solve's eigenvalues inside it, and columns
 * past the count are NaN; f32 and f64, batches of 3, n in {1, 2, 7, 64, 300}.
 */
public abstract class EighRangeContract extends BackendContract {
    private static final int[] SIZES = {1, 2, 7, 64, 300};
    /** Every matrix of the interval batches has eigenvalues (i − n/2) + 0.1·b: this interval is 0.3 from all. */
    private static final double LO = -2.5;
    private static final double HI = 1.5;

    private SymmetricEigen eigen() {
        return SymmetricEigen.on(backend());
    }

    private static EighOptions with(EighRange range) {
        return EighOptions.defaults().withRange(range);
    }

    private static double[] spectrum(int n, int b) {
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = (i - n / 2) + 0.1 * b;
        }
        return lambda;
    }

    static List<EighRange> indexRanges(int n) {
        int k = Math.min(3, n);
        int lo = n / 3;
        return List.of(EighRange.smallest(k), EighRange.largest(k), EighRange.indices(lo, lo + Math.min(4, n - lo)),
                EighRange.largest(n));
    }

    Stream<Arguments> sizesAndDtypes() {
        return Arrays.stream(SIZES).boxed().flatMap(n -> Stream.of(Arguments.of(n, DType.F64), Arguments.of(n, DType.F32)));
    }

    /** A random matrix, a known spectrum and the 1-D Laplacian (a clustered spectrum at its ends). */
    private static BatchedMatrix mixedBatch(DType dtype, int n) {
        Random rng = new Random(4000 + n);
        return SeededMatrices.batch(dtype, n, SeededMatrices.randomSymmetric(n, rng),
                SeededMatrices.withSpectrum(spectrum(n, 1), rng), SeededMatrices.laplacian1d(n));
    }

    @ParameterizedTest(name = "positions n={0} {1}")
    @MethodSource("sizesAndDtypes")
    void positionRangesAreTheFullSolvesSlice(int n, DType dtype) {
        try (BatchedMatrix a = mixedBatch(dtype, n); EighResult full = eigen().decompose(a)) {
            for (EighRange range : indexRanges(n)) {
                String label = backend().name() + " " + range + " n=" + n + " " + dtype;
                int m = range.columns(n);
                int first = range.first(n);
                try (EighResult part = eigen().decompose(a, with(range));
                     EighResult valuesOnly = eigen().values(a, with(range))) {
                    assertEquals(m, part.n(), label + ": columns");
                    assertEquals(n, part.vectors().rows(), label + ": vector length");
                    assertNull(valuesOnly.vectors(), label + ": values only");
                    for (int b = 0; b < a.batch(); b++) {
                        assertEquals(m, part.count(b), label + ": count of matrix " + b);
                        assertEquals(m, valuesOnly.count(b), label + ": values-only count of matrix " + b);
                        double tol = EighContract.eigenvalueTolerance(a, full, b) + EighContract.eigenvalueTolerance(a, part, b);
                        double tolValues = EighContract.eigenvalueTolerance(a, full, b)
                                + EighContract.eigenvalueTolerance(a, valuesOnly, b);
                        for (int j = 0; j < m; j++) {
                            assertEquals(full.value(b, first + j), part.value(b, j), tol, label + ": value " + j + " of " + b);
                            assertEquals(full.value(b, first + j), valuesOnly.value(b, j), tolValues,
                                    label + ": values-only value " + j + " of " + b);
                        }
                        assertPairs(a, part, b, m, label);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "interval n={0} {1}")
    @MethodSource("sizesAndDtypes")
    void intervalsInClearGapsCountTheFullSolvesEigenvalues(int n, DType dtype) {
        Random rng = new Random(5000 + n);
        try (BatchedMatrix a = SeededMatrices.batch(dtype, n, SeededMatrices.withSpectrum(spectrum(n, 0), rng),
                SeededMatrices.withSpectrum(spectrum(n, 1), rng), SeededMatrices.withSpectrum(spectrum(n, 2), rng));
             EighResult full = eigen().decompose(a)) {
            for (int capacity : new int[] {n, 2, 1}) {
                String label = backend().name() + " interval (" + LO + ", " + HI + "] at most " + capacity + " n=" + n
                        + " " + dtype;
                int m = Math.min(capacity, n);
                try (EighResult part = eigen().decompose(a, with(EighRange.interval(LO, HI, capacity)))) {
                    assertEquals(m, part.n(), label + ": columns");
                    for (int b = 0; b < a.batch(); b++) {
                        double[] w = full.valuesOf(b);
                        int first = 0;
                        while (first < n && w[first] <= LO) {
                            first++;
                        }
                        int inside = 0;
                        while (first + inside < n && w[first + inside] <= HI) {
                            inside++;
                        }
                        int exact = (int) Arrays.stream(spectrum(n, b)).filter(x -> x > LO && x <= HI).count();
                        assertEquals(exact, inside, label + ": the full solve's count (the gap is not clear)");
                        assertEquals(inside, part.count(b), label + ": count of matrix " + b);
                        int kept = Math.min(inside, m);
                        double tol = EighContract.eigenvalueTolerance(a, full, b) + EighContract.eigenvalueTolerance(a, part, b);
                        for (int j = 0; j < kept; j++) {
                            assertEquals(w[first + j], part.value(b, j), tol, label + ": value " + j + " of " + b);
                        }
                        assertPairs(a, part, b, kept, label);
                    }
                }
            }
            // An interval above the spectrum: no eigenpair, every column NaN.
            try (EighResult none = eigen().decompose(a, with(EighRange.interval(1e6, 2e6, 3)))) {
                for (int b = 0; b < a.batch(); b++) {
                    assertEquals(0, none.count(b), "empty interval: count of matrix " + b);
                    assertPairs(a, none, b, 0, "empty interval");
                }
            }
        }
    }

    /** Residual, orthogonality, order and signs of the first {@code count} columns; NaN in the rest. */
    private static void assertPairs(BatchedMatrix a, EighResult r, int b, int count, String label) {
        String where = label + " matrix " + b + " (" + r.algorithm().cliName() + ")";
        int n = a.rows();
        int m = r.n();
        double unit = Math.max(n, 1) * a.dtype().epsilon();
        double residual = Invariants.partialResidual(a, r, b, count) / unit;
        double orthogonality = Invariants.partialOrthogonality(r.vectors(), b, count) / unit;
        assertTrue(residual <= Accuracy.residualLimit(r.algorithm()),
                where + ": residual ratio " + residual + " > " + Accuracy.residualLimit(r.algorithm()));
        assertTrue(orthogonality <= Accuracy.orthogonalityLimit(r.algorithm()),
                where + ": orthogonality ratio " + orthogonality + " > " + Accuracy.orthogonalityLimit(r.algorithm()));
        double[] w = r.valuesOf(b);
        for (int j = 1; j < count; j++) {
            assertTrue(w[j - 1] <= w[j], where + ": eigenvalues not ascending at " + j);
        }
        assertTrue(org.eigenbasis.linalg.CanonicalSign.isCanonical(r.vectors(), b), where + ": signs not canonical");
        double[][] v = r.vectorsOf(b);
        for (int j = 0; j < m; j++) {
            boolean pad = j >= count;
            assertEquals(pad, Double.isNaN(w[j]), where + ": value " + j + (pad ? " is not NaN padding" : " is NaN"));
            for (int i = 0; i < n; i++) {
                assertEquals(pad, Double.isNaN(v[i][j]), where + ": vector entry (" + i + ", " + j + ")");
            }
        }
        assertTrue(r.converged(), where + ": failed " + Arrays.toString(r.failedIndices()));
    }

    /** AUTO and every algorithm the backend can be forced to run. */
    private List<EighAlgorithm> supported() {
        List<EighAlgorithm> algorithms = new ArrayList<>();
        for (EighAlgorithm algorithm : EighAlgorithm.values()) {
            if (backend().eigh().supports(algorithm)) {
                algorithms.add(algorithm);
            }
        }
        return algorithms;
    }

    /** Forcing an algorithm still runs it: the backend's partial solver, or the forced one in full, then sliced. */
    @Test
    void forcedAlgorithmsRunAndSatisfyTheContract() {
        int n = 17;
        for (EighAlgorithm algorithm : supported()) {
            if (algorithm == EighAlgorithm.AUTO) {
                continue;
            }
            for (DType dtype : DType.values()) {
                try (BatchedMatrix a = mixedBatch(dtype, n); EighResult full = eigen().decompose(a);
                     EighResult part = eigen().decompose(a, with(EighRange.largest(4)).withAlgorithm(algorithm))) {
                    assertEquals(algorithm, part.algorithm());
                    for (int b = 0; b < a.batch(); b++) {
                        double tol = EighContract.eigenvalueTolerance(a, full, b) + EighContract.eigenvalueTolerance(a, part, b);
                        for (int j = 0; j < 4; j++) {
                            assertEquals(full.value(b, n - 4 + j), part.value(b, j), tol, algorithm + " " + dtype);
                        }
                        assertPairs(a, part, b, 4, algorithm + " " + dtype);
                    }
                }
            }
        }
    }

    @Test
    void emptyBatchesAndEmptyMatrices() {
        for (DType dtype : DType.values()) {
            try (BatchedMatrix none = BatchedMatrix.zeros(dtype, 0, 5, 5);
                 EighResult r = eigen().decompose(none, with(EighRange.smallest(2)))) {
                assertEquals(0, r.batch());
                assertEquals(2, r.n());
            }
            for (EighAlgorithm algorithm : supported()) {
                try (BatchedMatrix empty = BatchedMatrix.zeros(dtype, 2, 0, 0);
                     EighResult r = eigen().decompose(empty, with(EighRange.interval(-1, 1, 4)).withAlgorithm(algorithm))) {
                    assertEquals(0, r.n());
                    assertEquals(0, r.count(0) + r.count(1));
                }
            }
        }
    }

    @Test
    void rangesThatDoNotFitNAreRefusedNamingTheArgument() {
        try (BatchedMatrix a = mixedBatch(DType.F64, 7)) {
            IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                    () -> eigen().decompose(a, with(EighRange.smallest(8))));
            assertTrue(k.getMessage().startsWith("k: 8 is outside [1, n = 7]"), k.getMessage());
            IllegalArgumentException largest = assertThrows(IllegalArgumentException.class,
                    () -> eigen().values(a, with(EighRange.largest(9))));
            assertTrue(largest.getMessage().startsWith("k: 9"), largest.getMessage());
            IllegalArgumentException hi = assertThrows(IllegalArgumentException.class,
                    () -> eigen().decompose(a, with(EighRange.indices(3, 8))));
            assertTrue(hi.getMessage().startsWith("hi: 8 is outside [lo + 1 = 4, n = 7]"), hi.getMessage());
        }
    }
}
