package org.eigenbasis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eigenbasis diffusion}: closed-form learning dynamics of linear denoisers per eigen-mode of the data. */
@Command(name = "diffusion", mixinStandardHelpOptions = true, description = {
    "Linear-denoiser diffusion: per-mode generated variance and KL through gradient-flow training (closed forms),",
    "and the emergence-time power law tau* ~ lambda^-alpha."},
        subcommands = {DiffusionCurvesCommand.class, DiffusionVarianceCommand.class, DiffusionPowerlawCommand.class})
final class DiffusionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: curves, variance or powerlaw");
    }
}
