package org.eigenbasis.precond;

/**
 * How weight decay wd enters a step with learning rate lr (the scheduled one) and update direction U (scaled by
 * the step size s).
 */
public enum WeightDecayMode {
    /** Decoupled, before the update (torch AdamW): p ← p − lr·wd·p, then p ← p − s·U. */
    DECOUPLED,
    /** Decoupled, after the update (SOAP's reference): p ← p − s·U, then p ← p − lr·wd·p. */
    DECOUPLED_AFTER_UPDATE,
    /**
     * L2 (torch Adam's weight_decay): g ← g + wd·p before anything reads the gradient (moments, factors, grafting),
     * so the decay is preconditioned like the loss.
     */
    L2
}
