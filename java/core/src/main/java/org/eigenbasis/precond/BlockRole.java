package org.eigenbasis.precond;

/** What a group of blocks takes its bases from; decides which state {@link BlockState} allocates. */
enum BlockRole {
    /** No factors: identity basis. */
    PLAIN,
    /** Factors of the gradient. */
    FACTORED,
    /** K-FAC layer: S (dim 0, out) and A (dim 1, in) from layer statistics. */
    LAYER,
    /** Caller-given bases. */
    FIXED
}
