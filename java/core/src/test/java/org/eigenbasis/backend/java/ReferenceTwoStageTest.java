package org.eigenbasis.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.testing.EighChecks;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.eigenbasis.verify.Invariants;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two-stage reference stage by stage, at half-bandwidths kd ∈ {1, 2, 3, 8, 32} and n ∈ {1, 2, 3, 17, 64, 65,
 * 130} (small kd: many sweeps; kd ≥ n − 1: the degenerate "already a band"). Each stage is judged by LAPACK's
 * xSYT21 ratios ({@link Accuracy}): the similarity it claims reconstructs its input within the residual threshold,
 * its Q is orthogonal within the orthogonality threshold, and its output has exactly the promised structure.
 */
class ReferenceTwoStageTest {
    private static final double EPS = Math.ulp(1.0);
    private static final int[] BANDWIDTHS = {1, 2, 3, 8, 32};
    private static final int[] SIZES = {1, 2, 3, 17, 64, 65, 130};

    static Stream<Arguments> bandwidthsAndSizes() {
        List<Arguments> out = new ArrayList<>();
        for (int kd : BANDWIDTHS) {
            for (int n : SIZES) {
                out.add(Arguments.of(kd, n));
            }
        }
        return out.stream();
    }

    /** A seeded symmetric matrix with max|aᵢⱼ| in [0.5, 1), as ReferenceEigh hands the solvers. */
    private static double[] scaledRandom(int n, long seed) {
        double[] a = SeededMatrices.randomSymmetric(n, new Random(seed));
        double max = Invariants.maxAbs(a);
        return max == 0 ? a : SeededMatrices.scaled(a, Math.scalb(1.0, -Math.getExponent(max) - 1));
    }

