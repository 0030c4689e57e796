package org.eigenbasis.spark.cli;

import org.apache.spark.sql.SparkSession;
import org.eigenbasis.cli.ResetSimulateCommand;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.spark.SparkResetConfig;
import org.eigenbasis.spark.SparkResetSimulation;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code eigenbasis spark reset simulate}: the options and output of {@code eigenbasis reset simulate}, the
 * trajectories split over partitions: every estimate is the single-machine run's bits (cpu or java executors);
 * only the timings differ.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, description = {
    "Monte Carlo of the reset dynamics across a Spark cluster: the same options and output as `reset simulate`,",
    "bit for bit the single-machine estimates for the same seed, whatever the partitions."})
final class SparkResetSimulateCommand extends ResetSimulateCommand {
    @CommandLine.Mixin
    SparkOptions sparkOptions;

    @Override
    protected ResetSimulation simulate(RenewalLaw law, double[] mus, double[] star, double sigma, double t,
                                       ResetSimulationConfig.Scheme scheme, Backend chosen) {
        SparkSession spark = sparkOptions.session("eigenbasis spark reset simulate");
        try {
            SparkResetConfig options = SparkResetConfig.defaults().withBackend(executorBackend(chosen))
                    .withPartitions(sparkOptions.partitions(spark));
            return SparkResetSimulation.run(spark, simulationConfig(law, mus, star, sigma, t, scheme), options);
        } finally {
            spark.stop();
        }
    }

    @Override
    protected String backendName(Backend chosen) {
        return executorBackend(chosen);
    }

    /** The executors run cpu or java (the bit-identical backends); auto resolves to the best of those here. */
    private static String executorBackend(Backend chosen) {
        String name = chosen.name();
        if (name.equals("cpu") || name.equals("java")) {
            return name;
        }
        if (name.equals("cuda")) {
            return "cpu";
        }
        throw new IllegalArgumentException("--backend: " + name + " cannot run on Spark executors (cpu or java)");
    }
}
