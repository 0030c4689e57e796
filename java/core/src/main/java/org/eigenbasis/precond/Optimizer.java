package org.eigenbasis.precond;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A first-order optimizer over named parameter blocks for a JVM training loop: {@link #step} reads one set of
 * gradients and updates the parameters in place. Implementations hold their state (moments, factors, bases) on
 * the heap or off-heap; {@link #close()} releases it deterministically.
 */
public interface Optimizer extends AutoCloseable {
    /** The parameters, in registration order. */
    List<Parameter> parameters();

    /**
     * One optimisation step. Every parameter must have a gradient of its dtype and size; otherwise
     * {@link IllegalArgumentException} naming the parameter, and nothing is changed.
     */
    void step(Gradients gradients);

    /** Steps taken so far (including an initialising step that leaves the parameters unchanged). */
    long stepCount();

    /** Writes the optimizer state (not the parameters) atomically, versioned and checksummed. */
    void save(Path file) throws IOException;

    /**
     * Restores a state written by {@link #save} for the same parameter shapes and configuration; after load, steps
     * continue bit-identically. A corrupt, truncated or mismatched file is refused with {@link IOException} or
     * {@link IllegalArgumentException} and the current state is kept.
     */
    void load(Path file) throws IOException;

    @Override
    void close();
}
