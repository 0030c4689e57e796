package org.eigenbasis.spark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eigenbasis spark reset}: the resetting simulator across a cluster. */
@Command(name = "reset", mixinStandardHelpOptions = true, description = "The resetting simulator across a Spark cluster.",
        subcommands = {SparkResetSimulateCommand.class})
final class SparkResetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: simulate");
    }
}
