package org.eigenbasis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eigenbasis egop}: the expected gradient outer product, its estimator check and the reparameterisation study. */
@Command(name = "egop", mixinStandardHelpOptions = true, description = {
    "Expected gradient outer product (EGOP): the estimator against its closed form on a rotated quadratic, and",
    "Adagrad/Adam in the original basis against the EGOP basis (DePavia, Charisopoulos, Willett)."},
        subcommands = {EgopEstimateCommand.class, EgopCompareCommand.class})
final class EgopCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: estimate or compare");
    }
}
