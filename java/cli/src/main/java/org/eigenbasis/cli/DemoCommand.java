package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.VerificationRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis demo}: the main job. Verifies every available backend, runs a short eigh benchmark of each
 * against the java reference, and writes a report folder (report.md, verify.txt, bench.csv, throughput.png).
 */
@Command(name = "demo", description = {
    "Verify every available backend, benchmark eigh against the java reference, and write a report folder",
    "with a PNG plot of throughput by size per backend."})
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "reports/demo", description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0.3", description = "Benchmark time budget per entry (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--shapes", paramLabel = "BxN[,BxN]", description = "Benchmark shapes (default: the eight of the benchmark table).")
    String shapes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0 && seconds <= 60)) {
            throw new IllegalArgumentException("--seconds: " + seconds + " is outside (0, 60]");
        }
        int[][] shapeList = Throughput.parseShapes(shapes);
        PrintWriter console = spec.commandLine().getOut();
        console.println("eigenbasis demo: report in " + out.toAbsolutePath());
        List<Backend> available = new ArrayList<>();
        StringBuilder backendLines = new StringBuilder();
        for (Backend b : Backends.all()) {
            Availability a = b.availability();
            String line = String.format(Locale.ROOT, "%-5s %s", b.name(), a.available() ? "available" : "unavailable: " + a.reason());
            console.println("  " + line);
            backendLines.append("- ").append(line).append('\n');
            if (a.available()) {
                available.add(b);
            }
        }

        console.println("\n1. verify (every kernel, every available backend, against the java reference)");
        List<VerificationRow> rows = VerifyCommand.run(available, false);
        String verifyTable = VerifyCommand.table(rows);
        boolean passed = rows.stream().allMatch(VerificationRow::passed);
        console.print(verifyTable);
        console.println(passed ? "verify: PASS" : "verify: FAIL");

        console.println("\n2. eigh throughput, f64, seeded random symmetric batches (" + seconds + " s per entry)");
        List<Throughput.Result> results = BenchCommand.run(available, List.of(DType.F64), shapeList, EighAlgorithm.AUTO,
                seconds, false);
        String benchTable = Throughput.table(results);
        console.print(benchTable);

        write("verify.txt", verifyTable);
        Map<String, Object> verifyDoc = new LinkedHashMap<>();
        verifyDoc.put("passed", passed);
        verifyDoc.put("rows", rows.stream().map(VerifyCommand::toMap).toList());
        write("verify.json", Json.write(verifyDoc));
        write("bench.csv", Throughput.csv(results));
        String machine = machine(available);
        ThroughputChart.write(out.resolve("throughput.png"), results, machine);
        write("report.md", report(backendLines.toString(), verifyTable, passed, benchTable, machine));
        console.println("\nwrote " + out.resolve("report.md") + ", throughput.png, verify.txt, verify.json, bench.csv");
        return passed ? EigenbasisCli.OK : EigenbasisCli.VERIFICATION_FAILED;
    }

    private void write(String name, String text) throws java.io.IOException {
        Npy.writeAtomically(out.resolve(name), ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String machine(List<Backend> available) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (Backend b : available) {
            Map<String, String> d = b.describe();
            if (d.containsKey("cpu")) {
                facts.put("cpu", d.get("cpu") + " (" + d.get("cores") + " cores)");
                facts.put("openblas", d.get("openblas_core"));
            }
            if (d.containsKey("gpu")) {
                facts.put("gpu", d.get("gpu"));
            }
        }
        facts.put("java", System.getProperty("java.version"));
        StringBuilder sb = new StringBuilder();
        facts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }

    private static String report(String backends, String verify, boolean passed, String bench, String machine) {
        return "# eigenbasis demo report\n\n"
                + "Generated " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + " on " + machine + ".\n\n"
                + "## Backends\n\n" + backends + "\n"
                + "## Verification: " + (passed ? "PASS" : "FAIL") + "\n\n```\n" + verify + "```\n\n"
                + "## eigh throughput (f64)\n\n```\n" + bench + "```\n\n"
                + "![throughput](throughput.png)\n\n"
                + "A quick measurement on a warm JVM; the JMH benchmarks in benchmarks/ are the measured record"
                + " (benchmarks/RESULTS.md).\n";
    }
}
