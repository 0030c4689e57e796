package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.ModeDynamics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis diffusion variance}: λ̃(τ) of one mode by {@link ModeDynamics#generatedVariance}; with --json
 * {"generated_variance": x}.
 */
@Command(name = "variance", mixinStandardHelpOptions = true, description = {
    "The variance generated along one mode of data variance lambda by a linear denoiser trained for time tau",
    "(probability-flow ODE from sigma-max down to sigma-min, closed form)."})
final class DiffusionVarianceCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @CommandLine.Mixin
    DiffusionArgs args;

    @Option(names = "--lambda", required = true, paramLabel = "L", description = "The mode's data variance, >= 0.")
    double lambda;

    @Option(names = "--tau", required = true, paramLabel = "T", description = "Training time, >= 0.")
    double tau;

    @Option(names = "--init", required = true, paramLabel = "Q", description = "Initial per-mode weight Q, > 0 (0.1 is the issue's).")
    double init;

    @Option(names = "--model", required = true, paramLabel = "M", description = "one-layer or two-layer.")
    String model;

    @Option(names = "--json", description = "Print {\"generated_variance\": x}.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ResetArgs.nonNegative("--lambda", lambda);
        ResetArgs.nonNegative("--tau", tau);
        DenoiserModel m = DiffusionArgs.model(model);
        DiffusionConfig config = args.config(init);
        double v = ModeDynamics.generatedVariance(m, lambda, tau, config);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("generated_variance", Json.finite(v));
            out.println(Json.write(doc));
        } else {
            out.printf(Locale.ROOT, "generated variance %s (lambda %s, tau %s, %s, init %s; final %s)%n",
                    ResetArgs.num(v), ResetArgs.num(lambda), ResetArgs.num(tau), m.label(), ResetArgs.num(init),
                    ResetArgs.num(ModeDynamics.finalGeneratedVariance(lambda, config)));
        }
        return EigenbasisCli.OK;
    }
}
