package org.eigenbasis.benchmarks;

import java.util.concurrent.TimeUnit;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The resetting simulator (docs/resetting-simulator.md), mean-only, exact scheme, on the workload the numpy peer
 * ({@code peers/numpy_reset_sim.py}) runs: μ_k = 1/k (k = 1..d), a_k = 1, σ = 0.5, T = 10·E[τ], for exp(rate=1)
 * and gamma(k=2,scale=0.5). One operation simulates {@link #trajectories(String, int)} trajectories; the
 * secondary metric {@code events} is trajectory-events (segments between resets) per second, the unit.
 * A backend that cannot run here (cuda without a GPU) fails its setup, and JMH moves on to the next parameters,
 * as in {@link EighBenchmark}; run-reset-benchmarks.sh selects the backends that can run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ResetSimulationBenchmark {
    @Param({"cpu", "java", "cuda"})
    public String backend;

    @Param({"exp", "gamma"})
    public String law;

    @Param({"1", "10", "100", "1000"})
    public int d;

    private ResetSimulationKernel kernel;
    private ResetSimulationConfig config;
    private long seed;

    /** The trajectory-events of the operations of an iteration, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Events {
        public long events;

        @Setup(Level.Iteration)
        public void reset() {
            events = 0;
        }
    }

    /**
     * N per operation: about 2¹⁸/d trajectories on the host backends (≈ 3·10⁶ coordinate-segments); on cuda 64×
     * that and at least 2¹⁹, so that every SM of a large GPU has full blocks to run (one thread per trajectory).
     */
    public static long trajectories(String backend, int d) {
        long host = Math.max(256, (1L << 18) / d);
        return backend.equals("cuda") ? Math.max(64 * host, 1L << 19) : host;
    }

    static RenewalLaw law(String name) {
        return switch (name) {
            case "exp" -> RenewalLaw.exponential(1);
            case "gamma" -> RenewalLaw.gamma(2, 0.5);
            default -> throw new IllegalArgumentException("law: " + name + " is not exp or gamma");
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        kernel = Backends.select(backend).resetSimulation();
        RenewalLaw renewal = law(law);
        double[] mu = new double[d];
        double[] a = new double[d];
        for (int k = 0; k < d; k++) {
            mu[k] = 1.0 / (k + 1);
            a[k] = 1;
        }
        config = new ResetSimulationConfig(renewal, mu, a, 0.5, 10 * renewal.mean(), trajectories(backend, d), 1,
                ResetSimulationConfig.Scheme.EXACT, Double.NaN, false);
        kernel.simulate(config);   // fails here, once, when the backend cannot simulate
    }

    @Benchmark
    public double simulate(Events counter) {
        // A fresh seed per operation: the same work in distribution, no caching of a repeated answer.
        ResetSimulationConfig c = new ResetSimulationConfig(config.law(), config.eigenvalues(), config.target(),
                config.sigma(), config.horizon(), config.trajectories(), ++seed, config.scheme(), config.step(), false);
        ResetSimulation r = kernel.simulate(c);
        counter.events += r.events();
        return r.snapshotMean()[0];
    }
}
