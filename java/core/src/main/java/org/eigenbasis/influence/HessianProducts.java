package org.eigenbasis.influence;

/** Exact Hessian-vector products of the mean training loss: the only access the exact Hessian needs. */
@FunctionalInterface
public interface HessianProducts {
    /** ∇²L · v_j for each of the k rows of v (k × P, row-major); returns a new k × P. */
    double[] apply(double[] v, int k);
}
