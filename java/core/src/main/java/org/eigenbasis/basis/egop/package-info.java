/**
 * API. EGOP reparameterisation (issue 13, point 3; "Faster Adaptive Optimization via EGOP Reparameterization",
 * DePavia, Charisopoulos, Willett): estimate the expected gradient outer product E_{θ∼ρ}[∇f ∇fᵀ] = VΛVᵀ from M
 * sampled gradients ({@link org.eigenbasis.basis.egop.EgopEstimator}, {@link org.eigenbasis.basis.egop.EgopConfig}),
 * then run a diagonal method of {@code org.eigenbasis.basis} in the original coordinates and in the EGOP basis, each
 * learning rate tuned on one grid ({@link org.eigenbasis.basis.egop.EgopComparison},
 * {@link org.eigenbasis.basis.egop.EgopComparisonConfig}), full, per block, or in the reduced top-r form
 * ({@link org.eigenbasis.basis.egop.EgopReducedForm}); the test problems are in
 * {@link org.eigenbasis.basis.egop.EgopProblems} and {@link org.eigenbasis.basis.egop.EgopDigitsProblems}. Depends on
 * {@code org.eigenbasis.basis}, never on {@code basis.quadrants}.
 */
package org.eigenbasis.basis.egop;
