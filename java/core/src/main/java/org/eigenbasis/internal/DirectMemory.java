package org.eigenbasis.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Direct (off-heap) buffers with deterministic release. Java 17 has no public way to free a direct buffer before
 * it is garbage-collected; {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, present on 17, 21 and
 * 25, and not among the memory-access methods deprecated by JEP 471) runs its cleaner now. Where it is missing,
 * release falls back to the garbage collector, which is still correct, only later. Freed buffers of 64 KiB or
 * more may instead be kept, up to a bound, for {@link #allocateUninitialized}.
 */
public final class DirectMemory {
    private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();
    /** Buffers below this size are freed at once; above it they may wait, bounded, for reuse. */
    private static final int MIN_CACHED = 64 << 10;
    /**
     * Bytes of freed buffers kept for reuse by {@link #allocateUninitialized} (system property
     * {@code eigenbasis.directCacheBytes}, default 64 MiB; 0 disables the cache). Reuse saves zeroing and fresh
     * page faults on every call of a repeated shape; the bound keeps long runs flat in memory.
     */
    private static final long CACHE_LIMIT = Long.getLong("eigenbasis.directCacheBytes", 64L << 20);
    private static final java.util.Map<Integer, java.util.ArrayDeque<ByteBuffer>> CACHE = new java.util.HashMap<>();
    private static long cachedBytes;

    private DirectMemory() {
    }

    /** A zeroed direct buffer of {@code bytes} bytes in native byte order. */
    public static ByteBuffer allocate(long bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("off-heap buffer of " + bytes
                    + " bytes is outside the legal range [0, " + Integer.MAX_VALUE + "] of one direct buffer");
        }
        return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    }

    /**
     * A direct buffer of {@code bytes} bytes in native byte order whose contents are unspecified: a freed buffer
     * of the same size when one is cached, else a new one. For outputs that a kernel overwrites entirely.
     */
    public static ByteBuffer allocateUninitialized(long bytes) {
        if (bytes >= MIN_CACHED && bytes <= Integer.MAX_VALUE) {
            synchronized (CACHE) {
                java.util.ArrayDeque<ByteBuffer> free = CACHE.get((int) bytes);
                if (free != null && !free.isEmpty()) {
                    cachedBytes -= bytes;
                    return free.pop().clear().order(ByteOrder.nativeOrder());
                }
            }
        }
        return allocate(bytes);
    }

    /**
     * Releases a buffer returned by {@link #allocate} or {@link #allocateUninitialized}: freed now, or kept (up to
     * the cache bound) for reuse. The buffer must not be used afterwards.
     */
    public static void free(ByteBuffer buffer) {
        if (buffer == null || !buffer.isDirect()) {
            return;
        }
        int capacity = buffer.capacity();
        if (capacity >= MIN_CACHED) {
            synchronized (CACHE) {
                if (cachedBytes + capacity <= CACHE_LIMIT) {
                    CACHE.computeIfAbsent(capacity, c -> new java.util.ArrayDeque<>()).push(buffer);
                    cachedBytes += capacity;
                    return;
                }
            }
        }
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (Throwable e) {
            // A duplicate or slice has no cleaner of its own; the garbage collector frees the parent.
        }
    }

    /** Bytes currently held for reuse (at most the cache bound). */
    public static long cachedBytes() {
        synchronized (CACHE) {
            return cachedBytes;
        }
    }

    /** True when buffers are freed at {@link #free}, false when the garbage collector frees them. */
    public static boolean deterministicRelease() {
        return INVOKE_CLEANER != null;
    }

    private static MethodHandle findInvokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            MethodHandle handle = MethodHandles.lookup().findVirtual(unsafeClass, "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class));
            return handle.bindTo(unsafe).asType(MethodType.methodType(void.class, ByteBuffer.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
