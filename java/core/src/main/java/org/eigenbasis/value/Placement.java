package org.eigenbasis.value;

/** Where the scalars of a {@link BatchedMatrix} live. */
public enum Placement {
    /** A Java array: garbage-collected; native backends copy it to native memory for each call. */
    HEAP,
    /** Native memory outside the Java heap: native backends read and write it in place; freed by {@code close()}. */
    OFF_HEAP
}
