package org.eigenbasis.basis.egop;

/**
 * A full-batch gradient oracle θ ↦ ∇f(θ) for the EGOP estimator and the EGOP reparameterisation. Must return a new
 * (or at least not retained) array of the same length d as θ, and must not modify θ.
 */
@FunctionalInterface
public interface EgopGradient {
    /** ∇f(θ), a d-vector. */
    double[] at(double[] theta);
}
