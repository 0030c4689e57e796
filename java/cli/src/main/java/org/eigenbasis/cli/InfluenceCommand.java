package org.eigenbasis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eigenbasis influence}: influence scores over the curvature ladder, training, and the LDS ladder. */
@Command(name = "influence", mixinStandardHelpOptions = true, description = {
    "Influence functions of a multilayer perceptron over a ladder of curvatures (hessian, ggn, block-ggn, ekfac,",
    "kfac, identity): pairwise and self-influence scores, training by the reproduction's SGD recipe, and the",
    "linear datamodeling score (LDS) ladder on the digits data."},
        subcommands = {InfluenceScoresCommand.class, InfluenceTrainCommand.class, InfluenceLadderCommand.class})
final class InfluenceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: scores, train or ladder");
    }
}
