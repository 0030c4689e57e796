/**
 * Linear-denoiser diffusion dynamics (issue 14): diagonalise the data covariance, then act on its eigenvalues.
 * <ul>
 *   <li>Closed forms per mode: {@link org.eigenbasis.diffusion.ModeDynamics} (the weight ψ(τ; σ), the
 *       probability-flow integral, the generated variance, KL) for the {@link org.eigenbasis.diffusion.DenoiserModel}s
 *       under a {@link org.eigenbasis.diffusion.DiffusionConfig}; the whole generated Gaussian through training in
 *       {@link org.eigenbasis.diffusion.GeneratedGaussian}; the full matrix gradient flow they are checked against in
 *       {@link org.eigenbasis.diffusion.WeightSpaceFlow}.</li>
 *   <li>Spectra and the power law: {@link org.eigenbasis.diffusion.Spectrum} (power law, a covariance, a circulant,
 *       digits), {@link org.eigenbasis.diffusion.EmergenceTimes} with {@link org.eigenbasis.diffusion.EmergenceConfig},
 *       {@link org.eigenbasis.diffusion.PowerLawFit}.</li>
 *   <li>Simulation on a backend: {@link org.eigenbasis.diffusion.DenoiserTraining} (mini-batch SGD of the per-σ
 *       denoisers, all σ levels as one batch of GEMMs) with {@link org.eigenbasis.diffusion.DenoiserTrainingConfig},
 *       {@link org.eigenbasis.diffusion.ProbabilityFlowSampler} (Heun in ln σ), and the error bars of
 *       {@link org.eigenbasis.diffusion.SgdMoments}.</li>
 * </ul>
 * Derivations: each class's Javadoc and docs/design-notes.md §15.
 */
package org.eigenbasis.diffusion;
