package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Invariants;
import org.eigenbasis.verify.LargeEighVerifier;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;

/**
 * {@code verify --large} at a size CI can afford (n = 300): every row passes, the algorithms are AUTO and the cpu's
 * large-n ones, and the ratios formed through the cpu's GEMM equal {@link Invariants}' pure-Java ones.
 */
class CpuLargeVerifyTest {
    private static final Backend CPU = new CpuBackend();

    @Test
    void largeModeRunsEveryLargeAlgorithmInBothDtypes() {
        List<String> labels = new ArrayList<>();
        List<LargeEighVerifier.Row> rows = LargeEighVerifier.verify(CPU, new int[] {300}, labels::add);
        List<EighAlgorithm> algorithms = LargeEighVerifier.algorithms(CPU);
        assertTrue(algorithms.contains(EighAlgorithm.AUTO) && algorithms.contains(EighAlgorithm.SYEVD), algorithms.toString());
        assertTrue(!algorithms.contains(EighAlgorithm.JACOBI) && !algorithms.contains(EighAlgorithm.TRIDIAGONAL_QL),
                "small-n kernels are not run at large n: " + algorithms);
        assertEquals(algorithms.size() * 2, rows.size());
        assertEquals(rows.size(), labels.size());
        assertEquals(LargeEighVerifier.groups(CPU, new int[] {300}), rows.size());
        for (LargeEighVerifier.Row r : rows) {
            assertTrue(r.passed(), r.toString());
            assertEquals(300, r.n());
            assertTrue(r.residual() > 0 && r.residual() <= r.residualLimit(), r.toString());
            assertTrue(r.orthogonality() > 0 && r.orthogonality() <= r.orthogonalityLimit(), r.toString());
            assertTrue(r.seconds() > 0, r.toString());
        }
    }

    @Test
    void ratiosThroughTheBackendEqualThePureJavaOnes() {
        int n = 300;
        for (DType dtype : DType.values()) {
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, SeededMatrices.randomSymmetric(n, new Random(5)));
                 EighResult r = SymmetricEigen.on(CPU).decompose(a, EighOptions.defaults().withAlgorithm(EighAlgorithm.SYEVD))) {
                double unit = n * dtype.epsilon();
                double viaGemm = LargeEighVerifier.residual(CPU, a, r) / unit;
                double inJava = Invariants.residual(a, r, 0) / unit;
                assertEquals(inJava, viaGemm, 1, dtype + " residual ratio");
                double orthViaGemm = LargeEighVerifier.orthogonality(CPU, r.vectors()) / unit;
                double orthInJava = Invariants.orthogonality(r.vectors(), 0) / unit;
                assertEquals(orthInJava, orthViaGemm, 1, dtype + " orthogonality ratio");
                // a broken decomposition is caught: one eigenvalue off by 0.1·‖A‖₁ gives a ratio far above 60
                try (BatchedMatrix w = r.values().copy(r.values().placement())) {
                    w.set(0, 0, 0, w.get(0, 0, 0) + 0.1 * Invariants.norm1(a, 0));
                    EighResult broken = new EighResult(w, r.vectors(), r.info(), "cpu", r.algorithm());
                    assertTrue(LargeEighVerifier.residual(CPU, a, broken) / unit > 1e3, "perturbed residual");
                }
            }
        }
    }

    @Test
    void theJavaReferenceIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LargeEighVerifier.verify(new JavaBackend(), new int[] {8}, s -> { }));
        assertTrue(e.getMessage().contains("native backends only"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LargeEighVerifier.verify(CPU, new int[] {0}, s -> { }));
    }
}
