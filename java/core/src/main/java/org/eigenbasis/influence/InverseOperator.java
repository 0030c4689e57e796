package org.eigenbasis.influence;

/** A damped inverse (C + δI)^-1 acting on a batch of vectors: what a score needs from any curvature. */
public interface InverseOperator {
    /** Which rung this is. */
    CurvatureKind kind();

    /** P, the number of parameters. */
    int dimension();

    /**
     * (C + δI)^-1 applied to each of the k rows of {@code v} (k × P, row-major; not modified); returns a new k × P.
     * Fails with IllegalArgumentException when v's length is not k·P or it holds a non-finite value.
     */
    double[] applyInverse(double[] v, int k, Damping damping);
}
