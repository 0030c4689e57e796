package org.eigenbasis.spi;

import java.util.Objects;

/**
 * Whether a backend can run here, and if not, why.
 *
 * @param available true when the backend's kernels can be called
 * @param reason    empty when available; otherwise one line saying what is missing and how to get it
 */
public record Availability(boolean available, String reason) {
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!available && reason.isBlank()) {
            throw new IllegalArgumentException("reason: an unavailable backend must say why");
        }
    }

    /** Available: the backend can run every kernel it declares. */
    public static Availability yes() {
        return new Availability(true, "");
    }

    /**
     * Unavailable, with the reason a user can act on (for example "no usable CUDA device (CUDA runtime reports:
     * ...)").
     *
     * @throws IllegalArgumentException when {@code reason} is blank (a NullPointerException when it is null)
     */
    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
