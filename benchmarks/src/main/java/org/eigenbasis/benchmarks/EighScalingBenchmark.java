package org.eigenbasis.benchmarks;

import java.util.concurrent.TimeUnit;
import org.eigenbasis.backend.cpu.CpuBackend;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Batch scaling of the cpu backend: the same f64 batch with 1 worker and with one per core. The target is a
 * speedup of at least 0.85 × cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EighScalingBenchmark {
    /** 0 means one worker per core. */
    @Param({"1", "0"})
    public int workers;

    @Param({"16384x8", "4096x16", "1024x32", "256x64", "64x128", "16x256"})
    public String shape;

    private SymmetricEigen eigen;
    private BatchedMatrix input;

    @Setup(Level.Trial)
    public void setup() {
        CpuBackend.setWorkerThreads(workers);
        int[] bn = Workloads.shape(shape);
        input = Workloads.offHeap(Workloads.symmetricBatch(bn[0], bn[1]), bn[0], bn[1], DType.F64);
        eigen = SymmetricEigen.on(new CpuBackend());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        input.close();
        CpuBackend.setWorkerThreads(0);
    }

    @Benchmark
    public void eigh(Blackhole hole) {
        try (EighResult r = eigen.decompose(input)) {
            hole.consume(r.value(0, 0));
        }
    }
}
