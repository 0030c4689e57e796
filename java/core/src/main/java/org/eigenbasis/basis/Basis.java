package org.eigenbasis.basis;

import java.util.Arrays;
import java.util.Objects;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;

/**
 * An orthogonal d × d matrix U, the basis a diagonal preconditioner lives in: coordinates g̃ = Uᵀg, and back x = U x̃.
 * Immutable; U is held in f64, row-major.
 *
 * <ul>
 *   <li>{@link #identity}: U = I (rotations are copies, exactly).</li>
 *   <li>{@link #eigenbasisOf}: the eigenvectors of a symmetric matrix, one per column.</li>
 *   <li>{@link #of}: a caller's matrix, accepted when ‖UᵀU − I‖_max ≤ {@value #ORTHOGONALITY_TOLERANCE}.</li>
 * </ul>
 * A per-layer Kronecker basis (U_L ⊗ U_R for each weight matrix, never formed densely) is a pair of these:
 * {@link ParameterBasis#kronecker}, used by {@link BasisDiagonalOptimizer}.
 */
public final class Basis {
    /** The largest accepted ‖UᵀU − I‖_max of a caller's matrix (issue 13's contract). */
    public static final double ORTHOGONALITY_TOLERANCE = 1e-10;

    private final int d;
    private final double[] u;
    private final boolean identity;

    private Basis(int d, double[] u, boolean identity) {
        this.d = d;
        this.u = u;
        this.identity = identity;
    }

    /** U = I of dimension d ≥ 1. */
    public static Basis identity(int d) {
        requireDimension(d);
        double[] u = new double[d * d];
        for (int i = 0; i < d; i++) {
            u[i * d + i] = 1;
        }
        return new Basis(d, u, true);
    }

    /**
     * The eigenbasis of a symmetric matrix A = U Λ Uᵀ computed by the backend's eigh ({@link SymmetricEigen}: reads
     * the lower triangle; backward stable). Column j of U is the eigenvector of the j-th eigenvalue in
     * <b>ascending</b> order; each column carries {@link org.eigenbasis.linalg.CanonicalSign}'s sign. Eigenvectors
     * of a repeated eigenvalue are any orthonormal basis of its eigenspace. The result is orthogonal to about
     * c·d·ε (not re-checked against {@link #ORTHOGONALITY_TOLERANCE}). Cost about 9d³.
     *
     * @throws IllegalArgumentException when {@code symmetric} is null, ragged, not square, empty or has a
     *                                  non-finite entry in its lower triangle
     */
    public static Basis eigenbasisOf(double[][] symmetric, Backend backend) {
        Objects.requireNonNull(backend, "backend");
        int d = squareDimension("symmetric", symmetric);
        try (BatchedMatrix a = BatchedMatrix.of(symmetric);
             EighResult result = SymmetricEigen.on(backend).decompose(a)) {
            double[] u = new double[d * d];
            result.vectors().copyMatrixTo(0, u, 0);
            return new Basis(d, u, false);
        }
    }

    /** A caller's matrix, rows {@code matrix[i]}; checked orthogonal, see {@link #of(double[], int)}. */
    public static Basis of(double[][] matrix) {
        int d = squareDimension("matrix", matrix);
        double[] u = new double[d * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(matrix[i], 0, u, i * d, d);
        }
        return checked(u, d);
    }

