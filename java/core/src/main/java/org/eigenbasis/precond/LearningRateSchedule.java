package org.eigenbasis.precond;

/**
 * The learning rate of each step, as a function of the optimizer's 1-based step count (the count after the step,
 * so the first call of {@link Optimizer#step} asks for {@code lr(1)}). It replaces the configured lr everywhere the
 * configured lr appears: the step size and the decoupled weight decay (torch semantics, where a scheduler rewrites
 * the group's lr). Not saved with the optimizer state: it is a function of the step count, which is.
 * Must return a finite, non-negative value; anything else fails the step with {@link IllegalArgumentException}
 * before the state is touched.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    double lr(long step);

    /**
     * Linear warm-up from 0 to {@code peak} over {@code warmup} steps, then cosine decay to {@code floor} at
     * {@code total} steps, {@code floor} after: lr(t) = peak·t/warmup for t ≤ warmup, else
     * floor + (peak − floor)·(1 + cos(π·min(1, (t − warmup)/(total − warmup))))/2.
     */
    static LearningRateSchedule warmupCosine(double peak, long warmup, long total, double floor) {
        Checks.nonNegative("peak", peak);
        Checks.nonNegative("floor", floor);
        if (warmup < 0 || total <= warmup) {
            throw new IllegalArgumentException("warmup: " + warmup + " must be in [0, total) with total = " + total);
        }
        return step -> {
            if (step <= warmup) {
                return peak * step / Math.max(1, warmup);
            }
            double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
            return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}
