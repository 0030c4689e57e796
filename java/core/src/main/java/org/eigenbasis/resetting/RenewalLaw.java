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

    static RenewalLaw exponential(double rate) {
        return new ExponentialLaw(rate);
    }

    static RenewalLaw deterministic(double period) {
        return new DeterministicLaw(period);
    }

    static RenewalLaw gamma(double shape, double scale) {
        return new GammaLaw(shape, scale);
    }

    static RenewalLaw uniform(double a, double b) {
        return new UniformLaw(a, b);
    }

    static RenewalLaw lognormal(double mu, double sigma) {
        return new LogNormalLaw(mu, sigma);
    }

    static RenewalLaw weibull(double shape, double scale) {
        return new WeibullLaw(shape, scale);
    }

    static RenewalLaw pareto(double xm, double alpha) {
        return new ParetoLaw(xm, alpha);
    }

    static RenewalLaw lomax(double scale, double alpha) {
        return new LomaxLaw(scale, alpha);
    }

    static RenewalLaw empirical(double... resetTimes) {
        return new EmpiricalLaw(resetTimes);
    }

    /** Reads the CLI form; see {@link LawSpec}. */
    static RenewalLaw parse(String text) {
        return LawSpec.parse(text);
    }
}
