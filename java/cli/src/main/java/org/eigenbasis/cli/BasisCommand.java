package org.eigenbasis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eigenbasis basis}: diagonal preconditioners in a chosen basis (issue 13). */
@Command(name = "basis", mixinStandardHelpOptions = true, description = {
    "Diagonal preconditioners in a chosen basis: Adam against Gauss-Newton^-1 and ^-1/2 in the four quadrants",
    "of \"Adam or Gauss-Newton?\" (identity or eigenbasis, full batch or mini-batch)."},
        subcommands = {BasisQuadrantsCommand.class})
final class BasisCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: quadrants");
    }
}
