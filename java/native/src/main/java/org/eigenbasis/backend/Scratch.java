package org.eigenbasis.backend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Small per-thread direct buffers for per-call native outputs (status codes, per-matrix scalars), reused from
 * call to call: allocating and releasing one per call costs more than many small kernels (about 60 µs for an
 * FFM arena on Java 22+). Each thread keeps the largest it has needed, so memory stays bounded.
 */
public final class Scratch {
    private static final ThreadLocal<ByteBuffer> BUFFER = new ThreadLocal<>();

    private Scratch() {
    }

    /** A direct buffer of at least {@code bytes} bytes, native order, position 0, limit {@code bytes}. */
    public static ByteBuffer bytes(long bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("scratch of " + bytes + " bytes is outside [0, " + Integer.MAX_VALUE + "]");
        }
        ByteBuffer b = BUFFER.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect((int) Math.max(bytes, 4096)).order(ByteOrder.nativeOrder());
            BUFFER.set(b);
        }
        return b.duplicate().order(ByteOrder.nativeOrder()).clear().limit((int) bytes);
    }
}
