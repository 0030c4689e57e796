package org.eigenbasis.binding;

/** A native kernel returned an error status that is not a per-matrix result (a bug, or out of memory). */
public final class NativeKernelException extends IllegalStateException {
    private final int status;

    public NativeKernelException(String kernel, int status, String message) {
        super(kernel + " failed with status " + status + ": " + message);
        this.status = status;
    }

    /** The eb_api.h status code. */
    public int status() {
        return status;
    }
}
