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
}
