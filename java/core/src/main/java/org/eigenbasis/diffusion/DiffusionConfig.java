package org.eigenbasis.diffusion;

/**
 * The training and sampling setting shared by every mode.
 *
 * @param sigmaMin smallest noise level σ_min, finite, &gt; 0 (default 0.002, EDM's)
 * @param sigmaMax largest noise level σ_max, finite, &gt; σ_min (default 80, EDM's); sampling starts from N(0, σ_max²I)
 * @param eta      learning rate η of the gradient flow, finite, &gt; 0 (default 1). The loss is averaged over σ with
 *                 weight 1 (uniform): every σ's weights then train at rate η; a weighting w(σ) is the same as η·w(σ).
 * @param init     the initial per-mode weight Q (W₀ = Q·I; two-layer W₁ = √Q·I), finite, &gt; 0 (default 0.1)
 */
public record DiffusionConfig(double sigmaMin, double sigmaMax, double eta, double init) {
    public DiffusionConfig {
        positive("sigmaMin", sigmaMin);
        positive("sigmaMax", sigmaMax);
        if (!(sigmaMin < sigmaMax)) {
            throw new IllegalArgumentException("sigmaMin: " + sigmaMin + " must be below sigmaMax = " + sigmaMax);
        }
        positive("eta", eta);
        positive("init", init);
    }

    public static DiffusionConfig defaults() {
        return new DiffusionConfig(0.002, 80, 1, 0.1);
    }

    public DiffusionConfig withSigmaMin(double v) {
        return new DiffusionConfig(v, sigmaMax, eta, init);
    }

    public DiffusionConfig withSigmaMax(double v) {
        return new DiffusionConfig(sigmaMin, v, eta, init);
    }

    public DiffusionConfig withEta(double v) {
        return new DiffusionConfig(sigmaMin, sigmaMax, v, init);
    }

    public DiffusionConfig withInit(double v) {
        return new DiffusionConfig(sigmaMin, sigmaMax, eta, v);
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + ": " + v + " is outside (0, ∞) (finite)");
        }
    }
}
