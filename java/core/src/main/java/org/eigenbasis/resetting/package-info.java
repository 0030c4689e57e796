/**
 * Stochastic resetting: renewal laws ({@link org.eigenbasis.resetting.RenewalLaw}), the spectral filters they
 * define ({@link org.eigenbasis.resetting.ResetFilter}), the stationary mean of resetting gradient flow
 * ({@link org.eigenbasis.resetting.StationaryMean}), exact OU moments under resetting
 * ({@link org.eigenbasis.resetting.OuResetMoments}) and the trajectory simulator
 * ({@link org.eigenbasis.resetting.ResetSimulator}). Public API.
 */
package org.eigenbasis.resetting;
