package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.verify.LargeEighVerifier;
import org.eigenbasis.verify.VerificationRow;
import org.eigenbasis.verify.Verifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eigenbasis verify}: every kernel on every available backend against the reference; exit 1 on failure. */
@Command(name = "verify", description = {
    "Run every kernel on every available backend (or the one named) on seeded and adversarial inputs,",
    "measure invariants and agreement with the java reference, and print a table of errors in units of n*eps.",
    "With --large: eigh only, at large sizes, on native backends only (LAPACK's xSYT21 ratios and the time)."})
final class VerifyCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--backend", paramLabel = "NAME[,NAME]", description = "Backends to verify (default: all available).")
    String backend;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--large", description = {
        "Instead of the ordinary checks: eigh of one seeded random matrix per size, f64 and f32, for auto and every",
        "algorithm the backend offers at large n, on native backends only (default: every available one but java);",
        "prints LAPACK's residual and orthogonality ratios (products formed in f64 by the backend's own GEMM) and",
        "the time. Minutes at the default sizes."})
    boolean large;

    @Option(names = "--sizes", split = ",", paramLabel = "N[,N]",
            description = "Sizes for --large (default: 1024,2048,4096,6570).")
    int[] sizes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (sizes != null && !large) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sizes: only with --large");
        }
        if (large) {
            return callLarge();
        }
        List<VerificationRow> rows = run(BackendOption.many(backend), json);
        return report(rows.stream().map(VerificationRow::passed).toList(),
                rows.stream().map(VerifyCommand::toMap).toList(), () -> table(rows), "verify", "checks");
    }

    /** Prints the JSON document or the table and the PASS/FAIL line; the exit code. */
    private Integer report(List<Boolean> passes, List<Map<String, Object>> jsonRows,
                           java.util.function.Supplier<String> table, String what, String unit) {
        PrintWriter out = spec.commandLine().getOut();
        long failed = passes.stream().filter(p -> !p).count();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("passed", failed == 0);
            doc.put("rows", jsonRows);
            out.println(Json.write(doc));
        } else {
            out.print(table.get());
            out.println(failed == 0 ? what + ": PASS (" + passes.size() + " " + unit + ")"
                    : what + ": FAIL (" + failed + " of " + passes.size() + " " + unit + ")");
        }
        return failed == 0 ? EigenbasisCli.OK : EigenbasisCli.VERIFICATION_FAILED;
    }

    private Integer callLarge() {
        int[] n = sizes != null ? sizes : LargeEighVerifier.DEFAULT_SIZES;
        for (int size : n) {
            if (size < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--sizes: " + size + " must be at least 1");
            }
        }
        List<Backend> backends = new ArrayList<>(BackendOption.many(backend));
        boolean named = backend != null && !backend.equalsIgnoreCase("all");
        if (named && backends.stream().anyMatch(b -> b.name().equals("java"))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--large: runs on native backends only (cpu, cuda); java is the reference of the ordinary verify");
        }
        backends.removeIf(b -> b.name().equals("java"));
        if (backends.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--large: no native backend is available (it runs on cpu or cuda, never on the java reference)");
        }
        List<LargeEighVerifier.Row> rows = new ArrayList<>();
        long total = backends.stream().mapToLong(b -> LargeEighVerifier.groups(b, n)).sum();
        try (Progress progress = Progress.start("verify --large", total, json)) {
            for (Backend b : backends) {
                rows.addAll(LargeEighVerifier.verify(b, n, progress::step));
            }
        }
        return report(rows.stream().map(LargeEighVerifier.Row::passed).toList(),
                rows.stream().map(VerifyCommand::toMap).toList(), () -> largeTable(rows), "verify --large",
                "decompositions");
    }

    static Map<String, Object> toMap(LargeEighVerifier.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", r.backend());
        m.put("kernel", "eigh");
        m.put("algorithm", r.algorithm());
        m.put("ran", r.ran());
        m.put("dtype", r.dtype());
        m.put("n", r.n());
        m.put("residual_n_eps", Json.finite(r.residual()));
        m.put("orthogonality_n_eps", Json.finite(r.orthogonality()));
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("residual", Json.finite(r.residualLimit()));
        limits.put("orthogonality", Json.finite(r.orthogonalityLimit()));
        m.put("limits_n_eps", limits);
        m.put("seconds", Json.finite(r.seconds()));
        m.put("passed", r.passed());
        m.put("failures", r.failures());
        return m;
    }

    /** The --large table: one row per decomposition. */
    static String largeTable(List<LargeEighVerifier.Row> rows) {
        StringBuilder sb = new StringBuilder();
        String format = "%-6s %-17s %-10s %-5s %6s %9s %9s %9s  %-7s %s%n";
        sb.append(String.format(Locale.ROOT, format, "backend", "algorithm", "ran", "dtype", "n", "residual",
                "orthog.", "seconds", "limits", "result"));
        for (LargeEighVerifier.Row r : rows) {
            sb.append(String.format(Locale.ROOT, format, r.backend(), r.algorithm(), r.ran(), r.dtype(), r.n(),
                    number(r.residual()), number(r.orthogonality()), String.format(Locale.ROOT, "%.3f", r.seconds()),
                    limit(r.residualLimit()) + "/" + limit(r.orthogonalityLimit()),
                    r.passed() ? "pass" : "FAIL " + r.failures()));
        }
        sb.append(String.format(Locale.ROOT, "residual ||A - V diag(w) V^T||_1 / (||A||_1 n eps) and orthogonality"
                + " ||I - V^T V||_1 / (n eps), eps of the dtype (LAPACK's xSYT21), products formed in f64 by the"
                + " backend's reconstruct (GEMM); seconds: the eigh call alone%n"));
        return sb.toString();
    }

    /** Verifies the backends, with a progress bar on a terminal. */
    static List<VerificationRow> run(List<Backend> backends, boolean quiet) {
        long total = backends.stream().mapToLong(Verifier::groups).sum();
        List<VerificationRow> rows = new ArrayList<>();
        try (Progress progress = Progress.start("verify", total, quiet)) {
            for (Backend b : backends) {
                rows.addAll(Verifier.verify(b, progress::step));
            }
        }
        return rows;
    }

    static Map<String, Object> toMap(VerificationRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", r.backend());
        m.put("kernel", r.kernel());
        m.put("algorithm", r.algorithm());
        m.put("dtype", r.dtype());
        m.put("cases", r.cases());
        m.put("residual_n_eps", Json.finite(r.residual()));
        m.put("orthogonality_n_eps", Json.finite(r.orthogonality()));
        m.put("vs_reference_n_eps", Json.finite(r.parity()));
        Map<String, Object> limits = new LinkedHashMap<>();   // null (JSON null) where a measure does not apply
        limits.put("residual", r.residualLimit() == 0 ? null : Json.finite(r.residualLimit()));
        limits.put("orthogonality", r.orthogonalityLimit() == 0 ? null : Json.finite(r.orthogonalityLimit()));
        limits.put("vs_reference", Json.finite(r.parityLimit()));
        m.put("limits_n_eps", limits);
        m.put("passed", r.passed());
        m.put("inputs", r.inputs());
        m.put("failures", r.failures());
        return m;
    }

    /** The text table: one row per check, errors in units of n·ε. */
    static String table(List<VerificationRow> rows) {
        StringBuilder sb = new StringBuilder();
        String format = "%-6s %-16s %-17s %-5s %6s %9s %9s %9s  %-11s %s%n";
        sb.append(String.format(Locale.ROOT, format, "backend", "kernel", "algorithm", "dtype", "cases", "residual",
                "orthog.", "vs ref", "limits", "result"));
        for (VerificationRow r : rows) {
            sb.append(String.format(Locale.ROOT, format, r.backend(), r.kernel(), r.algorithm(), r.dtype(), r.cases(),
                    r.residualLimit() == 0 ? "-" : number(r.residual()),
                    r.orthogonalityLimit() == 0 ? "-" : number(r.orthogonality()), number(r.parity()),
                    limit(r.residualLimit()) + "/" + limit(r.orthogonalityLimit()) + "/" + limit(r.parityLimit()),
                    r.passed() ? "pass" : "FAIL " + r.failures()));
        }
        sb.append(String.format(Locale.ROOT, "errors in units of n*eps (eps of the dtype), as LAPACK's test ratios"
                + " (xSYT21: 1-norms); vs ref also scaled by ||A||_1 and 1/gap.%nlimits residual/orthog./vs ref from"
                + " each algorithm's accuracy: LAPACK's threshold 60 (TESTING/sep.in), 170 for MRRR's orthogonality,"
                + " 30 for QR (dtest.in)%ninfluence and mlp rows (f64): errors in units of K*eps*B, Higham's bound for K"
                + " roundings over B the computation on |inputs|; residual against the closed form on exact integer"
                + " inputs (limit 1), vs ref limit 2 (mlp: the contract test's 16 and 2)%n"));
        return sb.toString();
    }

    private static String limit(double x) {
        return Double.isNaN(x) || x == 0 ? "-" : String.format(Locale.ROOT, "%.0f", x);
    }

    private static String number(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2f", x);
    }
}
