package org.eigenbasis.basis.egop;

/**
 * A mini-batch gradient oracle (θ, batchSeed) ↦ ∇f_B(θ): the gradient on a mini-batch B that the oracle draws from
 * {@code batchSeed}, so that the same seed gives the same batch (an unbiased estimate of ∇f(θ) when B is drawn
 * uniformly). The EGOP estimator hands sample j its own seed, drawn from the estimator's seeded stream, so that a
 * seeded estimate is reproducible. Must return a d-vector and not modify θ.
 */
@FunctionalInterface
public interface EgopStochasticGradient {
    /** ∇f_B(θ) for the mini-batch B drawn from {@code batchSeed}, a d-vector. */
    double[] at(double[] theta, long batchSeed);
}