    private static double[] transpose(double[] x, int n) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[j * n + i] = x[i * n + j];
            }
        }
        return out;
    }

    /** xSYT21's residual ratio ‖A − Q M Qᵀ‖₁ / (‖A‖₁ n ulp). */
    private static double similarityRatio(double[] a, double[] q, double[] m, int n) {
        double[] qmqt = ReferenceRefresh.multiply(ReferenceRefresh.multiply(q, m, n), transpose(q, n), n);
        double[] diff = new double[n * n];
        for (int k = 0; k < diff.length; k++) {
            diff[k] = a[k] - qmqt[k];
        }
        return Invariants.norm1(diff, n) / (Invariants.norm1(a, n) * n * EPS);
    }

    /** xSYT21's orthogonality ratio ‖I − QᵀQ‖₁ / (n ulp). */
    private static double orthogonalityRatio(double[] q, int n) {
        double[] qtq = ReferenceRefresh.multiply(transpose(q, n), q, n);
        for (int i = 0; i < n; i++) {
            qtq[i * n + i] -= 1;
        }
        return Invariants.norm1(qtq, n) / (n * EPS);
    }

    /** Asserts xSYT21's two ratios for A = Q M Qᵀ within LAPACK's threshold; returns the residual ratio. */
    private static double assertOrthogonalSimilarity(double[] a, double[] q, double[] m, int n, String what) {
        double orthogonality = orthogonalityRatio(q, n);
        double residual = similarityRatio(a, q, m, n);
        assertTrue(orthogonality <= Accuracy.LAPACK_THRESHOLD, what + ": orthogonality ratio " + orthogonality);
        assertTrue(residual <= Accuracy.LAPACK_THRESHOLD, what + ": residual ratio " + residual);
        return residual;
    }

    /** The largest |aᵢⱼ| with |i − j| &gt; width, and whether a is exactly symmetric. */
    private static double beyond(double[] a, int n, int width) {
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (Math.abs(i - j) > width) {
                    worst = Math.max(worst, Math.abs(a[i * n + j]));
                }
                assertEquals(a[i * n + j], a[j * n + i], 0, "not exactly symmetric at " + i + ", " + j);
            }
        }
        return worst;
    }

    private static double[] sortedEigenvalues(double[] a, int n) {
        double[] w = new double[n];
        assertEquals(0, TridiagonalQL.solve(a.clone(), n, w, null, ReferenceEigh.DEFAULT_MAX_ITERATIONS));
        Arrays.sort(w);
        return w;
    }

    @ParameterizedTest(name = "kd={0} n={1}")
    @MethodSource("bandwidthsAndSizes")
    void bandReductionIsAnOrthogonalSimilarityToAnExactBand(int kd, int n) {
        double[] a = scaledRandom(n, 100L * n + kd);
        double[] b = a.clone();
        Reflectors q1 = BandReduction.reduce(b, n, kd, true);
        assertEquals(Math.max(0, n - kd - 1), q1.size(), "one reflector per column with something below the band");
        for (int k = 0; k < q1.size(); k++) {
            Reflectors.Reflector h = q1.get(k);
            assertEquals(k + kd, h.start(), "reflector k starts kd rows below its column (sy2sb's v(k+kd) = 1)");
            assertEquals(1, h.v()[0], 0, "v(0) = 1");
            assertTrue(h.tau() == 0 || (h.tau() >= 1 && h.tau() <= 2), "dlarfg's τ in [1, 2]: " + h.tau());
        }
        assertEquals(0, beyond(b, n, kd), 0, "entries beyond the band are exactly zero");
        if (kd >= n - 1) {
            assertArrayEquals(a, b, 0, "already a band: unchanged");
        }
        double residual = assertOrthogonalSimilarity(a, q1.toDense(n), b, n, "A = Q1 B Q1ᵀ");
        // Weyl: λ(B) = λ(A + E) with ‖E‖₁ ≤ residual·n·ulp·‖A‖₁, and each QL adds its own eigenvalue bound.
        double bound = (residual + 2 * Accuracy.eigenvalueLimit(EighAlgorithm.TRIDIAGONAL_QL)) * n * EPS
                * Invariants.norm1(a, n);
        double moved = Invariants.maxDifference(sortedEigenvalues(a, n), sortedEigenvalues(b, n));
        assertTrue(moved <= bound, "eigenvalues moved by " + moved + " > Weyl bound " + bound);
    }

    @Test
    void bandwidthOneIsTheOrdinaryTridiagonalisation() {
        for (int n : SIZES) {
            double[] a = scaledRandom(n, 7L * n);
            double[] band = a.clone();
            BandReduction.reduce(band, n, 1, true);
            double[] ql = a.clone();
            double[] offDiagonal = new double[n];
            TridiagonalQL.reduceToTridiagonal(ql, n, new double[n], offDiagonal);
            double unit = n * EPS * Invariants.norm1(a, n);
            for (int i = 0; i < n; i++) {
                assertEquals(ql[i * n + i], band[i * n + i], 10 * unit, "n=" + n + " diagonal " + i);
                if (i + 1 < n) {
                    assertEquals(offDiagonal[i], band[(i + 1) * n + i], 10 * unit, "n=" + n + " off-diagonal " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "kd={0} n={1}")
    @MethodSource("bandwidthsAndSizes")
    void bulgeChaseIsAnOrthogonalSimilarityToATridiagonal(int kd, int n) {
        double[] a = scaledRandom(n, 200L * n + kd);
        double[] t = a.clone();
        Reflectors q1 = BandReduction.reduce(t, n, kd, true);
        double[] band = t.clone();
        Reflectors q2 = BulgeChase.chase(t, n, kd, true);
        assertEquals(0, beyond(t, n, 1), 0, "entries beyond the first off-diagonal are exactly zero");
        if (kd == 1 || n <= 2) {
            assertEquals(0, q2.size(), "nothing to chase");
        } else {
            // Each sweep i makes ⌈(n − 1 − i)/kd⌉ blocks, the last one skipped when it is a single row.
            assertTrue(q2.size() >= n - 2, "at least one reflector per sweep: " + q2.size());
        }
        for (int k = 0; k < q2.size(); k++) {
            assertTrue(q2.get(k).v().length <= kd, "reflector longer than kd");
        }
        double[] q2Dense = q2.toDense(n);
        assertOrthogonalSimilarity(band, q2Dense, t, n, "B = Q2 T Q2ᵀ");
        assertOrthogonalSimilarity(a, ReferenceRefresh.multiply(q1.toDense(n), q2Dense, n), t, n, "A = (Q1 Q2) T (Q1 Q2)ᵀ");
    }

    @Test
    void chaseReachesTheBandEdgeOfABandThatIsNotFromStageOne() {
        // A random band straight away (no stage 1): every band entry nonzero, so a reflector that skipped a row
        // or a column of the bulge would leave a nonzero beyond the tridiagonal or break the similarity.
        int n = 41;
        for (int kd : new int[] {2, 5, 13, 40}) {
            Random rng = new Random(kd);
            double[] b = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = Math.max(0, i - kd); j <= i; j++) {
                    double x = rng.nextDouble() - 0.5;
                    b[i * n + j] = x;
                    b[j * n + i] = x;
                }
            }
            double[] t = b.clone();
            Reflectors q2 = BulgeChase.chase(t, n, kd, true);
            assertEquals(0, beyond(t, n, 1), 0, "kd=" + kd + ": not tridiagonal");
            assertOrthogonalSimilarity(b, q2.toDense(n), t, n, "kd=" + kd);
        }
    }

    private static EighResult twoStage(BatchedMatrix a, int kd, boolean vectors) {
        int n = a.rows();
        BatchedMatrix values = BatchedMatrix.zeros(a.dtype(), a.batch(), 1, n);
        BatchedMatrix v = vectors ? BatchedMatrix.zeros(a.dtype(), a.batch(), n, n) : null;
        int[] info = new int[a.batch()];
        EighAlgorithm ran = new ReferenceEigh(kd).eigh(a, values, v, info, EighAlgorithm.TWO_STAGE, 0);
        assertEquals(EighAlgorithm.TWO_STAGE, ran);
        return new EighResult(values, v, info, "java", ran);
    }

    @ParameterizedTest(name = "kd={0} n={1}")
    @MethodSource("bandwidthsAndSizes")
    void twoStageMeetsTheLapackRatiosAndAgreesWithQl(int kd, int n) {
        for (DType dtype : DType.values()) {
            Random rng = new Random(300L * n + kd);
            double[] graded = SeededMatrices.withSpectrum(SeededMatrices.geometric(n, 1e-6, 1e6), rng);
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, SeededMatrices.randomSymmetric(n, rng), graded,
                    SeededMatrices.scaled(SeededMatrices.randomSymmetric(n, rng), dtype == DType.F64 ? 1e-150 : 1e-30));
                 EighResult r = twoStage(a, kd, true);
                 EighResult values = twoStage(a, kd, false);
                 EighResult ql = SymmetricEigen.on(new JavaBackend()).decompose(a)) {
                EighChecks.assertValid(a, r, "two-stage kd=" + kd + " n=" + n + " " + dtype);
                assertArrayEquals(r.values().toDoubleArray(), values.values().toDoubleArray(), 0,
                        "values only: the same QL on the same tridiagonal");
                for (int b = 0; b < a.batch(); b++) {
                    double bound = 2 * Accuracy.eigenvalueLimit(EighAlgorithm.TWO_STAGE) * Math.max(n, 1)
                            * dtype.epsilon() * Invariants.norm1(a, b);
                    double diff = Invariants.maxDifference(r.valuesOf(b), ql.valuesOf(b));
                    assertTrue(diff <= bound, "matrix " + b + ": differs from TRIDIAGONAL_QL by " + diff + " > " + bound);
                }
            }
        }
    }

    @Test
    void degenerateSizesAndBandwidths() {
        double[] d = new double[3];
        double[] z = new double[9];
        assertEquals(0, ReferenceTwoStage.solve(new double[0], 0, 5, new double[0], new double[0], 30));
        double[] one = {0.75};
        assertEquals(0, ReferenceTwoStage.solve(one, 1, 1, d, z, 30));
        assertEquals(0.75, d[0]);
        assertEquals(1, z[0]);
        // [[2, 1], [1, 2]] / 4 with kd = 7 ≥ n − 1: eigenvalues 1/4 and 3/4.
        double[] two = {0.5, 0.25, 0.25, 0.5};
        assertEquals(0, ReferenceTwoStage.solve(two, 2, 7, d, z, 30));
        double[] w = Arrays.copyOf(d, 2);
        Arrays.sort(w);
        assertArrayEquals(new double[] {0.25, 0.75}, w, 4 * EPS);
        // A full 3 × 3 with kd = 2 = n − 1: no stage 1, one sweep of one reflector; eigenvalues as the QL's.
        double[] three = SeededMatrices.scaled(SeededMatrices.laplacian1d(3), 0.25);
        three[2] = 0.1;
        three[6] = 0.1;
        double[] expected = sortedEigenvalues(three, 3);
        assertEquals(0, ReferenceTwoStage.solve(three.clone(), 3, 2, d, z, 30));
        double[] got = d.clone();
        Arrays.sort(got);
        assertArrayEquals(expected, got, 20 * 3 * EPS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReferenceTwoStage.solve(new double[4], 2, 0, new double[2], null, 30));
        assertTrue(e.getMessage().contains("kd: 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ReferenceEigh(-1));
        assertEquals(1, ReferenceTwoStage.defaultBandwidth(3));
        assertEquals(8, ReferenceTwoStage.defaultBandwidth(64));
        assertEquals(32, ReferenceTwoStage.defaultBandwidth(6570));
    }

    @Test
    void javaOffersTwoStageAndSaysWhatElse() {
        ReferenceEigh kernel = new ReferenceEigh();
        assertTrue(kernel.supports(EighAlgorithm.TWO_STAGE));
        assertTrue(!kernel.supports(EighAlgorithm.SYEVD));
        assertEquals(Accuracy.LAPACK_THRESHOLD, Accuracy.residualLimit(EighAlgorithm.TWO_STAGE), "judged as ?syevd");
        assertEquals(Accuracy.LAPACK_THRESHOLD, Accuracy.orthogonalityLimit(EighAlgorithm.TWO_STAGE), "judged as ?syevd");
        try (BatchedMatrix a = SeededMatrices.batch(DType.F64, 2, new double[] {1, 0, 0, 1})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernel.eigh(a,
                    BatchedMatrix.zeros(DType.F64, 1, 1, 2), null, new int[1], EighAlgorithm.SYEVD, 0));
            assertTrue(e.getMessage().contains("TWO_STAGE") && e.getMessage().contains("TRIDIAGONAL_QL"), e.getMessage());
        }
    }
}
