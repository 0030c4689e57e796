package org.eigenbasis.value;

import java.util.Objects;

/**
 * One Monte Carlo run of OU / gradient-flow trajectories with renewal resets, in H's eigenbasis (see
 * {@code docs/resetting-simulator.md}): coordinate k relaxes at rate μ_k towards a_k with noise σ and is reset
 * to 0 at the renewal epochs of {@code law}. Trajectories start in the stationary state, so snapshot and time
 * averages are unbiased for the stationary moments at every horizon.
 *
 * @param law          the inter-reset law (immutable, as every {@code RenewalLaw} is); checked with
 *                     {@link LawKind#requireValid}
 * @param eigenvalues  μ_k ≥ 0 (finite), d = length, 1 ≤ d
 * @param target       a_k (finite), length d: the fixed point Qᵀ(θ* − θ₀) in eigen-coordinates
 * @param sigma        σ ≥ 0 (finite): the noise scale of dθ = −(Hθ − b)dt + σ dW
 * @param horizon      T &gt; 0 (finite): each trajectory runs over [0, T]; snapshot at T, time average over [0, T]
 * @param trajectories N ≥ 1
 * @param seed         the Philox key
 * @param scheme       EXACT transitions, or EULER–Maruyama at {@code step}
 * @param step         η &gt; 0 (finite) for EULER; ignored (NaN allowed) for EXACT
 * @param covariance   whether to estimate covariances (O(d²) per event) as well as means
 */
public record ResetSimulationConfig(SampledLaw law, double[] eigenvalues, double[] target, double sigma,
        double horizon, long trajectories, long seed, Scheme scheme, double step, boolean covariance) {

    /** How trajectories advance between resets. */
    public enum Scheme {
        /** The exact OU transition: no discretisation bias. */
        EXACT,
        /** Euler–Maruyama at a fixed step, for comparison. */
        EULER
    }

    public ResetSimulationConfig {
        Objects.requireNonNull(law, "law");
        Objects.requireNonNull(eigenvalues, "eigenvalues");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(law.kind(), "law.kind()");
        law.kind().requireValid(law.parameters());
        if (eigenvalues.length == 0) {
            throw new IllegalArgumentException("eigenvalues: length 0 is outside [1, 2^31)");
        }
        if (target.length != eigenvalues.length) {
            throw new IllegalArgumentException("target: length " + target.length + " must equal the number of"
                    + " eigenvalues, " + eigenvalues.length);
        }
        eigenvalues = eigenvalues.clone();
        target = target.clone();
        for (int k = 0; k < eigenvalues.length; k++) {
            if (!(eigenvalues[k] >= 0) || !Double.isFinite(eigenvalues[k])) {
                throw new IllegalArgumentException("eigenvalues[" + k + "]: " + eigenvalues[k]
                        + " is outside [0, ∞) (finite): negative curvature has no stationary state");
            }
            if (!Double.isFinite(target[k])) {
                throw new IllegalArgumentException("target[" + k + "]: " + target[k] + " is not finite");
            }
        }
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma: " + sigma + " is outside [0, ∞) (finite)");
        }
        if (!(horizon > 0) || !Double.isFinite(horizon)) {
            throw new IllegalArgumentException("horizon: " + horizon + " is outside (0, ∞) (finite)");
        }
        if (trajectories < 1) {
            throw new IllegalArgumentException("trajectories: " + trajectories + " is outside [1, 2^63)");
        }
        if (scheme == Scheme.EULER && (!(step > 0) || !Double.isFinite(step))) {
            throw new IllegalArgumentException("step: " + step + " is outside (0, ∞) (finite), required by EULER");
        }
    }

    /** The law's parameters in kernel order, checked again here: what a kernel passes to native code. */
    public double[] lawParameters() {
        double[] p = law.parameters();
        law.kind().requireValid(p);
        return p;
    }

    public int dimension() {
        return eigenvalues.length;
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public double[] target() {
        return target.clone();
    }
}
