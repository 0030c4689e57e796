package org.eigenbasis.filter;

/**
 * f(λ) = (max(λ, 0) + ε)^(−1/p), the inverse p-th root used by Shampoo (p = 4 for L^(−1/4)) and by
 * whitening (p = 2). Meant for positive semidefinite A: eigenvalues below 0 (from rounding) count as 0.
 * With ε = 0 a zero eigenvalue has no inverse root and the call fails naming it.
 *
 * @param p       the root, finite and &gt; 0
 * @param epsilon the damping ε, finite and ≥ 0
 */
public record InverseRoot(double p, double epsilon) implements SpectralFilter {
    public InverseRoot {
        FilterParameters.require("p", p, 0, false);
        FilterParameters.require("epsilon", epsilon, 0, true);
    }

    @Override
    public double apply(double lambda) {
        double x = Math.max(lambda, 0) + epsilon;
        if (p == 2) {
            return 1 / Math.sqrt(x);
        }
        if (p == 4) {
            return 1 / Math.sqrt(Math.sqrt(x));
        }
        return Math.pow(x, -1 / p);
    }

    @Override
    public String describe() {
        return "inverse_root(p=" + p + ", eps=" + epsilon + ")";
    }
}
