package org.eigenbasis.filter;

/**
 * f(λ) = 1 / (λ + δ): (A + δI)⁻¹ as a spectral function. Singular where λ = −δ; the call then fails naming it.
 *
 * @param delta the damping δ, finite and ≥ 0
 */
public record DampedInverse(double delta) implements SpectralFilter {
    public DampedInverse {
        FilterParameters.require("delta", delta, 0, true);
    }

    @Override
    public double apply(double lambda) {
        return 1 / (lambda + delta);
    }

    @Override
    public String describe() {
        return "damped_inverse(delta=" + delta + ")";
    }
}
