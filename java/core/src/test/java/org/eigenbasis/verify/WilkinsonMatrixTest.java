package org.eigenbasis.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/** The wilkinson adversarial kind is what its Javadoc says: W⁺ with its near-equal pairs, dense after Q·W·Qᵀ. */
class WilkinsonMatrixTest {
    @Test
    void w21HasItsClassicNearlyEqualTopPair() {
        double[] w = values(SeededMatrices.wilkinson(21), 21);
        // Wilkinson (1965): λ₂₀ and λ₂₁ of W⁺₂₁ are both 10.7461941829033 to 13 figures.
        assertEquals(10.7461941829033, w[20], 1e-12);
        assertEquals(10.7461941829033, w[19], 1e-12);
        assertTrue(w[20] - w[19] < 1e-12, "top pair gap " + (w[20] - w[19]));
        assertTrue(w[18] < 9.3, "the next eigenvalue is well separated: " + w[18]);
    }

    @Test
    void adversarialKindIsDenseWithTheSameSpectrum() {
        int n = 24;
        double[] tridiagonal = SeededMatrices.wilkinson(n);
        assertEquals(11.5, tridiagonal[0]);
        assertEquals(0.5, tridiagonal[11 * n + 11]);
        assertEquals(0.5, tridiagonal[12 * n + 12]);
        assertEquals(1, tridiagonal[n + 2]);
        double[] dense = SeededMatrices.adversarial("wilkinson", DType.F64, n, new Random(1));
        assertTrue(Math.abs(dense[n - 1]) > 1e-6, "a corner entry of Q W Qᵀ is not zero: " + dense[n - 1]);
        double[] a = values(tridiagonal, n);
        double[] b = values(dense, n);
        double bound = 2 * Accuracy.eigenvalueLimit(org.eigenbasis.value.EighAlgorithm.TRIDIAGONAL_QL) * n
                * Math.ulp(1.0) * Invariants.norm1(dense, n);
        assertTrue(Invariants.maxDifference(a, b) <= bound, "spectrum moved by " + Invariants.maxDifference(a, b));
    }

    private static double[] values(double[] a, int n) {
        double[][] rows = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, i * n, rows[i], 0, n);
        }
        try (org.eigenbasis.linalg.EighResult r = SymmetricEigen.eigh(rows)) {
            return r.valuesOf(0);
        }
    }
}
