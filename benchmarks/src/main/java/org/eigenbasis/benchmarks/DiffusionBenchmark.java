package org.eigenbasis.benchmarks;

import java.util.concurrent.TimeUnit;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.GeneratedVariances;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The closed-form generated variances of issue 14 at scale (point 5: 10⁵ modes × 10³ training times under a
 * second on cpu): {@link GeneratedVariances#fill} of λ̃(λ_i, τ_j) for the power-law spectrum λ_i = i^(−1),
 * i = 1..n, and t training times log-spaced over [10⁻³, 10³], the EDM setting (σ in [0.002, 80], η = 1, Q = 0.1).
 * {@code size} is "n x t"; {@code model} one-layer (four E₁ a pair, two of them per time only) or two-layer
 * (elementary). The output is preallocated off-heap (the cpu kernel writes it in place, no copy) or on the heap
 * ({@code placement=heap}: one staging copy back). Average time per call: divide by n·t for the time per pair.
 * The java reference takes about 0.4 µs a pair: run it at 1000 x 1000 only (benchmarks/run-diffusion-benchmarks.sh);
 * 10⁸ pairs would take a minute per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
public class DiffusionBenchmark {
    @Param({"cpu", "java"})
    public String backend;

    @Param({"1000x1000", "100000x1000"})
    public String size;

    @Param({"one-layer", "two-layer"})
    public String model;

    @Param({"offheap"})
    public String placement;

    private Backend selected;
    private DenoiserModel denoiser;
    private double[] lambdas;
    private double[] taus;
    private BatchedMatrix out;

    @Setup(Level.Trial)
    public void setup() {
        selected = Backends.select(backend);
        denoiser = DenoiserModel.parse(model);
        String[] nt = size.split("x");
        int n = Integer.parseInt(nt[0].trim());
        int t = Integer.parseInt(nt[1].trim());
        lambdas = powerLawSpectrum(n);
        taus = logSpacedTimes(t);
        out = BatchedMatrix.allocate(DType.F64, 1, n, t,
                placement.equals("heap") ? Placement.HEAP : Placement.OFF_HEAP);
    }

    /** λ_i = i^(−1), i = 1..n. */
    static double[] powerLawSpectrum(int n) {
        double[] lambdas = new double[n];
        for (int i = 0; i < n; i++) {
            lambdas[i] = 1.0 / (i + 1);
        }
        return lambdas;
    }

    /** t times log-spaced over [10⁻³, 10³] (one time: 1). */
    static double[] logSpacedTimes(int t) {
        double[] taus = new double[t];
        for (int j = 0; j < t; j++) {
            taus[j] = t == 1 ? 1 : Math.pow(10, -3 + 6.0 * j / (t - 1));
        }
        return taus;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        out.close();
    }

    @Benchmark
    public BatchedMatrix variances() {
        GeneratedVariances.fill(selected, denoiser, lambdas, taus, DiffusionConfig.defaults(), false, out);
        return out;
    }
}
