package org.eigenbasis.precond;

/**
 * K-FAC (Martens and Grosse 2015) and EK-FAC (George et al. 2018) for linear layers W (out × in) whose inputs a_n
 * and output gradients g_n the caller passes as {@link Gradients.LayerStatistics} (so G = Σ_n g_n a_nᵀ). Step t:
 * <pre>
 *   A ← β_f A + (1 − β_f)·(1/N) Σ a aᵀ,  S ← β_f S + (1 − β_f)·(1/N) Σ g gᵀ   (at t = 1: A, S = the batch's)
 *   Q_A, λ_A, Q_S, λ_S = eigh(A), eigh(S) at t = 1 and whenever t is a multiple of f
 *   G̃ = Q_Sᵀ G Q_A
 *   K-FAC:  c_ij = λ_S,i λ_A,j
 *   EK-FAC: c_ij ← β_f c_ij + (1 − β_f)·(1/N) Σ_n (Q_Sᵀ g_n)_i² (Q_Aᵀ a_n)_j²  (the batch's value after a basis
 *           change: policy RESET)
 *   d_ij = c_ij + δ (ADDITIVE) or (λ_S,i + √δ/π)(λ_A,j + π√δ) (FACTORED_TIKHONOV, K-FAC only);
 *   δ = damping, or 0.1 × mean(c) when damping is NaN
 *   m ← μm + (1 − μ)·(G̃ / d);   p ← p − lr/(1 − μᵗ) · Q_S m Q_Aᵀ   (L2 weight decay: G ← G + wd·W first)
 * </pre>
 * Other parameters (biases, scalars) take momentum SGD with the same lr and μ. Defaults: alecwangcq/KFAC-Pytorch's
 * stat decay 0.95, momentum 0.9, T_inv 100 and L2 weight decay; its lr 1e-3 with heavy-ball momentum equals
 * lr 1e-2 with our averaged (1 − μ) momentum, so lr defaults to 1e-2; damping is NaN (automatic) per this library.
 *
 * @param ekfac            EK-FAC instead of K-FAC
 * @param lr               ≥ 0
 * @param momentum         μ in [0, 1)
 * @param statDecay        β_f in [0, 1)
 * @param damping          δ ≥ 0, or NaN for automatic
 * @param dampingMode      ADDITIVE or FACTORED_TIKHONOV
 * @param weightDecay      L2, ≥ 0
 * @param preconditionFrequency ≥ 1
 */
public record KfacConfig(boolean ekfac, double lr, double momentum, double statDecay, double damping,
                         KfacDamping dampingMode, double weightDecay, int preconditionFrequency) {
    public KfacConfig {
        Checks.nonNegative("lr", lr);
        Checks.beta("momentum", momentum);
        Checks.beta("stat_decay", statDecay);
        if (!Double.isNaN(damping)) {
            Checks.nonNegative("damping", damping);
        }
        java.util.Objects.requireNonNull(dampingMode, "dampingMode");
        if (ekfac && dampingMode == KfacDamping.FACTORED_TIKHONOV) {
            throw new IllegalArgumentException("damping_mode: FACTORED_TIKHONOV is K-FAC only; EK-FAC uses ADDITIVE");
        }
        Checks.nonNegative("weight_decay", weightDecay);
        Checks.atLeast("precondition_frequency", preconditionFrequency, 1);
    }

    /** K-FAC with KFAC-Pytorch's defaults (listed above); {@code defaults().withEkfac(true)} for EK-FAC. */
    public static KfacConfig defaults() {
        return defaults(false);
    }

    /** KFAC-Pytorch's defaults (listed above), for K-FAC or EK-FAC. */
    public static KfacConfig defaults(boolean ekfac) {
        return new KfacConfig(ekfac, 1e-2, 0.9, 0.95, Double.NaN, KfacDamping.ADDITIVE, 0, 100);
    }

    public KfacConfig withEkfac(boolean v) {
        return new KfacConfig(v, lr, momentum, statDecay, damping, dampingMode, weightDecay, preconditionFrequency);
    }

    public KfacConfig withLr(double v) {
        return new KfacConfig(ekfac, v, momentum, statDecay, damping, dampingMode, weightDecay, preconditionFrequency);
    }

    public KfacConfig withMomentum(double v) {
        return new KfacConfig(ekfac, lr, v, statDecay, damping, dampingMode, weightDecay, preconditionFrequency);
    }

    public KfacConfig withStatDecay(double v) {
        return new KfacConfig(ekfac, lr, momentum, v, damping, dampingMode, weightDecay, preconditionFrequency);
    }

    public KfacConfig withDamping(double v) {
        return new KfacConfig(ekfac, lr, momentum, statDecay, v, dampingMode, weightDecay, preconditionFrequency);
    }

    public KfacConfig withDampingMode(KfacDamping v) {
        return new KfacConfig(ekfac, lr, momentum, statDecay, damping, v, weightDecay, preconditionFrequency);
    }

    public KfacConfig withWeightDecay(double v) {
        return new KfacConfig(ekfac, lr, momentum, statDecay, damping, dampingMode, v, preconditionFrequency);
    }

    public KfacConfig withPreconditionFrequency(int v) {
        return new KfacConfig(ekfac, lr, momentum, statDecay, damping, dampingMode, weightDecay, v);
    }

    public PreconditionerSpec toSpec() {
        return PreconditionerSpec.builder(ekfac ? "ekfac" : "kfac").basis(PreconditionerSpec.Basis.LAYER_FACTORS)
                .diagonal(ekfac ? PreconditionerSpec.Diagonal.EKFAC : PreconditionerSpec.Diagonal.KRONECKER_EIGENVALUES)
                .exponent(1).beta1(momentum).beta2(statDecay).eps(0).epsAfterBiasCorrection(false)
                .biasCorrection(true).factorBeta(statDecay).factorInitFromFirst(true)
                .refresh(PreconditionerSpec.Refresh.EIGH).precondFrequency(preconditionFrequency)
                .basisChange(ekfac ? BasisChangePolicy.RESET : BasisChangePolicy.KEEP)
                .damping(dampingMode).dampingValue(damping).weightDecay(weightDecay)
                .weightDecayMode(WeightDecayMode.L2).build();
    }
}
