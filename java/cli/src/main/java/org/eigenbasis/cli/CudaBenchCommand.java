package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.eigenbasis.backend.cuda.CudaTiming;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.verify.SeededMatrices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis cuda-bench}: device-resident eigh timings of every GPU path (our Jacobi kernel, cuSOLVER
 * XsyevBatched and Xsyevd, with and without our post-processing), for the GPU device check.
 */
@Command(name = "cuda-bench", description = {
    "Time eigh on the GPU with the data already on the device: our Jacobi kernel against cuSOLVER's batched",
    "and one-at-a-time routines, per shape. Used by benchmarks/gpu/device-check.sh."})
final class CudaBenchCommand implements Callable<Integer> {
    /** The benchmark table's shapes plus the n = 32 / 33 boundary at full batch and the Jacobi range. */
    static final String DEFAULT_SHAPES = "16384x8,16384x16,16384x32,16384x33,8192x48,4096x64,4096x16,1024x32,256x64,"
            + "64x128,16x256,4x512,1x1024";

    @CommandLine.Mixin
    Common common;

    @Option(names = "--shapes", paramLabel = "BxN[,BxN]", defaultValue = DEFAULT_SHAPES, description = "Shapes (default: ${DEFAULT-VALUE}).")
    String shapes;

    @Option(names = "--dtype", paramLabel = "f32|f64[,...]", defaultValue = "f32,f64", description = "Dtypes (default: ${DEFAULT-VALUE}).")
    String dtypes;

    @Option(names = "--paths", paramLabel = "PATH[,PATH]",
            defaultValue = "jacobi,cusolver_batched_raw,cusolver_batched,cusolver_syevd_raw,cusolver_syevd",
            description = "Paths to time (default: ${DEFAULT-VALUE}).")
    String paths;

    @Option(names = "--runs", paramLabel = "K", defaultValue = "5", description = "Timed runs per entry (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--max-syevd-batch", paramLabel = "B", defaultValue = "1024",
            description = "Skip the one-at-a-time paths above this batch (default: ${DEFAULT-VALUE}).")
    int maxSyevdBatch;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The seeded random symmetric batch every path of one shape is timed on (the same seed as before the split). */
    private static BatchedMatrix seededBatch(DType dtype, int batch, int n) {
        Random rng = new Random(31L * batch + n);
        double[][] ms = new double[batch][];
        for (int b = 0; b < batch; b++) {
            ms[b] = SeededMatrices.randomSymmetric(n, rng);
        }
        return SeededMatrices.batch(dtype, n, ms);
    }

    @Override
    public Integer call() {
        if (runs < 1 || runs > 1000) {
            throw new IllegalArgumentException("--runs: " + runs + " is outside [1, 1000]");
        }
        Backends.select("cuda");   // a clear error (exit 2) when there is no usable GPU
        List<CudaTiming.Timing> timings = new ArrayList<>();
        int[][] shapeList = Throughput.parseShapes(shapes);
        String[] pathList = paths.split(",");
        try (Progress progress = Progress.start("cuda-bench", (long) shapeList.length * pathList.length * 2, json)) {
            for (String d : dtypes.split(",")) {
                DType dtype = DType.parse(d);
                for (int[] s : shapeList) {
                    for (String path : pathList) {
                        progress.step(path + " " + s[0] + "x" + s[1]);
                        if (path.startsWith("jacobi") && s[1] > 64 || path.startsWith("cusolver_syevd") && s[0] > maxSyevdBatch) {
                            continue;
                        }
                        try (BatchedMatrix input = seededBatch(dtype, s[0], s[1])) {
                            timings.add(CudaTiming.time(path.trim(), input, runs));
                        }
                    }
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CudaTiming.Timing t : timings) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", t.path());
                m.put("dtype", t.dtype());
                m.put("batch", t.batch());
                m.put("n", t.n());
                m.put("runs", t.runs());
                m.put("min_seconds", t.minSeconds());
                m.put("median_seconds", t.medianSeconds());
                m.put("matrices_per_second", t.matricesPerSecond());
                rows.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("device", Backends.select("cuda").describe());
            doc.put("results", rows);
            out.println(Json.write(doc));
        } else {
            String format = "%-22s %-5s %7s %6s %12s %12s %14s%n";
            out.printf(Locale.ROOT, format, "path", "dtype", "B", "n", "min s", "median s", "matrices/s");
            for (CudaTiming.Timing t : timings) {
                out.printf(Locale.ROOT, format, t.path(), t.dtype(), t.batch(), t.n(), String.format(Locale.ROOT, "%.6f", t.minSeconds()),
                        String.format(Locale.ROOT, "%.6f", t.medianSeconds()), String.format(Locale.ROOT, "%.1f", t.matricesPerSecond()));
            }
        }
        return EigenbasisCli.OK;
    }
}
