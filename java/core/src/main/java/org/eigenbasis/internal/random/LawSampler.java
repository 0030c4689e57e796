package org.eigenbasis.internal.random;

/**
 * Seeded, counter-based sampling of every renewal law (by its {@code EB_LAW_*} code), exactly as {@code docs/resetting-simulator.md}
 * ("Random numbers") specifies and {@code native/src/cpu/reset_sim.cpp} repeats: inter-reset draws τ and the
 * stationary start (age A₀ and residual R₀ from the size-biased length). A sampler is immutable and holds the
 * law's parameters in the form the draws read (for the empirical law, also the prefix sums of the observations).
 */
public final class LawSampler {
    /** Law codes, as {@code EB_LAW_*} in {@code eb_api.h}. */
    public static final int EXPONENTIAL = 0;
    public static final int DETERMINISTIC = 1;
    public static final int GAMMA = 2;
    public static final int UNIFORM = 3;
    public static final int LOGNORMAL = 4;
    public static final int WEIBULL = 5;
    public static final int PARETO = 6;
    public static final int LOMAX = 7;
    public static final int EMPIRICAL = 8;

    private final int kind;
    private final double p0;
    private final double p1;
    private final double[] values;
    private final double[] prefix;

    /** A sampler for law {@code kind} (one of the codes above) with parameters {@code p} in kernel order. */
    public LawSampler(int kind, double[] p) {
        this.kind = kind;
        this.values = p;
        this.p0 = p.length > 0 ? p[0] : 0;
        this.p1 = p.length > 1 ? p[1] : 0;
        if (kind == EMPIRICAL) {
            prefix = new double[p.length];
            double s = 0;
            for (int i = 0; i < p.length; i++) {
                s += p[i];
                prefix[i] = s;
            }
        } else {
            prefix = null;
        }
    }

    /** {@code count} draws of τ: draw i is the first draw of stream (seed, i). */
    public static double[] sample(int kind, double[] parameters, int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " is outside [0, 2^31)");
        }
        LawSampler sampler = new LawSampler(kind, parameters);
        Philox.Stream stream = new Philox.Stream(seed);
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = sampler.next(stream.reset(i));
        }
        return out;
    }

    /** One inter-reset time τ. */
    public double next(Philox.Stream s) {
        switch (kind) {
            case EXPONENTIAL:
                return -DetMath.log(s.uniform()) / p0;
            case DETERMINISTIC:
                return p0;
            case GAMMA:
                return p1 * s.gamma(p0);
            case UNIFORM:
                return p0 + (p1 - p0) * s.uniform();
            case LOGNORMAL:
                return DetMath.exp(p0 + p1 * s.normal());
            case WEIBULL:
                return p1 * DetMath.exp(DetMath.log(-DetMath.log(s.uniform())) / p0);
            case PARETO:
                return p0 * DetMath.exp(-DetMath.log(s.uniform()) / p1);
            case LOMAX:
                return p0 * DetMath.expm1(-DetMath.log(s.uniform()) / p1);
            case EMPIRICAL: {
                int n = values.length;
                double idx = floor(s.uniform() * n);
                return values[idx < n - 1 ? (int) idx : n - 1];
            }
            default:
                throw new IllegalStateException("law kind " + kind);
        }
    }

    /** The stationary start: writes the age A₀ to out[0] and the time to the first reset R₀ to out[1]. */
    public void start(Philox.Stream s, double[] out) {
        double biased;
        switch (kind) {
            case EXPONENTIAL:
                biased = (-DetMath.log(s.uniform()) - DetMath.log(s.uniform())) / p0;
                break;
            case DETERMINISTIC:
                biased = p0;
                break;
            case GAMMA:
                biased = p1 * s.gamma(p0 + 1);
                break;
            case UNIFORM:
                biased = Math.sqrt(p0 * p0 + s.uniform() * (p1 * p1 - p0 * p0));
                break;
            case LOGNORMAL:
                biased = DetMath.exp((p0 + p1 * p1) + p1 * s.normal());
                break;
            case WEIBULL:
                biased = p1 * DetMath.exp(DetMath.log(s.gamma(1 + 1 / p0)) / p0);
                break;
            case PARETO:
                biased = p0 * DetMath.exp(-DetMath.log(s.uniform()) / (p1 - 1));
                break;
            case LOMAX: {
                double age = p0 * DetMath.expm1(-DetMath.log(s.uniform()) / (p1 - 1));
                out[0] = age;
                out[1] = (p0 + age) * DetMath.expm1(-DetMath.log(s.uniform()) / p1);
                return;
            }
            case EMPIRICAL: {
                double target = s.uniform() * prefix[prefix.length - 1];
                int lo = 0;
                int hi = prefix.length - 1;
                while (lo < hi) { // the first i with prefix[i] > target (the last one always is)
                    int mid = (lo + hi) >>> 1;
                    if (prefix[mid] > target) {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                biased = values[lo];
                break;
            }
            default:
                throw new IllegalStateException("law kind " + kind);
        }
        double age = s.uniform() * biased;
        out[0] = age;
        out[1] = biased - age;
    }

    private static double floor(double v) {
        return (double) (long) v; // v ≥ 0 and below 2^31 here
    }
}
