package org.eigenbasis.spark.cli;

import org.apache.spark.sql.SparkSession;
import org.eigenbasis.cli.InfluenceScoresCommand;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.FisherVariant;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.spark.SparkInfluence;
import org.eigenbasis.spark.SparkInfluenceConfig;
import org.eigenbasis.spi.Backend;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code eigenbasis spark influence scores}: the options and output of {@code eigenbasis influence scores} for the
 * Kronecker rungs (kfac, ekfac), the statistics accumulated over training partitions and the scores computed per
 * partition: equal to the single-machine scores to rounding (1e-12 relative).
 */
@Command(name = "scores", description = {
    "Influence scores across a Spark cluster: the options and output of `influence scores` for --curvature kfac or",
    "ekfac (the statistics summed over the training partitions in a fixed order, the scores per partition)."})
final class SparkInfluenceScoresCommand extends InfluenceScoresCommand {
    @CommandLine.Mixin
    SparkOptions sparkOptions;

    @Override
    protected double[] scores(CurvatureKind kind, Damping d, FisherVariant variant, long seed, Mlp mlp, Examples train,
                              Examples test, Backend chosen) {
        if (d.piFactorDamping()) {
            throw new IllegalArgumentException("--pi-damping: not available on Spark (exact damping only)");
        }
        SparkInfluenceConfig config = SparkInfluenceConfig.defaults().withCurvature(kind).withDamping(d.delta())
                .withEigenFloor(d.eigenFloor()).withVariant(variant)
                .withBackend(chosen.name().equals("java") ? "java" : "cpu");
        SparkSession spark = sparkOptions.session("eigenbasis spark influence scores");
        try {
            SparkInfluence fitted = SparkInfluence.fit(SparkInfluence.frame(spark, train, mlp.architecture(),
                    sparkOptions.partitions(spark)), mlp.architecture(), mlp.parameters(), config);
            return test == null ? fitted.selfInfluence() : fitted.scores(test);
        } finally {
            spark.stop();
        }
    }
}
