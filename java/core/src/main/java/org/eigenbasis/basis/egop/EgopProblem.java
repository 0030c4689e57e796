package org.eigenbasis.basis.egop;

import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * A smooth problem on ℝᵈ for {@link EgopComparison}: the loss f, its full-batch gradient oracle ∇f, the start θ₀, and
 * the minimum f* when it is known in closed form (NaN otherwise). The functions must not modify their argument;
 * {@code initial} is copied in and out.
 *
 * @param name         a short label for reports, not null
 * @param loss         θ ↦ f(θ), not null
 * @param gradient     θ ↦ ∇f(θ), a new d-vector, not null
 * @param initial      θ₀, d ≥ 1 finite entries
 * @param minimumLoss  f* = min f when known, else NaN
 * @param blocks       the sizes of consecutive parameter blocks that get one EGOP each (block-diagonal V, e.g. one
 *                     block per layer of an MLP), each ≥ 1, summing to d; {@code {d}} (one EGOP over all θ) when
 *                     built without it
 */
public record EgopProblem(String name, ToDoubleFunction<double[]> loss, EgopGradient gradient, double[] initial,
                          double minimumLoss, int[] blocks) {
    /** A problem with one EGOP over all of θ (blocks = {d}). */
    public EgopProblem(String name, ToDoubleFunction<double[]> loss, EgopGradient gradient, double[] initial,
                       double minimumLoss) {
        this(name, loss, gradient, initial, minimumLoss, initial == null ? null : new int[] {initial.length});
    }

    public EgopProblem {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(gradient, "gradient");
        Objects.requireNonNull(initial, "initial");
        if (initial.length < 1) {
            throw new IllegalArgumentException("initial: dimension " + initial.length + " is outside [1, ∞)");
        }
        for (int i = 0; i < initial.length; i++) {
            if (!Double.isFinite(initial[i])) {
                throw new IllegalArgumentException("initial: entry " + i + " is " + initial[i] + " (must be finite)");
            }
        }
        initial = initial.clone();
        Objects.requireNonNull(blocks, "blocks");
        long sum = 0;
        for (int b = 0; b < blocks.length; b++) {
            if (blocks[b] < 1) {
                throw new IllegalArgumentException("blocks: entry " + b + " is " + blocks[b] + " (must be ≥ 1)");
            }
            sum += blocks[b];
        }
        if (sum != initial.length) {
            throw new IllegalArgumentException("blocks: sizes sum to " + sum + ", not the dimension " + initial.length);
        }
        blocks = blocks.clone();
    }

    @Override
    public int[] blocks() {
        return blocks.clone();
    }

    public int dimension() {
        return initial.length;
    }

    @Override
    public double[] initial() {
        return initial.clone();
    }
}
