package org.eigenbasis.spark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eigenbasis spark influence}: influence scores across a cluster. */
@Command(name = "influence", mixinStandardHelpOptions = true, description = "Influence scores across a Spark cluster.",
        subcommands = {SparkInfluenceScoresCommand.class})
final class SparkInfluenceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: scores");
    }
}
