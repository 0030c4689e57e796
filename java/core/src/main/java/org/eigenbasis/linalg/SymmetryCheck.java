package org.eigenbasis.linalg;

/**
 * Whether {@link SymmetricEigen} checks that each input matrix is symmetric before decomposing it, and how
 * strictly: matrix b passes when |a_ij − a_ji| ≤ {@code relativeTolerance} · max|a| for every i, j. Without the
 * check only the lower triangle is read and the upper triangle is ignored.
 *
 * @param enabled           whether to check
 * @param relativeTolerance finite, in [0, 1]; 0 demands exact symmetry
 */
public record SymmetryCheck(boolean enabled, double relativeTolerance) {
    /** No check: the strict upper triangle is never read. */
    public static final SymmetryCheck NONE = new SymmetryCheck(false, 0);

    public SymmetryCheck {
        if (!(relativeTolerance >= 0 && relativeTolerance <= 1)) {
            throw new IllegalArgumentException("relativeTolerance: " + relativeTolerance + " is outside [0, 1]");
        }
    }

    /** Exact symmetry required. */
    public static SymmetryCheck exact() {
        return new SymmetryCheck(true, 0);
    }

    /** Symmetry within {@code relativeTolerance} · max|a|. */
    public static SymmetryCheck relative(double relativeTolerance) {
        return new SymmetryCheck(true, relativeTolerance);
    }
}
