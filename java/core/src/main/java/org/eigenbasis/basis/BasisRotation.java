package org.eigenbasis.basis;

import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * The one rotation path of the basis optimizers: a parameter's basis held where the backend's kernels work on it
 * ({@link Backend#statePlacement()}), and the two rotations as {@link PreconditionerKernel#rotate} calls on a
 * rows × cols view of the flattened parameter:
 * <ul>
 *   <li>identity: rows = N, cols = 1, no matrices; the rotations are exact copies;</li>
 *   <li>dense U: rows = N, cols = 1, left = U, right = none: Uᵀx and U·x as one GEMV each (cost 2N²);</li>
 *   <li>Kronecker U_L ⊗ U_R: rows = m, cols = n: U_Lᵀ X U_R and U_L X U_Rᵀ (cost 2(m²n + mn²)).</li>
 * </ul>
 * The same kernel runs SOAP's and Shampoo's basis changes, so a Kronecker basis step costs what theirs costs.
 * Also computes D = diag(UᵀGU) of the curvature sources ({@link CurvatureDiagonal}). Owns its matrices and two
 * rows × cols work buffers; {@link #close()} frees them. Not thread-safe.
 */
final class BasisRotation implements AutoCloseable {
    private final Backend backend;
    private final ParameterBasis.Kind kind;
    private final int rows;
    private final int cols;
    private final BatchedMatrix left;
    private final BatchedMatrix right;
    private final BatchedMatrix in;
    private final BatchedMatrix out;

    /** The rotation of {@code basis} over a parameter of {@code size} elements, shaped {@code shape}. */
    BasisRotation(ParameterBasis basis, int size, int[] shape, Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.kind = basis.kind();
        Placement placement = backend.statePlacement();
        if (kind == ParameterBasis.Kind.KRONECKER) {
            rows = shape[0];
            cols = shape[1];
            left = BatchedMatrix.of(basis.left().toRowMajor(), 1, rows, rows, placement);
            right = BatchedMatrix.of(basis.right().toRowMajor(), 1, cols, cols, placement);
        } else {
            rows = size;
            cols = 1;
            left = kind == ParameterBasis.Kind.DENSE
                    ? BatchedMatrix.of(basis.left().toRowMajor(), 1, size, size, placement) : null;
            right = null;
        }
        in = BatchedMatrix.zeros(DType.F64, 1, rows, cols, placement);
        out = BatchedMatrix.zeros(DType.F64, 1, rows, cols, placement);
    }

    ParameterBasis.Kind kind() {
        return kind;
    }

    int size() {
        return rows * cols;
    }

    /** The basis matrices as state entries (left, then right; none for the identity). */
    BatchedMatrix leftMatrix() {
        return left;
    }

    BatchedMatrix rightMatrix() {
        return right;
    }

    /** The basis as a {@link ParameterBasis} (copied; re-checked orthogonal). */
    ParameterBasis toParameterBasis() {
        return switch (kind) {
            case IDENTITY -> ParameterBasis.identity();
            case DENSE -> ParameterBasis.dense(Basis.of(left.toDoubleArray(), rows));
            case KRONECKER -> ParameterBasis.kronecker(Basis.of(left.toDoubleArray(), rows),
                    Basis.of(right.toDoubleArray(), cols));
        };
    }

    /** The work buffer a caller fills before {@link #toBasis()} / {@link #fromBasis()}. */
    BatchedMatrix input() {
        return in;
    }

    /** Where {@link #toBasis()} and {@link #fromBasis()} leave their result. */
    BatchedMatrix output() {
        return out;
    }

    /** output ← Uᵀ·input (coordinates in the basis). */
    void toBasis() {
        rotate(true);
    }

    /** output ← U·input (back to the parameter's coordinates). */
    void fromBasis() {
        rotate(false);
    }

    private void rotate(boolean forward) {
        if (kind == ParameterBasis.Kind.IDENTITY) {
            out.copyFrom(in);
            return;
        }
        backend.preconditioner().rotate(left, forward, in, right, !forward, out);
    }

    /**
     * D = diag(UᵀGU) of a curvature source, N values in coordinate order; the source's sizes and finiteness are
     * checked first ({@link IllegalArgumentException} naming {@code what}). Writes nothing of this rotation's state.
     */
    double[] diagonal(CurvatureDiagonal source, String what) {
        Objects.requireNonNull(source, what);
        int n = size();
        if (source instanceof CurvatureDiagonal.InBasis d) {
            double[] values = d.diagonal();
            requireLength(what + " (diagonal in the basis)", values.length, n);
            requireFinite(what, values);
            return values;
        }
        if (source instanceof CurvatureDiagonal.Kronecker k) {
            if (!(kind == ParameterBasis.Kind.KRONECKER ? k.rows() == rows && k.cols() == cols
                    : (long) k.rows() * k.cols() == n)) {
                throw new IllegalArgumentException(what + ": Kronecker factors " + k.rows() + " × " + k.rows() + " and "
                        + k.cols() + " × " + k.cols() + " do not match the parameter (" + n + " elements"
                        + (kind == ParameterBasis.Kind.KRONECKER ? ", " + rows + " × " + cols : "") + ")");
            }
            double[] l = k.left();
            double[] r = k.right();
            requireFinite(what + " (left factor)", l);
            requireFinite(what + " (right factor)", r);
            if (kind == ParameterBasis.Kind.DENSE) {
                return sandwichDiagonal(backend, left, kroneckerProduct(l, k.rows(), r, k.cols()), n);
            }
            double[] dl = kind == ParameterBasis.Kind.KRONECKER ? sandwichDiagonal(backend, left, l, rows)
                    : diagonalOf(l, k.rows());
            double[] dr = kind == ParameterBasis.Kind.KRONECKER ? sandwichDiagonal(backend, right, r, cols)
                    : diagonalOf(r, k.cols());
            double[] d = new double[n];
            for (int p = 0; p < dl.length; p++) {
                for (int q = 0; q < dr.length; q++) {
                    d[p * dr.length + q] = dl[p] * dr[q];
                }
            }
            return d;
        }
        CurvatureDiagonal.Dense g = (CurvatureDiagonal.Dense) source;
        requireLength(what + " (dense, size)", g.size(), n);
        double[] matrix = g.matrix();
        requireFinite(what, matrix);
        return switch (kind) {
            case IDENTITY -> diagonalOf(matrix, n);
            case DENSE -> sandwichDiagonal(backend, left, matrix, n);
            case KRONECKER -> {
                double[] u = kroneckerProduct(left.toDoubleArray(), rows, right.toDoubleArray(), cols);
                try (BatchedMatrix dense = BatchedMatrix.of(u, 1, n, n, backend.statePlacement())) {
                    yield sandwichDiagonal(backend, dense, matrix, n);
                }
            }
        };
    }

    /**
     * diag(UᵀGU) for U (1 × n × n) and G (n × n row-major): GU by one backend product
     * ({@link PreconditionerKernel#rotate} with G as the middle matrix), then Σ_k U_kj (GU)_kj in k order on the
     * JVM, so the second product UᵀGU is never formed. Cost 2n³ + 2n².
     */
    static double[] sandwichDiagonal(Backend backend, BatchedMatrix u, double[] g, int n) {
        double[] uh = u.toDoubleArray();
        double[] gu = new double[n * n];
        Placement placement = backend.statePlacement();
        try (BatchedMatrix gm = BatchedMatrix.of(g, 1, n, n, placement);
             BatchedMatrix product = BatchedMatrix.zeros(DType.F64, 1, n, n, placement)) {
            backend.preconditioner().rotate(null, false, gm, u, false, product);
            product.copyMatrixTo(0, gu, 0);
        }
        double[] diagonal = new double[n];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                diagonal[j] += uh[k * n + j] * gu[k * n + j];
            }
        }
        return diagonal;
    }

    /** L ⊗ R (m·n × m·n, row-major): entry ((a,b),(c,d)) = L_ac R_bd. */
    static double[] kroneckerProduct(double[] l, int m, double[] r, int n) {
        int size = m * n;
        double[] out = new double[size * size];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < n; b++) {
                int row = (a * n + b) * size;
                for (int c = 0; c < m; c++) {
                    double lac = l[a * m + c];
                    for (int d = 0; d < n; d++) {
                        out[row + c * n + d] = lac * r[b * n + d];
                    }
                }
            }
        }
        return out;
    }

    private static double[] diagonalOf(double[] matrix, int n) {
        double[] d = new double[n];
        for (int j = 0; j < n; j++) {
            d[j] = matrix[j * n + j];
        }
        return d;
    }

    private static void requireLength(String what, long length, long expected) {
        if (length != expected) {
            throw new IllegalArgumentException(what + ": " + length + " does not match the parameter's " + expected
                    + " elements");
        }
    }

    static void requireFinite(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(what + ": entry " + i + " is " + values[i] + " (must be finite)");
            }
        }
    }

    @Override
    public void close() {
        if (left != null) {
            left.close();
        }
        if (right != null) {
            right.close();
        }
        in.close();
        out.close();
    }
}
