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
 * release falls back to the garbage collector, which is still correct, only later.
 */
public final class DirectMemory {
    private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

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

    /** Frees a buffer returned by {@link #allocate} now. The buffer must not be used afterwards. */
    public static void free(ByteBuffer buffer) {
        if (buffer == null || !buffer.isDirect() || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (Throwable e) {
            // A duplicate or slice has no cleaner of its own; the garbage collector frees the parent.
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
