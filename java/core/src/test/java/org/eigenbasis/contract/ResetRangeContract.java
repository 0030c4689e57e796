package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.spi.RangeSums;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.spi.SimulationSums;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;
import org.junit.jupiter.api.Test;

/**
 * {@link ResetSimulationKernel#simulateRange}: ranges cut at sub-block boundaries, merged in order with
 * {@link SimulationSums#merge}, give the whole run's sums and estimates bit for bit, for any cut (one range, every
 * sub-block its own range, cuts inside and across chunks); misaligned or out-of-range requests are refused with the
 * boundaries named. The sub-block geometry itself ({@link SimulationSums#blockStart}, {@link SimulationSums#blockOf})
 * is checked against a plain enumeration of the spec's chunks and sub-blocks.
 */
public abstract class ResetRangeContract extends BackendContract {

    private ResetSimulationKernel kernel() {
        return backend().resetSimulation();
    }

    static ResetSimulationConfig config(RenewalLaw law, int d, long n, boolean covariance, boolean euler) {
        double[] mu = new double[d];
        double[] a = new double[d];
        for (int k = 0; k < d; k++) {
            mu[k] = 0.3 + 0.7 * k;
            a[k] = 1.0 - 0.45 * k;
        }
        return new ResetSimulationConfig(law, mu, a, 0.6, 4 * law.mean(), n, 11, euler
                ? ResetSimulationConfig.Scheme.EULER : ResetSimulationConfig.Scheme.EXACT, euler ? 0.05 : Double.NaN,
                covariance);
    }

