package org.eigenbasis.basis;

import java.util.Objects;

/**
 * Where a Gauss–Newton rule of {@link BasisDiagonalOptimizer} takes D = diag(UᵀGU) of one parameter from, in the
 * parameter's row-major flattening vec(W) (N = numel):
 * <ul>
 *   <li>{@link Dense}: G itself, N × N. D_j = Σ_k U_kj (GU)_kj with GU one backend product; in a Kronecker basis
 *       U = U_L ⊗ U_R is formed densely for this (N² memory, 2N³ flops): pass factors or the diagonal for large
 *       layers.</li>
 *   <li>{@link Kronecker}: G = L ⊗ R for a matrix parameter m × n, L m × m over the rows and R n × n over the
 *       columns (G_{(a,b),(c,d)} = L_ac R_bd). For a linear layer W (out × in) with K-FAC factors S = E[g gᵀ] and
 *       A = E[a aᵀ], L = S and R = A. In a Kronecker basis D_(p,k) = (U_Lᵀ L U_L)_pp · (U_Rᵀ R U_R)_kk, at index
 *       p·n + k; in the identity basis diag(L)_a · diag(R)_b; in a dense basis L ⊗ R is formed.</li>
 *   <li>{@link InBasis}: D given directly, in the basis's coordinate order (N values, e.g. EK-FAC's corrected
 *       eigenvalues). Tied to the basis it was computed in.</li>
 * </ul>
 * Arrays are copied at construction; values are checked finite and sizes against the parameter when used.
 */
public sealed interface CurvatureDiagonal {
    /** G, n × n, row-major. */
    record Dense(double[] matrix, int size) implements CurvatureDiagonal {
        public Dense {
            Objects.requireNonNull(matrix, "matrix");
            if (size < 1 || matrix.length != (long) size * size) {
                throw new IllegalArgumentException("matrix: length " + matrix.length + " is not size² for size " + size);
            }
            matrix = matrix.clone();
        }

        @Override
        public double[] matrix() {
            return matrix.clone();
        }
    }

    /** G = L ⊗ R: {@code left} rows × rows, {@code right} cols × cols, row-major. */
    record Kronecker(double[] left, int rows, double[] right, int cols) implements CurvatureDiagonal {
        public Kronecker {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
            if (rows < 1 || left.length != (long) rows * rows) {
                throw new IllegalArgumentException("left: length " + left.length + " is not rows² for rows " + rows);
            }
            if (cols < 1 || right.length != (long) cols * cols) {
                throw new IllegalArgumentException("right: length " + right.length + " is not cols² for cols " + cols);
            }
            left = left.clone();
            right = right.clone();
        }

        @Override
        public double[] left() {
            return left.clone();
        }

        @Override
        public double[] right() {
            return right.clone();
        }
    }

    /** D itself, one value per coordinate of the basis. */
    record InBasis(double[] diagonal) implements CurvatureDiagonal {
        public InBasis {
            Objects.requireNonNull(diagonal, "diagonal");
            diagonal = diagonal.clone();
        }

        @Override
        public double[] diagonal() {
            return diagonal.clone();
        }
    }

    /** G from rows (square). */
    static CurvatureDiagonal dense(double[][] g) {
        int n = Basis.squareDimension("g", g);
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(g[i], 0, flat, i * n, n);
        }
        return new Dense(flat, n);
    }

    /** G = L ⊗ R from rows (each square). */
    static CurvatureDiagonal kronecker(double[][] left, double[][] right) {
        int m = Basis.squareDimension("left", left);
        int n = Basis.squareDimension("right", right);
        return new Kronecker(((Dense) dense(left)).matrix, m, ((Dense) dense(right)).matrix, n);
    }

    /** D given in the basis. */
    static CurvatureDiagonal inBasis(double[] diagonal) {
        return new InBasis(diagonal);
    }
}
