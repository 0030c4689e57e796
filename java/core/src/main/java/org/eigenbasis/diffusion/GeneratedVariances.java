package org.eigenbasis.diffusion;

import java.util.Objects;
import org.eigenbasis.internal.DiffusionFlow;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.DiffusionKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * Generated variances λ̃(λ_i, τ_j) of {@link ModeDynamics#generatedVariance} for n modes × t training times in one
 * call, on a backend's {@link org.eigenbasis.spi.DiffusionKernel}: java evaluates {@link ModeDynamics}'s formula
 * pair by pair (about 0.1–0.4 µs a pair); cpu runs native/src/cpu/diffusion.cpp, four or eight (AVX-512) pairs at a
 * time on every core (10⁵ × 10³ in about half a second on 2 cores, benchmarks/RESULTS.md); cuda hands the work to
 * the host backend.
 * Row i of the result is mode i's learning curve over the given times.
 *
 * <p>Everything is validated before any work ({@link IllegalArgumentException} naming the argument, its index and
 * the legal range; nothing written). The cpu kernel agrees with {@link ModeDynamics} to the bound its contract
 * test derives (E₁ within 1e-14 relative, times the condition of the sum I).
 */
public final class GeneratedVariances {
    private GeneratedVariances() {
    }

    /**
     * A new F64 1 × n × t matrix (in {@code placement}) of λ̃(τ), or of ln λ̃(τ) when {@code log} (no overflow or
     * underflow for any I). The caller owns it (close an off-heap one). n·t is limited by {@link BatchedMatrix}
     * (2³¹ − 9 scalars on the heap, 2³¹ − 1 bytes off-heap).
     */
    public static BatchedMatrix compute(Backend backend, DenoiserModel model, double[] lambdas, double[] taus,
                                        DiffusionConfig config, boolean log, Placement placement) {
        check(backend, model, lambdas, taus, config);
        Objects.requireNonNull(placement, "placement");
        BatchedMatrix out = BatchedMatrix.allocate(DType.F64, 1, lambdas.length, taus.length, placement);
        try {
            backend.diffusion().generatedVariances(model == DenoiserModel.TWO_LAYER, lambdas, taus,
                    config.sigmaMin(), config.sigmaMax(), config.eta(), config.init(), log, out);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** As {@link #compute}, into {@code out} (F64, 1 × n × t, written entirely and never read). */
    public static void fill(Backend backend, DenoiserModel model, double[] lambdas, double[] taus,
                            DiffusionConfig config, boolean log, BatchedMatrix out) {
        check(backend, model, lambdas, taus, config);
        DiffusionKernel.checkOutput(lambdas.length, taus.length, out);
        backend.diffusion().generatedVariances(model == DenoiserModel.TWO_LAYER, lambdas, taus, config.sigmaMin(),
                config.sigmaMax(), config.eta(), config.init(), log, out);
    }

    private static void check(Backend backend, DenoiserModel model, double[] lambdas, double[] taus,
                              DiffusionConfig config) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        DiffusionFlow.checkBatch(lambdas, taus, config.sigmaMin(), config.sigmaMax(), config.eta(), config.init());
    }
}