    /** The ranges of a cut at the given sub-block indices (ascending, inside (0, blockCount)). */
    private List<RangeSums> cut(ResetSimulationConfig c, long... cuts) {
        long n = c.trajectories();
        int d = c.dimension();
        boolean cov = c.covariance();
        List<Long> bounds = new ArrayList<>();
        bounds.add(0L);
        for (long g : cuts) {
            bounds.add(SimulationSums.blockStart(n, d, cov, g));
        }
        bounds.add(n);
        List<RangeSums> out = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) {
            out.add(kernel().simulateRange(c, bounds.get(i), bounds.get(i + 1) - bounds.get(i)));
        }
        return out;
    }

    private static void assertSameRun(ResetSimulation expected, ResetSimulation actual, String what) {
        assertEquals(expected.events(), actual.events(), what + ": events");
        assertArrayEquals(expected.snapshotMean(), actual.snapshotMean(), 0, what);
        assertArrayEquals(expected.snapshotMeanStderr(), actual.snapshotMeanStderr(), 0, what);
        assertArrayEquals(expected.timeMean(), actual.timeMean(), 0, what);
        assertArrayEquals(expected.timeMeanStderr(), actual.timeMeanStderr(), 0, what);
        assertArrayEquals(expected.snapshotCovariance(), actual.snapshotCovariance(), 0, what);
        assertArrayEquals(expected.snapshotCovarianceStderr(), actual.snapshotCovarianceStderr(), 0, what);
        assertArrayEquals(expected.timeCovariance(), actual.timeCovariance(), 0, what);
        assertArrayEquals(expected.timeCovarianceStderr(), actual.timeCovarianceStderr(), 0, what);
        assertArrayEquals(expected.timeMeanCovariance(), actual.timeMeanCovariance(), 0, what);
    }

    private void assertCutsMerge(ResetSimulationConfig c, long[]... cuts) {
        ResetSimulation whole = kernel().simulate(c);
        for (long[] cut : cuts) {
            List<RangeSums> ranges = cut(c, cut);
            long events = 0;
            for (RangeSums r : ranges) {
                events += r.events();
            }
            ResetSimulation merged = SimulationSums.finish(c, SimulationSums.merge(c, ranges), events, 0);
            assertSameRun(whole, merged, c.law().kind() + " d=" + c.dimension() + " cov=" + c.covariance()
                    + " cuts=" + java.util.Arrays.toString(cut));
        }
    }

    @Test
    void anyCutAcrossChunksMergesToTheWholeRunBitForBit() {
        // 2 chunks + 1000: a full-chunk P = 64 and a short last chunk (s = 16, 63 non-empty sub-blocks).
        long n = 2L * SimulationSums.CHUNK + 1000;
        ResetSimulationConfig c = config(RenewalLaw.exponential(1.3), 1, n, false, false);
        long blocks = SimulationSums.blockCount(n, 1, false);
        assertEquals(2 * 64 + 63, blocks);
        assertCutsMerge(c, new long[0], new long[] {1}, new long[] {63, 64, 65}, new long[] {7, 100, blocks - 1},
                new long[] {blocks / 3, 2 * blocks / 3});
    }

    @Test
    void covarianceRunsWithThePilotCentreMergeBitForBit() {
        ResetSimulationConfig c = config(RenewalLaw.gamma(2.5, 0.4), 3, 5000, true, false);
        long blocks = SimulationSums.blockCount(5000, 3, true);
        long[] every = new long[(int) blocks - 1];
        for (int g = 1; g < blocks; g++) {
            every[g - 1] = g;
        }
        assertCutsMerge(c, new long[] {1}, new long[] {5, 31, 32}, every);
    }

    @Test
    void otherLawsAndEulerMergeBitForBit() {
        assertCutsMerge(config(RenewalLaw.deterministic(1.5), 2, 3001, true, false), new long[] {10, 20});
        assertCutsMerge(config(RenewalLaw.empirical(new double[] {0.2, 0.5, 0.5, 1.7}), 1, 777, false, false),
                new long[] {3});
        assertCutsMerge(config(RenewalLaw.exponential(2), 2, 900, true, true), new long[] {1, 40});
    }

    @Test
    void aSingleTrajectoryRunIsOneBlock() {
        ResetSimulationConfig c = config(RenewalLaw.exponential(1), 2, 1, true, false);
        assertEquals(1, SimulationSums.blockCount(1, 2, true));
        assertCutsMerge(c, new long[0]);
    }

    @Test
    void geometryMatchesTheSpecsEnumeration() {
        for (long n : new long[] {1, 2, 63, 64, 65, 1000, SimulationSums.CHUNK - 1, SimulationSums.CHUNK,
            SimulationSums.CHUNK + 1, 3L * SimulationSums.CHUNK + 777}) {
            for (int d : new int[] {1, 5, 300}) {
                for (boolean cov : new boolean[] {false, true}) {
                    int p = SimulationSums.subBlocks(d, cov);
                    List<Long> starts = new ArrayList<>();
                    for (long cs = 0; cs < n; cs += SimulationSums.CHUNK) {
                        long chunk = Math.min(SimulationSums.CHUNK, n - cs);
                        long s = (chunk + p - 1) / p;
                        for (long lo = 0; lo < chunk; lo += s) {
                            starts.add(cs + lo);
                        }
                    }
                    String what = "n=" + n + " d=" + d + " cov=" + cov;
                    assertEquals(starts.size(), SimulationSums.blockCount(n, d, cov), what);
                    for (int g = 0; g < starts.size(); g++) {
                        assertEquals(starts.get(g), SimulationSums.blockStart(n, d, cov, g), what + " g=" + g);
                        assertEquals(g, SimulationSums.blockOf(n, d, cov, starts.get(g)), what + " g=" + g);
                        long end = g + 1 < starts.size() ? starts.get(g + 1) : n;
                        assertEquals(g, SimulationSums.blockOf(n, d, cov, end - 1), what + " g=" + g);
                    }
                    assertEquals(n, SimulationSums.blockStart(n, d, cov, starts.size()), what);
                }
            }
        }
    }

    @Test
    void misalignedOrOutOfRangeRequestsAreRefused() {
        ResetSimulationConfig c = config(RenewalLaw.exponential(1), 1, 1000, false, false);
        // s = ceil(1000/64) = 16: 16 is a boundary, 17 is not.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel().simulateRange(c, 17, 16));
        assertTrue(e.getMessage().contains("first: 17") && e.getMessage().contains("[16, 32)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> kernel().simulateRange(c, 16, 20));
        assertTrue(e.getMessage().contains("first + count: 36"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> kernel().simulateRange(c, 0, 1001));
        assertTrue(e.getMessage().contains("count: 1001"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> kernel().simulateRange(c, 1000, 1));
        assertTrue(e.getMessage().contains("first: 1000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel().simulateRange(c, -16, 16));
        assertThrows(IllegalArgumentException.class, () -> kernel().simulateRange(c, 0, 0));
        // Ranges that do not tile [0, N) in order cannot be merged.
        RangeSums head = kernel().simulateRange(c, 0, 992);
        RangeSums tail = kernel().simulateRange(c, 992, 8);
        e = assertThrows(IllegalArgumentException.class, () -> SimulationSums.merge(c, List.of(tail, head)));
        assertTrue(e.getMessage().contains("expected 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimulationSums.merge(c, List.of(head)));
        assertTrue(e.getMessage().contains("[0, 992)"), e.getMessage());
        assertEquals(62, head.blocks());
        assertEquals(1, tail.blocks());
    }
}
