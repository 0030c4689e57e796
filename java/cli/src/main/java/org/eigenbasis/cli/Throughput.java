package org.eigenbasis.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.Placement;
import org.eigenbasis.verify.SeededMatrices;

/**
 * A quick eigh throughput harness for {@code bench} and {@code demo} (the measured numbers for RESULTS.md come
 * from the JMH benchmarks): seeded random symmetric batches off-heap, one warm-up call, then timed calls until
 * the time budget is spent (at least three when they fit in it).
 */
final class Throughput {
    /** The shapes of the benchmark table, (B, n). */
    static final int[][] DEFAULT_SHAPES = {{16384, 8}, {4096, 16}, {1024, 32}, {256, 64}, {64, 128}, {16, 256}, {4, 512},
        {1, 1024}};

    private Throughput() {
    }

    /** One measurement. */
    record Result(String backend, String dtype, int batch, int n, String algorithm, int runs, double minSeconds,
                  double medianSeconds) {
        double matricesPerSecond() {
            return batch / medianSeconds;
        }
    }

    static int[][] parseShapes(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_SHAPES;
        }
        List<int[]> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] bn = part.trim().toLowerCase(Locale.ROOT).split("x");
            try {
                if (bn.length != 2) {
                    throw new NumberFormatException();
                }
                int batch = Integer.parseInt(bn[0].trim());
                int n = Integer.parseInt(bn[1].trim());
                if (batch < 1 || n < 1 || (long) batch * n * n > 1L << 28) {
                    throw new IllegalArgumentException("--shapes: " + part.trim()
                            + " must have B ≥ 1, n ≥ 1 and B·n² ≤ 2^28");
                }
                out.add(new int[] {batch, n});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--shapes: '" + part.trim() + "' is not BxN (e.g. 1024x32)");
            }
        }
        return out.toArray(new int[0][]);
    }

    static Result measure(Backend backend, DType dtype, int batch, int n, EighAlgorithm algorithm, double budgetSeconds) {
        Random rng = new Random(31L * batch + n);
        double[] data = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(SeededMatrices.randomSymmetric(n, rng), 0, data, b * n * n, n * n);
        }
        SymmetricEigen eigen = SymmetricEigen.on(backend);
        EighOptions options = EighOptions.defaults().withAlgorithm(algorithm);
        try (BatchedMatrix f64 = BatchedMatrix.of(data, batch, n, n); BatchedMatrix a = f64.convert(dtype, Placement.OFF_HEAP)) {
            String ran;
            try (EighResult warm = eigen.decompose(a, options)) {
                ran = warm.algorithm().cliName();
            }
            List<Double> times = new ArrayList<>();
            double spent = 0;
            while (true) {
                long start = System.nanoTime();
                try (EighResult r = eigen.decompose(a, options)) {
                    double s = (System.nanoTime() - start) * 1e-9;
                    times.add(s);
                    spent += s;
                }
                int wanted = (int) Math.min(3, Math.max(1, Math.ceil(budgetSeconds / times.get(0))));
                if (spent >= budgetSeconds && times.size() >= wanted || times.size() >= 10_000) {
                    break;
                }
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : 0.5 * (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]);
            return new Result(backend.name(), dtype.shortName(), batch, n, ran, sorted.length, sorted[0], median);
        }
    }

    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        String format = "%-6s %-5s %7s %6s %-17s %5s %12s %12s %14s %9s%n";
        sb.append(String.format(Locale.ROOT, format, "backend", "dtype", "B", "n", "algorithm", "runs", "min s",
                "median s", "matrices/s", "x java"));
        for (Result r : results) {
            Result java = results.stream().filter(j -> j.backend().equals("java") && j.dtype().equals(r.dtype())
                    && j.batch() == r.batch() && j.n() == r.n()).findFirst().orElse(null);
            String ratio = java == null ? "-" : String.format(Locale.ROOT, "%.1f", r.matricesPerSecond() / java.matricesPerSecond());
            sb.append(String.format(Locale.ROOT, format, r.backend(), r.dtype(), r.batch(), r.n(), r.algorithm(), r.runs(),
                    String.format(Locale.ROOT, "%.6f", r.minSeconds()), String.format(Locale.ROOT, "%.6f", r.medianSeconds()),
                    String.format(Locale.ROOT, "%.1f", r.matricesPerSecond()), ratio));
        }
        return sb.toString();
    }

    static String csv(List<Result> results) {
        StringBuilder sb = new StringBuilder("backend,dtype,batch,n,algorithm,runs,min_seconds,median_seconds,matrices_per_second\n");
        for (Result r : results) {
            sb.append(String.join(",", r.backend(), r.dtype(), Integer.toString(r.batch()), Integer.toString(r.n()),
                    r.algorithm(), Integer.toString(r.runs()), Double.toString(r.minSeconds()),
                    Double.toString(r.medianSeconds()), Double.toString(r.matricesPerSecond()))).append('\n');
        }
        return sb.toString();
    }

    static String describe(int[][] shapes) {
        return Arrays.stream(shapes).map(s -> s[0] + "x" + s[1]).reduce((x, y) -> x + "," + y).orElse("");
    }
}
