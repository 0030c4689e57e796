package org.eigenbasis.precond;

/**
 * SOAP (Vyas et al. 2024, "SOAP: Improving and Stabilizing Shampoo using Adam") with the semantics and defaults of
 * the reference implementation (github.com/nikhilvyas/SOAP, soap.py). Per matrix block G, step t (the first call
 * only initialises: F_L = (1 − β_s)·G Gᵀ, F_R = (1 − β_s)·Gᵀ G, Q = eigenvectors of F + 1e-30·I by descending
 * eigenvalue, parameters unchanged, t not advanced):
 * <pre>
 *   G̃ = Q_Lᵀ G Q_R;   m ← β₁m + (1 − β₁)G̃;   v ← β₂v + (1 − β₂)G̃²
 *   U = Q_L (m / (√v + ε)) Q_Rᵀ        (normalize_grads: U ← U / (1e-30 + RMS(U)))
 *   p ← p − lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · U;   p ← p − lr·wd·p
 *   F ← β_s F + (1 − β_s)·(G Gᵀ, Gᵀ G)  (β_s = shampoo_beta, or β₂ when shampoo_beta &lt; 0)
 *   every f steps, per factor: sort Q's columns by diag(QᵀFQ) descending, permute v along that dim the same way,
 *   Q ← qr(F Q); m is carried into the new basis exactly
 * </pre>
 * The sign of a basis column cancels in U (it multiplies the column and, through m, its coefficient), so the
 * QR's sign convention does not change the update. Tensors get one factor per dim ≤ max_precond_dim (merged with
 * merge_dims); vectors only with precondition_1d.
 *
 * @param lr                   ≥ 0 (default 3e-3)
 * @param betas                (β₁, β₂) in [0, 1) (default (0.95, 0.95))
 * @param shampooBeta          factor EMA in [0, 1), or &lt; 0 for β₂ (default −1)
 * @param eps                  ≥ 0 (default 1e-8)
 * @param weightDecay          ≥ 0 (default 0.01)
 * @param preconditionFrequency ≥ 1 (default 10)
 * @param maxPrecondDim        ≥ 1 (default 10000)
 * @param mergeDims            default false
 * @param precondition1d       default false
 * @param normalizeGrads       default false
 * @param correctBias          default true
 * @param basisChange          the second-moment policy at a refresh (default PERMUTE, the reference's)
 */
public record SoapConfig(double lr, double[] betas, double shampooBeta, double eps, double weightDecay,
                         int preconditionFrequency, int maxPrecondDim, boolean mergeDims, boolean precondition1d,
                         boolean normalizeGrads, boolean correctBias, BasisChangePolicy basisChange) {
    public SoapConfig {
        Checks.nonNegative("lr", lr);
        betas = Checks.betas(betas);
        if (shampooBeta >= 1 || Double.isNaN(shampooBeta)) {
            throw new IllegalArgumentException("shampoo_beta: " + shampooBeta + " is outside [0, 1) (or < 0 for β₂)");
        }
        Checks.nonNegative("eps", eps);
        Checks.nonNegative("weight_decay", weightDecay);
        Checks.atLeast("precondition_frequency", preconditionFrequency, 1);
        Checks.atLeast("max_precond_dim", maxPrecondDim, 1);
        java.util.Objects.requireNonNull(basisChange, "basisChange");
    }

    /** The reference implementation's defaults (listed above). */
    public static SoapConfig defaults() {
        return new SoapConfig(3e-3, new double[] {0.95, 0.95}, -1, 1e-8, 0.01, 10, 10000, false, false, false, true,
                BasisChangePolicy.PERMUTE);
    }

    public SoapConfig withLr(double v) {
        return new SoapConfig(v, betas, shampooBeta, eps, weightDecay, preconditionFrequency, maxPrecondDim, mergeDims,
                precondition1d, normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withBetas(double beta1, double beta2) {
        return new SoapConfig(lr, new double[] {beta1, beta2}, shampooBeta, eps, weightDecay, preconditionFrequency,
                maxPrecondDim, mergeDims, precondition1d, normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withShampooBeta(double v) {
        return new SoapConfig(lr, betas, v, eps, weightDecay, preconditionFrequency, maxPrecondDim, mergeDims,
                precondition1d, normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withEps(double v) {
        return new SoapConfig(lr, betas, shampooBeta, v, weightDecay, preconditionFrequency, maxPrecondDim, mergeDims,
                precondition1d, normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withWeightDecay(double v) {
        return new SoapConfig(lr, betas, shampooBeta, eps, v, preconditionFrequency, maxPrecondDim, mergeDims,
                precondition1d, normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withPreconditionFrequency(int v) {
        return new SoapConfig(lr, betas, shampooBeta, eps, weightDecay, v, maxPrecondDim, mergeDims, precondition1d,
                normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withMaxPrecondDim(int v) {
        return new SoapConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, v, mergeDims,
                precondition1d, normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withMergeDims(boolean v) {
        return new SoapConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, maxPrecondDim, v,
                precondition1d, normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withPrecondition1d(boolean v) {
        return new SoapConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, maxPrecondDim, mergeDims,
                v, normalizeGrads, correctBias, basisChange);
    }

    public SoapConfig withNormalizeGrads(boolean v) {
        return new SoapConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, maxPrecondDim, mergeDims,
                precondition1d, v, correctBias, basisChange);
    }

    public SoapConfig withCorrectBias(boolean v) {
        return new SoapConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, maxPrecondDim, mergeDims,
                precondition1d, normalizeGrads, v, basisChange);
    }

    public SoapConfig withBasisChange(BasisChangePolicy v) {
        return new SoapConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, maxPrecondDim, mergeDims,
                precondition1d, normalizeGrads, correctBias, v);
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
        return PreconditionerSpec.builder("soap").basis(PreconditionerSpec.Basis.GRADIENT_FACTORS)
                .diagonal(PreconditionerSpec.Diagonal.SECOND_MOMENT).exponent(0.5)
                .beta1(betas[0]).beta2(betas[1]).eps(eps).epsAfterBiasCorrection(false).biasCorrection(correctBias)
                .factorBeta(shampooBeta < 0 ? betas[1] : shampooBeta)
                .refresh(PreconditionerSpec.Refresh.POWER_QR).precondFrequency(preconditionFrequency)
                .skipFirstStep(true).updateFactorsAfterStep(true).basisChange(basisChange)
                .maxPrecondDim(maxPrecondDim).mergeDims(mergeDims).precondition1d(precondition1d)
                .normalizeUpdate(normalizeGrads).weightDecay(weightDecay)
                .weightDecayMode(WeightDecayMode.DECOUPLED_AFTER_UPDATE).build();
    }
}
