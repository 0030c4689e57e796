package org.eigenbasis.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.spi.PreconditionerKernel;
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
 * The preconditioner kernels on f32 blocks of 1024×1024, 4096×1024 or 64 blocks of
 * 256×256, java reference against the cpu backend (and cuda where one is usable). One operation is what a
 * Shampoo/SOAP step asks of the kernel: {@code accumulate} both factors (L ← 0.95 L + 0.05 G Gᵀ, m × m, and
 * R ← 0.95 R + 0.05 Gᵀ G, n × n); {@code rotate} the two-sided projection Lᵀ G R; {@code diagonal} the fused
 * Adam update with first and second moments. Off-heap matrices, so native backends work in place. Average time
 * per operation. The java reference at 4096×1024 takes tens of seconds a call: keep iterations short
 * ({@code run-precond-benchmarks.sh}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class PreconditionerKernelBenchmark {
    @Param({"cpu", "java", "cuda"})
    public String backend;

    @Param({"accumulate", "rotate", "diagonal"})
    public String kernel;

    @Param({"1024x1024", "4096x1024", "64x256x256"})
    public String shape;

    private PreconditionerKernel preconditioner;
    private BatchedMatrix g;
    private BatchedMatrix left;
    private BatchedMatrix right;
    private BatchedMatrix first;
    private BatchedMatrix second;
    private BatchedMatrix out;

    @Setup(Level.Trial)
    public void setup() {
        int[] d = OptimizerStepBenchmark.dims(shape);
        SplittableRandom random = new SplittableRandom(7);
        preconditioner = Backends.select(backend).preconditioner();
        g = filled(random, d[0], d[1], d[2], false);
        out = BatchedMatrix.zeros(DType.F32, d[0], d[1], d[2], Placement.OFF_HEAP);
        if (!kernel.equals("diagonal")) {
            left = filled(random, d[0], d[1], d[1], false);
            right = filled(random, d[0], d[2], d[2], false);
        } else {
            first = filled(random, d[0], d[1], d[2], false);
            second = filled(random, d[0], d[1], d[2], true);
        }
    }

    private static BatchedMatrix filled(SplittableRandom random, int batch, int rows, int cols, boolean positive) {
        float[] values = new float[batch * rows * cols];
        for (int i = 0; i < values.length; i++) {
            double x = random.nextDouble() - 0.5;
            values[i] = (float) (positive ? Math.abs(x) * 1e-3 : x);
        }
        return BatchedMatrix.of(values, batch, rows, cols, Placement.OFF_HEAP);
    }

    @Benchmark
    public BatchedMatrix operation() {
        switch (kernel) {
            case "accumulate":
                preconditioner.accumulateFactor(g, true, 0.95, 0.05, left);
                preconditioner.accumulateFactor(g, false, 0.95, 0.05, right);
                return right;
            case "rotate":
                preconditioner.rotate(left, true, g, right, false, out);
                return out;
            case "diagonal":
                preconditioner.diagonalUpdate(g, first, second, 0.9, 0.999, 0.001, 0.5, 1e-8, out);
                return out;
            default:
                throw new IllegalArgumentException("kernel: " + kernel + " is not accumulate, rotate or diagonal");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        for (BatchedMatrix m : new BatchedMatrix[] {g, left, right, first, second, out}) {
            if (m != null) {
                m.close();
            }
        }
    }
}
