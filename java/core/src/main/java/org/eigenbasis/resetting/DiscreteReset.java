package org.eigenbasis.resetting;

import java.util.Locale;

/**
 * Discrete-time gradient descent θ ← θ − η(Hθ − b) that, before each step, is reset to the origin with
 * probability p. Its stationary mean solves m = (1 − p)(m − η(Hm − b)), i.e. (H + λI)m = b with
 *
 * <pre>  λ = p / ((1 − p) η):</pre>
 *
 * exact ridge in every direction, the discrete twin of Poisson resetting (geometric inter-reset times). The
 * mean recursion converges when (1 − p)|1 − ημ| &lt; 1 for every eigenvalue μ, i.e. η &lt; (2 − p)/((1 − p)μ_max).
 * O(1); exact to rounding; throws {@link IllegalArgumentException} naming the parameter and its legal range.
 */
public final class DiscreteReset {
    private DiscreteReset() {
    }

    /** λ = p/((1 − p)η) for p ∈ (0, 1) and η ∈ (0, ∞), both finite. */
    public static double equivalentRidge(double p, double eta) {
        requireProbability(p);
        requireStep(eta);
        return p / ((1 - p) * eta);
    }

    /** The largest step for which the mean recursion contracts: (2 − p)/((1 − p)μ_max), μ_max &gt; 0. */
    public static double maxStableStep(double p, double muMax) {
        requireProbability(p);
        if (!(muMax > 0) || !Double.isFinite(muMax)) {
            throw new IllegalArgumentException("muMax: " + muMax + " is outside (0, ∞) (finite)");
        }
        return (2 - p) / ((1 - p) * muMax);
    }

    private static void requireProbability(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "p: %s is outside (0, 1): the reset probability per step", p));
        }
    }

    private static void requireStep(double eta) {
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("eta: " + eta + " is outside (0, ∞) (finite): the step size");
        }
    }
}
