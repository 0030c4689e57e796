package org.eigenbasis.influence;

/**
 * A curvature C of the mean training loss held in an eigenbasis: C = Q diag(λ) Qᵀ with Q orthogonal, stored in
 * whatever structure the rung has (one dense basis, one per block, or a Kronecker pair per layer). Vectors are
 * batched as rows: {@code v} is k × P, row-major. Coordinates in the eigenbasis come in the order of
 * {@link #eigenvalues()}, which is per block (not globally sorted) for structured curvatures.
 *
 * <p>Every damped inverse is exact in the eigenbasis: (C + δI)^-1 v = Q diag(w) Qᵀ v with w = {@link #inverseWeights}.
 * Instances are immutable and thread-safe; they hold heap arrays only.
 */
public interface Curvature extends InverseOperator {
    /** The eigenvalue of each eigenbasis coordinate (length P), in coordinate order. */
    double[] eigenvalues();

    /** Coordinates of the k rows of v (k × P) in the eigenbasis: rows of (Qᵀ vᵀ)ᵀ = v Q. Cost per the rung. */
    double[] toEigenbasis(double[] v, int k);

    /** Back to parameter space: rows of c Qᵀ for c (k × P). */
    double[] fromEigenbasis(double[] c, int k);

    /** The coordinate weights of (C + δI)^-1 under {@code damping}: {@link Damping#inverse} of each eigenvalue. */
    default double[] inverseWeights(Damping damping) {
        double[] lambda = eigenvalues();
        double[] w = new double[lambda.length];
        for (int j = 0; j < w.length; j++) {
            w[j] = damping.inverse(lambda[j]);
        }
        return w;
    }

    @Override
    default double[] applyInverse(double[] v, int k, Damping damping) {
        Checks.rows("v", v, k, dimension());
        double[] c = toEigenbasis(v, k);
        double[] w = inverseWeights(damping);
        int p = dimension();
        for (int r = 0; r < k; r++) {
            for (int j = 0; j < p; j++) {
                c[r * p + j] *= w[j];
            }
        }
        return fromEigenbasis(c, k);
    }

    /**
     * C as a dense P × P row-major matrix. By default reconstructed from the eigenbasis in blocks of rows (row j of
     * C is e_jᵀ Q diag(λ) Qᵀ), so the peak memory is the result plus O(P·block); the package's curvatures build it
     * from their structure instead (equal to rounding). Refused with an IllegalArgumentException naming the size
     * when 8·P² bytes exceed the dense limit (half the heap by default).
     */
    default double[] dense() {
        return Curvatures.denseByRotation(this);
    }
}
