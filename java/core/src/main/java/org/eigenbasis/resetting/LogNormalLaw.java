package org.eigenbasis.resetting;

import org.eigenbasis.value.LawKind;

/**
 * Log-normal inter-reset times, ln τ ~ N(μ, σ²): mean e^(μ + σ²/2), E[τ²] = e^(2μ + 2σ²),
 * P(τ &gt; t) = Φ((μ − ln t)/σ). The Laplace transform has no closed form (quadrature).
 *
 * @param mu μ, finite
 * @param sigma σ, finite and &gt; 0, with |μ| + σ² &lt; 300 so that the moments are representable
 */
public record LogNormalLaw(double mu, double sigma) implements RenewalLaw {
    public LogNormalLaw {
        LawKind.LOGNORMAL.requireValid(mu, sigma);
    }

    @Override
    public LawKind kind() {
        return LawKind.LOGNORMAL;
    }

    @Override
    public double[] parameters() {
        return new double[] {mu, sigma};
    }

    @Override
    public double mean() {
        return Math.exp(mu + 0.5 * sigma * sigma);
    }

    @Override
    public double secondMoment() {
        return Math.exp(2 * mu + 2 * sigma * sigma);
    }

    @Override
    public double survival(double t) {
        if (t <= 0) {
            return 1;
        }
        return 0.5 * SpecialFunctions.erfc((Math.log(t) - mu) / (sigma * Math.sqrt(2)));
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return false;
    }

    @Override
    public String spec() {
        return "lognormal(mu=" + LawSpec.format(mu) + ",sigma=" + LawSpec.format(sigma) + ")";
    }
}
