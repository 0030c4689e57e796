package org.eigenbasis.spi;

import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;

/**
 * Monte Carlo of gradient flow / OU trajectories with renewal resets, in H's eigenbasis, as specified in
 * {@code docs/resetting-simulator.md}. The config is validated by its constructor. java and cpu return
 * bit-identical estimates for a seed whatever the thread count; cuda is statistically equal.
 */
public interface ResetSimulationKernel {
    ResetSimulation simulate(ResetSimulationConfig config);

    /**
     * The trajectories [first, first + count) of the run {@link #simulate} makes of {@code config}, as raw
     * per-sub-block sums: {@link SimulationSums#merge} of consecutive ranges covering [0, N) gives the bits of
     * {@link #simulate}, whatever the cut. Both ends must be sub-block boundaries ({@link SimulationSums#blockStart};
     * N counts as one). Covariance runs repeat the pilot pass (one sub-block, means only) in every call. Memory: the
     * result, {@link SimulationSums#rangeBlocks} · {@link SimulationSums#blockLength} doubles.
     *
     * @throws IllegalArgumentException      for a range outside [0, N), an end off a sub-block boundary (the message
     *                                       names the boundaries around it) or too many blocks for one array
     * @throws UnsupportedOperationException on a backend without raw sums (cuda, statistically equal only)
     */
    default RangeSums simulateRange(ResetSimulationConfig config, long first, long count) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + ": no raw per-sub-block sums on this"
                + " backend; use java or cpu");
    }
}
