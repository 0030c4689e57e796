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
import org.eigenbasis.basis.egop.EgopComparison;
import org.eigenbasis.basis.egop.EgopComparisonConfig;
import org.eigenbasis.basis.egop.EgopComparisonResult;
import org.eigenbasis.basis.egop.EgopProblem;
import org.eigenbasis.basis.egop.EgopResult;
import org.eigenbasis.io.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis egop compare}: Adagrad or Adam in the original basis against the EGOP basis on one of the issue's
 * problems ({@link EgopStudy}), learning rates tuned per side on the same half-decade grid. With {@code --out} writes
 * {@code egop-<problem>-<optimizer>.png} (loss against step, each side at its best lr) and {@code .json} (the
 * printed document plus both loss curves), each atomically. Bad input exits 2 before any work.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, description = {
    "Adagrad or Adam in the original basis against the EGOP basis, each with its learning rate tuned on the same",
    "half-decade grid: steps to the problem's target loss, final loss, and the gradient-descent equivariance error.",
    "Problems (budgets in the README): quadratic (d = 100, eigenvalues i^-2, randomly rotated), logsumexp",
    "(d = 100, n = 1000), digits-logreg (64x10 + 10), digits-mlp (64-32-10 gelu, per-layer EGOP).",
    "JSON: {original: {steps, final_loss, lr}, egop: {...}, gd_equivariance_error, ...}; steps is null when the",
    "target is not reached within the budget."})
