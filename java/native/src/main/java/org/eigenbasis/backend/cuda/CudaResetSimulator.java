package org.eigenbasis.backend.cuda;

import java.util.Objects;
import org.eigenbasis.binding.CudaKernels;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;

/**
 * The resetting simulator of {@code docs/resetting-simulator.md} on the GPU ({@code native/src/cuda/reset_sim.cu}):
 * one CUDA thread per trajectory, sums reduced per block in double, N processed in chunks with bounded device
 * memory. Statistically equal to the java and cpu backends, not bitwise: the reset clock uses the spec's Philox
 * stream, the Gaussian noise of each coordinate a stream of its own, and the CUDA math library. For a seed the
 * result is reproducible on any GPU.
 *
 * <p>Limits beyond the config's own checks (refused with {@link IllegalArgumentException} before the GPU is
 * touched): covariance runs take d ≤ {@value #MAX_COVARIANCE_DIMENSION} (the d × d sums come back to the heap six
 * times); EULER takes at most 2³¹ steps per trajectory (horizon / step).
 */
public final class CudaResetSimulator implements ResetSimulationKernel {
    /** Largest d of a covariance run: six d × d double sums are returned (48 MiB at 1024). */
    public static final int MAX_COVARIANCE_DIMENSION = 1024;

    /** Largest horizon / step of an EULER run: the per-coordinate noise stream holds 2³³ normals. */
    public static final double MAX_EULER_STEPS = 0x1p31;

    @Override
    public ResetSimulation simulate(ResetSimulationConfig config) {
        validate(config);
        double[] mu = config.eigenvalues();
        double[] a = config.target();
        long[] events = new long[1];
        boolean euler = config.scheme() == ResetSimulationConfig.Scheme.EULER;
        long start = System.nanoTime();
        double[] sums = CudaKernels.resetSimulate(config.law().kind().code(), config.lawParameters(), mu, a,
                config.sigma(), config.horizon(), config.trajectories(), config.seed(), euler, config.step(),
                config.covariance(), events);
        double seconds = (System.nanoTime() - start) * 1e-9;
        return estimates(sums, config.dimension(), config.trajectories(), config.covariance(), events[0], seconds);
    }

    /** The cuda-specific limits; the config has validated everything else. */
    static void validate(ResetSimulationConfig config) {
        Objects.requireNonNull(config, "config");
        int d = config.dimension();
        if (config.covariance() && d > MAX_COVARIANCE_DIMENSION) {
            throw new IllegalArgumentException("eigenvalues: d = " + d + " is outside [1, "
                    + MAX_COVARIANCE_DIMENSION + "] for a covariance run on the cuda backend");
        }
        if (config.scheme() == ResetSimulationConfig.Scheme.EULER
                && !(config.horizon() / config.step() <= MAX_EULER_STEPS)) {
            throw new IllegalArgumentException("step: " + config.step() + " gives horizon / step = "
                    + config.horizon() / config.step() + ", outside [0, 2^31] on the cuda backend");
        }
    }

    /**
     * The estimates of the spec from the raw sums of {@code eb_cuda_reset_simulate} (layout in eb_api.h): mean =
     * ΣX/N, stderr = sqrt((ΣX²/N − mean²)/(N − 1)) (0 when N = 1), covariance = ΣP/N − mean meanᵀ, covariance
     * stderr = sqrt((Σw²/N − (Σw/N)²)/(N − 1)) with Σw = ΣP − c(ΣX)ᵀ − (ΣX)cᵀ and c the pilot centre.
     */
    static ResetSimulation estimates(double[] sums, int d, long n, boolean covariance, long events, double seconds) {
        double[] snapshotMean = new double[d];
        double[] snapshotStderr = new double[d];
        double[] timeMean = new double[d];
        double[] timeStderr = new double[d];
        for (int k = 0; k < d; k++) {
            snapshotMean[k] = sums[k] / n;
            snapshotStderr[k] = stderr(sums[d + k], snapshotMean[k], n);
            timeMean[k] = sums[2 * d + k] / n;
            timeStderr[k] = stderr(sums[3 * d + k], timeMean[k], n);
        }
        if (!covariance) {
            return new ResetSimulation(n, events, seconds, snapshotMean, snapshotStderr, timeMean, timeStderr, null,
                    null, null, null, null);
        }
        int dd = d * d;
        int base = 4 * d;
        int centres = base + 6 * dd;
        double[] snapshotCovariance = new double[dd];
        double[] snapshotCovarianceStderr = new double[dd];
        double[] timeCovariance = new double[dd];
        double[] timeCovarianceStderr = new double[dd];
        double[] timeMeanCovariance = new double[dd];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                int ij = i * d + j;
                double snapshotP = sums[base + ij];
                double timeP = sums[base + dd + ij];
                double timeXX = sums[base + 3 * dd + ij];
                snapshotCovariance[ij] = snapshotP / n - snapshotMean[i] * snapshotMean[j];
                timeCovariance[ij] = timeP / n - timeMean[i] * timeMean[j];
                timeMeanCovariance[ij] = timeXX / n - timeMean[i] * timeMean[j];
                double cs = sums[centres + i];
                double csj = sums[centres + j];
                double ct = sums[centres + d + i];
                double ctj = sums[centres + d + j];
                double snapshotW = snapshotP - cs * sums[j] - sums[i] * csj;
                double timeW = timeP - ct * sums[2 * d + j] - sums[2 * d + i] * ctj;
                snapshotCovarianceStderr[ij] = stderr(sums[base + 4 * dd + ij], snapshotW / n, n);
                timeCovarianceStderr[ij] = stderr(sums[base + 5 * dd + ij], timeW / n, n);
            }
        }
        return new ResetSimulation(n, events, seconds, snapshotMean, snapshotStderr, timeMean, timeStderr,
                snapshotCovariance, snapshotCovarianceStderr, timeCovariance, timeCovarianceStderr,
                timeMeanCovariance);
    }

    /** sqrt((Σx²/N − m²)/(N − 1)), 0 for N = 1; a rounding-negative variance counts as 0. */
    private static double stderr(double sumSquares, double mean, long n) {
        if (n <= 1) {
            return 0;
        }
        double variance = sumSquares / n - mean * mean;
        return variance > 0 ? Math.sqrt(variance / (n - 1)) : 0;
    }
}
