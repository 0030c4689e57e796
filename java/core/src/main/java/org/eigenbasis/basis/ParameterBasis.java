package org.eigenbasis.basis;

import java.util.Arrays;
import java.util.Objects;
import org.eigenbasis.precond.Parameter;

/**
 * The basis of one parameter tensor in {@link BasisDiagonalOptimizer}, over the parameter's row-major
 * flattening vec(W) (W_ab at index a·n + b for an m × n matrix):
 * <ul>
 *   <li>{@link #identity()}: U = I; the rotations are exact copies.</li>
 *   <li>{@link #dense(Basis)}: one orthogonal numel × numel U acting on vec(W); coordinates g̃ = Uᵀ vec(G).</li>
 *   <li>{@link #kronecker(Basis, Basis)}: for a matrix parameter m × n, U_L (m × m) and U_R (n × n); coordinates
 *       G̃ = U_Lᵀ G U_R (m × n, coordinate (p, k) at index p·n + k) and back U_L S U_Rᵀ. In the row-major
 *       flattening this is the dense basis U = U_L ⊗ U_R (U_{(a,b),(p,k)} = (U_L)_ap (U_R)_bk), never formed:
 *       two GEMMs per rotation (cost 2(m²n + mn²)) instead of 2(mn)². For a linear layer W (out × in) with K-FAC
 *       factors S (out × out) and A (in × in), U_L = eigenbasis of S and U_R = eigenbasis of A.</li>
 * </ul>
 * Each {@link Basis} was checked orthogonal to {@value Basis#ORTHOGONALITY_TOLERANCE} when made; the sizes are
 * checked against the parameter by {@link #requireFits}. Immutable.
 */
public final class ParameterBasis {
    /** Which structure a basis has. */
    public enum Kind {
        IDENTITY, DENSE, KRONECKER
    }

    private static final ParameterBasis IDENTITY = new ParameterBasis(Kind.IDENTITY, null, null);

    private final Kind kind;
    private final Basis first;
    private final Basis second;

    private ParameterBasis(Kind kind, Basis first, Basis second) {
        this.kind = kind;
        this.first = first;
        this.second = second;
    }

    /** U = I. */
    public static ParameterBasis identity() {
        return IDENTITY;
    }

    /** One dense basis U over the flattened parameter (dimension = the parameter's element count). */
    public static ParameterBasis dense(Basis u) {
        Objects.requireNonNull(u, "u");
        return new ParameterBasis(Kind.DENSE, u, null);
    }

    /** U_L ⊗ U_R for a matrix parameter: {@code left} over its rows (m × m), {@code right} over its columns (n × n). */
    public static ParameterBasis kronecker(Basis left, Basis right) {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
        return new ParameterBasis(Kind.KRONECKER, left, right);
    }

    public Kind kind() {
        return kind;
    }

    /** U of a dense basis, U_L of a Kronecker one, null for the identity. */
    public Basis left() {
        return first;
    }

    /** U_R of a Kronecker basis, else null. */
    public Basis right() {
        return second;
    }

    /**
     * {@link IllegalArgumentException} naming the parameter unless this basis fits it: a dense basis of dimension
     * numel, or a Kronecker pair of dimensions (m, n) for a parameter of shape m × n.
     */
    public void requireFits(Parameter p) {
        Objects.requireNonNull(p, "parameter");
        switch (kind) {
            case DENSE -> {
                if (first.dimension() != p.size()) {
                    throw new IllegalArgumentException("basis of '" + p.name() + "': a dense basis of dimension "
                            + first.dimension() + " for a parameter of " + p.size() + " elements "
                            + Arrays.toString(p.shape()));
                }
            }
            case KRONECKER -> {
                if (p.rank() != 2) {
                    throw new IllegalArgumentException("basis of '" + p.name() + "': a Kronecker basis needs a matrix "
                            + "parameter (rank 2), this one has shape " + Arrays.toString(p.shape()));
                }
                if (first.dimension() != p.dim(0) || second.dimension() != p.dim(1)) {
                    throw new IllegalArgumentException("basis of '" + p.name() + "': Kronecker factors "
                            + first.dimension() + " × " + first.dimension() + " and " + second.dimension() + " × "
                            + second.dimension() + " do not match the shape " + Arrays.toString(p.shape()));
                }
            }
            default -> {
            }
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case IDENTITY -> "identity";
            case DENSE -> "dense(" + first.dimension() + ")";
            case KRONECKER -> "kronecker(" + first.dimension() + "," + second.dimension() + ")";
        };
    }
}
