package org.eigenbasis.precond;

/**
 * Eigenvalue-corrected Shampoo with the adaptive eigenbasis refresh of "Purifying Shampoo" (Eschenhagen et al.
 * 2025): the eigenvalues are corrected every step by a running second moment of the rotated gradient (Adam in the
 * eigenbasis, so no grafting), and each factor's eigenbasis is recomputed only when it has drifted. Per block G,
 * step t:
 * <pre>
 *   G̃ = G ×_k Q_kᵀ;   m ← β₁m + (1 − β₁)G̃;   v ← β₂v + (1 − β₂)G̃²
 *   p ← p·(1 − lr·wd);   p ← p − lr/(1 − β₁ᵗ) · (m / (√(v/(1 − β₂ᵗ)) + ε)) ×_k Q_k
 *   then F_k ← β_s F_k + (1 − β_s)·G_(k) G_(k)ᵀ; after step 1: Q_k = eigh(F_k) (step 1 runs with Q_k = I);
 *   after steps t that are multiples of f, per factor: B = Q_kᵀ F_k Q_k; if ‖B − diag B‖_F/‖B‖_F &gt; τ: sort
 *   Q_k's columns by diag B, then Q_k ← qr(F_k Q_k) until the error is ≤ τ or max_iterations
 *   (τ = 0: Q_k = eigh(F_k) every f steps); m carried into the new basis exactly, v per the policy
 * </pre>
 * As in SOAP, the factors take the gradient after the step, so no gradient enters its own projection: a basis
 * built from G itself diagonalises G exactly, and Adam's per-coordinate normalisation would then blow the rounding
 * noise of the off-diagonal coordinates (≈ 1e-7·‖G‖ in f32) up to ±lr.
 * Refreshes done and skipped per factor: {@link EigenbasisOptimizer#refreshReport()}. Defaults: Adam's (lr 1e-3,
 * betas (0.9, 0.999), ε 1e-8), factor β_s 0.999, f 10, τ 0.01, 10 iterations, decoupled weight decay 0.01.
 *
 * @param lr               ≥ 0
 * @param betas            (β₁, β₂) in [0, 1)
 * @param shampooBeta      factor EMA β_s in [0, 1), or &lt; 0 for β₂
 * @param eps              ≥ 0
 * @param weightDecay      ≥ 0
 * @param preconditionFrequency ≥ 1
 * @param tolerance        τ in [0, 1]
 * @param maxIterations    ≥ 1
 * @param maxPrecondDim    ≥ 1
 * @param precondition1d   vectors get a factor
 * @param basisChange      second-moment policy at a refresh (default PERMUTE)
 */
public record EcShampooConfig(double lr, double[] betas, double shampooBeta, double eps, double weightDecay,
                              int preconditionFrequency, double tolerance, int maxIterations, int maxPrecondDim,
                              boolean precondition1d, BasisChangePolicy basisChange) {
    public EcShampooConfig {
        Checks.nonNegative("lr", lr);
        betas = Checks.betas(betas);
        if (shampooBeta >= 1 || Double.isNaN(shampooBeta)) {
            throw new IllegalArgumentException("shampoo_beta: " + shampooBeta + " is outside [0, 1) (or < 0 for β₂)");
        }
        Checks.nonNegative("eps", eps);
        Checks.nonNegative("weight_decay", weightDecay);
        Checks.atLeast("precondition_frequency", preconditionFrequency, 1);
        Checks.unit("tolerance", tolerance);
        Checks.atLeast("max_iterations", maxIterations, 1);
        Checks.atLeast("max_precond_dim", maxPrecondDim, 1);
        java.util.Objects.requireNonNull(basisChange, "basisChange");
    }

    /** Adam's defaults with the adaptive refresh (listed above). */
    public static EcShampooConfig defaults() {
        return new EcShampooConfig(1e-3, new double[] {0.9, 0.999}, 0.999, 1e-8, 0.01, 10, 0.01, 10, 10000, true,
                BasisChangePolicy.PERMUTE);
    }

    public EcShampooConfig withLr(double v) {
        return new EcShampooConfig(v, betas, shampooBeta, eps, weightDecay, preconditionFrequency, tolerance,
                maxIterations, maxPrecondDim, precondition1d, basisChange);
    }

    public EcShampooConfig withBetas(double beta1, double beta2) {
        return new EcShampooConfig(lr, new double[] {beta1, beta2}, shampooBeta, eps, weightDecay,
                preconditionFrequency, tolerance, maxIterations, maxPrecondDim, precondition1d, basisChange);
    }

    public EcShampooConfig withShampooBeta(double v) {
        return new EcShampooConfig(lr, betas, v, eps, weightDecay, preconditionFrequency, tolerance, maxIterations,
                maxPrecondDim, precondition1d, basisChange);
    }

    public EcShampooConfig withEps(double v) {
        return new EcShampooConfig(lr, betas, shampooBeta, v, weightDecay, preconditionFrequency, tolerance,
                maxIterations, maxPrecondDim, precondition1d, basisChange);
    }

    public EcShampooConfig withWeightDecay(double v) {
        return new EcShampooConfig(lr, betas, shampooBeta, eps, v, preconditionFrequency, tolerance, maxIterations,
                maxPrecondDim, precondition1d, basisChange);
    }

    public EcShampooConfig withPreconditionFrequency(int v) {
        return new EcShampooConfig(lr, betas, shampooBeta, eps, weightDecay, v, tolerance, maxIterations, maxPrecondDim,
                precondition1d, basisChange);
    }

    public EcShampooConfig withTolerance(double v) {
        return new EcShampooConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, v, maxIterations,
                maxPrecondDim, precondition1d, basisChange);
    }

    public EcShampooConfig withMaxIterations(int v) {
        return new EcShampooConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, tolerance, v,
                maxPrecondDim, precondition1d, basisChange);
    }

    public EcShampooConfig withMaxPrecondDim(int v) {
        return new EcShampooConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, tolerance,
                maxIterations, v, precondition1d, basisChange);
    }

    public EcShampooConfig withPrecondition1d(boolean v) {
        return new EcShampooConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, tolerance,
                maxIterations, maxPrecondDim, v, basisChange);
    }

    public EcShampooConfig withBasisChange(BasisChangePolicy v) {
        return new EcShampooConfig(lr, betas, shampooBeta, eps, weightDecay, preconditionFrequency, tolerance,
                maxIterations, maxPrecondDim, precondition1d, v);
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
        return PreconditionerSpec.builder("ecshampoo").basis(PreconditionerSpec.Basis.GRADIENT_FACTORS)
                .diagonal(PreconditionerSpec.Diagonal.SECOND_MOMENT).exponent(0.5)
                .beta1(betas[0]).beta2(betas[1]).eps(eps).epsAfterBiasCorrection(true).biasCorrection(true)
                .factorBeta(shampooBeta < 0 ? betas[1] : shampooBeta)
                .refresh(PreconditionerSpec.Refresh.ADAPTIVE).precondFrequency(preconditionFrequency)
                .updateFactorsAfterStep(true)
                .tolerance(tolerance).maxIterations(maxIterations).basisChange(basisChange)
                .maxPrecondDim(maxPrecondDim).precondition1d(precondition1d).weightDecay(weightDecay)
                .weightDecayMode(WeightDecayMode.DECOUPLED).build();
    }
}
