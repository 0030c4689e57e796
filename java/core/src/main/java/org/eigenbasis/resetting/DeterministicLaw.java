package org.eigenbasis.resetting;

import org.eigenbasis.value.LawKind;

/**
 * Resets every T time units exactly: mean T, P(τ &gt; t) = [t &lt; T], E[e^(−sτ)] = e^(−sT).
 *
 * @param period T, finite and &gt; 0
 */
public record DeterministicLaw(double period) implements RenewalLaw {
    public DeterministicLaw {
        LawKind.DETERMINISTIC.requireValid(period);
    }

    @Override
    public LawKind kind() {
        return LawKind.DETERMINISTIC;
    }

    @Override
    public double[] parameters() {
        return new double[] {period};
    }

    @Override
    public double mean() {
        return period;
    }

    @Override
    public double secondMoment() {
        return period * period;
    }

    @Override
    public double survival(double t) {
        return t < period ? 1 : 0;
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return true;
    }

    @Override
    public double laplace(double s) {
        LawChecks.requireRate(s);
        return Math.exp(-s * period);
    }

    @Override
    public String spec() {
        return "det(T=" + LawSpec.format(period) + ")";
    }
}
