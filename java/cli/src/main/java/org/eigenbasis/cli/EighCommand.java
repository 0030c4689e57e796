package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.io.Npy;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.linalg.SymmetryCheck;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.EighRange;
import org.eigenbasis.value.Placement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis eigh}: eigendecomposition of a .npy stack, results as .npy in numpy.linalg.eigh's layout
 * (A V = V diag(W), eigenvectors in columns, W ascending). One of {@code --smallest}, {@code --largest},
 * {@code --index} or {@code --interval} asks for part of the spectrum ({@link EighRange}): W is then (m,) or (B, m)
 * and V (n, m) or (B, n, m).
 */
@Command(name = "eigh", description = {
    "Eigenvalues (and eigenvectors) of the symmetric matrices in a .npy file of shape (n, n) or (B, n, n).",
    "Reads the lower triangle; writes W of shape (n,) or (B, n) and V like the input, as numpy.linalg.eigh does.",
    "With one of --smallest K, --largest K, --index LO:HI or --interval LO:HI[:CAP], only those eigenpairs: W is",
    "(m,) or (B, m) and V (n, m) or (B, n, m), m = K, HI - LO or CAP (default n); an interval's columns past the",
    "number of eigenvalues in (LO, HI] are NaN, and the count per matrix is printed."})
final class EighCommand implements Callable<Integer> {
    /** n² from which results stay off-heap (n = 256). */
    private static final long LARGE_RESULT_ELEMENTS = 65_536;

    @CommandLine.Mixin
    Common common;

    @Option(names = "--input", required = true, paramLabel = "A.npy", description = "float32 or float64, C order, (n, n) or (B, n, n).")
    Path input;

    @Option(names = "--values", required = true, paramLabel = "W.npy", description = "Where to write the eigenvalues.")
    Path values;

    @Option(names = "--vectors", paramLabel = "V.npy", description = "Where to write the eigenvectors (omit for eigenvalues only).")
    Path vectors;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backend;

    @Option(names = "--dtype", paramLabel = "f32|f64", description = "Compute in this dtype (default: the input's).")
    String dtype;

    @Option(names = "--algorithm", paramLabel = "NAME", defaultValue = "auto",
            description = "auto, jacobi, tridiagonal_ql, syevd, syevr, two_stage, tridiagonal_dc, cusolver_batched, cusolver_syevd (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--check-symmetry", paramLabel = "TOL", description = "Refuse matrices with |a_ij - a_ji| > TOL * max|a|.")
    Double symmetryTolerance;

