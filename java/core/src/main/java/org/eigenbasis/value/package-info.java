/**
 * Value types every layer shares, below the backend SPI: {@link org.eigenbasis.value.BatchedMatrix} (a batch of
 * row-major matrices on or off the heap), {@link org.eigenbasis.value.DType}, {@link org.eigenbasis.value.Placement},
 * {@link org.eigenbasis.value.EighAlgorithm}, and what a resetting simulation kernel reads and returns
 * ({@link org.eigenbasis.value.ResetSimulationConfig}, {@link org.eigenbasis.value.ResetSimulation},
 * {@link org.eigenbasis.value.LawKind}, {@link org.eigenbasis.value.SampledLaw}). Public API; depends on nothing
 * of eigenbasis but {@code internal}.
 */
package org.eigenbasis.value;
