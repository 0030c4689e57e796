package org.eigenbasis.precond;

/**
 * AdamW (Loshchilov and Hutter 2019) with torch.optim.AdamW's semantics and defaults, run by the eigenbasis core
 * in the identity basis. Per element, step t:
 * <pre>
 *   p ← p·(1 − lr·wd);   m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
 *   p ← p − lr/(1 − β₁ᵗ) · m / (√(v/(1 − β₂ᵗ)) + ε)
 * </pre>
 *
 * @param lr          learning rate, ≥ 0 (default 1e-3)
 * @param betas       (β₁, β₂), each in [0, 1) (default (0.9, 0.999))
 * @param eps         ≥ 0 (default 1e-8)
 * @param weightDecay decoupled, ≥ 0 (default 0.01)
 */
public record AdamWConfig(double lr, double[] betas, double eps, double weightDecay) {
    public AdamWConfig {
        Checks.nonNegative("lr", lr);
        betas = Checks.betas(betas);
        Checks.nonNegative("eps", eps);
        Checks.nonNegative("weight_decay", weightDecay);
    }

    /** torch.optim.AdamW's defaults (listed above). */
    public static AdamWConfig defaults() {
        return new AdamWConfig(1e-3, new double[] {0.9, 0.999}, 1e-8, 0.01);
    }

    public AdamWConfig withLr(double v) {
        return new AdamWConfig(v, betas, eps, weightDecay);
    }

    public AdamWConfig withBetas(double beta1, double beta2) {
        return new AdamWConfig(lr, new double[] {beta1, beta2}, eps, weightDecay);
    }

    public AdamWConfig withEps(double v) {
        return new AdamWConfig(lr, betas, v, weightDecay);
    }

    public AdamWConfig withWeightDecay(double v) {
        return new AdamWConfig(lr, betas, eps, v);
    }

    /** A copy: the record keeps its own. */
    @Override
    public double[] betas() {
        return betas.clone();
    }

    /** Value equality, betas by content. */
    @Override
    public boolean equals(Object o) {
        return ConfigRecords.equal(this, o);
    }

    @Override
    public int hashCode() {
        return ConfigRecords.hash(this);
    }

    @Override
    public String toString() {
        return ConfigRecords.text(this);
    }

    public PreconditionerSpec toSpec() {
        return PreconditionerSpec.builder("adamw").basis(PreconditionerSpec.Basis.IDENTITY)
                .diagonal(PreconditionerSpec.Diagonal.SECOND_MOMENT).exponent(0.5)
                .beta1(betas[0]).beta2(betas[1]).eps(eps).epsAfterBiasCorrection(true).biasCorrection(true)
                .weightDecay(weightDecay).weightDecayMode(WeightDecayMode.DECOUPLED).build();
    }
}
