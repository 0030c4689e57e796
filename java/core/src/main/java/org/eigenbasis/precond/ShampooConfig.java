package org.eigenbasis.precond;

/**
 * Shampoo (Gupta et al. 2018; Anil et al. 2020) with norm grafting. Per block G (a tensor of order k with one
 * factor per dim ≤ max_precond_dim), step t:
 * <pre>
 *   F_k ← β₂F_k + (1 − β₂)·G_(k) G_(k)ᵀ   (β₂ = 1: F_k ← F_k + G_(k) G_(k)ᵀ; G_(k) = G unfolded along dim k)
 *   F_k = Q_k diag(λ_k) Q_kᵀ, recomputed (eigh) at t = 1 and whenever t is a multiple of f
 *   m ← β₁m + (1 − β₁)G (m = G when β₁ = 0)
 *   P = (m ×_k Q_kᵀ ⊙ Π_k (λ_k + ε)^{−e}) ×_k Q_k        (e = −exponent; default 1/(2·order), so for a matrix
 *                                                          P = (L + εI)^{−1/4} m (R + εI)^{−1/4})
 *   U = P·‖D‖_F/‖P‖_F with D the grafting direction ({@link Grafting}); U = D while t &lt; start_preconditioning_step
 *   p ← p·(1 − lr·wd);   p ← p − lr·U
 * </pre>
 * Defaults follow facebookresearch/optimizers' DistributedShampoo (lr 0.01, betas (0.9, 1.0), ε 1e-12, max dim
 * 1024, frequency 1, decoupled weight decay 0), with Adam grafting (β₂ 0.999, ε 1e-8) as its README recommends.
 *
 * @param lr                       ≥ 0
 * @param betas                    (β₁ in [0, 1), β₂ in [0, 1] with 1 = a sum)
 * @param eps                      added to every eigenvalue, ≥ 0
 * @param weightDecay              decoupled, ≥ 0
 * @param preconditionFrequency    eigendecompositions every f steps, ≥ 1
 * @param startPreconditioningStep ≥ 1; steps before it use the grafting direction alone
 * @param exponent                 per-factor root e &gt; 0, or 0 for 1/(2·order)
 * @param grafting                 the grafting method
 * @param graftBeta2               RMSprop/Adam grafting β in [0, 1)
 * @param graftEps                 grafting ε, ≥ 0
 * @param maxPrecondDim            ≥ 1
 * @param precondition1d           vectors get a factor (default true: L^{−1/2} g)
 */
public record ShampooConfig(double lr, double[] betas, double eps, double weightDecay, int preconditionFrequency,
                            int startPreconditioningStep, double exponent, Grafting grafting, double graftBeta2,
                            double graftEps, int maxPrecondDim, boolean precondition1d) {
    public ShampooConfig {
        Checks.nonNegative("lr", lr);
        if (betas == null || betas.length != 2) {
            throw new IllegalArgumentException("betas: must be two numbers (beta1, beta2)");
        }
        betas = betas.clone();
        Checks.beta("betas[0]", betas[0]);
        Checks.betaOrSum("betas[1]", betas[1]);
        Checks.nonNegative("eps", eps);
        Checks.nonNegative("weight_decay", weightDecay);
        Checks.atLeast("precondition_frequency", preconditionFrequency, 1);
        Checks.atLeast("start_preconditioning_step", startPreconditioningStep, 1);
        if (!(exponent >= 0 && exponent <= 4)) {
            throw new IllegalArgumentException("exponent: " + exponent + " is outside [0, 4] (0 = 1/(2·order))");
        }
        java.util.Objects.requireNonNull(grafting, "grafting");
        Checks.beta("graft_beta2", graftBeta2);
        Checks.nonNegative("graft_eps", graftEps);
        Checks.atLeast("max_precond_dim", maxPrecondDim, 1);
    }

    /** DistributedShampoo's defaults with Adam grafting (listed above). */
    public static ShampooConfig defaults() {
        return new ShampooConfig(0.01, new double[] {0.9, 1.0}, 1e-12, 0, 1, 1, 0, Grafting.ADAM, 0.999, 1e-8, 1024, true);
    }

    public ShampooConfig withLr(double v) {
        return new ShampooConfig(v, betas, eps, weightDecay, preconditionFrequency, startPreconditioningStep, exponent,
                grafting, graftBeta2, graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withBetas(double beta1, double beta2) {
        return new ShampooConfig(lr, new double[] {beta1, beta2}, eps, weightDecay, preconditionFrequency,
                startPreconditioningStep, exponent, grafting, graftBeta2, graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withEps(double v) {
        return new ShampooConfig(lr, betas, v, weightDecay, preconditionFrequency, startPreconditioningStep, exponent,
                grafting, graftBeta2, graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withWeightDecay(double v) {
        return new ShampooConfig(lr, betas, eps, v, preconditionFrequency, startPreconditioningStep, exponent, grafting,
                graftBeta2, graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withPreconditionFrequency(int v) {
        return new ShampooConfig(lr, betas, eps, weightDecay, v, startPreconditioningStep, exponent, grafting,
                graftBeta2, graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withStartPreconditioningStep(int v) {
        return new ShampooConfig(lr, betas, eps, weightDecay, preconditionFrequency, v, exponent, grafting, graftBeta2,
                graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withExponent(double v) {
        return new ShampooConfig(lr, betas, eps, weightDecay, preconditionFrequency, startPreconditioningStep, v,
                grafting, graftBeta2, graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withGrafting(Grafting v) {
        return new ShampooConfig(lr, betas, eps, weightDecay, preconditionFrequency, startPreconditioningStep, exponent,
                v, graftBeta2, graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withGraftBeta2(double v) {
        return new ShampooConfig(lr, betas, eps, weightDecay, preconditionFrequency, startPreconditioningStep, exponent,
                grafting, v, graftEps, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withGraftEps(double v) {
        return new ShampooConfig(lr, betas, eps, weightDecay, preconditionFrequency, startPreconditioningStep, exponent,
                grafting, graftBeta2, v, maxPrecondDim, precondition1d);
    }

    public ShampooConfig withMaxPrecondDim(int v) {
        return new ShampooConfig(lr, betas, eps, weightDecay, preconditionFrequency, startPreconditioningStep, exponent,
                grafting, graftBeta2, graftEps, v, precondition1d);
    }

    public ShampooConfig withPrecondition1d(boolean v) {
        return new ShampooConfig(lr, betas, eps, weightDecay, preconditionFrequency, startPreconditioningStep, exponent,
                grafting, graftBeta2, graftEps, maxPrecondDim, v);
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
        return PreconditionerSpec.builder("shampoo").basis(PreconditionerSpec.Basis.GRADIENT_FACTORS)
                .diagonal(PreconditionerSpec.Diagonal.EIGENVALUE_ROOTS).exponent(exponent)
                .beta1(betas[0]).beta2(0.999).eps(eps).epsAfterBiasCorrection(false).biasCorrection(true)
                .factorBeta(betas[1]).refresh(PreconditionerSpec.Refresh.EIGH).precondFrequency(preconditionFrequency)
                .startPreconditioningStep(startPreconditioningStep).grafting(grafting).graftBeta2(graftBeta2)
                .graftEps(graftEps).basisChange(BasisChangePolicy.KEEP).maxPrecondDim(maxPrecondDim)
                .precondition1d(precondition1d).weightDecay(weightDecay).weightDecayMode(WeightDecayMode.DECOUPLED)
                .build();
    }
}
