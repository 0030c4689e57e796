package org.eigenbasis.precond;

/**
 * Norm grafting for Shampoo: the preconditioned direction P of a block is rescaled to the Frobenius norm of the
 * grafting direction D of the same block, U = P·‖D‖_F/‖P‖_F (U = 0 when P = 0). D is computed from the raw
 * gradient g elementwise, with its own state, and is also the update before start_preconditioning_step.
 */
public enum Grafting {
    /** No grafting: U = P (and U = g before start_preconditioning_step). */
    NONE,
    /** D = g. */
    SGD,
    /** s ← s + g², D = g/(√s + ε_graft). */
    ADAGRAD,
    /** s ← β·s + (1 − β)·g², D = g/(√s + ε_graft). */
    RMSPROP,
    /** Adam: m ← β₁m + (1 − β₁)g, s ← β·s + (1 − β)g², D = (m/(1 − β₁ᵗ))/(√(s/(1 − βᵗ)) + ε_graft). */
    ADAM
}
