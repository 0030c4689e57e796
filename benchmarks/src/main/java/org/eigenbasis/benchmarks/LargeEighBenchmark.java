package org.eigenbasis.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
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
 * Issue 16: one large random symmetric n × n matrix (batch 1), eigenvalues with or without eigenvectors, on the cpu
 * backend with a forced algorithm (syevd, two_stage, tridiagonal_dc) or the backend's own choice (auto). One call is 0.02 to 45 s,
 * so each iteration times one call ({@link Mode#SingleShotTime}); the summary takes the fastest iteration, as the
 * numpy peer (benchmarks/peers/numpy_eigh_large.py) takes the fastest of its calls.
 *
 * <p>Input: {@link Workloads#symmetricBatch} (seeded by n, N(0, 1) entries), converted once to an off-heap matrix
 * of the dtype, which the native kernel reads in place. Outputs are allocated inside the timed call, as a user's
 * call allocates them. Memory at n = 8192, f64, with vectors: 0.5 GB input and 0.5 GB vectors off-heap plus the
 * kernel's workspace (syevd: 3n² scalars, 1.5 GB, counted against the direct-memory limit), and about 1.5 GB of
 * heap while the input is generated; hence -Xmx4g and -XX:MaxDirectMemorySize=6g.
 *
 * <p>A combination the backend does not offer (an algorithm not in {@code backend.eigh().supports}) fails in
 * {@code @Setup} with a message naming it, before any timing; JMH reports that combination as failed and goes on
 * with the rest. {@code benchmarks/run-eigh-large.sh} avoids the failures by asking {@link #main} which algorithms
 * the backend offers and selecting them with {@code -p algorithm=...}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g", "-XX:MaxDirectMemorySize=6g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class LargeEighBenchmark {
    /** The algorithms this benchmark knows, by their {@link EighAlgorithm#cliName()}. */
    static final String[] ALGORITHMS = {"syevd", "two_stage", "tridiagonal_dc", "auto"};

    @Param({"1024", "2048", "4096", "8192"})
    public int n;

    @Param({"f64", "f32"})
    public String dtype;

    @Param({"syevd", "two_stage", "tridiagonal_dc", "auto"})
    public String algorithm;

    @Param({"true", "false"})
    public boolean vectors;

    @Param({"cpu"})
    public String backend;

    private SymmetricEigen eigen;
    private EighOptions options;
    private BatchedMatrix input;

    @Setup(Level.Trial)
    public void setup() {
        Backend b = Backends.select(backend);
        EighAlgorithm forced = EighAlgorithm.parse(algorithm);
        if (!b.eigh().supports(forced)) {
            throw new UnsupportedOperationException("LargeEighBenchmark: skipped n=" + n + " " + dtype + " vectors="
                    + vectors + ": algorithm " + forced.cliName() + " is not offered by the " + b.name()
                    + " backend (it offers " + String.join(",", supported(b)) + "; select with -p algorithm=...)");
        }
        eigen = SymmetricEigen.on(b);
        options = EighOptions.defaults().withAlgorithm(forced).withVectors(vectors);
        input = Workloads.offHeap(Workloads.symmetricBatch(1, n), 1, n, DType.parse(dtype));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (input != null) {
            input.close();
        }
    }

    @Benchmark
    public void eigh(Blackhole hole) {
        try (EighResult r = vectors ? eigen.decompose(input, options) : eigen.values(input, options)) {
            hole.consume(r.value(0, 0));
        }
    }

    /** Of {@link #ALGORITHMS}, those the backend offers. */
    static List<String> supported(Backend b) {
        List<String> names = new ArrayList<>();
        for (String name : ALGORITHMS) {
            if (b.eigh().supports(EighAlgorithm.parse(name))) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * {@code java -cp benchmarks.jar org.eigenbasis.benchmarks.LargeEighBenchmark [backend]}: prints the
     * algorithms of {@link #ALGORITHMS} that the backend (default cpu) offers, comma-separated, for {@code -p}.
     */
    public static void main(String[] args) {
        System.out.println(String.join(",", supported(Backends.select(args.length > 0 ? args[0] : "cpu"))));
    }
}
