package org.eigenbasis.basis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/** Basis as a value: construction, the orthogonality check, the rotations. */
class BasisTest {
    private static final Backend JAVA = Backends.select("java");

    static double[][] randomSymmetric(Random rng, int d) {
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = rng.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    /** A random orthogonal matrix: the eigenbasis of a random symmetric one. */
    static Basis randomBasis(Random rng, int d) {
        return Basis.eigenbasisOf(randomSymmetric(rng, d), JAVA);
    }

    @Test
    void ofRefusesANonOrthogonalMatrixNamingTheArgumentAndTheError() {
        double[] u = randomBasis(new Random(3), 5).toRowMajor();
        u[7] += 1e-6;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Basis.of(u, 5));
        assertTrue(e.getMessage().startsWith("matrix: not orthogonal"), e.getMessage());
        assertTrue(e.getMessage().contains("‖UᵀU − I‖_max = "), e.getMessage());
        double measured = Basis.orthogonalityError(u, 5);
        assertTrue(measured > 1e-7 && e.getMessage().contains(Double.toString(measured)), e.getMessage());

        double[][] scaled = {{2, 0}, {0, 1}};
        assertThrows(IllegalArgumentException.class, () -> Basis.of(scaled));
        assertThrows(IllegalArgumentException.class, () -> Basis.of(new double[5], 2));
        assertThrows(IllegalArgumentException.class, () -> Basis.of(new double[][] {{1, 0}, {0}}));
        assertThrows(IllegalArgumentException.class, () -> Basis.of(new double[] {Double.NaN}, 1));
        assertThrows(IllegalArgumentException.class, () -> Basis.identity(0));
    }

    @Test
    void ofAcceptsAnOrthogonalMatrixAndCopiesIt() {
        Basis eigen = randomBasis(new Random(4), 6);
        double[] u = eigen.toRowMajor();
        Basis copy = Basis.of(u, 6);
        u[0] = 42;
        assertEquals(eigen.get(0, 0), copy.get(0, 0));
        assertEquals(6, Basis.of(eigen.toArray()).dimension());
        assertTrue(!copy.isIdentity() && Basis.identity(3).isIdentity());
    }

    /**
     * The eigenbasis diagonalises its matrix, columns in ascending eigenvalue order. ‖UᵀAU − diag‖ is eigh's
     * backward error, within ErrorBounds.threshold(1, d, f64, ‖A‖_F) (LAPACK's test ratio), plus the products'
     * γ_{2d}·|U|ᵀ|A||U| ≤ γ_{2d}·d·‖A‖_max·d (|U_ij| ≤ 1).
     */
    @Test
    void eigenbasisOfDiagonalisesInAscendingOrder() {
        int d = 7;
        double[][] a = randomSymmetric(new Random(5), d);
        Basis basis = Basis.eigenbasisOf(a, JAVA);
        double[] diagonal = BasisOptimizer.diagonalInBasis(basis, a, JAVA);
        double frobenius = 0;
        double max = 0;
        for (double[] row : a) {
            for (double x : row) {
                frobenius += x * x;
                max = Math.max(max, Math.abs(x));
            }
        }
        frobenius = Math.sqrt(frobenius);
        double tol = ErrorBounds.threshold(1, d, DType.F64, frobenius) + ErrorBounds.gamma(2 * d, DType.F64) * d * d * max;
        for (int j = 0; j < d; j++) {
            double[] column = new double[d];
            column[j] = 1;
            double[] uj = basis.unrotate(column);
            double[] auj = new double[d];
            for (int i = 0; i < d; i++) {
                for (int k = 0; k < d; k++) {
                    auj[i] += a[i][k] * uj[k];
                }
            }
            for (int i = 0; i < d; i++) {
                assertEquals(diagonal[j] * uj[i], auj[i], tol, "A u_" + j + " = λ_" + j + " u_" + j);
            }
            if (j > 0) {
                assertTrue(diagonal[j] >= diagonal[j - 1] - tol, "ascending at " + j);
            }
        }
        assertTrue(basis.orthogonalityError() <= ErrorBounds.threshold(1, d, DType.F64, 1));
    }

    /**
     * unrotate(rotate(x)) = U Uᵀ x: each product within γ_d of exact (Higham §3.5), so |error_i| ≤
     * γ_d(|U||Uᵀ||x|)_i·2 (first order) + e·d·‖x‖_∞ with e = ‖UᵀU − I‖_max (= ‖UUᵀ − I‖ for square U only to
     * first order; measured e is ~1e-15, so this term is a bound with a margin of a factor d, not a tight one).
     */
    @Test
    void rotateAndUnrotateAreInverse() {
        int d = 9;
        Random rng = new Random(6);
        Basis basis = randomBasis(rng, d);
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = rng.nextGaussian();
        }
        double[] back = basis.unrotate(basis.rotate(x));
        double xmax = 0;
        for (double xi : x) {
            xmax = Math.max(xmax, Math.abs(xi));
        }
        double tol = 2 * ErrorBounds.gamma(d, DType.F64) * d * d * xmax + basis.orthogonalityError() * d * d * xmax;
        assertArrayEquals(x, back, tol);
        assertArrayEquals(x, Basis.identity(d).rotate(x), 0);
        assertThrows(IllegalArgumentException.class, () -> basis.rotate(new double[d + 1]));
    }
}
