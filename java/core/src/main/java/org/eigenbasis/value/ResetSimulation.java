package org.eigenbasis.value;

/**
 * Monte Carlo estimates of a {@link ResetSimulationConfig} run, in the eigen-coordinates of the config. Means
 * and their standard errors have length d; covariances and their standard errors are d × d row-major arrays, null
 * when the run did not estimate covariances. "Snapshot" estimates use the state at the horizon T of each
 * trajectory; "time" estimates use each trajectory's (Rao–Blackwellised) time average over [0, T].
 *
 * @param trajectories             N
 * @param events                   trajectory-events processed (segments between resets, see the spec)
 * @param seconds                  wall time of the kernel
 * @param snapshotMean             mean of u(T)
 * @param snapshotMeanStderr       its standard error
 * @param timeMean                 mean of the time averages M
 * @param timeMeanStderr           its standard error
 * @param snapshotCovariance       covariance of u(T), or null
 * @param snapshotCovarianceStderr its standard error, or null
 * @param timeCovariance           time-averaged covariance, mean(S) − mean(M) mean(M)ᵀ, or null
 * @param timeCovarianceStderr     its standard error, or null
 * @param timeMeanCovariance       the covariance across trajectories of M (for θ-space standard errors), or null
 */
public record ResetSimulation(long trajectories, long events, double seconds, double[] snapshotMean,
        double[] snapshotMeanStderr, double[] timeMean, double[] timeMeanStderr, double[] snapshotCovariance,
        double[] snapshotCovarianceStderr, double[] timeCovariance, double[] timeCovarianceStderr,
        double[] timeMeanCovariance) {

    /** Trajectory-events per second of kernel wall time. */
    public double eventsPerSecond() {
        return seconds > 0 ? events / seconds : Double.POSITIVE_INFINITY;
    }
}
