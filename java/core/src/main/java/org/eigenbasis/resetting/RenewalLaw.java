package org.eigenbasis.resetting;

import org.eigenbasis.internal.random.LawSampler;
import org.eigenbasis.value.LawKind;
import org.eigenbasis.value.SampledLaw;

/**
 * The law of the i.i.d. inter-reset times τ &gt; 0 of a renewal process, as an immutable value. Every law has a
 * finite mean (the laws that would not, Pareto and Lomax with α ≤ 1, are refused at construction), a survival
 * function P(τ &gt; t), a second moment E[τ²] (possibly +∞), a Laplace transform E[e^(−sτ)] (closed form where
 * {@link #hasClosedFormLaplace()}, accurate quadrature otherwise) and seeded, counter-based sampling that is
 * bit-identical in the java and cpu backends.
 *
 * <p>Laws are written and parsed in the CLI form {@code exp(rate=R)}, {@code det(T=T)}, {@code gamma(k=K,scale=S)},
 * {@code uniform(a=A,b=B)}, {@code lognormal(mu=M,sigma=S)}, {@code weibull(k=K,scale=S)},
 * {@code pareto(xm=X,alpha=A)}, {@code lomax(scale=S,alpha=A)}; see {@link #parse(String)} and {@link #spec()}.
 * The empirical law ({@link EmpiricalLaw}) is built from observed reset times.
 */
