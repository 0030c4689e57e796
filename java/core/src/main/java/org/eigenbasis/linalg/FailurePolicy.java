package org.eigenbasis.linalg;

/** What {@link SymmetricEigen} does when some matrices of a batch fail to converge. */
public enum FailurePolicy {
    /** Throw {@link EighConvergenceException}, which names the failed batch indices and carries the result. */
    THROW,
    /** Return the result; {@link EighResult#failedIndices()} lists the failures, whose outputs are NaN. */
    REPORT
}
