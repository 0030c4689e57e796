package org.eigenbasis.diffusion;

import java.util.Objects;

/**
 * How {@link EmergenceTimes} decides and locates a mode's emergence time.
 *
 * @param criterion         the definition (default {@link EmergenceCriterion#LOG_MIDPOINT}, the issue's)
 * @param klThreshold       the KL level of {@link EmergenceCriterion#KL_THRESHOLD}, finite, &gt; 0 (default 1e-3);
 *                          read only by that criterion
 * @param fraction          the f of {@link EmergenceCriterion#FRACTION}, in (0, 1) (default 0.5); read only by it
 * @param relativeTolerance the root is bracketed until τ_hi/τ_lo − 1 ≤ this, in [1e-15, 1e-3] (default 1e-12)
 * @param minLogGap         a mode with |ln λ̃(∞) − ln λ̃(0)| ≤ this has no emergence to time (its initial and final
 *                          generated variances agree), finite, ≥ 0 (default 1e-9: about 10⁴ roundings of ln λ̃ ≈ 20,
 *                          below which the midpoint level would sit in rounding noise)
 */
public record EmergenceConfig(EmergenceCriterion criterion, double klThreshold, double fraction,
        double relativeTolerance, double minLogGap) {
    public EmergenceConfig {
        Objects.requireNonNull(criterion, "criterion");
        if (!(klThreshold > 0) || !Double.isFinite(klThreshold)) {
            throw new IllegalArgumentException("klThreshold: " + klThreshold + " is outside (0, ∞) (finite)");
        }
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction: " + fraction + " is outside (0, 1)");
        }
        if (!(relativeTolerance >= 1e-15 && relativeTolerance <= 1e-3)) {
            throw new IllegalArgumentException("relativeTolerance: " + relativeTolerance + " is outside [1e-15, 1e-3]");
        }
        if (!(minLogGap >= 0) || !Double.isFinite(minLogGap)) {
            throw new IllegalArgumentException("minLogGap: " + minLogGap + " is outside [0, ∞) (finite)");
        }
    }

    public static EmergenceConfig defaults() {
        return new EmergenceConfig(EmergenceCriterion.LOG_MIDPOINT, 1e-3, 0.5, 1e-12, 1e-9);
    }

    public EmergenceConfig withCriterion(EmergenceCriterion v) {
        return new EmergenceConfig(v, klThreshold, fraction, relativeTolerance, minLogGap);
    }

    public EmergenceConfig withKlThreshold(double v) {
        return new EmergenceConfig(criterion, v, fraction, relativeTolerance, minLogGap);
    }

    public EmergenceConfig withFraction(double v) {
        return new EmergenceConfig(criterion, klThreshold, v, relativeTolerance, minLogGap);
    }

    public EmergenceConfig withRelativeTolerance(double v) {
        return new EmergenceConfig(criterion, klThreshold, fraction, v, minLogGap);
    }

    public EmergenceConfig withMinLogGap(double v) {
        return new EmergenceConfig(criterion, klThreshold, fraction, relativeTolerance, v);
    }
}
