package org.eigenbasis.resetting;

import org.eigenbasis.value.LawKind;

/**
 * Lomax (Pareto type II) inter-reset times: P(τ &gt; t) = (1 + t/s)^(−α). Mean s/(α − 1); E[τ²] =
 * 2s²/((α − 1)(α − 2)) for α &gt; 2, infinite otherwise. The Laplace transform is evaluated by quadrature.
 *
 * @param scale s, finite and &gt; 0
 * @param alpha α, finite and &gt; 1 (α ≤ 1 has an infinite mean: no stationary state)
 */
public record LomaxLaw(double scale, double alpha) implements RenewalLaw {
    public LomaxLaw {
        LawKind.LOMAX.requireValid(scale, alpha);
    }

    @Override
    public LawKind kind() {
        return LawKind.LOMAX;
    }

    @Override
    public double[] parameters() {
        return new double[] {scale, alpha};
    }

    @Override
    public double mean() {
        return scale / (alpha - 1);
    }

    @Override
    public double secondMoment() {
        return alpha > 2 ? 2 * scale * scale / ((alpha - 1) * (alpha - 2)) : Double.POSITIVE_INFINITY;
    }

    @Override
    public double survival(double t) {
        return t <= 0 ? 1 : Math.exp(-alpha * Math.log1p(t / scale));
    }

    @Override
    public boolean hasClosedFormLaplace() {
        return false;
    }

    @Override
    public String spec() {
        return "lomax(scale=" + LawSpec.format(scale) + ",alpha=" + LawSpec.format(alpha) + ")";
    }
}
