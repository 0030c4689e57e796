package org.eigenbasis.spi;

import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;

/**
 * The raw sums of a reset-simulation run, the layout every backend fills (the cpu kernel writes it through
 * {@code eb_cpu_reset_sim}), and the one place that turns them into a {@link ResetSimulation}, so java and cpu
 * share the final arithmetic. Layout of the {@code double[]} ({@link #length(int, boolean)} values): snapshot ΣX,
 * ΣX², time ΣX, ΣX², the pilot centres c (snapshot, time), each of length d; then, in covariance runs, five d × d
 * row-major blocks of which only the lower triangle (j ≤ i) is filled: snapshot ΣP (= ΣXXᵀ), snapshot Σw², time ΣP,
 * time ΣMMᵀ, time Σw². See {@code docs/resetting-simulator.md}.
 */
public final class SimulationSums {
    /** Trajectories per chunk. */
    public static final int CHUNK = 65_536;
    /** The most segments (T/E[τ]) or Euler steps (T/η) a trajectory may need, a guard against endless runs. */
    public static final double MAX_STEPS_PER_TRAJECTORY = 1e9;
    /** The largest d a covariance run accepts (its d × d sums must fit an array). */
    public static final int MAX_COVARIANCE_DIMENSION = 4096;

    public static final int SNAP_SUM = 0;
    public static final int SNAP_SUM_SQ = 1;
    public static final int TIME_SUM = 2;
    public static final int TIME_SUM_SQ = 3;
    public static final int SNAP_CENTRE = 4;
    public static final int TIME_CENTRE = 5;
    public static final int SNAP_P = 0;
    public static final int SNAP_W2 = 1;
    public static final int TIME_P = 2;
    public static final int TIME_XX = 3;
    public static final int TIME_W2 = 4;

    private SimulationSums() {
    }

    /** Sub-blocks per chunk: 64 for mean-only runs, clamp(2^26/(24·d²), 1, 64) with covariance. */
    public static int subBlocks(int d, boolean covariance) {
        if (!covariance) {
            return 64;
        }
        double p = Math.floor(67_108_864.0 / (24.0 * d * d));
        return (int) Math.max(1, Math.min(64, p));
    }

    /** Number of doubles in the sums. */
    public static long length(int d, boolean covariance) {
        return 6L * d + (covariance ? 5L * d * d : 0);
    }

    /** Offset of vector block {@code which} (SNAP_SUM..TIME_CENTRE). */
    public static int vector(int d, int which) {
        return which * d;
    }

    /** Offset of matrix block {@code which} (SNAP_P..TIME_W2). */
    public static int matrix(int d, int which) {
        return 6 * d + which * d * d;
    }

    /** Doubles in one packed sub-block of {@link RangeSums}: 4d, plus 5·d(d + 1)/2 with covariance. */
    public static long blockLength(int d, boolean covariance) {
        return 4L * d + (covariance ? 5L * ((long) d * (d + 1) / 2) : 0);
    }

    /**
     * The number of non-empty sub-blocks of a run of n trajectories: every full chunk has all P of them
     * (P(P − 1) &lt; C), the last chunk of n_c trajectories ceil(n_c/ceil(n_c/P)).
     */
    public static long blockCount(long n, int d, boolean covariance) {
        requireTrajectories(n);
        int p = subBlocks(d, covariance);
        long chunks = (n - 1) / CHUNK + 1;
        long last = n - (chunks - 1) * CHUNK;
        return (chunks - 1) * blocksIn(CHUNK, p) + blocksIn(last, p);
    }

    /**
     * The first trajectory of sub-block g (0 ≤ g ≤ {@link #blockCount}; g = blockCount gives n), sub-blocks
     * numbered in the order the run adds them to its totals.
     */
    public static long blockStart(long n, int d, boolean covariance, long g) {
        long total = blockCount(n, d, covariance);
        if (g < 0 || g > total) {
            throw new IllegalArgumentException("block: " + g + " is outside [0, " + total + "]");
        }
        if (g == total) {
            return n;
        }
        int p = subBlocks(d, covariance);
        long perChunk = blocksIn(CHUNK, p);
        long chunk = g / perChunk;
        long chunkStart = chunk * CHUNK;
        long size = ceilDiv(Math.min(CHUNK, n - chunkStart), p);
        return chunkStart + (g - chunk * perChunk) * size;
    }

    /**
     * The sub-block holding trajectory t (0 ≤ t ≤ n; t = n gives {@link #blockCount}): t is a sub-block boundary
     * iff {@code blockStart(blockOf(t)) == t}.
     */
    public static long blockOf(long n, int d, boolean covariance, long t) {
        requireTrajectories(n);
        if (t < 0 || t > n) {
            throw new IllegalArgumentException("trajectory: " + t + " is outside [0, " + n + "]");
        }
        if (t == n) {
            return blockCount(n, d, covariance);
        }
        int p = subBlocks(d, covariance);
        long chunk = t / CHUNK;
        long chunkStart = chunk * CHUNK;
        long size = ceilDiv(Math.min(CHUNK, n - chunkStart), p);
        return chunk * blocksIn(CHUNK, p) + (t - chunkStart) / size;
    }

