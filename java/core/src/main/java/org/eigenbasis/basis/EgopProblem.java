package org.eigenbasis.basis;

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
 */
public record EgopProblem(String name, ToDoubleFunction<double[]> loss, EgopGradient gradient, double[] initial,
                          double minimumLoss) {
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
    }

    public int dimension() {
        return initial.length;
    }

    @Override
    public double[] initial() {
        return initial.clone();
    }
}