final class EgopCompareCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--problem", required = true, paramLabel = "NAME", description = "quadratic, logsumexp, digits-logreg or digits-mlp.")
    String problem;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adagrad", description = "adagrad or adam (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--rank", paramLabel = "R", defaultValue = "0", description = "0: the full EGOP basis; R >= 1: the reduced top-R form with a shared-scalar complement block (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--steps", paramLabel = "T", description = "Step budget of every run (default: the problem's budget, listed in the README).")
    Integer steps;

    @Option(names = "--samples", paramLabel = "M", description = "EGOP samples per block (default: the problem's).")
    Integer samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the problem and of the EGOP samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend of the EGOP estimate (default: cpu if available, else java).")
    String backend;

    @Option(names = "--out", paramLabel = "DIR", description = "Write egop-<problem>-<optimizer>.png and .json here.")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("--steps: " + steps + " is outside [1, ∞)");
        }
        if (samples != null && samples < 1) {
            throw new IllegalArgumentException("--samples: " + samples + " is outside [1, ∞)");
        }
        if (rank < 0) {
            throw new IllegalArgumentException("--rank: " + rank + " is outside [0, ∞) (0 = the full EGOP basis)");
        }
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " exists and is not a directory");
        }
        EgopStudy study = EgopStudy.of(problem, optimizer, seed);
        EgopComparisonConfig config = study.config().withRank(rank);
        if (steps != null) {
            config = config.withSteps(steps);
        }
        if (samples != null) {
            config = config.withEgop(config.egop().withSamples(samples));
        }
        var chosenBackend = BackendOption.one(backend);
        EgopProblem p = study.problem();
        long start = System.nanoTime();
        EgopComparisonResult result = EgopComparison.on(chosenBackend, config).compare(p);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> doc = document(study, config, result, seconds, chosenBackend.name());
        PrintWriter console = spec.commandLine().getOut();
        if (json) {
            console.println(Json.write(doc));
        } else {
            table(console, study, config, result, seconds);
        }
        if (out != null) {
            Files.createDirectories(out);
            String base = "egop-" + study.name() + "-" + study.optimizer();
            Map<String, Object> full = new LinkedHashMap<>(doc);
            full.put("original_curve", ResetArgs.json(result.original().lossCurve()));
            full.put("egop_curve", ResetArgs.json(result.egop().lossCurve()));
            Npy.writeAtomically(out.resolve(base + ".json"),
                    ByteBuffer.wrap(Json.write(full).getBytes(StandardCharsets.UTF_8)));
            chart(out.resolve(base + ".png"), study, config, result);
        }
        return EigenbasisCli.OK;
    }

    private static Map<String, Object> document(EgopStudy study, EgopComparisonConfig config,
                                                EgopComparisonResult result, double seconds, String backendName) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("problem", study.name());
        doc.put("description", study.problem().name());
        doc.put("optimizer", study.optimizer());
        doc.put("original", side(result.original()));
        doc.put("egop", side(result.egop()));
        doc.put("gd_equivariance_error", Json.finite(result.gdEquivarianceError()));
        doc.put("target_loss", config.targetLoss());
        doc.put("minimum_loss", Json.finite(study.problem().minimumLoss()));
        doc.put("step_budget", config.steps());
        doc.put("lr_grid", ResetArgs.json(config.learningRates()));
        doc.put("rank", config.rank());
        doc.put("egop_samples", config.egop().samples());
        doc.put("egop_scale", config.egop().scale());
        List<Map<String, Object>> blocks = new ArrayList<>();
        for (EgopResult e : result.estimates()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("dimension", e.dimension());
            b.put("stable_rank", Json.finite(e.stableRank()));
            b.put("decay_exponent", Json.finite(e.decayExponent()));
            blocks.add(b);
        }
        doc.put("egop_blocks", blocks);
        doc.put("backend", backendName);
        doc.put("seconds", seconds);
        return doc;
    }

    private static Map<String, Object> side(EgopComparisonResult.Side side) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("steps", side.stepsToTarget() >= 0 ? side.stepsToTarget() : null);
        s.put("final_loss", Json.finite(side.finalLoss()));
        s.put("lr", side.bestLr());
        return s;
    }

    private static void table(PrintWriter out, EgopStudy study, EgopComparisonConfig config,
                              EgopComparisonResult result, double seconds) {
        out.printf(Locale.ROOT, "%s, %s%s: target loss %s, budget %d steps, lr grid 10^(k/2) from %s to %s%n",
                study.problem().name(), study.optimizer(), config.rank() > 0 ? ", reduced top-" + config.rank() : "",
                ResetArgs.num(config.targetLoss()), config.steps(), ResetArgs.num(config.learningRates()[0]),
                ResetArgs.num(config.learningRates()[config.learningRates().length - 1]));
        out.printf(Locale.ROOT, "%-10s %12s %16s %14s%n", "basis", "best lr", "steps to target", "final loss");
        row(out, "original", result.original());
        row(out, "EGOP", result.egop());
        out.printf(Locale.ROOT, "gradient-descent equivariance error %s; EGOP stable rank %s (first block); %.1f s%n",
                ResetArgs.num(result.gdEquivarianceError()), ResetArgs.num(result.estimate().stableRank()), seconds);
    }

    private static void row(PrintWriter out, String name, EgopComparisonResult.Side side) {
        out.printf(Locale.ROOT, "%-10s %12s %16s %14s%n", name, ResetArgs.num(side.bestLr()),
                side.stepsToTarget() >= 0 ? Integer.toString(side.stepsToTarget()) : "not reached",
                ResetArgs.num(side.finalLoss()));
    }

    /**
     * Loss against step: f − f* on a log axis when f* is known (points at or below f* are left out), else f (on a log
     * axis when every value is positive).
     */
    private static void chart(Path file, EgopStudy study, EgopComparisonConfig config, EgopComparisonResult result)
            throws IOException {
        boolean known = Double.isFinite(study.problem().minimumLoss());
        double shift = known ? study.problem().minimumLoss() : 0;
        String yLabel = known ? "f - f* (f* = " + ResetArgs.num(shift) + ")" : "training loss f";
        List<ResetCharts.Line> lines = new ArrayList<>();
        lines.add(line("original basis, lr " + ResetArgs.num(result.original().bestLr()), result.original(), shift, false));
        lines.add(line("EGOP basis, lr " + ResetArgs.num(result.egop().bestLr()), result.egop(), shift, true));
        boolean positive = true;
        for (ResetCharts.Line l : lines) {
            for (double f : l.y()) {
                positive &= f > 0;
            }
        }
        double target = config.targetLoss() - shift;
        double[] x = {0, config.steps()};
        lines.add(new ResetCharts.Line("target " + ResetArgs.num(target), x, new double[] {target, target}, true));
        ResetCharts.lines(file, "EGOP reparameterisation: " + study.name() + ", " + study.optimizer(),
                study.problem().name() + (config.rank() > 0 ? ", reduced top-" + config.rank() : "")
                        + "; each basis at its best lr on the same grid", "step", yLabel, lines, false,
                known || positive);
    }

    private static ResetCharts.Line line(String name, EgopComparisonResult.Side side, double shift, boolean dashed) {
        double[] curve = side.lossCurve();
        double[] x = new double[curve.length];
        for (int t = 0; t < curve.length; t++) {
            x[t] = t;
            curve[t] -= shift;
        }
        return new ResetCharts.Line(name, x, curve, dashed);
    }
}
