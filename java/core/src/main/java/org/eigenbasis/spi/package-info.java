/**
 * The backend SPI: one interface per kernel family ({@link org.eigenbasis.spi.EighKernel},
 * {@link org.eigenbasis.spi.SpectralKernel}, {@link org.eigenbasis.spi.RefreshKernel},
 * {@link org.eigenbasis.spi.PreconditionerKernel}, {@link org.eigenbasis.spi.ResetSimulationKernel}), the
 * {@link org.eigenbasis.spi.Backend} that bundles them, and {@link org.eigenbasis.spi.Backends}, which finds the
 * registered backends (java, cpu, cuda) and picks one by name or {@code auto}. Public API for callers who select a
 * backend and for implementers of a new one; it sees only the value types.
 */
package org.eigenbasis.spi;
