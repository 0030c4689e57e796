package org.eigenbasis.resetting;

/**
 * Resets every T time units exactly: mean T, P(τ &gt; t) = [t &lt; T], E[e^(−sτ)] = e^(−sT).
 *
 * @param period T, finite and &gt; 0
 */
public record Deterministic(double period) implements RenewalLaw {
    public Deterministic {
        RenewalLaw.requireParameter("det", "T", period, 0, false, "");
    }

    @Override
    public Kind kind() {
        return Kind.DETERMINISTIC;
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
        RenewalLaw.requireRate(s);
        return Math.exp(-s * period);
    }

    @Override
    public String spec() {
        return "det(T=" + LawSpec.format(period) + ")";
    }
}
