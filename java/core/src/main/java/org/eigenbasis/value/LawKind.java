package org.eigenbasis.value;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.eigenbasis.internal.random.LawSampler;

/**
 * The family of a renewal law and the legal range of its parameters, in the order the simulation kernels read
 * them ({@link SampledLaw#parameters()}). {@link #code()} is the integer of {@code EB_LAW_*} in {@code eb_api.h}.
 * {@link #requireValid} is the one check every law's constructor and every simulation config runs, so a kernel
 * never sees a parameter outside its range.
 */
public enum LawKind {
    /** exp(rate): rate r &gt; 0. */
    EXPONENTIAL(LawSampler.EXPONENTIAL, "exp", "rate"),
    /** det(T): period T &gt; 0. */
    DETERMINISTIC(LawSampler.DETERMINISTIC, "det", "T"),
    /** gamma(k, scale): both &gt; 0. */
    GAMMA(LawSampler.GAMMA, "gamma", "k", "scale"),
    /** uniform(a, b): 0 ≤ a &lt; b. */
    UNIFORM(LawSampler.UNIFORM, "uniform", "a", "b"),
    /** lognormal(mu, sigma): sigma &gt; 0 and |mu| + sigma² &lt; 300 (representable moments). */
    LOGNORMAL(LawSampler.LOGNORMAL, "lognormal", "mu", "sigma"),
    /** weibull(k, scale): k ≥ 0.02 (smaller shapes overflow the moments), scale &gt; 0. */
    WEIBULL(LawSampler.WEIBULL, "weibull", "k", "scale"),
    /** pareto(xm, alpha): xm &gt; 0, alpha &gt; 1 (finite mean). */
    PARETO(LawSampler.PARETO, "pareto", "xm", "alpha"),
    /** lomax(scale, alpha): scale &gt; 0, alpha &gt; 1 (finite mean). */
    LOMAX(LawSampler.LOMAX, "lomax", "scale", "alpha"),
    /** The observed times, at least one, each finite and &gt; 0, ascending. */
    EMPIRICAL(LawSampler.EMPIRICAL, "empirical");

    private final int code;
    private final String label;
    private final List<String> names;

    LawKind(int code, String label, String... names) {
        this.code = code;
        this.label = label;
        this.names = List.of(names);
    }

    /** The integer the native kernels use ({@code EB_LAW_*}). */
    public int code() {
        return code;
    }

    /** The name in the CLI form, e.g. {@code gamma}. */
    public String label() {
        return label;
    }

    /** The parameter names in kernel order (none for {@link #EMPIRICAL}, whose parameters are the observations). */
    public List<String> parameterNames() {
        return names;
    }

    /**
     * Checks {@code p} holds legal parameters for this family, in kernel order.
     *
     * @throws IllegalArgumentException naming the law, the parameter (or index) and its legal range
     */
    public void requireValid(double... p) {
        if (p == null) {
            throw new IllegalArgumentException(label + " parameters: null");
        }
        if (this == EMPIRICAL) {
            requireObservations(p);
            return;
        }
        if (p.length != names.size()) {
            throw new IllegalArgumentException(label + " parameters: length " + p.length + " must be "
                    + names.size() + " " + names);
        }
        switch (this) {
            case UNIFORM -> {
                require(0, p[0], 0, true, "");
                if (!(p[1] > p[0]) || !Double.isFinite(p[1])) {
                    throw new IllegalArgumentException("uniform b: " + p[1] + " is outside (a=" + format(p[0])
                            + ", ∞) (finite)");
                }
            }
            case LOGNORMAL -> {
                if (!Double.isFinite(p[0])) {
                    throw new IllegalArgumentException("lognormal mu: " + p[0] + " is outside (−∞, ∞) (finite)");
                }
                require(1, p[1], 0, false, "");
                double size = Math.abs(p[0]) + p[1] * p[1];
                if (!(size < 300)) {
                    throw new IllegalArgumentException("lognormal: |mu| + sigma² = " + size
                            + " is outside [0, 300): the moments would overflow double precision");
                }
            }
            case WEIBULL -> {
                require(0, p[0], 0.02, true, "smaller shapes overflow the moments");
                require(1, p[1], 0, false, "");
            }
            case PARETO, LOMAX -> {
                require(0, p[0], 0, false, "");
                require(1, p[1], 1, false, "alpha <= 1 has an infinite mean");
            }
            default -> {
                for (int i = 0; i < p.length; i++) {
                    require(i, p[i], 0, false, "");
                }
            }
        }
    }

    /**
     * A lower bound of the mean E[τ] from closed forms, exact but for Weibull (λΓ(1 + 1/k) ≥ 0.8856λ, as
     * Γ ≥ 0.8856 on (1, 2]): what the kernels bound their work per trajectory with. {@code p} must be valid.
     */
    public double meanLowerBound(double... p) {
        return switch (this) {
            case EXPONENTIAL -> 1 / p[0];
            case DETERMINISTIC -> p[0];
            case GAMMA -> p[0] * p[1];
            case UNIFORM -> 0.5 * (p[0] + p[1]);
            case LOGNORMAL -> Math.exp(p[0] + 0.5 * p[1] * p[1]);
            case WEIBULL -> 0.8856 * p[1];
            case PARETO -> p[1] * p[0] / (p[1] - 1);
            case LOMAX -> p[0] / (p[1] - 1);
            case EMPIRICAL -> {
                double sum = 0;
                for (double t : p) {
                    sum += t;
                }
                yield sum / p.length;
            }
        };
    }

    /** The CLI form of this family with parameters {@code p}, e.g. {@code gamma(k=2,scale=0.5)}. */
    public String spec(double... p) {
        StringBuilder b = new StringBuilder(label).append('(');
        if (this == EMPIRICAL) {
            b.append("n=").append(p.length);
        }
        for (int i = 0; i < names.size() && i < p.length; i++) {
            b.append(i == 0 ? "" : ",").append(names.get(i)).append('=').append(format(p[i]));
        }
        return b.append(')').toString();
    }

    private void require(int index, double value, double min, boolean inclusive, String why) {
        boolean ok = Double.isFinite(value) && (inclusive ? value >= min : value > min);
        if (!ok) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %s: %s is outside %s%s, ∞) (finite)%s",
                    label, names.get(index), value, inclusive ? "[" : "(", format(min), why.isEmpty() ? "" : ": " + why));
        }
    }

    private static void requireObservations(double[] t) {
        if (t.length == 0) {
            throw new IllegalArgumentException("empirical observations: length 0 is outside [1, 2^31): need at"
                    + " least one reset time");
        }
        for (int i = 0; i < t.length; i++) {
            if (!(t[i] > 0) || !Double.isFinite(t[i])) {
                throw new IllegalArgumentException("empirical observations[" + i + "]: " + t[i]
                        + " is outside (0, ∞) (finite)");
            }
            if (i > 0 && t[i] < t[i - 1]) {
                throw new IllegalArgumentException("empirical observations[" + i + "]: " + t[i]
                        + " is below observations[" + (i - 1) + "] = " + t[i - 1] + ": the kernels read them ascending");
            }
        }
    }

    /** The shortest plain decimal for the usual magnitudes, else Java's form ("0", "0.02", "1.0E-12"). */
    private static String format(double x) {
        double ax = Math.abs(x);
        if (x == 0 || (ax >= 1e-4 && ax < 1e9)) {
            return new BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
        }
        return Double.toString(x);
    }
}
