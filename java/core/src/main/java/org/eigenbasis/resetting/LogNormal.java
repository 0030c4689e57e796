package org.eigenbasis.resetting;

/**
 * Log-normal inter-reset times, ln τ ~ N(μ, σ²): mean e^(μ + σ²/2), E[τ²] = e^(2μ + 2σ²),
 * P(τ &gt; t) = Φ((μ − ln t)/σ). The Laplace transform has no closed form (quadrature).
 *
 * @param mu μ, finite
 * @param sigma σ, finite and &gt; 0; with the mean it must be representable (μ + σ²/2 &lt; 700)
 */
public record LogNormal(double mu, double sigma) implements RenewalLaw {
    public LogNormal {
        if (!Double.isFinite(mu)) {
            throw new IllegalArgumentException("lognormal mu: " + mu + " is outside (−∞, ∞) (finite)");
        }
        RenewalLaw.requireParameter("lognormal", "sigma", sigma, 0, false, "");
        if (!(Math.abs(mu) + sigma * sigma < 300)) {
            throw new IllegalArgumentException("lognormal: |mu| + sigma² = " + (Math.abs(mu) + sigma * sigma)
                    + " is outside [0, 300): the moments would overflow double precision");
        }
    }

    @Override
    public Kind kind() {
        return Kind.LOGNORMAL;
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
