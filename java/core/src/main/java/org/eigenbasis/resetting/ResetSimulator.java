package org.eigenbasis.resetting;

import org.eigenbasis.spi.Backend;

/**
 * TEMP skeleton (signatures fixed; replaced by the simulator work). θ-space facade over
 * {@link org.eigenbasis.spi.ResetSimulationKernel}: eigendecomposes H, runs the kernel in eigen-coordinates and
 * rotates the estimates back.
 */
public final class ResetSimulator {
    private ResetSimulator() {
    }

    /** θ-space estimates for H = diag(mu) (no rotation), reset to the origin. */
    public static ResetSimulation diagonal(double[] mu, double[] thetaStar, double sigma, RenewalLaw law,
            double horizon, long trajectories, long seed, boolean covariance, Backend backend) {
        throw new UnsupportedOperationException("TEMP");
    }

    /** Runs a config in eigen-coordinates on a backend. */
    public static ResetSimulation run(ResetSimulationConfig config, Backend backend) {
        return backend.resetSimulation().simulate(config);
    }
}
