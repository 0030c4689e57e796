package org.eigenbasis.filter;

/**
 * f(λ) = λ / (λ + r), the ridge shrinkage of eigendirection λ: applied to H = XᵀX it maps the least-squares
 * solution to the ridge solution (H + rI)⁻¹ Xᵀy. Singular where λ = −r.
 *
 * @param r the ridge penalty, finite and &gt; 0
 */
public record Ridge(double r) implements SpectralFilter {
    public Ridge {
        FilterParameters.require("r", r, 0, false);
    }

    @Override
    public double apply(double lambda) {
        return lambda / (lambda + r);
    }

    @Override
    public String describe() {
        return "ridge(r=" + r + ")";
    }
}
