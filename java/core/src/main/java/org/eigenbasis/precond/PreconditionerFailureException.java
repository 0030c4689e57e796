package org.eigenbasis.precond;

/**
 * A factor's eigendecomposition or refresh failed {@code maxConsecutiveFailures} times in a row (each time retried
 * in f64 and the previous basis kept). The message names the parameter, the dim and the cause. The state is not
 * rolled back: the blocks before the failing one have taken this step; restore a checkpoint to continue.
 */
public final class PreconditionerFailureException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public PreconditionerFailureException(String message) {
        super(message);
    }
}
