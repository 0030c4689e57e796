/**
 * A small training harness that validates the optimizers on real data: datasets (the bundled UCI digits),
 * models with K-FAC layer statistics, the full-batch or mini-batch {@link org.eigenbasis.train.Trainer} and
 * learning-rate sweeps. Public API.
 */
package org.eigenbasis.train;
