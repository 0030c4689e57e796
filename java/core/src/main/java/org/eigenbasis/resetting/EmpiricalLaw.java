package org.eigenbasis.resetting;

import java.util.Arrays;
import org.eigenbasis.value.LawKind;

/**
 * The empirical law of observed inter-reset times t_1..t_n: each with probability 1/n. Mean, second moment,
 * survival and E[e^(−sτ)] = (1/n)Σe^(−s t_i) are exact sums; sampling draws an observation uniformly.
 *
 * @param observations the observed times, sorted ascending; each finite and &gt; 0; at least one
 */
public record EmpiricalLaw(double[] observations) implements RenewalLaw {
    public EmpiricalLaw {
        if (observations == null || observations.length == 0) {
            throw new IllegalArgumentException("empirical observations: length 0 is outside [1, 2^31): need at"
                    + " least one reset time");
        }
        observations = observations.clone();
        for (int i = 0; i < observations.length; i++) { // before sorting, so the message names the caller's index
            if (!(observations[i] > 0) || !Double.isFinite(observations[i])) {
                throw new IllegalArgumentException("empirical observations[" + i + "]: " + observations[i]
                        + " is outside (0, ∞) (finite)");
            }
        }
        Arrays.sort(observations);
        LawKind.EMPIRICAL.requireValid(observations);
    }

    @Override
    public double[] observations() {
        return observations.clone();
    }

    @Override
    public LawKind kind() {
        return LawKind.EMPIRICAL;
    }

    @Override
    public double[] parameters() {
        return observations.clone();
    }

    @Override
    public double mean() {
        double s = 0;
        for (double t : observations) {
            s += t;
        }
        return s / observations.length;
    }

    @Override
    public double secondMoment() {
        double s = 0;
        for (double t : observations) {
            s += t * t;
        }
        return s / observations.length;
    }

    @Override
    public double survival(double t) {
        // Count of observations > t, by binary search on the sorted array.
        int lo = 0;
        int hi = observations.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (observations[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) (observations.length - lo) / observations.length;
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return true;
    }

    @Override
    public double laplace(double s) {
        LawChecks.requireRate(s);
        double sum = 0;
        for (double t : observations) {
            sum += Math.exp(-s * t);
        }
        return sum / observations.length;
    }

    @Override
    public String spec() {
        return "empirical(n=" + observations.length + ",mean=" + LawSpec.format(mean()) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmpiricalLaw e && Arrays.equals(observations, e.observations);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(observations);
    }

    @Override
    public String toString() {
        return spec();
    }
}
