package org.eigenbasis.diffusion;

import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * Emergence times τ*_k of the modes of a spectrum (issue 14, point 2): by default the first training time at which
 * ln λ̃_k(τ) reaches the midpoint of ln λ̃_k(0) and ln λ̃_k(∞) ({@link EmergenceCriterion}), every mode starting
 * from the same init Q. Each mode costs O(60) closed-form evaluations of {@link ModeDynamics} (bracketing, then
 * bisection); nothing is allocated per evaluation. Thread-safe.
 *
 * <p><b>Shape of ln λ̃(τ).</b> ψ(τ; σ) moves monotonically from Q to K(σ) = λ/(λ + σ²) for every σ, but the
 * direction is sign(K(σ) − Q), and K falls with σ: where Q &lt; K (small σ) ψ rises, where Q &gt; K (large σ) it
 * falls. So ln λ̃ = 2 ln σ_max − 2∫(1 − ψ)/σ dσ is monotone in τ only when K − Q keeps one sign on
 * [σ_min, σ_max] (e.g. Q ≤ λ/(λ + σ_max²)); with the defaults (Q = 0.1, σ_max = 80) a mode of λ = 1 first dips.
 * What does hold for both models is that <b>ln λ̃ has at most one turning point, and it is a minimum</b> (it can
 * only fall first, then rise): d ln λ̃/dτ = 2∫ ∂_τψ dσ/σ is, in u = σ²,
 * <ul>
 *   <li>one layer: ∫ (K − Q)·2η(u + λ)·e^(−2ητ(u + λ)) du/(2u), a Laplace transform in the rate r = 2η(u + λ) of a
 *       measure whose sign, sign(K − Q), changes at most once in r, from + (small σ, slow) to − (large σ, fast);
 *       the fast falling part dies first;</li>
 *   <li>two layer: ψ depends on τ only through c = e^(−8ηλτ), ∂_cψ = −KQ(K − Q)/((K − Q)c + Q)², and the kernel
 *       ((K − Q)c + Q)^(−2) is sign-regular of order 2 in (K − Q, c) (∂²ln/∂s∂c = −2Q/(sc + Q)² &lt; 0).</li>
 * </ul>
 * By the variation-diminishing property of sign-regular kernels (Karlin, <i>Total Positivity</i>, 1968, ch. 5) the
 * derivative changes sign at most once in τ. Hence any level strictly between ln λ̃(0) and ln λ̃(∞) is crossed
 * exactly once: when λ̃(∞) &gt; λ̃(0) the early fall stays below the level; when λ̃(∞) &lt; λ̃(0) the fall crosses it
 * and the late rise ends at λ̃(∞), below it ({@code EmergenceTimesTest} checks both on a fine grid). That makes
 * the log-midpoint and fraction times well defined and found by bracketing: from τ = 1/η double or halve τ until
 * the sign of ln λ̃(τ) − level differs at the two ends, then bisect on ln τ until τ_hi/τ_lo − 1 ≤
 * {@link EmergenceConfig#relativeTolerance()} (about 45 halvings for 1e-12). The returned τ is the geometric mean of
 * the last bracket; its accuracy is also limited by the rounding of ln λ̃ (≈ 1e-15·|ln λ̃| over the slope
 * d ln λ̃/d ln τ at the root).
 *
 * <p><b>KL threshold.</b> KL(λ̃, λ) is convex in ln λ̃ with its minimum at λ, so along the (at most two) monotone
 * pieces of the path the set {KL ≤ v} can be entered and left; the first entry is found by a scan of 32 points per
 * decade over [τ½·10⁻⁸, τ½·10⁸] around the log-midpoint time τ½, then bisection. An entry and exit between two scan
 * points (a factor 10^(1/32) in τ) would be missed; a threshold below KL(∞) that is never met gives
 * {@link Outcome#NOT_REACHED}.
 *
 * <p><b>No emergence.</b> A mode with |ln λ̃(∞) − ln λ̃(0)| ≤ {@link EmergenceConfig#minLogGap()} (λ̃(0) = λ̃(∞),
 * which happens at one λ for each Q &lt; 1) is reported {@link Outcome#NO_EMERGENCE} with time NaN.
 */
public final class EmergenceTimes {
    private static final double MAX_LOG_TAU = 700;
    private static final int SCAN_PER_DECADE = 32;
    private static final double SCAN_DECADES = 8;

    /** What the search found for one mode. */
    public enum Outcome {
        /** {@link Mode#time()} is the emergence time. */
        EMERGED,
        /** λ̃(0) and λ̃(∞) agree within {@link EmergenceConfig#minLogGap()}: nothing emerges; time NaN. */
        NO_EMERGENCE,
        /** The KL threshold is not met at any scanned τ (it lies below KL at τ = ∞); time NaN. */
        NOT_REACHED
    }

    /**
     * One mode's emergence.
     *
     * @param lambda           the data variance λ
     * @param time             τ*, or NaN unless {@link Outcome#EMERGED}
     * @param outcome          what was found
     * @param initialVariance  λ̃(0)
     * @param finalVariance    λ̃(∞)
     */
    public record Mode(double lambda, double time, Outcome outcome, double initialVariance, double finalVariance) {
        public boolean emerged() {
            return outcome == Outcome.EMERGED;
        }
    }

    private final DenoiserModel model;
    private final DiffusionConfig diffusion;
    private final EmergenceConfig config;

    private EmergenceTimes(DenoiserModel model, DiffusionConfig diffusion, EmergenceConfig config) {
        this.model = Objects.requireNonNull(model, "model");
        this.diffusion = Objects.requireNonNull(diffusion, "diffusion");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Emergence times of {@code model} trained and sampled as {@code diffusion} says, located as {@code config} says. */
    public static EmergenceTimes of(DenoiserModel model, DiffusionConfig diffusion, EmergenceConfig config) {
        return new EmergenceTimes(model, diffusion, config);
    }

    /** With {@link EmergenceConfig#defaults()} (log-midpoint). */
    public static EmergenceTimes of(DenoiserModel model, DiffusionConfig diffusion) {
        return of(model, diffusion, EmergenceConfig.defaults());
    }

    public DenoiserModel model() {
        return model;
    }

    public DiffusionConfig diffusion() {
        return diffusion;
    }

    public EmergenceConfig config() {
        return config;
    }

    /** Every mode of {@code spectrum}, in its (descending) order. */
    public Mode[] of(Spectrum spectrum) {
        Objects.requireNonNull(spectrum, "spectrum");
        Mode[] modes = new Mode[spectrum.size()];
        for (int k = 0; k < modes.length; k++) {
            modes[k] = mode(spectrum.value(k));
        }
        return modes;
    }

    /**
     * The emergence of one mode of variance λ (finite, ≥ 0; the KL criterion needs λ &gt; 0).
     *
     * @throws IllegalArgumentException naming λ when it is negative or non-finite, or 0 under the KL criterion
     */
    public Mode mode(double lambda) {
        ModeDynamics.check(model, lambda, 0, diffusion);
        if (config.criterion() == EmergenceCriterion.KL_THRESHOLD && !(lambda > 0)) {
            throw new IllegalArgumentException("lambda: " + lambda + " is outside (0, ∞); the KL criterion divides by it");
        }
        double initialLog = logVariance(lambda, 0);
        double finalVariance = ModeDynamics.finalGeneratedVariance(lambda, diffusion);
        double finalLog = Math.log(finalVariance);
        double initial = Math.exp(initialLog);
        if (!(Math.abs(finalLog - initialLog) > config.minLogGap())) {
            return new Mode(lambda, Double.NaN, Outcome.NO_EMERGENCE, initial, finalVariance);
        }
        double midpoint = crossing(lambda, 0.5 * (initialLog + finalLog));
        double time = switch (config.criterion()) {
            case LOG_MIDPOINT -> midpoint;
            case FRACTION -> crossing(lambda, Math.log(initial + config.fraction() * (finalVariance - initial)));
            case KL_THRESHOLD -> firstKlEntry(lambda, midpoint);
        };
        Outcome outcome = Double.isNaN(time) ? Outcome.NOT_REACHED : Outcome.EMERGED;
        return new Mode(lambda, time, outcome, initial, finalVariance);
    }

    private double logVariance(double lambda, double tau) {
        return ModeDynamics.logGeneratedVariance(model, lambda, tau, diffusion);
    }

    /** The unique τ where ln λ̃(τ) crosses {@code level}, which lies strictly between ln λ̃(0) and ln λ̃(∞). */
    private double crossing(double lambda, double level) {
        double sideAtZero = Math.signum(logVariance(lambda, 0) - level);
        DoubleUnaryOperator side = logTau -> Math.signum(logVariance(lambda, Math.exp(logTau)) - level);
        double start = -Math.log(diffusion.eta());
        double s = side.applyAsDouble(start);
        if (s == 0) {
            return Math.exp(start);
        }
        double lo;
        double hi;
        if (s == sideAtZero) {
            lo = start;
            hi = start + Math.log(2);
            while ((s = side.applyAsDouble(hi)) == sideAtZero) {
                lo = hi;
                hi += Math.log(2);
                requireInRange(hi, lambda);
            }
        } else {
            hi = start;
            lo = start - Math.log(2);
            while ((s = side.applyAsDouble(lo)) != sideAtZero) {
                if (s == 0) {
                    return Math.exp(lo);
                }
                hi = lo;
                lo -= Math.log(2);
                requireInRange(lo, lambda);
            }
        }
        return bisect(side, sideAtZero, lo, hi);
    }

    /** Bisection on ln τ: side(lo) = before, side(hi) ≠ before. */
    private double bisect(DoubleUnaryOperator side, double before, double lo, double hi) {
        double width = Math.log1p(config.relativeTolerance());
        while (hi - lo > width) {
            double mid = 0.5 * (lo + hi);
            double s = side.applyAsDouble(mid);
            if (s == 0) {
                return Math.exp(mid);
            }
            if (s == before) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.exp(0.5 * (lo + hi));
    }

    private double firstKlEntry(double lambda, double midpoint) {
        double threshold = config.klThreshold();
        DoubleUnaryOperator above = logTau -> Math.signum(
                ModeDynamics.klDivergence(Math.exp(logVariance(lambda, Math.exp(logTau))), lambda) - threshold);
        if (ModeDynamics.klDivergence(Math.exp(logVariance(lambda, 0)), lambda) <= threshold) {
            return 0;
        }
        double step = Math.log(10) / SCAN_PER_DECADE;
        double from = Math.log(midpoint) - SCAN_DECADES * Math.log(10);
        int points = (int) (2 * SCAN_DECADES * SCAN_PER_DECADE);
        if (above.applyAsDouble(from) <= 0) {
            return bisect(above, 1, Math.max(-MAX_LOG_TAU, from - 60 * Math.log(10)), from);
        }
        for (int i = 1; i <= points; i++) {
            double t = from + i * step;
            if (above.applyAsDouble(t) <= 0) {
                return bisect(above, 1, t - step, t);
            }
        }
        return Double.NaN;
    }

    private static void requireInRange(double logTau, double lambda) {
        if (Math.abs(logTau) > MAX_LOG_TAU) {
            throw new IllegalStateException("emergence of lambda = " + lambda + " not bracketed within τ ∈ [e^−700, e^700]");
        }
    }
}
