package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.EmergenceTimes;
import org.eigenbasis.diffusion.ModeDynamics;
import org.eigenbasis.diffusion.Spectrum;
import org.eigenbasis.io.Npy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis diffusion curves}: λ̃_k(τ) of every mode and the total KL(N(0, Σ̃(τ)) ‖ N(0, Σ)) = Σ_k KL_k over a
 * log-spaced τ grid (the generated covariance shares Σ's eigenbasis, so the divergences of the modes add; modes with
 * λ = 0 are left out of the KL, where the data Gaussian is degenerate). --json prints {"spectrum", "model", "init",
 * "tau", "kl", "modes": [{"lambda", "emergence_time", "generated_variance": [...]}]}; --out writes curves.json,
 * curves.csv (tau, kl, one column per mode), curves.png (λ̃_k/λ_k for up to 8 modes) and kl.png, each atomically,
 * after the computation succeeded.
 */
@Command(name = "curves", mixinStandardHelpOptions = true, description = {
    "Generated variance of every mode and the KL divergence of the generated Gaussian to the data Gaussian through",
    "gradient-flow training, on a log-spaced tau grid; CSV and PNG plots with --out."})
final class DiffusionCurvesCommand implements Callable<Integer> {
    private static final int PLOTTED_MODES = 8;

    @CommandLine.Mixin
    Common common;

    @CommandLine.Mixin
    DiffusionArgs args;

    @CommandLine.Mixin
    DiffusionSpectrumSource source;

    @Option(names = "--points", paramLabel = "N", description = "Points of the tau grid, in [2, 100000] (default 121).")
    int points = 121;

    @Option(names = "--tau-min", paramLabel = "T", description = "First tau, > 0 (default: the smallest emergence time / 100).")
    Double tauMin;

    @Option(names = "--tau-max", paramLabel = "T", description = "Last tau, > --tau-min (default: the largest emergence time x 100).")
    Double tauMax;

    @Option(names = "--out", paramLabel = "DIR", description = "Write curves.json, curves.csv, curves.png and kl.png here.")
    Path out;

