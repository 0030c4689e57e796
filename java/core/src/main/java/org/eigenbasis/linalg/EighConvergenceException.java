package org.eigenbasis.linalg;

import java.util.Arrays;

/**
 * Some matrices of a batch did not converge. Names their batch indices; {@link #result()} holds the outputs (NaN
 * for the failed matrices, valid for the rest) and is owned by the catcher, who must close it.
 */
public final class EighConvergenceException extends ArithmeticException {
    private final transient EighResult result;
    private final int[] failed;

    public EighConvergenceException(EighResult result) {
        super(message(result));
        this.result = result;
        this.failed = result.failedIndices();
    }

    private static String message(EighResult r) {
        int[] failed = r.failedIndices();
        String list = Arrays.toString(failed.length > 20 ? Arrays.copyOf(failed, 20) : failed);
        return failed.length + " of " + r.batch() + " matrices failed to converge (" + r.algorithm().cliName()
                + " on " + r.backend() + "); batch indices " + list + (failed.length > 20 ? " …" : "");
    }

    /** Batch indices of the matrices that failed. */
    public int[] failedIndices() {
        return failed.clone();
    }

    /** The partial result; its failed matrices are NaN. */
    public EighResult result() {
        return result;
    }
}