public sealed interface RenewalLaw extends SampledLaw
        permits ExponentialLaw, DeterministicLaw, GammaLaw, UniformLaw, LogNormalLaw, WeibullLaw, ParetoLaw, LomaxLaw, EmpiricalLaw {

    /** The law's family; {@link LawKind#code()} is the integer the native kernels use. */
    @Override
    LawKind kind();

    /**
     * The parameters in the order of {@link #spec()} (for {@link EmpiricalLaw}: the sorted observations), as the
     * native kernels read them.
     */
    @Override
    double[] parameters();

    /** E[τ], finite and &gt; 0. */
    double mean();

    /** E[τ²]; {@code Double.POSITIVE_INFINITY} for Pareto and Lomax with α ≤ 2. */
    double secondMoment();

    /** P(τ &gt; t); 1 for t &lt; 0. */
    double survival(double t);

    /** Whether {@link #laplace(double)} is a closed form (else quadrature, relative accuracy about 1e-10). */
    boolean hasClosedFormLaplace();

    /** E[e^(−sτ)] for s ≥ 0. */
    default double laplace(double s) {
        LawChecks.requireRate(s);
        // s·E[τ] ≤ 1: 1 − s·E[τ]·E_A[e^(−sA)] (A the stationary age; the result is ≥ e^(−1), little
        // cancellation); beyond, a direct quadrature of E[e^(−sτ)] so small values keep their relative accuracy.
        return AgeExpectation.laplace(this, s);
    }

    /** The canonical CLI form, e.g. {@code gamma(k=2.0,scale=0.5)}; {@link #parse(String)} reads it back. */
    String spec();

    /** {@code count} draws of τ from the counter-based stream {@code seed}; the same numbers on every backend. */
    default double[] sample(int count, long seed) {
        return LawSampler.sample(kind().code(), parameters(), count, seed);
    }

    /**
     * Poisson resetting, {@link ExponentialLaw}: P(τ &gt; t) = e^(−rt), mean 1/r, E[τ²] = 2/r². Its filter is ridge,
     * h(μ) = μ/(μ + r), with λ_eff = r at every μ. CLI form {@code exp(rate=R)}.
     *
     * @param rate r, finite and &gt; 0
     * @throws IllegalArgumentException naming {@code exp rate} and the range (0, ∞) when r is outside it
     */
    static RenewalLaw exponential(double rate) {
        return new ExponentialLaw(rate);
    }

    /**
     * Resetting every T exactly, {@link DeterministicLaw}: τ = T, mean T, E[τ²] = T², E[e^(−sτ)] = e^(−sT); the
     * stationary age is uniform on [0, T]. CLI form {@code det(T=T)}.
     *
     * @param period T, finite and &gt; 0
     * @throws IllegalArgumentException naming {@code det T} and the range (0, ∞) when T is outside it
     */
    static RenewalLaw deterministic(double period) {
        return new DeterministicLaw(period);
    }

    /**
     * Gamma inter-reset times, {@link GammaLaw}: density t^(k−1)e^(−t/θ)/(Γ(k)θ^k), mean kθ, E[τ²] = k(k+1)θ²,
     * E[e^(−sτ)] = (1 + θs)^(−k); k = 1 is exp(rate = 1/θ). CLI form {@code gamma(k=K,scale=S)}.
     *
     * @param shape k, finite and &gt; 0
     * @param scale θ, finite and &gt; 0
     * @throws IllegalArgumentException naming {@code gamma k} or {@code gamma scale} and the range (0, ∞)
     */
    static RenewalLaw gamma(double shape, double scale) {
        return new GammaLaw(shape, scale);
    }

    /**
     * Inter-reset times uniform on [a, b], {@link UniformLaw}: mean (a + b)/2, E[τ²] = (a² + ab + b²)/3,
     * E[e^(−sτ)] = (e^(−sa) − e^(−sb))/(s(b − a)). CLI form {@code uniform(a=A,b=B)}.
     *
     * @param a the lower end, finite and ≥ 0
     * @param b the upper end, finite and &gt; a
     * @throws IllegalArgumentException naming {@code uniform a} (range [0, ∞)) or {@code uniform b} (range (a, ∞))
     */
    static RenewalLaw uniform(double a, double b) {
        return new UniformLaw(a, b);
    }

    /**
     * Log-normal inter-reset times, {@link LogNormalLaw}: ln τ ~ N(μ, σ²), mean e^(μ + σ²/2), E[τ²] = e^(2μ + 2σ²),
     * P(τ &gt; t) = Φ((μ − ln t)/σ); Laplace transform by quadrature. CLI form {@code lognormal(mu=M,sigma=S)}.
     *
     * @param mu    μ, finite
     * @param sigma σ, finite and &gt; 0, with |μ| + σ² &lt; 300 so that the moments are representable
     * @throws IllegalArgumentException naming {@code lognormal mu}, {@code lognormal sigma} or the bound on
     *                                  |μ| + σ², with the legal range
     */
    static RenewalLaw lognormal(double mu, double sigma) {
        return new LogNormalLaw(mu, sigma);
    }

    /**
     * Weibull inter-reset times, {@link WeibullLaw}: P(τ &gt; t) = e^(−(t/λ)^k), mean λΓ(1 + 1/k),
     * E[τ²] = λ²Γ(1 + 2/k); Laplace transform by quadrature. CLI form {@code weibull(k=K,scale=S)}.
     *
     * @param shape k, finite and ≥ 0.02 (below, Γ(1 + 2/k) overflows)
     * @param scale λ, finite and &gt; 0
     * @throws IllegalArgumentException naming {@code weibull k} (range [0.02, ∞)) or {@code weibull scale}
     *                                  (range (0, ∞))
     */
    static RenewalLaw weibull(double shape, double scale) {
        return new WeibullLaw(shape, scale);
    }

    /**
     * Pareto (type I) inter-reset times, {@link ParetoLaw}: P(τ &gt; t) = (x_m/t)^α for t ≥ x_m, mean
     * αx_m/(α − 1), E[τ²] = αx_m²/(α − 2) for α &gt; 2 and +∞ for α ≤ 2 (then λ_eff(0) = 0 and a flat direction with
     * noise has infinite variance); Laplace transform by quadrature. CLI form {@code pareto(xm=X,alpha=A)}.
     *
     * @param xm    x_m, finite and &gt; 0
     * @param alpha α, finite and &gt; 1 (α ≤ 1 has an infinite mean: no stationary state)
     * @throws IllegalArgumentException naming {@code pareto xm} (range (0, ∞)) or {@code pareto alpha} (range (1, ∞))
     */
    static RenewalLaw pareto(double xm, double alpha) {
        return new ParetoLaw(xm, alpha);
    }

    /**
     * Lomax (Pareto type II) inter-reset times, {@link LomaxLaw}: P(τ &gt; t) = (1 + t/s)^(−α), mean s/(α − 1),
     * E[τ²] = 2s²/((α − 1)(α − 2)) for α &gt; 2 and +∞ for α ≤ 2; Laplace transform by quadrature. CLI form
     * {@code lomax(scale=S,alpha=A)}.
     *
     * @param scale s, finite and &gt; 0
     * @param alpha α, finite and &gt; 1 (α ≤ 1 has an infinite mean: no stationary state)
     * @throws IllegalArgumentException naming {@code lomax scale} (range (0, ∞)) or {@code lomax alpha} (range
     *                                  (1, ∞))
     */
    static RenewalLaw lomax(double scale, double alpha) {
        return new LomaxLaw(scale, alpha);
    }

    /**
     * The empirical law of observed inter-reset times, {@link EmpiricalLaw}: each of the n observations with
     * probability 1/n; mean, E[τ²] and E[e^(−sτ)] = (1/n)Σe^(−s t_i) are exact sums. The times are copied and sorted;
     * the law has no CLI form ({@link #spec()} is {@code empirical(n=N,mean=M)}, which {@link #parse} refuses).
     *
     * @param resetTimes the observed times t_1..t_n, n ≥ 1, each finite and &gt; 0, in any order
     * @throws IllegalArgumentException on null or no times, or naming {@code observations[i]} outside (0, ∞)
     */
    static RenewalLaw empirical(double... resetTimes) {
        return new EmpiricalLaw(resetTimes);
    }

    /**
     * Reads the CLI form {@code name(key=value,...)} (see {@link LawSpec}): {@code exp(rate=R)}, {@code det(T=T)},
     * {@code gamma(k=K,scale=S)}, {@code uniform(a=A,b=B)}, {@code lognormal(mu=M,sigma=S)},
     * {@code weibull(k=K,scale=S)}, {@code pareto(xm=X,alpha=A)}, {@code lomax(scale=S,alpha=A)}. Names and keys
     * are case-insensitive, spaces ignored, keys in any order, each exactly once; {@code parse(law.spec())} gives
     * back an equal law for every law but the empirical one.
     *
     * @param text the law, e.g. {@code gamma(k=2,scale=0.5)}
     * @return the law, as the factory of the same name builds it
     * @throws IllegalArgumentException on null, an unknown name, a missing, unknown or repeated key, a value that is
     *                                  not a number, or a parameter outside its range (as the factories), naming the
     *                                  offending part and the legal forms or keys
     */
    static RenewalLaw parse(String text) {
        return LawSpec.parse(text);
    }
}
