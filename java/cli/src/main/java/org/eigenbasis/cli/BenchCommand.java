package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code eigenbasis bench}: a quick eigh throughput table (the JMH benchmarks are the measured record). */
@Command(name = "bench", description = {
    "Time eigh on seeded random symmetric batches for each backend, dtype and shape (B x n), and print",
    "matrices per second. A quick look; benchmarks/ holds the JMH benchmarks behind benchmarks/RESULTS.md."})
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--backend", paramLabel = "NAME[,NAME]", description = "Backends (default: all available).")
    String backend;

    @Option(names = "--dtype", paramLabel = "f32|f64[,...]", defaultValue = "f64", description = "Dtypes (default: ${DEFAULT-VALUE}).")
    String dtypes;

    @Option(names = "--shapes", paramLabel = "BxN[,BxN]", description = "Shapes (default: the eight of the benchmark table).")
    String shapes;

    @Option(names = "--algorithm", paramLabel = "NAME", defaultValue = "auto", description = "Force an algorithm (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1.0", description = "Time budget per entry (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the results as CSV.")
    Path csv;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0 && seconds <= 600)) {
            throw new IllegalArgumentException("--seconds: " + seconds + " is outside (0, 600]");
        }
        List<Backend> backends = BackendOption.many(backend);
        int[][] shapeList = Throughput.parseShapes(shapes);
        EighAlgorithm forced = EighAlgorithm.parse(algorithm);
        List<DType> types = new ArrayList<>();
        for (String d : dtypes.split(",")) {
            types.add(DType.parse(d));
        }
        List<Throughput.Result> results = run(backends, types, shapeList, forced, seconds, json);
        PrintWriter out = spec.commandLine().getOut();
        if (csv != null) {
            Npy.writeAtomically(csv, ByteBuffer.wrap(Throughput.csv(results).getBytes(StandardCharsets.UTF_8)));
        }
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Throughput.Result r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("backend", r.backend());
                m.put("dtype", r.dtype());
                m.put("batch", r.batch());
                m.put("n", r.n());
                m.put("algorithm", r.algorithm());
                m.put("runs", r.runs());
                Map<String, Object> seconds = new LinkedHashMap<>();
                seconds.put("min", r.minSeconds());
                seconds.put("median", r.medianSeconds());
                m.put("seconds", seconds);
                m.put("matrices_per_second", r.matricesPerSecond());
                rows.add(m);
            }
            out.println(Json.write(Map.of("results", rows)));
        } else {
            out.print(Throughput.table(results));
        }
        return EigenbasisCli.OK;
    }

    static List<Throughput.Result> run(List<Backend> backends, List<DType> types, int[][] shapes, EighAlgorithm algorithm,
                                       double seconds, boolean quiet) {
        List<Throughput.Result> results = new ArrayList<>();
        try (Progress progress = Progress.start("bench", (long) backends.size() * types.size() * shapes.length, quiet)) {
            for (Backend b : backends) {
                for (DType d : types) {
                    for (int[] s : shapes) {
                        progress.step(b.name() + " " + d.shortName() + " " + s[0] + "x" + s[1]);
                        EighAlgorithm use = b.eigh().supports(algorithm) ? algorithm : EighAlgorithm.AUTO;
                        results.add(Throughput.measure(b, d, s[0], s[1], use, seconds));
                    }
                }
            }
        }
        return results;
    }
}
