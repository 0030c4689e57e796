package org.eigenbasis.resetting;

import org.eigenbasis.value.LawKind;

/**
 * Pareto (type I) inter-reset times: P(τ &gt; t) = (x_m/t)^α for t ≥ x_m, else 1. Mean αx_m/(α − 1);
 * E[τ²] = αx_m²/(α − 2) for α &gt; 2, infinite otherwise. The Laplace transform αE_{α+1}(s x_m) is evaluated by
 * quadrature.
 *
 * @param xm x_m, finite and &gt; 0
 * @param alpha α, finite and &gt; 1 (α ≤ 1 has an infinite mean: no stationary state)
 */
public record ParetoLaw(double xm, double alpha) implements RenewalLaw {
    public ParetoLaw {
        LawKind.PARETO.requireValid(xm, alpha);
    }

    @Override
    public LawKind kind() {
        return LawKind.PARETO;
    }

    @Override
    public double[] parameters() {
        return new double[] {xm, alpha};
    }

    @Override
    public double mean() {
        return alpha * xm / (alpha - 1);
    }

    @Override
    public double secondMoment() {
        return alpha > 2 ? alpha * xm * xm / (alpha - 2) : Double.POSITIVE_INFINITY;
    }

    @Override
    public double survival(double t) {
        return t < xm ? 1 : Math.pow(xm / t, alpha);
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return false;
    }

    @Override
    public String spec() {
        return "pareto(xm=" + LawSpec.format(xm) + ",alpha=" + LawSpec.format(alpha) + ")";
    }
}