    /**
     * A caller's matrix, row-major (U_ij = {@code rowMajor[i·d + j]}), copied. Refused with
     * {@link IllegalArgumentException} naming the argument and the measured ‖UᵀU − I‖_max when that exceeds
     * {@value #ORTHOGONALITY_TOLERANCE}, or when the length is not d², an entry is not finite, or d &lt; 1.
     */
    public static Basis of(double[] rowMajor, int d) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        requireDimension(d);
        if (rowMajor.length != (long) d * d) {
            throw new IllegalArgumentException("rowMajor: length " + rowMajor.length + " is not d² = " + (long) d * d);
        }
        return checked(rowMajor.clone(), d);
    }

    private static Basis checked(double[] u, int d) {
        for (int i = 0; i < u.length; i++) {
            if (!Double.isFinite(u[i])) {
                throw new IllegalArgumentException("matrix: entry (" + i / d + ", " + i % d + ") is " + u[i]
                        + " (must be finite)");
            }
        }
        double error = orthogonalityError(u, d);
        if (!(error <= ORTHOGONALITY_TOLERANCE)) {
            throw new IllegalArgumentException("matrix: not orthogonal: ‖UᵀU − I‖_max = " + error + " exceeds "
                    + ORTHOGONALITY_TOLERANCE);
        }
        return new Basis(d, u, false);
    }

    /** ‖UᵀU − I‖_max of a row-major d × d matrix, each entry summed in double in index order. */
    static double orthogonalityError(double[] u, int d) {
        double max = 0;
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += u[k * d + i] * u[k * d + j];
                }
                max = Math.max(max, Math.abs(s - (i == j ? 1 : 0)));
            }
        }
        return max;
    }

    /** ‖UᵀU − I‖_max of this basis. */
    public double orthogonalityError() {
        return orthogonalityError(u, d);
    }

    public int dimension() {
        return d;
    }

    /** Whether this basis was made by {@link #identity} (its rotations are exact copies). */
    public boolean isIdentity() {
        return identity;
    }

    /** U_ij. */
    public double get(int i, int j) {
        Objects.checkIndex(i, d);
        Objects.checkIndex(j, d);
        return u[i * d + j];
    }

    /** A row-major copy of U. */
    public double[] toRowMajor() {
        return u.clone();
    }

    /** A copy of U as rows. */
    public double[][] toArray() {
        double[][] rows = new double[d][];
        for (int i = 0; i < d; i++) {
            rows[i] = Arrays.copyOfRange(u, i * d, (i + 1) * d);
        }
        return rows;
    }

    /**
     * Coordinates in this basis, g̃ = Uᵀg: g̃_j = Σ_k U_kj g_k summed in double in k order (the reference for the
     * backend's GEMMs in {@link BasisOptimizer}). Cost 2d².
     */
    public double[] rotate(double[] g) {
        requireLength("g", g);
        if (identity) {
            return g.clone();
        }
        double[] out = new double[d];
        for (int k = 0; k < d; k++) {
            double gk = g[k];
            for (int j = 0; j < d; j++) {
                out[j] += u[k * d + j] * gk;
            }
        }
        return out;
    }

    /** Back from coordinates, x = U x̃: x_i = Σ_j U_ij x̃_j, summed in j order. Cost 2d². */
    public double[] unrotate(double[] coordinates) {
        requireLength("coordinates", coordinates);
        if (identity) {
            return coordinates.clone();
        }
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += u[i * d + j] * coordinates[j];
            }
            out[i] = s;
        }
        return out;
    }

    private void requireLength(String name, double[] v) {
        Objects.requireNonNull(v, name);
        if (v.length != d) {
            throw new IllegalArgumentException(name + ": length " + v.length + " does not match the basis dimension " + d);
        }
    }

    private static void requireDimension(int d) {
        if (d < 1) {
            throw new IllegalArgumentException("d: " + d + " is outside [1, ∞)");
        }
    }

    static int squareDimension(String name, double[][] m) {
        Objects.requireNonNull(m, name);
        int d = m.length;
        if (d < 1) {
            throw new IllegalArgumentException(name + ": empty (must be d × d with d ≥ 1)");
        }
        for (int i = 0; i < d; i++) {
            if (m[i] == null || m[i].length != d) {
                throw new IllegalArgumentException(name + ": row " + i + " has length "
                        + (m[i] == null ? "null" : m[i].length) + ", not " + d + " (must be square)");
            }
        }
        return d;
    }
}
