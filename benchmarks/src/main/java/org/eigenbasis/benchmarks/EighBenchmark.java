package org.eigenbasis.benchmarks;

import java.util.concurrent.TimeUnit;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F32;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
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
 * Batched symmetric eigendecomposition (values and vectors) of B random n × n matrices per operation, on the
 * eigenbasis backends and on EJML 0.46.1 (the pure-Java peer: its symmetric QR eigensolver, one matrix after
 * another, as EJML is used). Time per operation is for the whole batch: throughput = B / time.
 * Native backends read off-heap input in place, so the time is the kernel plus the JNI call and validation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EighBenchmark {
    @Param({"cpu", "java", "ejml"})
    public String backend;

    @Param({"f64", "f32"})
    public String dtype;

    @Param({"16384x8", "4096x16", "1024x32", "256x64", "64x128", "16x256", "4x512", "1x1024"})
    public String shape;

    private SymmetricEigen eigen;
    private BatchedMatrix input;
    private DMatrixRMaj[] ejml64;
    private FMatrixRMaj[] ejml32;
    private EigenDecomposition_F64<DMatrixRMaj> ejmlDecomposition64;
    private EigenDecomposition_F32<FMatrixRMaj> ejmlDecomposition32;

    @Setup(Level.Trial)
    public void setup() {
        int[] bn = Workloads.shape(shape);
        int batch = bn[0];
        int n = bn[1];
        double[] data = Workloads.symmetricBatch(batch, n);
        DType type = DType.parse(dtype);
        if (backend.equals("ejml")) {
            if (type == DType.F64) {
                ejml64 = new DMatrixRMaj[batch];
                for (int b = 0; b < batch; b++) {
                    ejml64[b] = new DMatrixRMaj(n, n);
                    System.arraycopy(data, b * n * n, ejml64[b].data, 0, n * n);
                }
                ejmlDecomposition64 = DecompositionFactory_DDRM.eig(n, true, true);
            } else {
                ejml32 = new FMatrixRMaj[batch];
                for (int b = 0; b < batch; b++) {
                    ejml32[b] = new FMatrixRMaj(n, n);
                    for (int k = 0; k < n * n; k++) {
                        ejml32[b].data[k] = (float) data[b * n * n + k];
                    }
                }
                ejmlDecomposition32 = DecompositionFactory_FDRM.eig(n, true, true);
            }
            return;
        }
        eigen = SymmetricEigen.on(Backends.select(backend));
        input = Workloads.offHeap(data, batch, n, type);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (input != null) {
            input.close();
        }
    }

    @Benchmark
    public void eigh(Blackhole hole) {
        if (ejml64 != null) {
            for (DMatrixRMaj m : ejml64) {
                if (!ejmlDecomposition64.decompose(m)) {
                    throw new IllegalStateException("EJML failed");
                }
                hole.consume(ejmlDecomposition64.getEigenVector(0));
            }
            return;
        }
        if (ejml32 != null) {
            for (FMatrixRMaj m : ejml32) {
                if (!ejmlDecomposition32.decompose(m)) {
                    throw new IllegalStateException("EJML failed");
                }
                hole.consume(ejmlDecomposition32.getEigenVector(0));
            }
            return;
        }
        try (EighResult r = eigen.decompose(input)) {
            hole.consume(r.value(0, 0));
        }
    }
}
