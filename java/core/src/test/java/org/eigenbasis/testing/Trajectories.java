package org.eigenbasis.testing;

import java.util.List;
import java.util.function.Function;
import org.eigenbasis.spi.Backend;

/**
 * Tolerances for comparing two optimizer trajectories (the parameters after every step), as native's
 * OptimizerParityContract derives them: each side is backward stable kernel by kernel, with backward error at most
 * N·u relative (N the largest number of terms any sum of the step has; u the unit roundoff); how far such errors
 * move the trajectory is a property of the seeded problem, its condition S, measured here on the java backend in
 * f64 with a {@link BackwardErrorProbe} (every kernel's input or output perturbed by η relative, in random
 * directions; S the largest change per unit η over a few probes, linear in η). Each side is then within N·u·S of the
 * exact trajectory, and the two within 2·N·u·S of each other.
 *
 * <p>Errors are measured relative to the distance moved: at each step, the largest difference of an entry over the
 * largest distance any entry of the reference has moved from the start so far.
 */
public final class Trajectories {
    /** The probe's relative perturbation: far above f64 rounding (2⁻⁵³), far below 1/S. */
    public static final double ETA = 0x1p-26;
    /** Probes per measurement: one random direction can underestimate S (native's probes spread by up to 14×). */
    public static final int PROBES = 4;

    private Trajectories() {
    }

    /**
     * max over steps t of max_i |a_t,i − b_t,i| / (the largest distance any entry of b moved from {@code origin} in
     * steps ≤ t); where b has not moved yet, any difference is infinitely large.
     */
    public static double worstRelative(double[][] a, double[][] b, double[] origin) {
        double moved = 0;
        double worst = 0;
        for (int t = 0; t < a.length; t++) {
            moved = Math.max(moved, maxDistance(b[t], origin));
            double err = maxDistance(a[t], b[t]);
            if (moved > 0) {
                worst = Math.max(worst, err / moved);
            } else if (err > 0) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return worst;
    }

    /** The largest distance any entry of the trajectory moved from {@code origin}. */
    public static double moved(double[][] trajectory, double[] origin) {
        double moved = 0;
        for (double[] step : trajectory) {
            moved = Math.max(moved, maxDistance(step, origin));
        }
        return moved;
    }

    /**
     * S: the largest change of the trajectory per unit of kernel-level backward error, {@link #worstRelative} of a
     * probed run against the plain one over {@link #ETA}, the largest over {@link #PROBES} seeded probes. The
     * trajectory must be f64 (so its own rounding, 2⁻⁵³, is far below η).
     */
    public static double condition(Function<Backend, double[][]> trajectory, Backend base, double[] origin) {
        double[][] exact = trajectory.apply(base);
        double s = 0;
        for (int seed = 0; seed < PROBES; seed++) {
            double[][] probed = trajectory.apply(new BackwardErrorProbe(base, ETA, 13 + seed));
            s = Math.max(s, worstRelative(probed, exact, origin) / ETA);
        }
        return s;
    }

    /** 2·N·u·max(S, 1): two backward-stable runs of condition S (S ≥ 1: the last rounding counts once). */
    public static double tolerance(int n, double unitRoundoff, double condition) {
        return 2 * n * unitRoundoff * Math.max(condition, 1);
    }

    static double maxDistance(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** The parts one after another: a trajectory point from the parameters' arrays. */
    public static double[] flatten(List<double[]> parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
