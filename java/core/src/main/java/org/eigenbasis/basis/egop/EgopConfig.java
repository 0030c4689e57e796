package org.eigenbasis.basis.egop;

/**
 * Settings of {@link EgopEstimator}, validated at construction.
 *
 * <ul>
 *   <li>{@code samples} M ≥ 1: the estimate is (1/M) Σ_{j=1..M} g_j g_jᵀ, g_j = ∇f(θ_j), θ_j ∼ ρ i.i.d.; its
 *       entrywise standard error falls as M^-1/2.</li>
 *   <li>{@code scale} s &gt; 0 (finite): ρ = N(θ_c, s²I) when the caller gives a center rather than a sampler.</li>
 *   <li>{@code blockRows} ≥ 1: gradients are stacked this many at a time into a block G (rows × d) and added to the
 *       f64 Gram with one SYRK, Gram ← Gram + (1/M)·GᵀG; memory blockRows·d doubles besides the d² Gram. The result
 *       does not depend on it beyond rounding.</li>
 *   <li>{@code seed}: seeds the {@link java.util.SplittableRandom} of the draws (and of the mini-batch seeds).</li>
 *   <li>{@code decayFloor} in (0, 1) and {@code decayFitCount} (0 = no cap, else ≥ 2): the decay exponent is fitted
 *       on the leading eigenvalues λ_1 ≥ λ_2 ≥ … with λ_i &gt; decayFloor·λ_1, at most decayFitCount of them (see
 *       {@link EgopResult#decayExponent(double[], double, int)}).</li>
 * </ul>
 */
public record EgopConfig(int samples, double scale, int blockRows, long seed, double decayFloor, int decayFitCount) {
    /** Defaults: M = 1024, s = 1, 256 rows per SYRK, seed 0, floor 1e-6, no cap on the fitted count. */
    public static EgopConfig defaults() {
        return new EgopConfig(1024, 1.0, 256, 0L, 1e-6, 0);
    }

    public EgopConfig {
        if (samples < 1) {
            throw new IllegalArgumentException("samples: " + samples + " must be at least 1");
        }
        if (!(scale > 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException("scale: " + scale + " must be finite and > 0");
        }
        if (blockRows < 1) {
            throw new IllegalArgumentException("blockRows: " + blockRows + " must be at least 1");
        }
        if (!(decayFloor > 0 && decayFloor < 1)) {
            throw new IllegalArgumentException("decayFloor: " + decayFloor + " must be in (0, 1)");
        }
        if (decayFitCount < 0 || decayFitCount == 1) {
            throw new IllegalArgumentException("decayFitCount: " + decayFitCount + " must be 0 (no cap) or at least 2");
        }
    }

    public EgopConfig withSamples(int value) {
        return new EgopConfig(value, scale, blockRows, seed, decayFloor, decayFitCount);
    }

    public EgopConfig withScale(double value) {
        return new EgopConfig(samples, value, blockRows, seed, decayFloor, decayFitCount);
    }

    public EgopConfig withBlockRows(int value) {
        return new EgopConfig(samples, scale, value, seed, decayFloor, decayFitCount);
    }

    public EgopConfig withSeed(long value) {
        return new EgopConfig(samples, scale, blockRows, value, decayFloor, decayFitCount);
    }

    public EgopConfig withDecayFloor(double value) {
        return new EgopConfig(samples, scale, blockRows, seed, value, decayFitCount);
    }

    public EgopConfig withDecayFitCount(int value) {
        return new EgopConfig(samples, scale, blockRows, seed, decayFloor, value);
    }
}
