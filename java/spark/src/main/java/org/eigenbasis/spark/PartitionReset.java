package org.eigenbasis.spark;

import java.io.Serializable;
import org.apache.spark.api.java.function.Function;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.spi.RangeSums;
import org.eigenbasis.value.LawKind;
import org.eigenbasis.value.ResetSimulationConfig;
import org.eigenbasis.value.SampledLaw;

/**
 * One task of {@link SparkResetSimulation}: the range {first, count} of trajectories in, its raw per-sub-block sums
 * out. The config travels as plain values (a {@code RenewalLaw} is not serializable) and is rebuilt, and so checked
 * again, on the executor.
 */
final class PartitionReset implements Function<long[], RangeSums> {
    private static final long serialVersionUID = 1L;

    private final LawKind kind;
    private final double[] lawParameters;
    private final double[] eigenvalues;
    private final double[] target;
    private final double sigma;
    private final double horizon;
    private final long trajectories;
    private final long seed;
    private final ResetSimulationConfig.Scheme scheme;
    private final double step;
    private final boolean covariance;
    private final String backend;

    PartitionReset(ResetSimulationConfig c, String backend) {
        kind = c.law().kind();
        lawParameters = c.lawParameters();
        eigenvalues = c.eigenvalues();
        target = c.target();
        sigma = c.sigma();
        horizon = c.horizon();
        trajectories = c.trajectories();
        seed = c.seed();
        scheme = c.scheme();
        step = c.step();
        covariance = c.covariance();
        this.backend = backend;
    }

    ResetSimulationConfig config() {
        return new ResetSimulationConfig(new Law(kind, lawParameters), eigenvalues, target, sigma, horizon,
                trajectories, seed, scheme, step, covariance);
    }

    @Override
    public RangeSums call(long[] range) {
        if (range[1] == 0) {
            return RangeSums.empty(range[0], eigenvalues.length);
        }
        return Backends.select(backend).resetSimulation().simulateRange(config(), range[0], range[1]);
    }

    /** A law as its family and parameters: what a kernel reads of any {@code RenewalLaw}. */
    private record Law(LawKind kind, double[] params) implements SampledLaw, Serializable {
        @Override
        public double[] parameters() {
            return params.clone();
        }
    }
}
