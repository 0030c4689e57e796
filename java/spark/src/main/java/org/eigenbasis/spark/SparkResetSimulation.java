package org.eigenbasis.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.spi.RangeSums;
import org.eigenbasis.spi.SimulationSums;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;

/**
 * The resetting simulator ({@code docs/resetting-simulator.md}) across a cluster, bit-identical to one machine.
 * The run's sub-blocks (chunks of 65,536 trajectories, each cut into P sub-blocks that depend only on d; every
 * trajectory is its own Philox stream, counter word 2–3 = its index) are dealt to the partitions as contiguous
 * ranges of whole sub-blocks: partition i of p gets sub-blocks [⌊iB/p⌋, ⌊(i + 1)B/p⌋) of the B in the run. Each task
 * runs {@link org.eigenbasis.spi.ResetSimulationKernel#simulateRange} on its range and returns the raw sums of each
 * of its sub-blocks; the driver collects them in partition order and adds them, sub-block after sub-block, to zeroed
 * totals ({@link SimulationSums#merge}), which is the order and arithmetic of the single-machine kernel. So the
 * means, covariances and all their standard errors, and the event count, are those of
 * {@code ResetSimulator.run(config, cpu or java)} bit for bit, whatever the number of partitions or executors, and
 * a retried task recomputes the same bits. Only {@link ResetSimulation#seconds()} (the driver's wall time of the
 * whole job) differs.
 *
 * <p>Alignment: a range boundary inside a sub-block would split an addition the single-machine run makes as one
 * (floating-point addition is not associative), so ranges are always whole sub-blocks, never arbitrary trajectory
 * counts; partitions beyond the number of sub-blocks are empty. Covariance runs repeat the pilot pass (one
 * sub-block, means only) in every task.
 *
 * <p>Cost: the run's, spread over the tasks. Data to the driver: B · blockLength doubles (4d per sub-block, plus
 * 5d(d + 1)/2 with covariance; about N/1024 sub-blocks for N ≫ 65,536 when d ≤ 209), all held by the driver before
 * the merge; a run whose results would exceed {@code spark.driver.maxResultSize} is refused before it starts.
 */
public final class SparkResetSimulation {
    private SparkResetSimulation() {
    }

    /**
     * The estimates of {@code config} (eigen-coordinates, as {@code ResetSimulator.run}) from a Spark job.
     *
     * @throws IllegalArgumentException for a config the kernels refuse ({@link SimulationSums#validate}), a partition
     *                                  whose sums would not fit one array, or results beyond
     *                                  spark.driver.maxResultSize; before any task runs
     */
    public static ResetSimulation run(SparkSession spark, ResetSimulationConfig config, SparkResetConfig options) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        SimulationSums.validate(config);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = options.partitions() > 0 ? options.partitions() : jsc.defaultParallelism();
        List<long[]> ranges = ranges(config, partitions);
        requireResultsFit(spark, config, ranges);
        long start = System.nanoTime();
        List<RangeSums> sums = jsc.parallelize(ranges, partitions)
                .map(new PartitionReset(config, options.backend())).collect();
        double[] totals = SimulationSums.merge(config, sums);
        long events = 0;
        for (RangeSums r : sums) {
            events += r.events();
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        return SimulationSums.finish(config, totals, events, seconds);
    }

    /**
     * θ-space estimates for H = diag(mu), reset to the origin, EXACT transitions: the Spark twin of
     * {@code ResetSimulator.diagonal} (the config it builds, run by {@link #run}).
     */
    public static ResetSimulation diagonal(SparkSession spark, double[] mu, double[] thetaStar, double sigma,
            RenewalLaw law, double horizon, long trajectories, long seed, boolean covariance,
            SparkResetConfig options) {
        ResetSimulationConfig config = new ResetSimulationConfig(law, mu, thetaStar, sigma, horizon, trajectories,
                seed, ResetSimulationConfig.Scheme.EXACT, Double.NaN, covariance);
        return run(spark, config, options);
    }

    /**
     * The {first, count} trajectory range of each of {@code partitions} partitions: contiguous, in order, covering
     * [0, N), every boundary a sub-block boundary; count 0 for a partition left without a sub-block.
     */
    public static List<long[]> ranges(ResetSimulationConfig config, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: " + partitions + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        long n = config.trajectories();
        int d = config.dimension();
        boolean cov = config.covariance();
        long blocks = SimulationSums.blockCount(n, d, cov);
        List<long[]> out = new ArrayList<>(partitions);
        long from = 0;
        for (int i = 0; i < partitions; i++) {
            long to = SimulationSums.blockStart(n, d, cov, blocksBefore(blocks, i + 1, partitions));
            out.add(new long[] {from, to - from});
            from = to;
        }
        return out;
    }

    /** ⌊i·B/p⌋ without overflow (B &lt; 2^63, i ≤ p &lt; 2^31). */
    private static long blocksBefore(long blocks, long i, long p) {
        return blocks / p * i + blocks % p * i / p;
    }

    private static void requireResultsFit(SparkSession spark, ResetSimulationConfig config, List<long[]> ranges) {
        long n = config.trajectories();
        int d = config.dimension();
        boolean cov = config.covariance();
        long blockLength = SimulationSums.blockLength(d, cov);
        long most = 0;
        for (long[] r : ranges) {
            if (r[1] > 0) {
                most = Math.max(most, SimulationSums.rangeBlocks(n, d, cov, r[0], r[1]));
            }
        }
        if (most * blockLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("partitions: " + ranges.size() + " leave " + most + " sub-blocks of "
                    + blockLength + " sums in one partition, more than one array holds; use more partitions");
        }
        long bytes = SimulationSums.blockCount(n, d, cov) * blockLength * Double.BYTES;
        long limit = spark.sparkContext().getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
        if (limit > 0 && bytes > limit) {
            throw new IllegalArgumentException("trajectories: " + n + " make " + bytes + " bytes of sub-block sums for"
                    + " the driver, above spark.driver.maxResultSize = " + limit + "; raise it (0 = unlimited)");
        }
    }
}
