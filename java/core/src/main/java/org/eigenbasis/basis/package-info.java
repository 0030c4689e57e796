/**
 * API. Diagonal preconditioners in a chosen basis (Adam, Adagrad, Gauss–Newton^-p in a basis U: identity, an
 * eigenbasis, a Kronecker eigenbasis per layer, or a user's orthogonal matrix) and EGOP reparameterisation (the
 * eigenbasis of the expected gradient outer product): "which basis should a diagonal preconditioner live in".
 * {@link org.eigenbasis.basis.BasisOptimizer} runs on one flat vector; {@link org.eigenbasis.basis.BasisDiagonalOptimizer}
 * is the same core as a {@link org.eigenbasis.precond.Optimizer} over named parameters with per-parameter bases, and
 * {@link org.eigenbasis.basis.BasisMlpTraining} drives it on an influence MLP in per-layer K-FAC eigenbases.
 */
package org.eigenbasis.basis;
