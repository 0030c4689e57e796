package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis train experiment}: SOAP and Shampoo against AdamW on the digits data, each with its learning
 * rate tuned over the same grid, measured in full-batch steps to a target training loss (protocol in
 * {@link DigitsExperiment}). Writes into {@code --out}, each file atomically: {@code digits-sweep.csv} (every
 * run), {@code digits-steps-to-target.csv} (the tuned table), {@code digits-curves.csv} (the curves at the tuned
 * learning rates for the primary target), {@code digits-<model>-loss.png}, {@code digits-<model>-lr-sweep.png} and
 * {@code digits-summary.md}. It reports what it finds, whichever optimizer wins; exit 0 unless it fails to run.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, description = {
    "SOAP and Shampoo against AdamW on the digits data (logistic regression and a 64-32-10 tanh MLP), every",
    "optimizer's learning rate tuned over the same log grid (1e-4 to 10, four per decade), full batch, 300 steps,",
    "MLP seeds 0, 1, 2: steps to a target training loss. Writes CSV, PNG and digits-summary.md into --out."})
final class TrainExperimentCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "reports/digits-experiment", description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "A small run for tests and smoke checks (40 steps, 5 learning rates, one seed, 8 hidden units).")
    boolean quick;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: java, the reference, so the numbers do not depend on the machine).")
    String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " exists and is not a directory");
        }
        Backend chosen = backend == null ? Backends.select("java") : BackendOption.one(backend);
        DigitsExperiment.Settings settings = quick ? DigitsExperiment.Settings.quick() : DigitsExperiment.Settings.full();
        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "digits experiment: %s, %d full-batch steps, %d learning rates in [%s, %s], MLP seeds %s,"
                + " backend %s%n", String.join(", ", DigitsExperiment.OPTIMIZERS), settings.steps(), settings.grid().length,
                num(settings.grid()[0]), num(settings.grid()[settings.grid().length - 1]), Arrays.toString(settings.seeds()),
                chosen.name());
        List<DigitsExperiment.Run> runs;
        try (Progress progress = Progress.start("digits experiment", DigitsExperiment.runCount(settings), false)) {
            runs = DigitsExperiment.runAll(settings, chosen, run -> progress.step(run.model() + " " + run.optimizer()
                    + " lr " + num(run.lr())));
        }
        List<DigitsExperiment.Tuned> table = new ArrayList<>();
        for (String model : DigitsExperiment.MODELS) {
            for (double target : settings.targets()) {
                for (String optimizer : DigitsExperiment.OPTIMIZERS) {
                    table.add(DigitsExperiment.tune(runs, model, optimizer, target, settings.grid()));
                }
            }
        }
        Files.createDirectories(out);
        write("digits-sweep.csv", sweepCsv(runs, settings));
        write("digits-steps-to-target.csv", tableCsv(table, settings));
        write("digits-curves.csv", curvesCsv(runs, table, settings));
        for (String model : DigitsExperiment.MODELS) {
            charts(model, runs, table, settings);
        }
        String summary = summary(table, settings, chosen);
        write("digits-summary.md", summary);
        console.print(summary);
        console.printf(Locale.ROOT, "wrote digits-sweep.csv, digits-steps-to-target.csv, digits-curves.csv, digits-summary.md"
                + " and the PNG plots to %s%n", out);
        return EigenbasisCli.OK;
    }

    private static String sweepCsv(List<DigitsExperiment.Run> runs, DigitsExperiment.Settings settings) {
        StringBuilder sb = new StringBuilder("model,optimizer,lr,seed,final_train_loss,test_accuracy,diverged");
        for (double t : settings.targets()) {
            sb.append(",steps_to_").append(num(t));
        }
        sb.append('\n');
        for (DigitsExperiment.Run r : runs) {
            sb.append(String.join(",", r.model(), r.optimizer(), exact(r.lr()), Long.toString(r.seed()), exact(r.finalLoss()),
                    exact(r.testAccuracy()), Boolean.toString(r.diverged())));
            for (double t : settings.targets()) {
                sb.append(',').append(r.stepsTo(t));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String tableCsv(List<DigitsExperiment.Tuned> table, DigitsExperiment.Settings settings) {
        StringBuilder sb = new StringBuilder("model,target,optimizer,tuned_lr,median_steps,lr_at_grid_edge");
        for (int i = 0; i < settings.seeds().length; i++) {
            sb.append(",steps_run_").append(i + 1);
        }
        sb.append('\n');
        for (DigitsExperiment.Tuned t : table) {
            sb.append(String.join(",", t.model(), num(t.target()), t.optimizer(), t.reached() ? exact(t.lr()) : "",
                    t.reached() ? Integer.toString((int) Math.min(Integer.MAX_VALUE, t.medianSteps())) : "-1",
                    Boolean.toString(t.atGridEdge())));
            for (int i = 0; i < settings.seeds().length; i++) {
                sb.append(',').append(i < t.steps().length ? Integer.toString(t.steps()[i]) : "");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The runs at the learning rate tuned for the primary target, every seed. */
    private static List<DigitsExperiment.Run> tunedRuns(List<DigitsExperiment.Run> runs, List<DigitsExperiment.Tuned> table,
            DigitsExperiment.Settings settings, String model) {
        List<DigitsExperiment.Run> chosen = new ArrayList<>();
        for (DigitsExperiment.Tuned t : table) {
            if (t.model().equals(model) && t.target() == settings.primary() && t.reached()) {
                runs.stream().filter(r -> r.model().equals(model) && r.optimizer().equals(t.optimizer()) && r.lr() == t.lr())
                        .forEach(chosen::add);
            }
        }
        return chosen;
    }

    private static String curvesCsv(List<DigitsExperiment.Run> runs, List<DigitsExperiment.Tuned> table,
            DigitsExperiment.Settings settings) {
        StringBuilder sb = new StringBuilder("model,optimizer,lr,seed,step,train_loss\n");
        for (String model : DigitsExperiment.MODELS) {
            for (DigitsExperiment.Run r : tunedRuns(runs, table, settings, model)) {
                for (int t = 0; t < r.losses().length; t++) {
                    sb.append(String.join(",", model, r.optimizer(), exact(r.lr()), Long.toString(r.seed()), Integer.toString(t),
                            exact(r.losses()[t]))).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private void charts(String model, List<DigitsExperiment.Run> runs, List<DigitsExperiment.Tuned> table,
            DigitsExperiment.Settings settings) throws IOException {
        List<ResetCharts.Line> curves = new ArrayList<>();
        long firstSeed = model.equals("logreg") ? 0 : settings.seeds()[0];
        for (DigitsExperiment.Run r : tunedRuns(runs, table, settings, model)) {
            if (r.seed() != firstSeed) {
                continue;
            }
            double[] x = new double[r.losses().length];
            for (int t = 0; t < x.length; t++) {
                x[t] = t;
            }
            curves.add(new ResetCharts.Line(r.optimizer() + " (lr " + num(r.lr()) + ")", x, r.losses(), false));
        }
        curves.add(new ResetCharts.Line("target " + num(settings.primary()), new double[] {0, settings.steps()},
                new double[] {settings.primary(), settings.primary()}, true));
        ResetCharts.lines(out.resolve("digits-" + model + "-loss.png"), "Training loss on digits: " + modelTitle(model, settings),
                String.format(Locale.ROOT, "full batch, weight decay 0, lr tuned for steps to loss %s%s", num(settings.primary()),
                        model.equals("logreg") ? "" : ", seed " + firstSeed),
                "step", "training loss (mean cross-entropy)", curves, false, true);

        List<ResetCharts.Line> sweep = new ArrayList<>();
        for (String optimizer : DigitsExperiment.OPTIMIZERS) {
            double[] grid = settings.grid();
            double[] steps = new double[grid.length];
            for (int i = 0; i < grid.length; i++) {
                double lr = grid[i];
                int[] s = runs.stream().filter(r -> r.model().equals(model) && r.optimizer().equals(optimizer) && r.lr() == lr)
                        .mapToInt(r -> r.stepsTo(settings.primary())).toArray();
                steps[i] = s.length == 0 ? Double.NaN : DigitsExperiment.median(s);
            }
            sweep.add(new ResetCharts.Line(optimizer, grid, steps, false));
        }
        ResetCharts.lines(out.resolve("digits-" + model + "-lr-sweep.png"), "Steps to training loss " + num(settings.primary())
                + ": " + modelTitle(model, settings), "median over seeds; learning rates that never reach it are not drawn",
                "learning rate", "steps to target", sweep, true, false);
    }

    private static String modelTitle(String model, DigitsExperiment.Settings settings) {
        return model.equals("logreg") ? "logistic regression" : "MLP 64-" + settings.hidden() + "-10 (tanh)";
    }

    private static String summary(List<DigitsExperiment.Tuned> table, DigitsExperiment.Settings settings, Backend backend) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Steps to a target training loss on digits (%d full-batch steps at most, backend %s;"
                + " lr tuned per optimizer and target over %d values in [%s, %s]; MLP: median over seeds %s)%n%n",
                settings.steps(), backend.name(), settings.grid().length, num(settings.grid()[0]),
                num(settings.grid()[settings.grid().length - 1]), Arrays.toString(settings.seeds())));
        sb.append("| model | target |");
        for (String o : DigitsExperiment.OPTIMIZERS) {
            sb.append(' ').append(o).append(" steps (lr) |");
        }
        sb.append("\n|---|---:|");
        sb.append("---:|".repeat(DigitsExperiment.OPTIMIZERS.size()));
        sb.append('\n');
        for (String model : DigitsExperiment.MODELS) {
            for (double target : settings.targets()) {
                sb.append("| ").append(model).append(" | ").append(num(target)).append(" |");
                for (String o : DigitsExperiment.OPTIMIZERS) {
                    DigitsExperiment.Tuned t = table.stream().filter(x -> x.model().equals(model) && x.target() == target
                            && x.optimizer().equals(o)).findFirst().orElseThrow();
                    sb.append(' ').append(cell(t)).append(" |");
                }
                sb.append('\n');
            }
        }
        sb.append("\n(* = the tuned lr is at the edge of the grid; n/r = not reached by the median run at any lr;"
                + " per-seed steps in digits-steps-to-target.csv)\n");
        return sb.toString();
    }

    private static String cell(DigitsExperiment.Tuned t) {
        if (!t.reached() || Double.isInfinite(t.medianSteps())) {
            return "n/r";
        }
        return (long) t.medianSteps() + " (" + num(t.lr()) + (t.atGridEdge() ? "*" : "") + ")";
    }

    /** Every digit, for the CSV files. */
    private static String exact(double v) {
        return Double.isFinite(v) ? Double.toString(v) : Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }

    /** Four significant digits, for people. */
    private static String num(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
        }
        return Double.toString(Double.parseDouble(String.format(Locale.ROOT, "%.4g", v)));
    }

    private void write(String name, String text) throws IOException {
        Npy.writeAtomically(out.resolve(name), ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
}
