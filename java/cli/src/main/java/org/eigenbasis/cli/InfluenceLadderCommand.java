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
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.DigitsInfluence;
import org.eigenbasis.influence.InfluenceLadder;
import org.eigenbasis.influence.LadderConfig;
import org.eigenbasis.influence.LadderResult;
import org.eigenbasis.influence.LdsResult;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Backend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eigenbasis influence ladder}: the digits reproduction of the curvature ladder with LDS. */
@Command(name = "ladder", description = {
    "The curvature ladder on the digits data: train the 64-64-32-10 gelu MLP, score the 180 validation points",
    "against the 1,617 training points under every curvature and damping, and evaluate each by the linear",
    "datamodeling score against models retrained on random subsets."})
final class InfluenceLadderCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--alphas", split = ",", paramLabel = "A,...", defaultValue = "0.3,0.5,0.7,0.9",
            description = "Subset fractions (default: ${DEFAULT-VALUE}).")
    double[] alphas;

    @Option(names = "--subsets", paramLabel = "M", defaultValue = "100", description = "Retrained subsets per alpha (default: ${DEFAULT-VALUE}).")
    int subsets;

    @Option(names = "--dampings", split = ",", paramLabel = "D,...", defaultValue = "1e-4,1e-3,1e-2,1e-1,1",
            description = "Dampings, also the keys of the JSON output as written (default: ${DEFAULT-VALUE}).")
    String[] dampings;

    @Option(names = "--curvatures", split = ",", paramLabel = "NAME,...", defaultValue = "hessian,ggn,block-ggn,ekfac,kfac,identity",
            description = "Rungs to evaluate (default: ${DEFAULT-VALUE}).")
    String[] curvatures;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "100", description = "Training epochs of every model (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--no-diagnostics", description = "Skip the dense ||C - GGN||_F diagnostics.")
    boolean noDiagnostics;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backend;

    @Option(names = "--out", paramLabel = "DIR", description = "Write ladder.json, ladder.csv and ladder.png here.")
    Path out;

    @Option(names = "--json", description = "Print {val_acc, lds: {<damping>: {<curvature>: mean LDS over the alphas}}} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        double[] deltas = new double[dampings.length];
        for (int i = 0; i < dampings.length; i++) {
            try {
                deltas[i] = Double.parseDouble(dampings[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--dampings[" + i + "]: '" + dampings[i] + "' is not a number");
            }
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String key : dampings) {
            if (!keys.add(key.trim())) {
                throw new IllegalArgumentException("--dampings: '" + key.trim() + "' is given twice (it is a JSON key)");
            }
        }
        List<CurvatureKind> rungs = new ArrayList<>();
        for (String c : curvatures) {
            try {
                rungs.add(CurvatureKind.parse(c.trim()));
            } catch (IllegalArgumentException e) {
                throw InfluenceData.renamed(e, "curvature", "--curvatures");
            }
        }
        LadderConfig defaults = LadderConfig.defaults();
        LadderConfig config;
        try {
            config = defaults.withDampings(deltas).withRungs(rungs).withDiagnostics(!noDiagnostics)
                    .withRecipe(defaults.recipe().withEpochs(epochs))
                    .withLds(defaults.lds().withAlphas(alphas).withSubsets(subsets));
        } catch (IllegalArgumentException e) {
            throw InfluenceData.renamed(e, "dampings", "--dampings", "rungs", "--curvatures", "epochs", "--epochs",
                    "alphas", "--alphas", "subsets", "--subsets");
        }
        Backend chosen = BackendOption.one(backend);
        DigitsInfluence.Split split = DigitsInfluence.split();
        int total = alphas.length * subsets;
        LadderResult result;
        try (Progress progress = Progress.start("ladder", total, json)) {
            int[] last = {0};
            result = InfluenceLadder.run(split.train(), split.validation(), config, chosen, new InfluenceLadder.Listener() {
                @Override
                public void retrained(int done, int all) {
                    for (; last[0] < done; last[0]++) {
                        progress.step("retrain");
                    }
                }
            });
        }
        Map<String, Object> doc = document(result, rungs);
        if (out != null) {
            Files.createDirectories(out);
            Map<String, Object> full = new LinkedHashMap<>(doc);
            full.put("backend", chosen.name());
            full.put("config", config.toString());
            full.put("details", details(result, rungs));
            full.put("diagnostics", result.diagnostics());
            full.put("seconds", result.seconds());
            Npy.writeAtomically(out.resolve("ladder.json"), ByteBuffer.wrap(Json.write(full).getBytes(StandardCharsets.UTF_8)));
            Npy.writeAtomically(out.resolve("ladder.csv"), ByteBuffer.wrap(csv(result, rungs).getBytes(StandardCharsets.UTF_8)));
            List<ResetCharts.Line> lines = new ArrayList<>();
            for (CurvatureKind k : rungs) {
                double[] y = new double[deltas.length];
                for (int d = 0; d < deltas.length; d++) {
                    y[d] = meanOverAlphas(result.lds().get(k)[d]);
                }
                lines.add(new ResetCharts.Line(k.cliName(), deltas, y, k == CurvatureKind.IDENTITY));
            }
            ResetCharts.lines(out.resolve("ladder.png"), "LDS along the curvature ladder (digits MLP 64-64-32-10)",
                    String.format("validation accuracy %.4f; %d subsets per alpha, alphas %s", result.validationAccuracy(),
                            subsets, java.util.Arrays.toString(alphas)), "damping", "LDS (mean over alphas)", lines, true, false);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(Json.write(doc));
        } else {
            o.print(table(result, rungs));
            if (out != null) {
                o.printf("wrote %s, %s and %s%n", out.resolve("ladder.json"), out.resolve("ladder.csv"), out.resolve("ladder.png"));
            }
        }
        return EigenbasisCli.OK;
    }

    private Map<String, Object> document(LadderResult r, List<CurvatureKind> rungs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("val_acc", r.validationAccuracy());
        Map<String, Object> lds = new LinkedHashMap<>();
        for (int d = 0; d < dampings.length; d++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (CurvatureKind k : rungs) {
                row.put(k.cliName(), Json.finite(meanOverAlphas(r.lds().get(k)[d])));
            }
            lds.put(dampings[d].trim(), row);
        }
        doc.put("lds", lds);
        return doc;
    }

    private Map<String, Object> details(LadderResult r, List<CurvatureKind> rungs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int d = 0; d < dampings.length; d++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (CurvatureKind k : rungs) {
                LdsResult l = r.lds().get(k)[d];
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("mean", Json.finite(l.mean()));
                cell.put("lower", Json.finite(l.lower()));
                cell.put("upper", Json.finite(l.upper()));
                cell.put("per_alpha", l.perAlpha());
                cell.put("undefined", l.undefined());
                row.put(k.cliName(), cell);
            }
            out.put(dampings[d].trim(), row);
        }
        return out;
    }

    static double meanOverAlphas(LdsResult r) {
        double s = 0;
        int c = 0;
        for (double v : r.perAlpha()) {
            if (!Double.isNaN(v)) {
                s += v;
                c++;
            }
        }
        return c == 0 ? Double.NaN : s / c;
    }

    private String csv(LadderResult r, List<CurvatureKind> rungs) {
        StringBuilder b = new StringBuilder("damping,curvature,lds,lower,upper\n");
        for (int d = 0; d < dampings.length; d++) {
            for (CurvatureKind k : rungs) {
                LdsResult l = r.lds().get(k)[d];
                b.append(dampings[d].trim()).append(',').append(k.cliName()).append(',').append(meanOverAlphas(l))
                        .append(',').append(l.lower()).append(',').append(l.upper()).append('\n');
            }
        }
        return b.toString();
    }

    private String table(LadderResult r, List<CurvatureKind> rungs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("validation accuracy %.4f, %d parameters%n", r.validationAccuracy(), r.parameters()));
        b.append(String.format("%-10s", "damping"));
        for (CurvatureKind k : rungs) {
            b.append(String.format("%22s", k.cliName()));
        }
        b.append('\n');
        for (int d = 0; d < dampings.length; d++) {
            b.append(String.format("%-10s", dampings[d].trim()));
            for (CurvatureKind k : rungs) {
                LdsResult l = r.lds().get(k)[d];
                b.append(String.format("%22s", String.format("%.3f [%.3f, %.3f]", meanOverAlphas(l), l.lower(), l.upper())));
            }
            b.append('\n');
        }
        for (Map.Entry<String, Double> e : r.diagnostics().entrySet()) {
            b.append(String.format("%-34s %.4f%n", e.getKey(), e.getValue()));
        }
        for (Map.Entry<String, Double> e : r.seconds().entrySet()) {
            b.append(String.format("seconds %-26s %.2f%n", e.getKey(), e.getValue()));
        }
        return b.toString();
    }
}
