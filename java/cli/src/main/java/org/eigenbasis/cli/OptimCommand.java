package org.eigenbasis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eigenbasis optim}: optimizers outside a training loop (replay of fixed gradient sequences). */
@Command(name = "optim", mixinStandardHelpOptions = true, description = {
    "Optimizers outside a training loop: replay a fixed gradient sequence to compare against another implementation."},
        subcommands = {OptimReplayCommand.class, OptimCheckStateCommand.class})
final class OptimCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: replay, check-state");
    }
}
