package org.eigenbasis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eigenbasis reset}: stochastic resetting of gradient flow: exact moments, Monte Carlo, data, experiment. */
@Command(name = "reset", mixinStandardHelpOptions = true, description = {
    "Gradient flow / OU dynamics reset to the origin at renewal epochs: exact stationary moments, Monte Carlo",
    "simulation, the stationary mean of a data set, and the predictive comparison against ridge."},
        subcommands = {ResetMomentsCommand.class, ResetSimulateCommand.class, ResetRidgeCommand.class,
            ResetExperimentCommand.class})
final class ResetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: moments, simulate, ridge or experiment");
    }
}
