package org.eigenbasis.linalg;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input is an IllegalArgumentException that names the argument, the batch index and the problem. */
class InputValidationTest {
    private final SymmetricEigen eigen = SymmetricEigen.on(new JavaBackend());

    private static String failure(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run).getMessage();
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteEntriesAreNamedByBatchIndexAndPosition(double bad) {
        double[] data = new double[3 * 4 * 4];
        data[2 * 16 + 3 * 4 + 1] = bad;                       // matrix 2, row 3, column 1 (lower triangle)
        try (BatchedMatrix a = BatchedMatrix.of(data, 3, 4, 4)) {
            String message = failure(() -> eigen.decompose(a));
            assertTrue(message.startsWith("a: matrix 2 has " + bad + " at (3, 1)"), message);
        }
    }

    @Test
    void nonSquareInputIsRejected() {
        try (BatchedMatrix a = BatchedMatrix.zeros(DType.F64, 2, 3, 4)) {
            String message = failure(() -> eigen.decompose(a));
            assertTrue(message.startsWith("a: matrices are 3 × 4"), message);
        }
    }

    @Test
    void asymmetryIsReportedOnlyWhenTheCheckIsAskedFor() {
        double[] data = {1, 2, 2, 1, /* matrix 1 */ 1, 2.5, 2, 1};
        try (BatchedMatrix a = BatchedMatrix.of(data, 2, 2, 2)) {
            eigen.decompose(a).close();                      // no check: only the lower triangle is read
            String message = failure(() -> eigen.decompose(a, EighOptions.defaults().withSymmetryCheck(SymmetryCheck.exact())));
            assertTrue(message.startsWith("a: matrix 1 is not symmetric: |a[1][0] − a[0][1]| = 0.5"), message);
            eigen.decompose(a, EighOptions.defaults().withSymmetryCheck(SymmetryCheck.relative(0.2))).close();
        }
        try (BatchedMatrix nanAbove = BatchedMatrix.of(new double[] {1, Double.NaN, 0, 1}, 1, 2, 2)) {
            eigen.decompose(nanAbove).close();               // never read without the check
            assertTrue(failure(() -> eigen.decompose(nanAbove, EighOptions.defaults()
                    .withSymmetryCheck(SymmetryCheck.exact()))).contains("not symmetric"));
        }
    }

    @Test
    void closedNullAndUnsupportedArgumentsAreRejected() {
        BatchedMatrix closed = BatchedMatrix.zeros(DType.F64, 1, 2, 2);
        closed.close();
        assertTrue(failure(() -> eigen.decompose(closed)).contains("closed"));
        assertTrue(failure(() -> eigen.decompose(null)).startsWith("a: is null"));
        try (BatchedMatrix a = BatchedMatrix.zeros(DType.F64, 1, 2, 2)) {
            assertTrue(failure(() -> eigen.decompose(a, EighOptions.defaults().withAlgorithm(EighAlgorithm.SYEVD)))
                    .contains("not available on the java backend"));
        }
    }

    @Test
    void optionRecordsValidateTheirRanges() {
        assertTrue(failure(() -> EighOptions.defaults().withMaxIterations(-1)).startsWith("maxIterations: -1"));
        assertTrue(failure(() -> SymmetryCheck.relative(2)).startsWith("relativeTolerance: 2.0"));
        assertTrue(failure(() -> SymmetryCheck.relative(Double.NaN)).startsWith("relativeTolerance: NaN"));
        assertTrue(failure(() -> DType.parse("f16")).contains("use f32 or f64"));
        assertTrue(failure(() -> EighAlgorithm.parse("qr")).startsWith("algorithm: 'qr'"));
    }
}
