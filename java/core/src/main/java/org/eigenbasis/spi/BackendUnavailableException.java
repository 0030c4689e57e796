package org.eigenbasis.spi;

/** An explicitly requested backend cannot run here; the message says why. */
public final class BackendUnavailableException extends IllegalStateException {
    private final String backend;

    public BackendUnavailableException(String backend, String reason) {
        super("backend '" + backend + "' is unavailable: " + reason);
        this.backend = backend;
    }

    /** The name of the backend that was asked for. */
    public String backend() {
        return backend;
    }
}
