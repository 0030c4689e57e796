package org.eigenbasis.resetting;

import org.eigenbasis.value.LawKind;

/**
 * Gamma inter-reset times with shape k and scale θ: mean kθ, E[τ²] = k(k+1)θ², P(τ &gt; t) = Q(k, t/θ) (regularised
 * upper incomplete gamma), E[e^(−sτ)] = (1 + θs)^(−k). k = 1 is the exponential law with rate 1/θ.
 *
 * @param shape k, finite and &gt; 0
 * @param scale θ, finite and &gt; 0
 */
public record GammaLaw(double shape, double scale) implements RenewalLaw {
    public GammaLaw {
        LawKind.GAMMA.requireValid(shape, scale);
    }

    @Override
    public LawKind kind() {
        return LawKind.GAMMA;
    }

    @Override
    public double[] parameters() {
        return new double[] {shape, scale};
    }

    @Override
    public double mean() {
        return shape * scale;
    }

    @Override
    public double secondMoment() {
        return shape * (shape + 1) * scale * scale;
    }

    @Override
    public double survival(double t) {
        return t <= 0 ? 1 : SpecialFunctions.regularizedGammaQ(shape, t / scale);
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return true;
    }

    @Override
    public double laplace(double s) {
        LawChecks.requireRate(s);
        return Math.exp(-shape * Math.log1p(scale * s));
    }

    @Override
    public String spec() {
        return "gamma(k=" + LawSpec.format(shape) + ",scale=" + LawSpec.format(scale) + ")";
    }
}
