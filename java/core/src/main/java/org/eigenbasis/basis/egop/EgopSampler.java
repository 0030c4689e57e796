package org.eigenbasis.basis.egop;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The sampling distribution ρ of the EGOP, E_{θ∼ρ}[∇f(θ)∇f(θ)ᵀ]: writes one draw θ ∼ ρ into {@code out} (length d),
 * using only {@code random} for randomness, so that the estimator's seed fixes every draw.
 */
@FunctionalInterface
public interface EgopSampler {
    /** Writes one draw θ ∼ ρ into {@code out}. */
    void sample(SplittableRandom random, double[] out);

    /**
     * ρ = N(θ_c, s²I): θ = θ_c + s·z with z_i independent standard normals from {@link SplittableRandom#nextGaussian()}
     * (drawn in coordinate order). {@code center} is copied.
     *
     * @throws IllegalArgumentException when the center is empty or non-finite, or s is not finite and positive
     */
    static EgopSampler gaussian(double[] center, double scale) {
        Objects.requireNonNull(center, "center");
        if (center.length < 1) {
            throw new IllegalArgumentException("center: dimension " + center.length + " must be at least 1");
        }
        for (int i = 0; i < center.length; i++) {
            if (!Double.isFinite(center[i])) {
                throw new IllegalArgumentException("center[" + i + "]: " + center[i] + " is not finite");
            }
        }
        if (!(scale > 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException("scale: " + scale + " must be finite and > 0");
        }
        double[] c = Arrays.copyOf(center, center.length);
        return (random, out) -> {
            if (out.length != c.length) {
                throw new IllegalArgumentException("out: length " + out.length + " != dimension " + c.length);
            }
            for (int i = 0; i < c.length; i++) {
                out[i] = c[i] + scale * random.nextGaussian();
            }
        };
    }
}
