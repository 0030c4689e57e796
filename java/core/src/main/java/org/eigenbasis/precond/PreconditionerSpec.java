package org.eigenbasis.precond;

import java.util.Objects;

/**
 * The recipe of the one eigenbasis preconditioner ({@link EigenbasisOptimizer}); every named optimizer
 * ({@link Optimizers}) is one of these. Per parameter block with gradient G (viewed as a tensor with dims d_k), the
 * step is
 * <pre>
 *   G̃ = G ×₀ Q₀ᵀ ×₁ Q₁ᵀ ⋯                     (rotation into the basis; Q_k = I along dims without a factor)
 *   M ← β₁·M + (1 − β₁)·G̃                      (M = G̃ when β₁ = 0)
 *   D = the diagonal (below), in G̃'s coordinates
 *   U = (M / D) ×₀ Q₀ ×₁ Q₁ ⋯                    (rotation back), then grafting / normalisation
 *   p ← p − s·U,   s = lr·√(1 − β₂^{t₂}) / (1 − β₁ᵗ) with bias correction (second factor only for SECOND_MOMENT)
 * </pre>
 * (a) {@link Basis}: where the Q_k come from. (b) {@link Diagonal}: what D is. (c) {@code exponent}: the power
 * applied in D. Everything else (refresh schedule, basis-change policy, grafting, weight decay, failure policy) is
 * a field here, validated by the constructor with an {@link IllegalArgumentException} naming the value and range.
 *
 * @param name                   the optimizer's name (part of the state fingerprint)
 * @param basis                  (a) the basis source
 * @param diagonal               (b) the diagonal
 * @param exponent               (c) SECOND_MOMENT: D = V^exponent + ε (1/2 = Adam); EIGENVALUE_ROOTS: per-factor
 *                               exponent e in D = Π_k (λ_k + ε)^e (0 = 1/(2·order), order = the number of factored
 *                               dims, so L^{-1/4} G R^{-1/4} for matrices); KRONECKER_EIGENVALUES and EKFAC: D =
 *                               (damped curvature)^exponent (1 = the inverse); in (0, 4]
 * @param beta1                  first-moment EMA in [0, 1); 0 = no first moment
 * @param beta2                  SECOND_MOMENT: EMA of G̃² in [0, 1], 1 = AdaGrad's sum (V ← V + G̃²); EKFAC: EMA of
 *                               the per-sample corrected eigenvalues, in [0, 1)
 * @param eps                    SECOND_MOMENT: added to V^exponent; EIGENVALUE_ROOTS: added to each eigenvalue; ≥ 0
 * @param epsAfterBiasCorrection SECOND_MOMENT only: torch Adam's D = √(V/(1 − β₂^t)) + ε instead of SOAP's
 *                               D = √V + ε with the correction folded into s
 * @param biasCorrection         divide by 1 − β₁ᵗ and 1 − β₂^{t₂}
 * @param factorBeta             factor update F ← β·F + (1 − β)·X Xᵀ in [0, 1]; 1 = the sum F ← F + X Xᵀ
 * @param factorInitFromFirst    the first update sets F = X Xᵀ (K-FAC) instead of updating from F = 0
 * @param refresh                how a factored basis is refreshed after the initial eigendecomposition
 * @param precondFrequency       refresh every f steps, f ≥ 1
 * @param tolerance              ADAPTIVE: τ in [0, 1]; refresh when ‖B − diag B‖_F/‖B‖_F &gt; τ, B = QᵀFQ;
 *                               τ = 0: a full eigendecomposition every f steps
 * @param maxIterations          ADAPTIVE: cap on warm-started QR iterations per refresh, ≥ 1
 * @param skipFirstStep          SOAP: the first step only initialises factors and bases; parameters unchanged
 * @param updateFactorsAfterStep SOAP, EC-Shampoo: factors updated with G after the parameter step (and the refresh
 *                               after it), so the current gradient never enters its own projection; without
 *                               skipFirstStep the first step runs in the identity basis and the bases are
 *                               initialised after it
 * @param startPreconditioningStep steps t &lt; this use the grafting direction only; ≥ 1
 * @param grafting               norm grafting (EIGENVALUE_ROOTS only)
 * @param graftBeta2             the grafting EMA β in [0, 1)
 * @param graftEps               the grafting ε, ≥ 0
 * @param basisChange            the second-moment policy when a basis changes
 * @param maxPrecondDim          dims above this get no factor (identity along that dim), ≥ 1
 * @param mergeDims              SOAP's merge_dims: consecutive dims merged while their product ≤ maxPrecondDim
 * @param precondition1d         vectors get a factor (when ≤ maxPrecondDim)
 * @param normalizeUpdate        SOAP's normalize_grads: U ← U / (1e-30 + RMS(U)) per block
 * @param weightDecay            ≥ 0
 * @param weightDecayMode        how it is applied
 * @param damping                KRONECKER_EIGENVALUES / EKFAC damping mode
 * @param dampingValue           δ ≥ 0, or NaN for 0.1 × the mean of the undamped curvature eigenvalues
 * @param nonFinite              NaN/∞ gradient policy
 * @param maxConsecutiveFailures a factor whose eigendecomposition (retried in f64) or refresh fails this many times
 *                               in a row raises {@link PreconditionerFailureException}; before that the previous
 *                               basis is kept; ≥ 1
 */
