package org.eigenbasis.resetting;

import org.eigenbasis.value.LawKind;

/**
 * Inter-reset times uniform on [a, b]: mean (a + b)/2, E[τ²] = (a² + ab + b²)/3,
 * E[e^(−sτ)] = (e^(−sa) − e^(−sb)) / (s(b − a)).
 *
 * @param a the lower end, finite and ≥ 0
 * @param b the upper end, finite and &gt; a
 */
public record UniformLaw(double a, double b) implements RenewalLaw {
    public UniformLaw {
        LawKind.UNIFORM.requireValid(a, b);
    }

    @Override
    public LawKind kind() {
        return LawKind.UNIFORM;
    }

    @Override
    public double[] parameters() {
        return new double[] {a, b};
    }

    @Override
    public double mean() {
        return 0.5 * (a + b);
    }

    @Override
    public double secondMoment() {
        return (a * a + a * b + b * b) / 3;
    }

    @Override
    public double survival(double t) {
        if (t < a) {
            return 1;
        }
        return t >= b ? 0 : (b - t) / (b - a);
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return true;
    }

    @Override
    public double laplace(double s) {
        LawChecks.requireRate(s);
        double w = s * (b - a);
        if (w == 0) {
            return Math.exp(-s * a);
        }
        // e^(−sa)·(1 − e^(−s(b−a)))/(s(b−a)): a product of positive factors, no cancellation.
        return Math.exp(-s * a) * (-Math.expm1(-w) / w);
    }

    @Override
    public String spec() {
        return "uniform(a=" + LawSpec.format(a) + ",b=" + LawSpec.format(b) + ")";
    }
}
