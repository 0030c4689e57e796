package org.eigenbasis.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.basis.egop.EgopConfig;
import org.eigenbasis.basis.egop.EgopEstimator;
import org.eigenbasis.basis.egop.EgopGradient;
import org.eigenbasis.basis.egop.EgopQuadraticGradient;
import org.eigenbasis.basis.egop.EgopResult;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * EGOP estimation (issue 13, point 5) against its bound, f64, on one warm JVM per backend. The problem is the
 * quadratic f = ½(θ − θ*)ᵀA(θ − θ*) with A = Q diag(i^-1) Qᵀ (Q the eigenvectors of a seeded random symmetric
 * matrix) and ρ = N(θ*, I); {@code shape} is d x M.
 *
 * <ul>
 *   <li>{@code estimate}: {@link EgopEstimator} with the batched oracle {@link EgopQuadraticGradient}, M gradients
 *       as M/blockRows GEMMs, the SYRKs into the Gram, one eigh (everything the estimator does, draws included).</li>
 *   <li>{@code estimatePerSample}: the same estimate with one oracle call per sample, each a GEMV on the backend
 *       (the path before the batched oracle; the SYRK blocks are the same).</li>
 *   <li>{@code gemm}: one (M × d)·(d × 3d/2) product on the backend's {@code multiply}: 3·d²·M flops, the flops of
 *       the M gradients (2·d²·M) plus the SYRKs (d²·M), so its time is the gemm-rate bound of those.</li>
 *   <li>{@code eigh}: one d × d eigh with vectors on the backend, of the matrix the estimator decomposes (an
 *       estimate made in the trial's set-up with the same seed).</li>
 * </ul>
 * The target: estimate ≤ 1.5 × (gemm + eigh) on cpu at d = 2048, M = 4096 (summarize_egop.py).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class EgopBenchmark {
    @Param({"cpu", "java"})
    public String backend;

    /** d x M. */
    @Param({"2048x4096", "256x1024"})
    public String shape;

    @Param({"256"})
    public int blockRows;

    private Backend kernels;
    private int d;
    private EgopQuadraticGradient oracle;
    private EgopGradient perSample;
    private double[] center;
    private EgopConfig config;
    private BatchedMatrix x;
    private BatchedMatrix w;
    private BatchedMatrix product;
    private BatchedMatrix egop;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        int[] dm = Workloads.shape(shape);
        d = dm[0];
        int m = dm[1];
        kernels = Backends.select(backend);
        Placement placement = kernels.statePlacement();
        double[] q;
        try (BatchedMatrix s = BatchedMatrix.of(Workloads.symmetricBatch(1, d), 1, d, d, placement);
             EighResult e = SymmetricEigen.on(kernels).decompose(s)) {
            q = e.vectors().toDoubleArray();
        }
        double[] a = spectral(q);
        SplittableRandom random = new SplittableRandom(5);
        center = new double[d];
        for (int i = 0; i < d; i++) {
            center[i] = random.nextGaussian();
        }
        oracle = EgopQuadraticGradient.on(kernels, a, center);
        perSample = theta -> {
            double[] g = new double[d];
            oracle.at(theta, 1, g);
            return g;
        };
        config = EgopConfig.defaults().withSamples(m).withBlockRows(blockRows).withSeed(7);
        x = filled(random, m, d, placement);
        w = filled(random, d, 3 * d / 2, placement);
        product = BatchedMatrix.allocate(DType.F64, 1, m, 3 * d / 2, placement);
        // The matrix the estimator decomposes: the estimate itself (its noise floor sets how much divide and
        // conquer deflates, so A² alone would understate the eigh). Computed only for the eigh trial.
        if (params.getBenchmark().endsWith(".eigh")) {
            egop = BatchedMatrix.of(estimate(oracle).egop(), 1, d, d, placement);
        }
    }

    private EgopResult estimate(EgopQuadraticGradient gradient) {
        return EgopEstimator.on(kernels, config).estimate(gradient, center);
    }

    /** A = Q diag(1/i) Qᵀ on the backend, exactly symmetric (lower triangle mirrored). */
    private double[] spectral(double[] q) {
        double[] scaled = q.clone();
        for (int i = 0; i < d; i++) {
            for (int c = 0; c < d; c++) {
                scaled[i * d + c] /= c + 1;
            }
        }
        Placement placement = kernels.statePlacement();
        double[] out;
        try (BatchedMatrix l = BatchedMatrix.of(scaled, 1, d, d, placement);
             BatchedMatrix r = BatchedMatrix.of(q, 1, d, d, placement);
             BatchedMatrix o = BatchedMatrix.allocate(DType.F64, 1, d, d, placement)) {
            kernels.influence().multiply(l, false, r, true, o);
            out = o.toDoubleArray();
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                out[j * d + i] = out[i * d + j];
            }
        }
        return out;
    }

    private static BatchedMatrix filled(SplittableRandom random, int rows, int cols, Placement placement) {
        double[] values = new double[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() - 0.5;
        }
        return BatchedMatrix.of(values, 1, rows, cols, placement);
    }

    @Benchmark
    public double estimate() {
        return estimate(oracle).stableRank();
    }

    @Benchmark
    public double estimatePerSample() {
        EgopResult r = EgopEstimator.on(kernels, config).estimate(perSample, center);
        return r.stableRank();
    }

    @Benchmark
    public BatchedMatrix gemm() {
        kernels.influence().multiply(x, false, w, false, product);
        return product;
    }

    @Benchmark
    public double eigh() {
        try (EighResult r = SymmetricEigen.on(kernels).decompose(egop)) {
            return r.valuesOf(0)[d - 1];
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        oracle.close();
        for (BatchedMatrix m : new BatchedMatrix[] {x, w, product, egop}) {
            if (m != null) {
                m.close();
            }
        }
    }
}
