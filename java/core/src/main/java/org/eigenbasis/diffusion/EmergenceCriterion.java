package org.eigenbasis.diffusion;

import java.util.Locale;

/**
 * When a mode counts as emerged ({@link EmergenceTimes}). The definition, {@link #LOG_MIDPOINT}, is the
 * default; the others are options.
 */
public enum EmergenceCriterion {
    /**
     * The first τ at which ln λ̃(τ) reaches ½(ln λ̃(0) + ln λ̃(∞)): λ̃ equals the geometric mean of its initial and
     * final values.
     */
    LOG_MIDPOINT("log-midpoint"),
    /** The first τ at which KL(N(0, λ̃(τ)) ‖ N(0, λ)) ≤ {@link EmergenceConfig#klThreshold()}. */
    KL_THRESHOLD("kl-threshold"),
    /** The first τ at which λ̃(τ) = λ̃(0) + f·(λ̃(∞) − λ̃(0)), f = {@link EmergenceConfig#fraction()}. */
    FRACTION("fraction");

    private final String label;

    EmergenceCriterion(String label) {
        this.label = label;
    }

    /** The CLI's and JSON's name. */
    public String label() {
        return label;
    }

    /** The criterion named {@code name} (log-midpoint, kl-threshold, fraction; case-insensitive). */
    public static EmergenceCriterion parse(String name) {
        if (name != null) {
            for (EmergenceCriterion c : values()) {
                if (c.label.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("criterion: '" + name + "' is not one of log-midpoint, kl-threshold, fraction");
    }
}