    /** The number of non-empty sub-blocks in [first, first + count), after {@link #requireRange}. */
    public static long rangeBlocks(long n, int d, boolean covariance, long first, long count) {
        requireRange(n, d, covariance, first, count);
        return blockOf(n, d, covariance, first + count) - blockOf(n, d, covariance, first);
    }

    /**
     * Checks that [first, first + count) lies in [0, n) and starts and ends on sub-block boundaries.
     *
     * @throws IllegalArgumentException naming the value, and for a misaligned end the boundaries around it
     */
    public static void requireRange(long n, int d, boolean covariance, long first, long count) {
        requireTrajectories(n);
        if (first < 0 || first >= n) {
            throw new IllegalArgumentException("first: " + first + " is outside [0, " + n + ")");
        }
        if (count < 1 || count > n - first) {
            throw new IllegalArgumentException("count: " + count + " is outside [1, " + (n - first) + "]");
        }
        requireBoundary("first", n, d, covariance, first);
        requireBoundary("first + count", n, d, covariance, first + count);
    }

    private static void requireBoundary(String what, long n, int d, boolean covariance, long t) {
        long g = blockOf(n, d, covariance, t);
        long start = blockStart(n, d, covariance, g);
        if (start != t) {
            throw new IllegalArgumentException(what + ": " + t + " is not a sub-block boundary (sub-block " + g
                    + " covers [" + start + ", " + blockStart(n, d, covariance, g + 1) + "); see blockStart)");
        }
    }

    /**
     * The run totals (the layout of this class) from ranges that cover [0, N) in order: each range's blocks added
     * to zeroed totals, block after block, exactly as the kernels add their sub-blocks, so the result is the bits
     * of a whole-run {@link ResetSimulationKernel#simulate}. Empty ranges are skipped; the centres are the
     * first non-empty range's (every range computes the same pilot).
     *
     * @throws IllegalArgumentException when the ranges leave a gap or overlap, miss [0, N), or a block array has
     *                                  the wrong length
     */
    public static double[] merge(ResetSimulationConfig c, java.util.List<RangeSums> ranges) {
        int d = c.dimension();
        boolean cov = c.covariance();
        long n = c.trajectories();
        int blockLength = (int) blockLength(d, cov);
        double[] totals = new double[(int) length(d, cov)];
        long next = 0;
        boolean centred = false;
        for (RangeSums r : ranges) {
            if (r.first() != next && r.count() > 0) {
                throw new IllegalArgumentException("ranges: one starts at " + r.first() + ", expected " + next
                        + " (ranges must be consecutive, in order)");
            }
            if (r.count() == 0) {
                continue;
            }
            if (r.centres().length != 2 * d || (long) r.blocks() * blockLength != r.blockSums().length) {
                throw new IllegalArgumentException("range at " + r.first() + ": " + r.centres().length + " centres and "
                        + r.blockSums().length + " block sums, expected " + 2 * d + " and " + r.blocks() + " × "
                        + blockLength);
            }
            if (!centred) {
                System.arraycopy(r.centres(), 0, totals, vector(d, SNAP_CENTRE), 2 * d);
                centred = true;
            }
            for (int b = 0; b < r.blocks(); b++) {
                addBlock(totals, d, cov, r.blockSums(), b * blockLength);
            }
            next += r.count();
        }
        if (next != n) {
            throw new IllegalArgumentException("ranges: cover [0, " + next + "), expected [0, " + n + ")");
        }
        return totals;
    }

