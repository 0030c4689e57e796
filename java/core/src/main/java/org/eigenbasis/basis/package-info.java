/**
 * API. Diagonal preconditioners in a chosen basis (Adam, Adagrad, Gauss–Newton^-p in a basis U: identity, an
 * eigenbasis, a Kronecker eigenbasis per layer, or a user's orthogonal matrix) and EGOP reparameterisation (the
 * eigenbasis of the expected gradient outer product): "which basis should a diagonal preconditioner live in".
 */
package org.eigenbasis.basis;
