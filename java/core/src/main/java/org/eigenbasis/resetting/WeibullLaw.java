package org.eigenbasis.resetting;

import org.eigenbasis.value.LawKind;

/**
 * Weibull inter-reset times with shape k and scale λ: P(τ &gt; t) = e^(−(t/λ)^k), mean λΓ(1 + 1/k),
 * E[τ²] = λ²Γ(1 + 2/k). The Laplace transform has no closed form (quadrature).
 *
 * @param shape k, finite and ≥ 0.02 (below that Γ(1 + 2/k) overflows)
 * @param scale λ, finite and &gt; 0
 */
public record WeibullLaw(double shape, double scale) implements RenewalLaw {
    public WeibullLaw {
        LawKind.WEIBULL.requireValid(shape, scale);
    }

    @Override
    public LawKind kind() {
        return LawKind.WEIBULL;
    }

    @Override
    public double[] parameters() {
        return new double[] {shape, scale};
    }

    @Override
    public double mean() {
        return scale * Math.exp(SpecialFunctions.logGamma(1 + 1 / shape));
    }

    @Override
    public double secondMoment() {
        return scale * scale * Math.exp(SpecialFunctions.logGamma(1 + 2 / shape));
    }

    @Override
    public double survival(double t) {
        return t <= 0 ? 1 : Math.exp(-Math.pow(t / scale, shape));
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return false;
    }

    @Override
    public String spec() {
        return "weibull(k=" + LawSpec.format(shape) + ",scale=" + LawSpec.format(scale) + ")";
    }
}
