package org.eigenbasis.resetting;

import java.util.Objects;
import org.eigenbasis.value.ResetSimulationConfig;

/**
 * How {@link ResetSimulator#simulate} runs: the horizon T, the number of trajectories N, the Philox seed, the
 * scheme (EXACT, or EULER at {@code step}) and whether covariances are estimated. Validated with the rest of the
 * run by {@link ResetSimulationConfig}.
 *
 * @param horizon      T &gt; 0: snapshot at T, time averages over [0, T]
 * @param trajectories N ≥ 1
 * @param seed         the Philox key
 * @param scheme       EXACT or EULER
 * @param step         η &gt; 0 for EULER; ignored for EXACT
 * @param covariance   whether to estimate covariances (O(d²) per event)
 */
public record SimulationOptions(double horizon, long trajectories, long seed, ResetSimulationConfig.Scheme scheme,
        double step, boolean covariance) {
    public SimulationOptions {
        Objects.requireNonNull(scheme, "scheme");
    }

    /** EXACT transitions. */
    public static SimulationOptions exact(double horizon, long trajectories, long seed, boolean covariance) {
        return new SimulationOptions(horizon, trajectories, seed, ResetSimulationConfig.Scheme.EXACT, Double.NaN,
                covariance);
    }

    /** Euler–Maruyama at step η. */
    public static SimulationOptions euler(double horizon, long trajectories, long seed, double step,
            boolean covariance) {
        return new SimulationOptions(horizon, trajectories, seed, ResetSimulationConfig.Scheme.EULER, step,
                covariance);
    }
}
