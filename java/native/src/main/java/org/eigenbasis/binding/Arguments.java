package org.eigenbasis.binding;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * The checks every checked wrapper of this package makes before it calls native code (issue 15, "a hostile caller"):
 * each failure is an IllegalArgumentException naming the argument, the value and what is legal, thrown before any
 * native call, so nothing is written. A buffer the native code touches must be direct, in the platform's byte order,
 * at position 0 and long enough; one it writes must not be read-only. Extents are checked one by one (non-negative)
 * and their products for overflow, so that a batch of 2^62 matrices can never wrap to a small, accepted count.
 */
final class Arguments {
    private Arguments() {
    }

    /** {@code value} must lie in [0, max]. */
    static void range(String name, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, " + max + "]");
        }
    }

    /** {@code value} must be >= 0. */
    static void nonNegative(String name, long value) {
        range(name, value, Long.MAX_VALUE);
    }

    /** An enum code of eb_api.h: {@code code} must lie in [lo, hi]. */
    static void code(String name, int code, int lo, int hi) {
        if (code < lo || code > hi) {
            throw new IllegalArgumentException(name + ": code " + code + " is outside [" + lo + ", " + hi + "]");
        }
    }

    /**
     * The product of non-negative extents, the element count of buffer {@code name}; an IllegalArgumentException
     * naming the buffer and the extents when it overflows a long (or an extent is negative).
     */
    static long elements(String name, long... extents) {
        long product = 1;
        for (int i = 0; i < extents.length; i++) {
            if (extents[i] < 0) {
                throw new IllegalArgumentException(name + ": extent " + i + " is " + extents[i] + ", outside [0, "
                        + Long.MAX_VALUE + "]");
            }
            try {
                product = Math.multiplyExact(product, extents[i]);
            } catch (ArithmeticException overflow) {
                throw new IllegalArgumentException(name + ": the element count " + java.util.Arrays.toString(extents)
                        .replace(", ", " x ") + " overflows a long (at most " + Long.MAX_VALUE + ")");
            }
        }
        return product;
    }

    /** A buffer the native code reads: direct, native byte order, at position 0, with the product of extents elements. */
    static void input(String name, Buffer buffer, long... extents) {
        require(name, buffer, elements(name, extents));
    }

    /** A buffer the native code writes: as {@link #input}, and not read-only. */
    static void output(String name, Buffer buffer, long... extents) {
        input(name, buffer, extents);
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException(name + ": is read-only, and the kernel writes it");
        }
    }

    /** A buffer the native code will touch: direct, native byte order, at position 0, with {@code needed} elements. */
    static void require(String name, Buffer buffer, long needed) {
        if (buffer == null) {
            throw new IllegalArgumentException(name + ": is null");
        }
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException(name + ": must be a direct buffer (a heap buffer has no native address)");
        }
        ByteOrder order = order(buffer);
        if (order != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException(name + ": byte order " + order + ", the native code reads "
                    + ByteOrder.nativeOrder() + " (ByteBuffer.order(ByteOrder.nativeOrder()) before the view)");
        }
        if (needed < 0) {
            throw new IllegalArgumentException(name + ": needs " + needed + " elements, a negative count");
        }
        if (buffer.position() != 0 || buffer.limit() < needed) {
            throw new IllegalArgumentException(name + ": holds " + (buffer.limit() - buffer.position())
                    + " elements from position " + buffer.position() + ", needs " + needed + " from position 0");
        }
    }

    private static ByteOrder order(Buffer buffer) {
        if (buffer instanceof DoubleBuffer b) {
            return b.order();
        }
        if (buffer instanceof FloatBuffer b) {
            return b.order();
        }
        if (buffer instanceof IntBuffer b) {
            return b.order();
        }
        if (buffer instanceof LongBuffer b) {
            return b.order();
        }
        if (buffer instanceof ByteBuffer) {
            return ByteOrder.nativeOrder();  // bytes have no order
        }
        throw new IllegalArgumentException("a " + buffer.getClass().getSimpleName() + " is not a buffer type of eb_api.h");
    }
}
