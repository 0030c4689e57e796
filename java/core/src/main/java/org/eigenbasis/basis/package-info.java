/**
 * API. Diagonal preconditioners in a chosen basis (Adam, Adagrad, Gauss–Newton^-p in a basis U: identity, an
 * eigenbasis, a Kronecker eigenbasis per layer, or a user's orthogonal matrix), issue 13, point 1: "which basis should
 * a diagonal preconditioner live in". {@link org.eigenbasis.basis.BasisOptimizer} runs on one flat vector;
 * {@link org.eigenbasis.basis.BasisDiagonalOptimizer} is the same core as a {@link org.eigenbasis.precond.Optimizer}
 * over named parameters with per-parameter bases, and {@link org.eigenbasis.basis.BasisMlpTraining} drives it on an
 * influence MLP in per-layer K-FAC eigenbases. {@link org.eigenbasis.basis.GaussNewton} gives the GN matrices of
 * {@link org.eigenbasis.basis.LinearRegression} and {@link org.eigenbasis.basis.LogisticRegression}. The two studies
 * built on this core live in subpackages: {@code basis.egop} (EGOP reparameterisation) and {@code basis.quadrants}
 * (the four quadrants of "Adam or Gauss–Newton?"); this package uses neither.
 */
package org.eigenbasis.basis;
