/**
 * API. Influence functions over a ladder of curvatures (exact Hessian, GGN, block-diagonal GGN, EK-FAC, K-FAC,
 * identity) of a multilayer perceptron's mean training loss, or of per-example quantities any model supplies:
 * curvature operators with damped inverses, pairwise and self-influence scores, top-k, and their evaluation by the
 * linear datamodeling score (LDS). Every curvature is "build a symmetric matrix, find its eigenbasis, act on the
 * eigenvalues"; the dense products run through {@link org.eigenbasis.spi.InfluenceKernel} and
 * {@link org.eigenbasis.spi.MlpKernel}.
 */
package org.eigenbasis.influence;
