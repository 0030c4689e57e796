/**
 * Verification as a product feature: {@link org.eigenbasis.verify.Verifier} runs every kernel of a backend on
 * seeded and adversarial inputs ({@link org.eigenbasis.verify.SeededMatrices}) and judges LAPACK's test ratios
 * ({@link org.eigenbasis.verify.Invariants}) against the limits each algorithm's accuracy sets
 * ({@link org.eigenbasis.verify.Accuracy}). Public API; what {@code eigenbasis verify} prints.
 */
package org.eigenbasis.verify;