    @Option(names = "--json", description = "Print the curves as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DenoiserModel m = source.model();
        DiffusionConfig config = args.config(source.init);
        if (points < 2 || points > 100_000) {
            throw new IllegalArgumentException("--points: " + points + " is outside [2, 100000]");
        }
        if (tauMin != null) {
            ResetArgs.positive("--tau-min", tauMin);
        }
        if (tauMax != null) {
            ResetArgs.positive("--tau-max", tauMax);
        }
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " exists and is not a directory");
        }
        Spectrum spectrum = source.spectrum();
        EmergenceTimes.Mode[] modes = EmergenceTimes.of(m, config).of(spectrum);
        double[] tau = grid(modes, config);
        int d = spectrum.size();
        double[][] variance = new double[d][tau.length];
        double[] kl = new double[tau.length];
        for (int k = 0; k < d; k++) {
            double lambda = spectrum.value(k);
            for (int t = 0; t < tau.length; t++) {
                variance[k][t] = ModeDynamics.generatedVariance(m, lambda, tau[t], config);
                if (lambda > 0) {
                    kl[t] += ModeDynamics.klDivergence(variance[k][t], lambda);
                }
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("spectrum", spectrum.name());
        doc.put("model", m.label());
        doc.put("init", source.init);
        doc.put("tau", ResetArgs.json(tau));
        doc.put("kl", ResetArgs.json(kl));
        List<Map<String, Object>> list = new ArrayList<>();
        for (int k = 0; k < d; k++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("lambda", spectrum.value(k));
            e.put("emergence_time", Json.finite(modes[k].time()));
            e.put("generated_variance", ResetArgs.json(variance[k]));
            list.add(e);
        }
        doc.put("modes", list);
        if (out != null) {
            write(out, doc, spectrum, m, tau, kl, variance);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(Json.write(doc));
        } else {
            o.printf(Locale.ROOT, "%s, %s, init %s: %d modes, tau in [%s, %s] (%d points)%n", spectrum.name(), m.label(),
                    ResetArgs.num(source.init), d, ResetArgs.num(tau[0]), ResetArgs.num(tau[tau.length - 1]), tau.length);
            o.printf(Locale.ROOT, "KL: %s at the first tau, %s at the last%n", ResetArgs.num(kl[0]),
                    ResetArgs.num(kl[kl.length - 1]));
            if (out != null) {
                o.printf("wrote %s, %s, %s and %s%n", out.resolve("curves.json"), out.resolve("curves.csv"),
                        out.resolve("curves.png"), out.resolve("kl.png"));
            }
        }
        return EigenbasisCli.OK;
    }

    private double[] grid(EmergenceTimes.Mode[] modes, DiffusionConfig config) {
        double first = Double.POSITIVE_INFINITY;
        double last = 0;
        for (EmergenceTimes.Mode mode : modes) {
            if (mode.emerged() && mode.time() > 0) {
                first = Math.min(first, mode.time());
                last = Math.max(last, mode.time());
            }
        }
        if (!(last > 0)) {
            first = 1e-1 / config.eta();
            last = 1e1 / config.eta();
        }
        double lo = tauMin != null ? tauMin : first / 100;
        double hi = tauMax != null ? tauMax : last * 100;
        if (!(hi > lo)) {
            throw new IllegalArgumentException("--tau-max: " + hi + " must exceed --tau-min = " + lo);
        }
        double[] tau = new double[points];
        for (int i = 0; i < points; i++) {
            tau[i] = Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * i / (points - 1));
        }
        return tau;
    }

    private static void write(Path dir, Map<String, Object> doc, Spectrum spectrum, DenoiserModel m, double[] tau,
            double[] kl, double[][] variance) throws IOException {
        Files.createDirectories(dir);
        Npy.writeAtomically(dir.resolve("curves.json"), ByteBuffer.wrap(Json.write(doc).getBytes(StandardCharsets.UTF_8)));
        StringBuilder csv = new StringBuilder("tau,kl");
        for (int k = 0; k < variance.length; k++) {
            csv.append(",lambda_tilde_").append(k + 1);
        }
        csv.append('\n');
        for (int t = 0; t < tau.length; t++) {
            csv.append(tau[t]).append(',').append(kl[t]);
            for (double[] row : variance) {
                csv.append(',').append(row[t]);
            }
            csv.append('\n');
        }
        Npy.writeAtomically(dir.resolve("curves.csv"), ByteBuffer.wrap(csv.toString().getBytes(StandardCharsets.UTF_8)));
        List<ResetCharts.Line> lines = new ArrayList<>();
        int d = variance.length;
        int shown = Math.min(PLOTTED_MODES, d);
        for (int j = 0; j < shown; j++) {
            int k = shown == 1 ? 0 : (int) Math.round((double) j * (d - 1) / (shown - 1));
            double lambda = spectrum.value(k);
            if (!(lambda > 0)) {
                continue;
            }
            double[] ratio = new double[tau.length];
            for (int t = 0; t < tau.length; t++) {
                ratio[t] = variance[k][t] / lambda;
            }
            lines.add(new ResetCharts.Line(String.format(Locale.ROOT, "mode %d, lambda = %.3g", k + 1, lambda), tau,
                    ratio, false));
        }
        String subtitle = spectrum.name() + ", " + m.label();
        ResetCharts.lines(dir.resolve("curves.png"), "Generated variance / data variance through training", subtitle,
                "training time tau", "lambda~_k(tau) / lambda_k", lines, true, true);
        ResetCharts.lines(dir.resolve("kl.png"), "KL(generated || data) through training", subtitle,
                "training time tau", "KL divergence (nats)", List.of(new ResetCharts.Line("sum over modes", tau, kl,
                        false)), true, true);
    }
}