public record PreconditionerSpec(
        String name, Basis basis, Diagonal diagonal, double exponent,
        double beta1, double beta2, double eps, boolean epsAfterBiasCorrection, boolean biasCorrection,
        double factorBeta, boolean factorInitFromFirst,
        Refresh refresh, int precondFrequency, double tolerance, int maxIterations,
        boolean skipFirstStep, boolean updateFactorsAfterStep, int startPreconditioningStep,
        Grafting grafting, double graftBeta2, double graftEps,
        BasisChangePolicy basisChange, int maxPrecondDim, boolean mergeDims, boolean precondition1d,
        boolean normalizeUpdate, double weightDecay, WeightDecayMode weightDecayMode,
        KfacDamping damping, double dampingValue,
        NonFinitePolicy nonFinite, int maxConsecutiveFailures) {

    /** (a) Where the eigenbasis of each factored dim comes from. */
    public enum Basis {
        /** Q = I: no factors (Adam, AdaGrad, RMSprop, AdamW). */
        IDENTITY,
        /** Eigenbases of the gradient factors F_k = G_(k) G_(k)ᵀ (L = G Gᵀ, R = Gᵀ G for matrices). */
        GRADIENT_FACTORS,
        /**
         * K-FAC: for a weight W (out × in) with {@link Gradients.LayerStatistics}, S = (1/N) Σ g gᵀ (dim 0) and
         * A = (1/N) Σ a aᵀ (dim 1). Other parameters get Q = I and D = 1 (momentum SGD).
         */
        LAYER_FACTORS,
        /** Orthogonal matrices given by the caller per parameter and dim; never refreshed. */
        FIXED
    }

    /** (b) The diagonal D in the rotated coordinates. */
    public enum Diagonal {
        /** V ← β₂V + (1 − β₂)G̃² (or V + G̃²); D = V^exponent + ε. Adam, AdaGrad, RMSprop, SOAP, EC-Shampoo. */
        SECOND_MOMENT,
        /** D = Π_k (max(λ_k, 0) + ε)^e with λ_k the factor eigenvalues: classic Shampoo. */
        EIGENVALUE_ROOTS,
        /** D = (λ_S,i·λ_A,j damped)^exponent: K-FAC. */
        KRONECKER_EIGENVALUES,
        /**
         * EK-FAC: s_ij = EMA over steps of (1/N) Σ_n (Q_Sᵀ g_n)_i² (Q_Aᵀ a_n)_j² (the per-sample rotated gradients'
         * second moment); D = (s_ij + δ)^exponent.
         */
        EKFAC
    }

    /** How a factored basis is refreshed every f steps. */
    public enum Refresh {
        /** A full eigendecomposition (columns by descending eigenvalue). */
        EIGH,
        /** SOAP: columns sorted by Rayleigh quotient (per policy), then one warm-started Q ← qr(F Q). */
        POWER_QR,
        /** Purifying Shampoo: warm-started QR iterations while the off-diagonal error exceeds τ. */
        ADAPTIVE
    }

    public PreconditionerSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: must be a non-blank string");
        }
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(diagonal, "diagonal");
        Objects.requireNonNull(refresh, "refresh");
        Objects.requireNonNull(grafting, "grafting");
        Objects.requireNonNull(basisChange, "basisChange");
        Objects.requireNonNull(weightDecayMode, "weightDecayMode");
        Objects.requireNonNull(damping, "damping");
        Objects.requireNonNull(nonFinite, "nonFinite");
        if (!(exponent >= 0 && exponent <= 4) || (exponent == 0 && diagonal != Diagonal.EIGENVALUE_ROOTS)) {
            throw new IllegalArgumentException("exponent: " + exponent + " is outside (0, 4] (0 only for "
                    + "EIGENVALUE_ROOTS, meaning 1/(2·order))");
        }
        Checks.beta("beta1", beta1);
        if (diagonal == Diagonal.SECOND_MOMENT) {
            Checks.betaOrSum("beta2", beta2);
        } else {
            Checks.beta("beta2", beta2);
        }
        Checks.nonNegative("eps", eps);
        Checks.betaOrSum("factorBeta", factorBeta);
        Checks.atLeast("precondition_frequency", precondFrequency, 1);
        Checks.unit("tolerance", tolerance);
        Checks.atLeast("max_iterations", maxIterations, 1);
        Checks.atLeast("start_preconditioning_step", startPreconditioningStep, 1);
        Checks.beta("graftBeta2", graftBeta2);
        Checks.nonNegative("graftEps", graftEps);
        Checks.atLeast("max_precond_dim", maxPrecondDim, 1);
        Checks.nonNegative("weight_decay", weightDecay);
        if (!Double.isNaN(dampingValue)) {
            Checks.nonNegative("damping", dampingValue);
        }
        Checks.atLeast("maxConsecutiveFailures", maxConsecutiveFailures, 1);
        if (grafting != Grafting.NONE && diagonal != Diagonal.EIGENVALUE_ROOTS) {
            throw new IllegalArgumentException("grafting: " + grafting + " needs diagonal EIGENVALUE_ROOTS, not " + diagonal);
        }
        boolean layer = diagonal == Diagonal.KRONECKER_EIGENVALUES || diagonal == Diagonal.EKFAC;
        if (layer != (basis == Basis.LAYER_FACTORS)) {
            throw new IllegalArgumentException("diagonal: " + diagonal + " and basis " + basis + " do not go together "
                    + "(KRONECKER_EIGENVALUES and EKFAC need LAYER_FACTORS and the other way round)");
        }
        if (diagonal == Diagonal.EKFAC && damping == KfacDamping.FACTORED_TIKHONOV) {
            throw new IllegalArgumentException("damping: FACTORED_TIKHONOV is defined for K-FAC's Kronecker product, "
                    + "not for EK-FAC's corrected eigenvalues; use ADDITIVE");
        }
        if (epsAfterBiasCorrection && diagonal != Diagonal.SECOND_MOMENT) {
            throw new IllegalArgumentException("epsAfterBiasCorrection: only for the SECOND_MOMENT diagonal");
        }
    }

    /** A builder starting from Adam in the identity basis (β = (0.9, 0.999), ε = 1e-8, no weight decay). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.basis = basis;
        b.diagonal = diagonal;
        b.exponent = exponent;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.eps = eps;
        b.epsAfterBiasCorrection = epsAfterBiasCorrection;
        b.biasCorrection = biasCorrection;
        b.factorBeta = factorBeta;
        b.factorInitFromFirst = factorInitFromFirst;
        b.refresh = refresh;
        b.precondFrequency = precondFrequency;
        b.tolerance = tolerance;
        b.maxIterations = maxIterations;
        b.skipFirstStep = skipFirstStep;
        b.updateFactorsAfterStep = updateFactorsAfterStep;
        b.startPreconditioningStep = startPreconditioningStep;
        b.grafting = grafting;
        b.graftBeta2 = graftBeta2;
        b.graftEps = graftEps;
        b.basisChange = basisChange;
        b.maxPrecondDim = maxPrecondDim;
        b.mergeDims = mergeDims;
        b.precondition1d = precondition1d;
        b.normalizeUpdate = normalizeUpdate;
        b.weightDecay = weightDecay;
        b.weightDecayMode = weightDecayMode;
        b.damping = damping;
        b.dampingValue = dampingValue;
        b.nonFinite = nonFinite;
        b.maxConsecutiveFailures = maxConsecutiveFailures;
        return b;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private Basis basis = Basis.IDENTITY;
        private Diagonal diagonal = Diagonal.SECOND_MOMENT;
        private double exponent = 0.5;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private boolean epsAfterBiasCorrection = true;
        private boolean biasCorrection = true;
        private double factorBeta = 0.999;
        private boolean factorInitFromFirst;
        private Refresh refresh = Refresh.EIGH;
        private int precondFrequency = 1;
        private double tolerance;
        private int maxIterations = 10;
        private boolean skipFirstStep;
        private boolean updateFactorsAfterStep;
        private int startPreconditioningStep = 1;
        private Grafting grafting = Grafting.NONE;
        private double graftBeta2 = 0.999;
        private double graftEps = 1e-8;
        private BasisChangePolicy basisChange = BasisChangePolicy.PERMUTE;
        private int maxPrecondDim = 10000;
        private boolean mergeDims;
        private boolean precondition1d;
        private boolean normalizeUpdate;
        private double weightDecay;
        private WeightDecayMode weightDecayMode = WeightDecayMode.DECOUPLED;
        private KfacDamping damping = KfacDamping.ADDITIVE;
        private double dampingValue = Double.NaN;
        private NonFinitePolicy nonFinite = NonFinitePolicy.THROW;
        private int maxConsecutiveFailures = 3;

        private Builder(String name) {
            this.name = name;
        }

        public Builder basis(Basis v) { basis = v; return this; }
        public Builder diagonal(Diagonal v) { diagonal = v; return this; }
        public Builder exponent(double v) { exponent = v; return this; }
        public Builder beta1(double v) { beta1 = v; return this; }
        public Builder beta2(double v) { beta2 = v; return this; }
        public Builder eps(double v) { eps = v; return this; }
        public Builder epsAfterBiasCorrection(boolean v) { epsAfterBiasCorrection = v; return this; }
        public Builder biasCorrection(boolean v) { biasCorrection = v; return this; }
        public Builder factorBeta(double v) { factorBeta = v; return this; }
        public Builder factorInitFromFirst(boolean v) { factorInitFromFirst = v; return this; }
        public Builder refresh(Refresh v) { refresh = v; return this; }
        public Builder precondFrequency(int v) { precondFrequency = v; return this; }
        public Builder tolerance(double v) { tolerance = v; return this; }
        public Builder maxIterations(int v) { maxIterations = v; return this; }
        public Builder skipFirstStep(boolean v) { skipFirstStep = v; return this; }
        public Builder updateFactorsAfterStep(boolean v) { updateFactorsAfterStep = v; return this; }
        public Builder startPreconditioningStep(int v) { startPreconditioningStep = v; return this; }
        public Builder grafting(Grafting v) { grafting = v; return this; }
        public Builder graftBeta2(double v) { graftBeta2 = v; return this; }
        public Builder graftEps(double v) { graftEps = v; return this; }
        public Builder basisChange(BasisChangePolicy v) { basisChange = v; return this; }
        public Builder maxPrecondDim(int v) { maxPrecondDim = v; return this; }
        public Builder mergeDims(boolean v) { mergeDims = v; return this; }
        public Builder precondition1d(boolean v) { precondition1d = v; return this; }
        public Builder normalizeUpdate(boolean v) { normalizeUpdate = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder weightDecayMode(WeightDecayMode v) { weightDecayMode = v; return this; }
        public Builder damping(KfacDamping v) { damping = v; return this; }
        public Builder dampingValue(double v) { dampingValue = v; return this; }
        public Builder nonFinite(NonFinitePolicy v) { nonFinite = v; return this; }
        public Builder maxConsecutiveFailures(int v) { maxConsecutiveFailures = v; return this; }

        public PreconditionerSpec build() {
            return new PreconditionerSpec(name, basis, diagonal, exponent, beta1, beta2, eps, epsAfterBiasCorrection,
                    biasCorrection, factorBeta, factorInitFromFirst, refresh, precondFrequency, tolerance,
                    maxIterations, skipFirstStep, updateFactorsAfterStep, startPreconditioningStep, grafting,
                    graftBeta2, graftEps, basisChange, maxPrecondDim, mergeDims, precondition1d, normalizeUpdate,
                    weightDecay, weightDecayMode, damping, dampingValue, nonFinite, maxConsecutiveFailures);
        }
    }
}