    @Option(names = "--repeat", paramLabel = "K", defaultValue = "1", description = "Run the kernel K times and report its time (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "0",
            description = "Untimed runs before the timed ones (first calls pay for JIT and page faults; default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "Print {backend, batch, n, dtype, algorithm, seconds: {min, median}} as JSON.")
    boolean json;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
    RangeOptions range;

    /** The partial-spectrum flags, at most one of them. */
    static final class RangeOptions {
        @Option(names = "--smallest", paramLabel = "K", required = true, description = "Only the K smallest eigenpairs, 1 <= K <= n.")
        Integer smallest;

        @Option(names = "--largest", paramLabel = "K", required = true,
                description = "Only the K largest eigenpairs, 1 <= K <= n (still ascending).")
        Integer largest;

        @Option(names = "--index", paramLabel = "LO:HI", required = true,
                description = "Only ascending positions LO .. HI-1 (0-based, half-open), 0 <= LO < HI <= n.")
        String index;

        @Option(names = "--interval", paramLabel = "LO:HI[:CAP]", required = true,
                description = "Only the eigenvalues in (LO, HI], at most CAP of them (default n), the smallest first.")
        String interval;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The range the flags ask for (all without one); a bad value is a usage error naming the flag. */
    EighRange selectedRange() {
        if (range == null) {
            return EighRange.all();
        }
        try {
            if (range.smallest != null) {
                return EighRange.smallest(range.smallest);
            }
            if (range.largest != null) {
                return EighRange.largest(range.largest);
            }
            if (range.index != null) {
                String[] parts = split("--index", range.index, 2, 2);
                return EighRange.indices(integer("--index", parts[0]), integer("--index", parts[1]));
            }
            String[] parts = split("--interval", range.interval, 2, 3);
            int capacity = parts.length == 3 ? integer("--interval", parts[2]) : Integer.MAX_VALUE;
            return EighRange.interval(number("--interval", parts[0]), number("--interval", parts[1]), capacity);
        } catch (IllegalArgumentException e) {   // EighRange's refusal, which names the argument
            throw new CommandLine.ParameterException(spec.commandLine(), flag() + ": " + e.getMessage());
        }
    }

    private String flag() {
        return range.smallest != null ? "--smallest" : range.largest != null ? "--largest"
                : range.index != null ? "--index" : "--interval";
    }

    private String[] split(String flag, String text, int min, int max) {
        String[] parts = text.split(":", -1);
        if (parts.length < min || parts.length > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + ": '" + text + "' is not "
                    + (max == 2 ? "LO:HI" : "LO:HI or LO:HI:CAP"));
        }
        return parts;
    }

    private int integer(String flag, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + ": '" + text + "' is not an integer");
        }
    }

    private double number(String flag, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + ": '" + text + "' is not a number");
        }
    }

    @Override
    public Integer call() throws Exception {
        if (repeat < 1 || repeat > 1_000_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat: " + repeat + " is outside [1, 1000000]");
        }
        if (warmup < 0 || warmup > 1_000_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup: " + warmup + " is outside [0, 1000000]");
        }
        EighAlgorithm forced = EighAlgorithm.parse(algorithm);
        EighRange selected = selectedRange();
        Backend chosen = BackendOption.one(backend);
        long[] shape;
        BatchedMatrix a;
        try (BatchedMatrix read = Npy.readMatrices(input)) {
            DType target = dtype == null ? read.dtype() : DType.parse(dtype);
            a = read.convert(target, Placement.OFF_HEAP);   // native backends read it in place: no copy in the timing
            shape = Npy.read(input).shape();
        }
        int columns;
        try {
            columns = selected.columns(a.rows());
        } catch (IllegalArgumentException e) {
            a.close();
            throw new CommandLine.ParameterException(spec.commandLine(), flag() + ": " + e.getMessage());
        }
        // Results stay where the input is (off-heap) for large matrices: a native backend then writes them in place,
        // where heap results cost a staging copy inside the timing (about 10 ms of 90 at n = 1024 with vectors).
        // Small matrices in large batches come back on the heap, which allocates faster than direct memory.
        Placement results = (long) a.rows() * a.rows() >= LARGE_RESULT_ELEMENTS ? Placement.OFF_HEAP : Placement.HEAP;
        EighOptions options = EighOptions.defaults().withAlgorithm(forced).withVectors(vectors != null)
                .withOutputPlacement(results).withRange(selected);
        if (symmetryTolerance != null) {
            options = options.withSymmetryCheck(SymmetryCheck.relative(symmetryTolerance));
        }
        SymmetricEigen eigen = SymmetricEigen.on(chosen);
        double[] seconds = new double[repeat];
        EighResult result = null;
        try {
            for (int k = 0; k < warmup; k++) {
                eigen.decompose(a, options).close();
            }
            for (int k = 0; k < repeat; k++) {
                if (result != null) {
                    result.close();
                }
                long start = System.nanoTime();
                result = eigen.decompose(a, options);
                seconds[k] = (System.nanoTime() - start) * 1e-9;
            }
            boolean stacked = shape.length == 3;
            int batch = a.batch();
            int n = a.rows();
            Npy.write(values, result.values(), stacked ? new long[] {batch, columns} : new long[] {columns});
            if (vectors != null) {
                Npy.write(vectors, result.vectors(), stacked ? new long[] {batch, n, columns} : new long[] {n, columns});
            }
            double[] sorted = seconds.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : 0.5 * (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("backend", chosen.name());
                doc.put("batch", batch);
                doc.put("n", n);
                doc.put("dtype", a.dtype().shortName());
                doc.put("algorithm", result.algorithm().cliName());
                doc.put("repeat", repeat);
                doc.put("warmup", warmup);
                Map<String, Object> time = new LinkedHashMap<>();
                time.put("min", sorted[0]);
                time.put("median", median);
                doc.put("seconds", time);
                if (!selected.isAll()) {
                    doc.put("range", selected.toString());
                    doc.put("counts", Arrays.stream(result.counts()).boxed().toList());
                }
                out.println(Json.write(doc));
            } else {
                out.printf("eigh: %d matrices of %d x %d %s on %s (%s): min %.6f s, median %.6f s over %d run(s)%n",
                        batch, n, n, a.dtype().shortName(), chosen.name(), result.algorithm().cliName(), sorted[0], median, repeat);
                if (!selected.isAll()) {
                    IntSummaryStatistics counts = Arrays.stream(result.counts()).summaryStatistics();
                    out.printf("range: %s, %d column(s); eigenpairs per matrix: min %d, max %d%n", selected, columns,
                            batch == 0 ? 0 : counts.getMin(), batch == 0 ? 0 : counts.getMax());
                }
                out.printf("wrote %s%s%n", values, vectors == null ? "" : " and " + vectors);
            }
            return EigenbasisCli.OK;
        } finally {
            if (result != null) {
                result.close();
            }
            a.close();
        }
    }
}
