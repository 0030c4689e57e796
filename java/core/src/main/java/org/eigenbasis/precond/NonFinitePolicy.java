package org.eigenbasis.precond;

/**
 * What {@link Optimizer#step} does with a gradient that holds NaN or ±∞, or whose sum of squares overflows (which
 * would put ∞ into a factor). Checked for every parameter before anything is written, so in both cases the
 * optimizer state and the parameters after the call equal those before it, bit for bit.
 */
public enum NonFinitePolicy {
    /** {@link IllegalArgumentException} naming the parameter, the index and the value. The default. */
    THROW,
    /** The step is skipped: nothing changes except {@link EigenbasisOptimizer#skippedSteps()}. */
    SKIP_STEP
}
