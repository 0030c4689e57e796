package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Backend;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis soak}: repeats every kernel family and the CLI ({@link SoakWorkloads}) round-robin for a fixed
 * time (and at least two rounds, so every call is compared with its first result once), and at the end of every window samples resident memory, the live heap, direct buffers, descriptors and
 * threads ({@link SoakProbe}) with the rounds per minute and each call's mean time. Writes soak.csv after every
 * window (a killed soak keeps what it measured), then soak.json and soak.png; prints the summary. Exit 0 when
 * every call succeeded and gave the bits of its first run, 1 otherwise (the first failure of each call is named).
 * Flatness is reported, not judged: first and last quarter medians of RSS, live heap and throughput.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, description = {
    "Run every kernel and the CLI in a loop for a fixed time; record resident memory, live heap, direct buffers,",
    "descriptors, threads and throughput per window; check that every call repeats its first result bit for bit."})
final class SoakCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--seconds", defaultValue = "3600", paramLabel = "S", description = "How long to run (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--window", defaultValue = "15", paramLabel = "S", description = "Seconds between samples (default: ${DEFAULT-VALUE}).")
    double window;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backendName;

    @Option(names = "--out", defaultValue = "reports/soak", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One window's figures. */
    private record Window(double minutes, SoakProbe probe, double roundsPerMinute, double[] msPerCall) {
    }

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || !Double.isFinite(seconds) || seconds > 7 * 86400) {
            throw new IllegalArgumentException("--seconds: " + seconds + " is outside (0, 604800]");
        }
        if (!(window > 0) || !Double.isFinite(window) || window > seconds) {
            throw new IllegalArgumentException("--window: " + window + " is outside (0, --seconds = " + seconds + "]");
        }
        Backend backend = BackendOption.one(backendName);
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("eigenbasis-soak-");   // the CLI calls' files, rewritten every round
        try {
            List<SoakWorkloads.Workload> workloads = SoakWorkloads.all(backend, work);
            int k = workloads.size();
            long[] firstHash = new long[k];
            boolean[] seen = new boolean[k];
            long[] calls = new long[k];
            String[] firstFailure = new String[k];
            long failures = 0;
            long mismatches = 0;
            List<Window> windows = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long windowStart = start;
            long[] windowNanos = new long[k];
            long[] windowCalls = new long[k];
            long rounds = 0;
            long windowRounds = 0;
            while (System.nanoTime() < end || rounds < 2) {     // at least two rounds: every call is compared once
                for (int i = 0; i < k; i++) {
                    long t0 = System.nanoTime();
                    try {
                        long h = workloads.get(i).call().run();
                        if (!seen[i]) {
                            firstHash[i] = h;
                            seen[i] = true;
                        } else if (h != firstHash[i]) {
                            mismatches++;
                            firstFailure[i] = firstFailure[i] != null ? firstFailure[i] : "different bits in call " + (calls[i] + 1);
                        }
                    } catch (Exception | OutOfMemoryError e) {
                        failures++;
                        firstFailure[i] = firstFailure[i] != null ? firstFailure[i] : e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                    windowNanos[i] += System.nanoTime() - t0;
                    windowCalls[i]++;
                    calls[i]++;
                }
                rounds++;
                windowRounds++;
                long now = System.nanoTime();
                if (now - windowStart >= window * 1e9 || (now >= end && rounds >= 2)) {
                    double[] ms = new double[k];
                    for (int i = 0; i < k; i++) {
                        ms[i] = windowNanos[i] / 1e6 / windowCalls[i];
                    }
                    windows.add(new Window((now - start) / 6e10, SoakProbe.sample(),
                            windowRounds / ((now - windowStart) / 6e10), ms));
                    writeCsv(workloads, windows);
                    windowStart = System.nanoTime();
                    Arrays.fill(windowNanos, 0);
                    Arrays.fill(windowCalls, 0);
                    windowRounds = 0;
                }
            }
            Map<String, Object> summary = summary(backend, workloads, windows, rounds, calls, failures, mismatches, firstFailure);
            Npy.writeAtomically(out.resolve("soak.json"), ByteBuffer.wrap(Json.write(summary).getBytes(StandardCharsets.UTF_8)));
            writeChart(backend, workloads, windows);
            PrintWriter printer = spec.commandLine().getOut();
            printer.println(Json.write(summary));
            return failures == 0 && mismatches == 0 ? EigenbasisCli.OK : EigenbasisCli.VERIFICATION_FAILED;
        } finally {
            try (java.util.stream.Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private Map<String, Object> summary(Backend backend, List<SoakWorkloads.Workload> workloads, List<Window> windows,
                                        long rounds, long[] calls, long failures, long mismatches, String[] firstFailure) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("backend", backend.name());
        doc.put("seconds", seconds);
        doc.put("windows", windows.size());
        doc.put("rounds", rounds);
        doc.put("calls", Arrays.stream(calls).sum());
        doc.put("failures", failures);
        doc.put("mismatches", mismatches);
        doc.put("rss_mib", quarters(windows, w -> w.probe().rssMib()));
        doc.put("heap_after_gc_mib", quarters(windows, w -> w.probe().heapAfterGcMib()));
        doc.put("direct_mib", quarters(windows, w -> w.probe().directMib()));
        doc.put("file_descriptors", quarters(windows, w -> w.probe().fileDescriptors()));
        doc.put("threads", quarters(windows, w -> w.probe().threads()));
        doc.put("rounds_per_minute", quarters(windows, Window::roundsPerMinute));
        Map<String, Object> per = new LinkedHashMap<>();
        for (int i = 0; i < workloads.size(); i++) {
            int index = i;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("calls", calls[i]);
            e.put("ms_per_call", quarters(windows, w -> w.msPerCall()[index]));
            e.put("first_failure", firstFailure[i]);
            per.put(workloads.get(i).name(), e);
        }
        doc.put("workloads", per);
        return doc;
    }

    /**
     * Medians of the first and last quarter of the windows (the first window, which holds class loading and JIT
     * warm-up, left out when there are at least five) and their difference and ratio.
     */
    private static Map<String, Object> quarters(List<Window> windows, java.util.function.ToDoubleFunction<Window> f) {
        int from = windows.size() >= 5 ? 1 : 0;
        int q = Math.max(1, (windows.size() - from) / 4);
        double first = median(windows.subList(from, Math.min(windows.size(), from + q)), f);
        double last = median(windows.subList(Math.max(from, windows.size() - q), windows.size()), f);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("first_quarter", Json.finite(first));
        m.put("last_quarter", Json.finite(last));
        m.put("change", Json.finite(last - first));
        m.put("ratio", Json.finite(last / first));
        return m;
    }

    private static double median(List<Window> windows, java.util.function.ToDoubleFunction<Window> f) {
        double[] v = windows.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }

    private void writeCsv(List<SoakWorkloads.Workload> workloads, List<Window> windows) throws IOException {
        StringBuilder csv = new StringBuilder("window,minutes,rss_mib,heap_after_gc_mib,direct_mib,fds,threads,rounds_per_minute");
        for (SoakWorkloads.Workload w : workloads) {
            csv.append(',').append(w.name()).append("_ms");
        }
        csv.append('\n');
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            SoakProbe p = w.probe();
            csv.append(String.format(Locale.ROOT, "%d,%.4f,%.2f,%.2f,%.3f,%d,%d,%.3f", i, w.minutes(), p.rssMib(),
                    p.heapAfterGcMib(), p.directMib(), p.fileDescriptors(), p.threads(), w.roundsPerMinute()));
            for (double ms : w.msPerCall()) {
                csv.append(String.format(Locale.ROOT, ",%.4f", ms));
            }
            csv.append('\n');
        }
        Npy.writeAtomically(out.resolve("soak.csv"), ByteBuffer.wrap(csv.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Four panels over minutes: memory, throughput, each call's time relative to its median, descriptors and threads. */
    private void writeChart(Backend backend, List<SoakWorkloads.Workload> workloads, List<Window> windows)
            throws IOException {
        double[] t = windows.stream().mapToDouble(Window::minutes).toArray();
        String subtitle = String.format(Locale.ROOT, "%s backend, %d windows of %.0f s", backend.name(), windows.size(),
                window);
        List<JFreeChart> charts = new ArrayList<>();
        charts.add(ResetCharts.lineChart("Memory", subtitle, "minutes", "MiB", List.of(
                line("resident (VmRSS)", t, windows, w -> w.probe().rssMib()),
                line("Java heap after full GC", t, windows, w -> w.probe().heapAfterGcMib()),
                line("direct buffers", t, windows, w -> w.probe().directMib())), false, false));
        charts.add(ResetCharts.lineChart("Throughput", subtitle, "minutes", "rounds of every call per minute",
                List.of(line("rounds per minute", t, windows, Window::roundsPerMinute)), false, false));
        List<ResetCharts.Line> relative = new ArrayList<>();
        for (int i = 0; i < workloads.size(); i++) {
            int index = i;
            double med = median(windows, w -> w.msPerCall()[index]);
            relative.add(line(workloads.get(i).name(), t, windows, w -> w.msPerCall()[index] / med));
        }
        charts.add(ResetCharts.lineChart("Time per call / its median", subtitle, "minutes", "ratio", relative, false, false));
        charts.add(ResetCharts.lineChart("Descriptors and threads", subtitle, "minutes", "count", List.of(
                line("open file descriptors", t, windows, w -> w.probe().fileDescriptors()),
                line("live threads", t, windows, w -> w.probe().threads())), false, false));
        ResetCharts.grid(out.resolve("soak.png"), charts, 2);
    }

    private static ResetCharts.Line line(String name, double[] t, List<Window> windows,
                                         java.util.function.ToDoubleFunction<Window> f) {
        return new ResetCharts.Line(name, t, windows.stream().mapToDouble(f).toArray(), false);
    }
}
