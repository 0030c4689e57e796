/**
 * Linear-denoiser diffusion dynamics (issue 14): closed-form per-mode learning curves of one- and symmetric
 * two-layer linear denoisers trained by gradient flow, the generated distribution through training, emergence times
 * and their power law in the mode variance. Entry points: {@link org.eigenbasis.diffusion.ModeDynamics},
 * {@link org.eigenbasis.diffusion.DiffusionConfig}, {@link org.eigenbasis.diffusion.DenoiserModel};
 * {@link org.eigenbasis.diffusion.Spectrum} (power law, covariance, circulant, digits),
 * {@link org.eigenbasis.diffusion.EmergenceTimes} with {@link org.eigenbasis.diffusion.EmergenceConfig}, and
 * {@link org.eigenbasis.diffusion.PowerLawFit}.
 */
package org.eigenbasis.diffusion;
