package org.eigenbasis.resetting;

import org.eigenbasis.value.LawKind;

/**
 * Exponential inter-reset times with rate r (Poisson resetting): mean 1/r, P(τ &gt; t) = e^(−rt),
 * E[e^(−sτ)] = r/(r + s). The only law whose filter is ridge, h(μ) = μ/(μ + r), in every eigendirection.
 *
 * @param rate r, finite and &gt; 0
 */
public record ExponentialLaw(double rate) implements RenewalLaw {
    public ExponentialLaw {
        LawKind.EXPONENTIAL.requireValid(rate);
    }

    @Override
    public LawKind kind() {
        return LawKind.EXPONENTIAL;
    }

    @Override
    public double[] parameters() {
        return new double[] {rate};
    }

    @Override
    public double mean() {
        return 1 / rate;
    }

    @Override
    public double secondMoment() {
        return 2 / (rate * rate);
    }

    @Override
    public double survival(double t) {
        return t <= 0 ? 1 : Math.exp(-rate * t);
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return true;
    }

    @Override
    public double laplace(double s) {
        LawChecks.requireRate(s);
        return rate / (rate + s);
    }

    @Override
    public String spec() {
        return "exp(rate=" + LawSpec.format(rate) + ")";
    }
}
