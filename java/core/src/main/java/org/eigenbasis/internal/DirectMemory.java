package org.eigenbasis.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Direct (off-heap) buffers with deterministic release.
 *
 * <p>On Java 22 and later each buffer comes from its own shared {@code java.lang.foreign.Arena}, closed at
 * {@link #free}; a buffer used after that throws instead of touching freed memory. The FFM API is reached through
 * method handles because the code is compiled for Java 17. On Java 17 to 21, where that API is not final, buffers
 * come from {@code ByteBuffer.allocateDirect} and {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported)
 * frees them now; later JDKs deprecate that method for removal and warn when it is called, hence the switch.
 * Where neither works, release falls back to the garbage collector: still correct, only later. Freed buffers of
 * 64 KiB or more may instead be kept, up to a bound, for {@link #allocateUninitialized}.
 */
public final class DirectMemory {
    private static final Foreign FOREIGN = Foreign.find();
    private static final MethodHandle INVOKE_CLEANER = FOREIGN == null ? findInvokeCleaner() : null;
    /** The arena of each live buffer allocated through the FFM API (identity: buffers compare by content). */
    private static final java.util.Map<ByteBuffer, Object> ARENAS = new java.util.IdentityHashMap<>();
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
        if (FOREIGN != null) {
            Object arena = FOREIGN.newArena();
            ByteBuffer buffer = FOREIGN.allocate(arena, bytes).order(ByteOrder.nativeOrder());
            synchronized (ARENAS) {
                ARENAS.put(buffer, arena);
            }
            return buffer;
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
        Object arena;
        synchronized (ARENAS) {
            arena = ARENAS.remove(buffer);
        }
        if (arena != null) {
            FOREIGN.close(arena);
            return;
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
        return FOREIGN != null || INVOKE_CLEANER != null;
    }

    /** How buffers are allocated and freed here: {@code ffm-arena}, {@code unsafe-cleaner} or {@code gc}. */
    public static String mechanism() {
        return FOREIGN != null ? "ffm-arena" : INVOKE_CLEANER != null ? "unsafe-cleaner" : "gc";
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

    /** The java.lang.foreign calls we need, as method handles (Java 22+). */
    private static final class Foreign {
        private final MethodHandle ofShared;
        private final MethodHandle allocate;
        private final MethodHandle asByteBuffer;
        private final MethodHandle close;

        private Foreign(MethodHandle ofShared, MethodHandle allocate, MethodHandle asByteBuffer, MethodHandle close) {
            this.ofShared = ofShared;
            this.allocate = allocate;
            this.asByteBuffer = asByteBuffer;
            this.close = close;
        }

        static Foreign find() {
            if (Runtime.version().feature() < 22 || Boolean.getBoolean("eigenbasis.noForeignMemory")) {
                return null;
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<?> arena = Class.forName("java.lang.foreign.Arena");
                Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
                return new Foreign(
                        lookup.findStatic(arena, "ofShared", MethodType.methodType(arena)),
                        lookup.findVirtual(arena, "allocate", MethodType.methodType(segment, long.class, long.class)),
                        lookup.findVirtual(segment, "asByteBuffer", MethodType.methodType(ByteBuffer.class)),
                        lookup.findVirtual(arena, "close", MethodType.methodType(void.class)));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        Object newArena() {
            try {
                return ofShared.invoke();
            } catch (Throwable e) {
                throw new IllegalStateException("could not create an off-heap arena", e);
            }
        }

        ByteBuffer allocate(Object arena, long bytes) {
            try {
                return (ByteBuffer) asByteBuffer.invoke(allocate.invoke(arena, bytes, 64L));
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Throwable e) {
                throw new OutOfMemoryError("off-heap allocation of " + bytes + " bytes failed: " + e);
            }
        }

        void close(Object arena) {
            try {
                close.invoke(arena);
            } catch (Throwable e) {
                // Closing twice or from a dead scope cannot happen here (one arena per buffer, freed once).
            }
        }
    }
}
