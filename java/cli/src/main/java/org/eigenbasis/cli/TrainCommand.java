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
import org.eigenbasis.io.Npy;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.train.Activation;
import org.eigenbasis.train.Dataset;
import org.eigenbasis.train.Digits;
import org.eigenbasis.train.FeedForwardNetwork;
import org.eigenbasis.train.LayerStatisticsMode;
import org.eigenbasis.train.Model;
import org.eigenbasis.train.Trainer;
import org.eigenbasis.train.TrainingCheckpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis train}: trains a model on a bundled data set with one optimizer, or with several for a
 * comparison ({@code --optimizer sgd:0.1,sgd:1,soap,...}: every run starts from the same initial parameters; NAME:LR
 * gives one run its own learning rate). Writes, each
 * atomically, {@code loss.csv} (optimizer, step, train_loss), {@code summary.csv} and {@code loss.png} (all curves
 * in one chart) into {@code --out}, and prints the final training loss and test accuracy of each run. Exit 1 when
 * a run diverged (its loss turned NaN or infinite; the files are still written).
 *
 * <p>{@code --checkpoint FILE} writes a {@link TrainingCheckpoint} (parameters, optimizer state, random state,
 * losses so far; versioned, CRC32C, no timestamps) atomically every {@code --checkpoint-every} steps and after the
 * last; {@code --resume FILE} restores one (refused, with nothing changed, when it does not fit the options) and
 * continues to {@code --steps}: its outputs and checkpoints equal those of an uninterrupted run byte for byte.
 *
 * <p>K-FAC and EK-FAC: the model reports, with each gradient, the layer statistics of every linear layer (inputs
 * and per-sample output gradients, under the weight's name); {@code --statistics auto} gives them labels sampled
 * from the model (the true Fisher) and gives the other optimizers none, which they would not read. A bias has no
 * statistics of its own and is not folded into its weight: it is a separate parameter, and the library's K-FAC
 * updates it by momentum SGD with the same lr and momentum ({@code KfacConfig}). Folding it in (a homogeneous
 * coordinate 1 appended to every layer input, so A gains a row and a column) would change the model's parameter
 * layout for every optimizer and the replayable one-parameter-per-tensor view, so it was not done; the biases are
 * 10 of 650 (logreg) and 42 of 2410 (MLP) parameters. See "Digits" in docs/design-notes.md.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
    "Train logistic regression or a small MLP on the UCI digits data with one or more optimizers; writes the",
    "training-loss curves as CSV and PNG and prints the final training loss and test accuracy.",
    "'train experiment' runs the tuned comparison of SOAP and Shampoo against AdamW."},
        subcommands = {TrainExperimentCommand.class})
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    // not required = true for picocli: 'train experiment' must parse without it; call() checks it instead
    @Option(names = "--optimizer", paramLabel = "NAME[:LR][,NAME[:LR]...]",
            description = {"Optimizer(s): adamw, soap, shampoo, ecshampoo, kfac, ekfac, sgd; several (comma-separated) are",
                "compared in one chart, each from the same initial parameters. NAME:LR sets that run's learning rate",
                "(e.g. adamw:0.01,soap:0.1). Required (except for 'train experiment')."})
    String optimizers;

    @Option(names = "--model", paramLabel = "logreg|mlp", description = "Multinomial logistic regression or a one-hidden-layer MLP.")
    String model;

    @Option(names = "--data", defaultValue = "digits", paramLabel = "digits", description = "The data set (default: ${DEFAULT-VALUE}; the only one bundled).")
    String data;

    @Option(names = "--steps", defaultValue = "300", paramLabel = "N", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--out", defaultValue = "reports/train", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backend;

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (overrides 'lr' of --config).")
    Double lr;

    @Option(names = "--config", paramLabel = "cfg.json", description = "Optimizer options as a flat JSON object (applies to every --optimizer).")
    Path config;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the MLP's initial weights, the minibatches and the sampled statistics (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "0", paramLabel = "B", description = "Samples per step; 0 = the full training set (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--hidden", defaultValue = "32", paramLabel = "H", description = "Hidden units of the MLP (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--activation", defaultValue = "tanh", paramLabel = "tanh|relu", description = "Hidden activation of the MLP (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--target-loss", defaultValue = "0.2", paramLabel = "X", description = "Training loss whose first step is reported (default: ${DEFAULT-VALUE}).")
    double targetLoss;

    @Option(names = "--statistics", defaultValue = "auto", paramLabel = "auto|none|empirical|sampled",
            description = {"K-FAC layer statistics passed with each gradient: none, the empirical Fisher, or the true Fisher",
                "with labels sampled from the model; auto = sampled for kfac and ekfac, none for the others (default: ${DEFAULT-VALUE})."})
    String statistics;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = {"Write the model's parameters, the optimizer",
        "state and the run's random state atomically to FILE every --checkpoint-every steps and after the last step",
        "(one --optimizer only)."})
    Path checkpoint;

    @Option(names = "--checkpoint-every", defaultValue = "50", paramLabel = "K", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", paramLabel = "FILE", description = {"Continue from a checkpoint's step up to --steps,",
        "bit-identically to an uninterrupted run (same options required; one --optimizer only)."})
    Path resume;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One entry of --optimizer: NAME or NAME:LR (a learning rate for this run only). */
    private record Choice(String name, Double lr, String label) {
        static Choice parse(String text, CommandLine cl) {
            int colon = text.indexOf(':');
            String name = OptimizerFactory.checkName(colon < 0 ? text : text.substring(0, colon));
            if (colon < 0) {
                return new Choice(name, null, name);
            }
            String lrText = text.substring(colon + 1).trim();
            double value;
            try {
                value = Double.parseDouble(lrText);
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cl, "--optimizer: '" + text.trim() + "': '" + lrText
                        + "' is not a learning rate (NAME or NAME:LR, e.g. sgd:0.5)");
            }
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new CommandLine.ParameterException(cl, "--optimizer: '" + text.trim() + "': lr " + lrText + " is outside (0, ∞)");
            }
            return new Choice(name, value, name + ":" + lrText);
        }
    }

    /** One optimizer's run: a fresh model, its optimizer and the layer statistics it is fed. */
    private record Run(String name, Model model, Optimizer optimizer, LayerStatisticsMode statistics) {
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (optimizers == null) {
            throw new CommandLine.ParameterException(cl, "Missing required option: '--optimizer=NAME[:LR][,NAME[:LR]...]'");
        }
        if (model == null) {
            throw new CommandLine.ParameterException(cl, "Missing required option: '--model=logreg|mlp'");
        }
        if (steps < 1 || steps > 1_000_000) {
            throw new CommandLine.ParameterException(cl, "--steps: " + steps + " is outside [1, 1000000]");
        }
        if (batchSize < 0) {
            throw new CommandLine.ParameterException(cl, "--batch-size: " + batchSize + " is outside [0, " + Integer.MAX_VALUE + "] (0 = full batch)");
        }
        if (hidden < 1 || hidden > 100_000) {
            throw new CommandLine.ParameterException(cl, "--hidden: " + hidden + " is outside [1, 100000]");
        }
        if (lr != null && (!(lr > 0) || lr.isInfinite())) {
            throw new CommandLine.ParameterException(cl, "--lr: " + lr + " is outside (0, ∞)");
        }
        if (!(targetLoss >= 0) || Double.isInfinite(targetLoss)) {
            throw new CommandLine.ParameterException(cl, "--target-loss: " + targetLoss + " is outside [0, ∞)");
        }
        if (!data.trim().equalsIgnoreCase("digits")) {
            throw new CommandLine.ParameterException(cl, "--data: unknown data set '" + data + "'; available: digits");
        }
        String modelKey = model.trim().toLowerCase(Locale.ROOT);
        if (!modelKey.equals("logreg") && !modelKey.equals("mlp")) {
            throw new CommandLine.ParameterException(cl, "--model: unknown model '" + model + "'; available: logreg, mlp");
        }
        Activation act = Activation.parse(activation);
        boolean autoStatistics = statistics.trim().equalsIgnoreCase("auto");
        LayerStatisticsMode mode = autoStatistics ? LayerStatisticsMode.NONE : LayerStatisticsMode.parse(statistics);
        List<Choice> choices = new ArrayList<>();
        for (String part : optimizers.split(",", -1)) {
            Choice choice = Choice.parse(part, cl);
            for (Choice c : choices) {
                if (c.label().equals(choice.label())) {
                    throw new CommandLine.ParameterException(cl, "--optimizer: '" + choice.label() + "' is listed twice");
                }
            }
            if (!autoStatistics && mode == LayerStatisticsMode.NONE && OptimizerFactory.needsLayerStatistics(choice.name())) {
                throw new CommandLine.ParameterException(cl, "--statistics: " + choice.name() + " builds its factors from"
                        + " layer statistics; use auto, empirical or sampled, not none");
            }
            choices.add(choice);
        }
        if ((checkpoint != null || resume != null) && choices.size() != 1) {
            throw new CommandLine.ParameterException(cl, "--checkpoint/--resume: one --optimizer only, not " + choices.size());
        }
        if (checkpointEvery < 1) {
            throw new CommandLine.ParameterException(cl, "--checkpoint-every: " + checkpointEvery + " is outside [1, "
                    + Integer.MAX_VALUE + "]");
        }
        TrainingCheckpoint resumed = resume == null ? null : TrainingCheckpoint.read(resume);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " exists and is not a directory");
        }
        Map<String, Object> options = OptimizerConfig.read(config);
        if (lr != null) {
            options.put("lr", lr);
        }
        Backend chosen = BackendOption.one(backend);
        Dataset.Split split = Digits.split();
        Trainer.Config trainerConfig = new Trainer.Config(steps, batchSize, seed, targetLoss, LayerStatisticsMode.NONE);

        List<Run> runs = new ArrayList<>();   // every optimizer is created (and its config checked) before any training
        try {
            for (Choice choice : choices) {
                Model m = modelKey.equals("logreg")
                        ? FeedForwardNetwork.logisticRegression(Digits.FEATURES, Digits.CLASSES)
                        : FeedForwardNetwork.mlp(Digits.FEATURES, hidden, Digits.CLASSES, act, seed);
                Map<String, Object> own = new LinkedHashMap<>(options);
                if (choice.lr() != null) {
                    own.put("lr", choice.lr());
                }
                LayerStatisticsMode ownMode = autoStatistics
                        ? OptimizerFactory.needsLayerStatistics(choice.name()) ? LayerStatisticsMode.SAMPLED : LayerStatisticsMode.NONE
                        : mode;
                runs.add(new Run(choice.label(), m, OptimizerFactory.create(choice.name(), own, m.parameters(), chosen), ownMode));
            }
            if (resumed != null) {
                Run only = runs.get(0);
                resumed.restoreInto(only.name(), TrainingCheckpoint.setup(only.model(),
                        trainerConfig.withStatistics(only.statistics()), split.train()), only.model().parameters(), only.optimizer());
            }
            return train(runs, split, trainerConfig, chosen, resumed);
        } finally {
            for (Run r : runs) {
                r.optimizer().close();
            }
        }
    }

    private int train(List<Run> runs, Dataset.Split split, Trainer.Config trainerConfig, Backend chosen,
                      TrainingCheckpoint resumed) throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        Files.createDirectories(out);
        String modelName = runs.get(0).model().name();
        console.printf(Locale.ROOT, "eigenbasis train: %s on digits (%d train, %d test samples), %d steps, %s, backend %s%n",
                modelName, split.train().samples(), split.test().samples(), steps,
                batchSize == 0 ? "full batch" : "batches of " + batchSize, chosen.name());
        StringBuilder lossCsv = new StringBuilder("optimizer,step,train_loss\n");
        StringBuilder summary = new StringBuilder("optimizer,model,steps,final_train_loss,train_accuracy,test_accuracy,"
                + "target_loss,steps_to_target,diverged,seconds\n");
        List<ResetCharts.Line> lines = new ArrayList<>();
        List<String> diverged = new ArrayList<>();
        for (Run run : runs) {
            Trainer.Result r;
            try (Progress progress = Progress.start("train " + run.name(), steps, false)) {
                r = Trainer.run(run.model(), run.optimizer(), split.train(), split.test(),
                        trainerConfig.withStatistics(run.statistics()),
                        (step, loss) -> progress.step(String.format(Locale.ROOT, "loss %.4f", loss)),
                        new Trainer.Checkpointing(checkpoint, checkpointEvery, run.name(), resumed));
            }
            double[] losses = r.losses();
            double[] x = new double[losses.length];
            for (int t = 0; t < losses.length; t++) {
                x[t] = t;
                lossCsv.append(run.name()).append(',').append(t).append(',').append(num(losses[t])).append('\n');
            }
            lines.add(new ResetCharts.Line(run.name(), x, losses, false));
            summary.append(String.join(",", run.name(), csvText(modelName), Integer.toString(r.stepsRun()),
                    num(r.finalTrainLoss()), num(r.trainAccuracy()), num(r.testAccuracy()), num(targetLoss),
                    Integer.toString(r.stepsToTarget()), Boolean.toString(r.diverged()),
                    String.format(Locale.ROOT, "%.3f", r.seconds()))).append('\n');
            if (r.diverged()) {
                diverged.add(run.name());
                console.printf(Locale.ROOT, "%-10s diverged after %d steps (training loss %s)%n", run.name(), r.stepsRun(),
                        num(r.finalTrainLoss()));
            } else {
                console.printf(Locale.ROOT, "%-10s final train loss %.6f, train accuracy %.2f%%, test accuracy %.2f%%, "
                        + "loss <= %s %s (%.2f s)%n", run.name(), r.finalTrainLoss(), 100 * r.trainAccuracy(),
                        100 * r.testAccuracy(), num(targetLoss),
                        r.reachedTarget() ? "after " + r.stepsToTarget() + " steps" : "not reached", r.seconds());
            }
        }
        write("loss.csv", lossCsv.toString());
        write("summary.csv", summary.toString());
        ResetCharts.lines(out.resolve("loss.png"), "Training loss on digits: " + modelName,
                String.format(Locale.ROOT, "%s, %s, seed %d", batchSize == 0 ? "full batch" : "batches of " + batchSize,
                        runs.stream().anyMatch(run -> run.name().contains(":")) ? "lr as labelled"
                                : lr == null ? "optimizer default lr" : "lr " + num(lr), seed),
                "step", "training loss (mean cross-entropy)", lines, false, true);
        console.printf(Locale.ROOT, "wrote loss.csv, summary.csv and loss.png to %s%n", out);
        if (!diverged.isEmpty()) {
            spec.commandLine().getErr().println("eigenbasis: training diverged for " + String.join(", ", diverged));
            return EigenbasisCli.VERIFICATION_FAILED;
        }
        return EigenbasisCli.OK;
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }

    private static String csvText(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private void write(String name, String text) throws IOException {
        Npy.writeAtomically(out.resolve(name), ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
}