    /** totals += the packed block at {@code offset}, element by element (the kernels' per-sub-block addition). */
    public static void addBlock(double[] totals, int d, boolean covariance, double[] blocks, int offset) {
        int q = offset;
        for (int i = 0; i < 4 * d; i++) {
            totals[i] += blocks[q++];
        }
        if (covariance) {
            for (int r = 0; r < 5; r++) {
                int off = matrix(d, r);
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j <= i; j++) {
                        totals[off + i * d + j] += blocks[q++];
                    }
                }
            }
        }
    }

    /** Copies the sums' sub-block part (all but the centres, lower triangles only) into a packed block. */
    public static void packBlock(double[] sums, int d, boolean covariance, double[] blocks, int offset) {
        int q = offset;
        for (int i = 0; i < 4 * d; i++) {
            blocks[q++] = sums[i];
        }
        if (covariance) {
            for (int r = 0; r < 5; r++) {
                int off = matrix(d, r);
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j <= i; j++) {
                        blocks[q++] = sums[off + i * d + j];
                    }
                }
            }
        }
    }

    private static long blocksIn(long chunk, int p) {
        return ceilDiv(chunk, ceilDiv(chunk, p));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static void requireTrajectories(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("trajectories: " + n + " is outside [1, 2^63)");
        }
    }

    /** The checks every kernel makes beyond the config's own: bounded work per trajectory, array sizes. */
    public static void validate(ResetSimulationConfig c) {
        double[] p = c.lawParameters();
        double meanBound = c.law().kind().meanLowerBound(p);
        double segments = c.horizon() / meanBound;
        if (!(segments <= MAX_STEPS_PER_TRAJECTORY)) {
            throw new IllegalArgumentException("horizon: " + c.horizon() + " is " + segments + " mean inter-reset"
                    + " times of " + c.law().kind().spec(p) + "; at most " + MAX_STEPS_PER_TRAJECTORY + " per trajectory");
        }
        if (c.scheme() == ResetSimulationConfig.Scheme.EULER && !(c.horizon() / c.step() <= MAX_STEPS_PER_TRAJECTORY)) {
            throw new IllegalArgumentException("step: " + c.step() + " makes " + c.horizon() / c.step()
                    + " Euler steps over the horizon; at most " + MAX_STEPS_PER_TRAJECTORY);
        }
        if (c.covariance() && c.dimension() > MAX_COVARIANCE_DIMENSION) {
            throw new IllegalArgumentException("dimension: " + c.dimension() + " is outside [1, "
                    + MAX_COVARIANCE_DIMENSION + "] for covariance runs");
        }
        if (c.dimension() > (1 << 28)) {
            throw new IllegalArgumentException("dimension: " + c.dimension() + " is outside [1, 2^28]");
        }
    }

    /** The estimates of a run from its sums (the spec's "Estimates"). */
    public static ResetSimulation finish(ResetSimulationConfig c, double[] sums, long events, double seconds) {
        int d = c.dimension();
        long n = c.trajectories();
        double nd = n;
        double[] snapMean = new double[d];
        double[] snapSe = new double[d];
        double[] timeMean = new double[d];
        double[] timeSe = new double[d];
        meanAndError(sums, vector(d, SNAP_SUM), vector(d, SNAP_SUM_SQ), d, n, snapMean, snapSe);
        meanAndError(sums, vector(d, TIME_SUM), vector(d, TIME_SUM_SQ), d, n, timeMean, timeSe);
        if (!c.covariance()) {
            return new ResetSimulation(n, events, seconds, snapMean, snapSe, timeMean, timeSe, null, null, null,
                    null, null);
        }
        double[] snapCov = new double[d * d];
        double[] snapCovSe = new double[d * d];
        double[] timeCov = new double[d * d];
        double[] timeCovSe = new double[d * d];
        double[] timeMeanCov = new double[d * d];
        covariance(sums, d, n, matrix(d, SNAP_P), matrix(d, SNAP_W2), vector(d, SNAP_SUM), vector(d, SNAP_CENTRE),
                snapMean, snapCov, snapCovSe);
        covariance(sums, d, n, matrix(d, TIME_P), matrix(d, TIME_W2), vector(d, TIME_SUM), vector(d, TIME_CENTRE),
                timeMean, timeCov, timeCovSe);
        int xx = matrix(d, TIME_XX);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = sums[xx + i * d + j] / nd - timeMean[i] * timeMean[j];
                timeMeanCov[i * d + j] = v;
                timeMeanCov[j * d + i] = v;
            }
        }
        return new ResetSimulation(n, events, seconds, snapMean, snapSe, timeMean, timeSe, snapCov, snapCovSe,
                timeCov, timeCovSe, timeMeanCov);
    }

    private static void meanAndError(double[] sums, int sum, int sumSq, int d, long n, double[] mean, double[] se) {
        double nd = n;
        for (int k = 0; k < d; k++) {
            double m = sums[sum + k] / nd;
            mean[k] = m;
            se[k] = standardError(sums[sumSq + k] / nd - m * m, n);
        }
    }

    private static void covariance(double[] sums, int d, long n, int p, int w2, int sum, int centre, double[] mean,
            double[] cov, double[] se) {
        double nd = n;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sp = sums[p + i * d + j];
                double v = sp / nd - mean[i] * mean[j];
                double sw = (sp - sums[centre + i] * sums[sum + j]) - sums[sum + i] * sums[centre + j];
                double m = sw / nd;
                double e = standardError(sums[w2 + i * d + j] / nd - m * m, n);
                cov[i * d + j] = v;
                cov[j * d + i] = v;
                se[i * d + j] = e;
                se[j * d + i] = e;
            }
        }
    }

    /** sqrt(variance/(N − 1)), a negative rounding residue counted as 0; 0 when N = 1. */
    private static double standardError(double variance, long n) {
        return n > 1 ? Math.sqrt(Math.max(variance, 0) / (n - 1)) : 0;
    }
}
