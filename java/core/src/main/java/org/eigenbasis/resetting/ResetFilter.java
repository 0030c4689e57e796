package org.eigenbasis.resetting;

import org.eigenbasis.filter.SpectralFilter;

/** TEMP skeleton: replaced by the filter work. h(μ) = E_A[1 − e^(−μA)]. */
public final class ResetFilter implements SpectralFilter {
    private final RenewalLaw law;

    private ResetFilter(RenewalLaw law) {
        this.law = law;
    }

    public static ResetFilter of(RenewalLaw law) {
        return new ResetFilter(law);
    }

    public RenewalLaw law() {
        return law;
    }

    /** h(μ). */
    @Override
    public double apply(double mu) {
        throw new UnsupportedOperationException("TEMP");
    }

    /** 1 − h(μ) = E_A[e^(−μA)]. */
    public double complement(double mu) {
        throw new UnsupportedOperationException("TEMP");
    }

    /** λ_eff(μ) = μ(1 − h)/h. */
    public double effectiveRidge(double mu) {
        throw new UnsupportedOperationException("TEMP");
    }

    @Override
    public String describe() {
        return "reset(" + law.spec() + ")";
    }
}
