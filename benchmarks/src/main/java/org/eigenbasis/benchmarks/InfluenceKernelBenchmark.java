package org.eigenbasis.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.spi.InfluenceKernel;
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
 * The influence kernels on the digits MLP's layers (64→64→32→10: {@code layer} is dIn×dOut), java reference against
 * the cpu backend (and cuda where one is usable), f64, off-heap. {@code ekfac}: the EK-FAC eigenvalues of one layer's
 * weight from n = 1617 examples with perExample = 10 backpropagated vectors each (the exact-GGN expansion of a
 * 10-class softmax). {@code rotate}: {@code k} vectors (one per training example, k = 1617, or the 180 validation
 * gradients) into the layer's Kronecker eigenbasis, forward. Average time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class InfluenceKernelBenchmark {
    static final int N = 1617;
    static final int PER_EXAMPLE = 10;

    @Param({"cpu", "java", "cuda"})
    public String backend;

    @Param({"64x64", "64x32", "32x10"})
    public String layer;

    @Param({"1617"})
    public int k;

    private InfluenceKernel influence;
    private BatchedMatrix g;
    private BatchedMatrix a;
    private BatchedMatrix qs;
    private BatchedMatrix qa;
    private BatchedMatrix lambda;
    private BatchedMatrix x;
    private BatchedMatrix out;

    @Setup(Level.Trial)
    public void setup() {
        String[] d = layer.split("x");
        int dIn = Integer.parseInt(d[0]);
        int dOut = Integer.parseInt(d[1]);
        SplittableRandom random = new SplittableRandom(11);
        influence = Backends.select(backend).influence();
        g = filled(random, 1, N * PER_EXAMPLE, dOut);
        a = filled(random, 1, N, dIn);
        qs = filled(random, 1, dOut, dOut);
        qa = filled(random, 1, dIn, dIn);
        lambda = BatchedMatrix.zeros(DType.F64, 1, dOut, dIn, Placement.OFF_HEAP);
        x = filled(random, k, dOut, dIn);
        out = BatchedMatrix.zeros(DType.F64, k, dOut, dIn, Placement.OFF_HEAP);
    }

    private static BatchedMatrix filled(SplittableRandom random, int batch, int rows, int cols) {
        double[] values = new double[batch * rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() - 0.5;
        }
        return BatchedMatrix.of(values, batch, rows, cols, Placement.OFF_HEAP);
    }

    @Benchmark
    public BatchedMatrix ekfac() {
        influence.ekfacEigenvalues(g, PER_EXAMPLE, a, qs, qa, 1.0 / N, lambda);
        return lambda;
    }

    @Benchmark
    public BatchedMatrix rotate() {
        influence.kroneckerRotate(qs, qa, x, true, out);
        return out;
    }

    @TearDown(Level.Trial)
    public void close() {
        for (BatchedMatrix m : new BatchedMatrix[] {g, a, qs, qa, lambda, x, out}) {
            m.close();
        }
    }
}
