package org.eigenbasis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.spi.SimulationSums;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The resetting simulator over Spark partitions equals the single-machine run bit for bit (means, covariances, all
 * standard errors, events) for every partition count, including one, counts that cut chunks and sub-block runs
 * unevenly, and more partitions than the run has sub-blocks; laws with and without draws, d = 1 and d &gt; 1,
 * EXACT and EULER. Bad options and runs the driver could not hold are refused before any task runs.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SparkResetSimulationTest {
    private static SparkSession spark;
    private static Backend cpu;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("local[2]", "SparkResetSimulationTest");
        cpu = Backends.select("cpu");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static ResetSimulationConfig config(RenewalLaw law, double[] mu, double[] a, long n, long seed,
            boolean covariance) {
        return new ResetSimulationConfig(law, mu, a, 0.5, 6 * law.mean(), n, seed,
                ResetSimulationConfig.Scheme.EXACT, Double.NaN, covariance);
    }

    private static void assertSameBits(ResetSimulation expected, ResetSimulation actual, String what) {
        assertEquals(expected.trajectories(), actual.trajectories(), what);
        assertEquals(expected.events(), actual.events(), what + ": events");
        assertArrayEquals(expected.timeMean(), actual.timeMean(), 0, what + ": time mean");
        assertArrayEquals(expected.timeMeanStderr(), actual.timeMeanStderr(), 0, what + ": time mean stderr");
        assertArrayEquals(expected.snapshotMean(), actual.snapshotMean(), 0, what + ": snapshot mean");
        assertArrayEquals(expected.snapshotMeanStderr(), actual.snapshotMeanStderr(), 0, what);
        assertArrayEquals(expected.timeCovariance(), actual.timeCovariance(), 0, what + ": time covariance");
        assertArrayEquals(expected.timeCovarianceStderr(), actual.timeCovarianceStderr(), 0, what);
        assertArrayEquals(expected.snapshotCovariance(), actual.snapshotCovariance(), 0, what);
        assertArrayEquals(expected.snapshotCovarianceStderr(), actual.snapshotCovarianceStderr(), 0, what);
        assertArrayEquals(expected.timeMeanCovariance(), actual.timeMeanCovariance(), 0, what);
    }

    private static void assertEveryPartitioning(ResetSimulationConfig c, int... partitions) {
        ResetSimulation single = ResetSimulator.run(c, cpu);
        for (int p : partitions) {
            ResetSimulation spread = SparkResetSimulation.run(spark, c, SparkResetConfig.defaults().withPartitions(p));
            assertSameBits(single, spread, c.law().kind() + " d=" + c.dimension() + " cov=" + c.covariance() + " on "
                    + p + " partitions");
        }
    }

    @Test
    void exponentialMeansAcrossChunksAreTheSingleMachineBits() {
        // 2 full chunks (64 sub-blocks each) and a last one of 1000 (63 sub-blocks): 191 in all; 200 > 191.
        ResetSimulationConfig c = config(RenewalLaw.exponential(1.3), new double[] {0.7}, new double[] {1.5},
                2L * SimulationSums.CHUNK + 1000, 17, false);
        assertEveryPartitioning(c, 1, 2, 3, 7, 200);
        assertNull(SparkResetSimulation.run(spark, c, SparkResetConfig.defaults()).timeCovariance());
    }

    @Test
    void gammaCovarianceInSeveralDimensionsIsTheSingleMachineBits() {
        ResetSimulationConfig c = config(RenewalLaw.gamma(2.5, 0.4), new double[] {0.2, 1.1, 3.0},
                new double[] {1, -0.5, 0.25}, SimulationSums.CHUNK + 3001, 5, true);
        assertEveryPartitioning(c, 1, 2, 3, 7, 64);
    }

    @Test
    void deterministicEmpiricalAndEulerRunsAreTheSingleMachineBits() {
        assertEveryPartitioning(config(RenewalLaw.deterministic(1.5), new double[] {0.4, 2.0},
                new double[] {1, 2}, 20_000, 3, true), 3, 7);
        assertEveryPartitioning(config(RenewalLaw.empirical(0.2, 0.5, 0.5, 1.7), new double[] {1.0},
                new double[] {-1}, 9_999, 4, true), 2, 7);
        RenewalLaw law = RenewalLaw.lognormal(-0.5, 0.6);
        assertEveryPartitioning(new ResetSimulationConfig(law, new double[] {0.5, 1.5}, new double[] {1, 0}, 0.3,
                4 * law.mean(), 3000, 9, ResetSimulationConfig.Scheme.EULER, 0.05, true), 1, 3);
    }

    @Test
    void theDiagonalEntryPointMatchesResetSimulatorDiagonalOnJavaAndCpu() {
        RenewalLaw law = RenewalLaw.weibull(1.5, 0.8);
        double[] mu = {0.3, 1.0, 4.0};
        double[] star = {1, -1, 0.5};
        ResetSimulation single = ResetSimulator.diagonal(mu, star, 0.4, law, 10 * law.mean(), 5000, 23, true, cpu);
        for (String backend : List.of("cpu", "java")) {
            ResetSimulation spread = SparkResetSimulation.diagonal(spark, mu, star, 0.4, law, 10 * law.mean(), 5000,
                    23, true, new SparkResetConfig(3, backend));
            assertSameBits(single, spread, "diagonal on " + backend);
        }
    }

    @Test
    void rangesAreWholeSubBlocksTilingTheRunInOrder() {
        ResetSimulationConfig c = config(RenewalLaw.exponential(1), new double[] {1}, new double[] {1},
                SimulationSums.CHUNK + 100, 1, false);
        long blocks = SimulationSums.blockCount(c.trajectories(), 1, false);
        assertEquals(64 + 50, blocks);
        for (int p : new int[] {1, 2, 3, 7, 113, 114, 115, 500}) {
            List<long[]> ranges = SparkResetSimulation.ranges(c, p);
            assertEquals(p, ranges.size());
            long next = 0;
            long empty = 0;
            for (long[] r : ranges) {
                assertEquals(next, r[0], p + " partitions");
                long g = SimulationSums.blockOf(c.trajectories(), 1, false, r[0]);
                assertEquals(r[0], SimulationSums.blockStart(c.trajectories(), 1, false, g), "aligned");
                next += r[1];
                empty += r[1] == 0 ? 1 : 0;
            }
            assertEquals(c.trajectories(), next);
            assertEquals(Math.max(0, p - blocks), empty, p + " partitions: empty ones");
        }
    }

    @Test
    void badOptionsAndOversizedRunsAreRefusedBeforeAnyTask() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkResetConfig.defaults().withPartitions(0));
        assertTrue(e.getMessage().contains("partitions: 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkResetConfig.defaults().withBackend("cuda"));
        assertTrue(e.getMessage().contains("backend: 'cuda' must be cpu or java"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparkResetConfig.defaults().withBackend(null));
        assertThrows(IllegalArgumentException.class, () -> SparkResetSimulation.ranges(
                config(RenewalLaw.exponential(1), new double[] {1}, new double[] {1}, 10, 1, false), 0));
        // A horizon of 2e9 mean reset times: the kernels' guard, raised on the driver.
        ResetSimulationConfig endless = config(RenewalLaw.exponential(1), new double[] {1}, new double[] {1}, 10, 1,
                false);
        ResetSimulationConfig tooLong = new ResetSimulationConfig(endless.law(), endless.eigenvalues(),
                endless.target(), 0.5, 2e9, 10, 1, ResetSimulationConfig.Scheme.EXACT, Double.NaN, false);
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkResetSimulation.run(spark, tooLong, SparkResetConfig.defaults()));
        assertTrue(e.getMessage().startsWith("horizon: "), e.getMessage());
        // d = 200 with covariances over 1e9 trajectories: ~0.8 TB of sub-block sums for the driver.
        double[] ones = new double[200];
        java.util.Arrays.fill(ones, 1);
        ResetSimulationConfig huge = config(RenewalLaw.exponential(1), ones, ones, 1_000_000_000L, 1, true);
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkResetSimulation.run(spark, huge, SparkResetConfig.defaults().withPartitions(100_000)));
        assertTrue(e.getMessage().contains("spark.driver.maxResultSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkResetSimulation.run(spark, huge, SparkResetConfig.defaults().withPartitions(1)));
        assertTrue(e.getMessage().contains("use more partitions"), e.getMessage());
    }
}
