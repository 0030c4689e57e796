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
