package org.eigenbasis.filter;

/**
 * f(λ) = (1 − e^(−tλ)) / λ, the operator that gradient flow dθ/ds = −(Hθ − b) from θ = 0 applies to b up to
 * time t: θ(t) = f(H) b. Equals t·g(tλ) with g(x) = (1 − e^(−x))/x = −expm1(−x)/x, evaluated by its Taylor
 * series 1 − x/2 + x²/6 − x³/24 for |x| &lt; 1e−4 (relative error below 1e−18), so it is accurate as λ → 0 and
 * exactly t at λ = 0. For λ &lt; 0 it grows like e^(t|λ|)/|λ| and fails when that overflows.
 *
 * @param t the time, finite and ≥ 0
 */
public record GradientFlow(double t) implements SpectralFilter {
    public GradientFlow {
        FilterParameters.require("t", t, 0, true);
    }

    @Override
    public double apply(double lambda) {
        double x = t * lambda;
        double g;
        if (Math.abs(x) < 1e-4) {
            g = 1 - x / 2 * (1 - x / 3 * (1 - x / 4));
        } else {
            g = -Math.expm1(-x) / x;
        }
        return t * g;
    }

    @Override
    public String describe() {
        return "gradient_flow(t=" + t + ")";
    }
}
