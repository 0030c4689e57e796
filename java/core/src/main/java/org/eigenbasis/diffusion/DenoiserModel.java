package org.eigenbasis.diffusion;

import java.util.Locale;

/**
 * The linear denoisers of issue 14, each with its own weights per noise level σ, trained by full-batch gradient
 * flow on L_σ = E‖D(x_σ) − x‖², x_σ = x + σn, n ~ N(0, I) (no ½: the factor 2 in the rates below comes from it).
 */
public enum DenoiserModel {
    /**
     * D(x_σ) = W x_σ. ∇_W L_σ = 2(W(Σ + σ²I) − Σ), so from W₀ = Q·I every eigen-mode k of Σ evolves alone:
     * ψ(τ; σ) = K + (Q − K)·exp(−2ητ(σ² + λ)), K = λ/(λ + σ²).
     */
    ONE_LAYER("one-layer"),
    /**
     * D(x_σ) = W₁ᵀW₁ x_σ (W₂ = W₁ᵀ). With M = W₁ᵀW₁ and C = Σ + σ²I, ∇_{W₁} L_σ = 2W₁(CM + MC − 2Σ); from
     * W₁ = √Q·I a mode's ψ = p² follows the logistic law dψ/dτ = 8ηλψ(1 − ψ/K), solved by
     * ψ(τ; σ) = KQ/((K − Q)·exp(−8ηλτ) + Q). Needs Q &gt; 0 (ψ = 0 is a fixed point).
     */
    TWO_LAYER("two-layer");

    private final String label;

    DenoiserModel(String label) {
        this.label = label;
    }

    /** The CLI's name: "one-layer" or "two-layer". */
    public String label() {
        return label;
    }

    /** The model named {@code name} ("one-layer" or "two-layer", case-insensitive). */
    public static DenoiserModel parse(String name) {
        if (name != null) {
            for (DenoiserModel m : values()) {
                if (m.label.equals(name.toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("model: '" + name + "' is not one of one-layer, two-layer");
    }
}
