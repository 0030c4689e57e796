package org.eigenbasis.cli;

import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetFilter;

/**
 * A reset filter sampled at curvatures: h(μ) and λ_eff(μ) exactly as {@link ResetFilter} gives them (so
 * λ_eff(0) is the library's limit 2E[τ]/E[τ²], not 0/0), for {@code filter} and {@code reset experiment}.
 */
record FilterCurve(RenewalLaw law, double[] mu, double[] h, double[] lambdaEff) {
    static FilterCurve of(RenewalLaw law, double[] mu) {
        ResetFilter filter = ResetFilter.of(law);
        double[] h = new double[mu.length];
        double[] lambda = new double[mu.length];
        for (int i = 0; i < mu.length; i++) {
            h[i] = filter.apply(mu[i]);
            lambda[i] = filter.effectiveRidge(mu[i]);
        }
        return new FilterCurve(law, mu, h, lambda);
    }
}
