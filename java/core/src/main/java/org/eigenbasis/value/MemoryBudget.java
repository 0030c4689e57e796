package org.eigenbasis.value;

import org.eigenbasis.internal.MemoryLimits;

/**
 * Refuses a request whose memory need exceeds what the JVM or the machine can give, before anything is
 * allocated. Entry points that allocate in proportion to sizes the caller chose (batch, n, parameter counts,
 * sample counts) add up their need, input copies, outputs and known workspace, stated in their Javadoc, and call
 * {@link #require} first; {@link BatchedMatrix} checks every matrix it allocates, so a path without its own
 * check is still refused before its largest allocation.
 *
 * <p>Limits: the heap that is free after the last garbage collection (of -Xmx), the off-heap memory the JVM allows
 * (-XX:MaxDirectMemorySize where direct buffers are used) and the machine's physical memory (the container's
 * limit inside a cgroup). Both heap and off-heap needs are also held against the machine. The limits are
 * estimates taken at the call: a request under them can still fail if other threads allocate concurrently, but a
 * request over them is one that would fail for certain (OutOfMemoryError) or push the machine into swap.
 *
 * <p>Byte counts are computed with overflow checks; a count whose size in bytes does not fit in a long is refused
 * with the same exception.
 */
public final class MemoryBudget {
    private MemoryBudget() {
    }

    /**
     * Bytes of {@code factors[0] · factors[1] · ... } elements of {@code elementBytes} bytes each.
     *
     * @throws MemoryLimitException (needed −1) when the product overflows a long
     * @throws IllegalArgumentException when a factor is negative
     */
    public static long bytes(String request, int elementBytes, long... factors) {
        long total = elementBytes;
        for (int i = 0; i < factors.length; i++) {
            if (factors[i] < 0) {
                throw new IllegalArgumentException(request + ": size factor " + i + " is " + factors[i]
                        + "; legal range [0, " + Long.MAX_VALUE + "]");
            }
        }
        try {
            for (long f : factors) {
                total = Math.multiplyExact(total, f);
            }
        } catch (ArithmeticException e) {
            throw new MemoryLimitException(request, -1, MemoryLimits.machineBytes(), "memory");
        }
        return total;
    }

    /** {@code a + b} for byte counts, refusing an overflow as a {@link MemoryLimitException}. */
    public static long sum(String request, long... parts) {
        long total = 0;
        try {
            for (long p : parts) {
                total = Math.addExact(total, p);
            }
        } catch (ArithmeticException e) {
            throw new MemoryLimitException(request, -1, MemoryLimits.machineBytes(), "memory");
        }
        return total;
    }

    /**
     * Refuses the request unless {@code heapBytes} fit in the free heap, {@code offHeapBytes} fit in the off-heap
     * limit, and their sum fits in the machine's memory.
     *
     * @param request what is asked for, named in the message (e.g. {@code "eigh of (B, n, n) f64 on java"})
     * @throws MemoryLimitException naming the request, the bytes needed and available and the limit
     */
    public static void require(String request, long heapBytes, long offHeapBytes) {
        if (heapBytes < 0 || offHeapBytes < 0) {
            throw new IllegalArgumentException(request + ": byte counts " + heapBytes + ", " + offHeapBytes
                    + " must be non-negative");
        }
        if (heapBytes > 0 && !MemoryLimits.heapFits(heapBytes)) {
            throw new MemoryLimitException(request, heapBytes, MemoryLimits.heapAvailable(),
                    "JVM heap (-Xmx, less what survived the last GC)");
        }
        long offHeap = offHeapBytes == 0 ? 0 : MemoryLimits.offHeapAvailable();
        if (offHeapBytes > offHeap) {
            throw new MemoryLimitException(request, offHeapBytes, offHeap,
                    "off-heap memory (-XX:MaxDirectMemorySize less direct memory in use, or the machine)");
        }
        long machine = MemoryLimits.machineBytes();
        long both = sum(request, heapBytes, offHeapBytes);
        if (both > machine) {
            throw new MemoryLimitException(request, both, machine, "the machine's physical memory");
        }
    }

    /** {@link #require} for bytes in one placement. */
    public static void require(String request, long bytes, Placement placement) {
        if (placement == Placement.OFF_HEAP) {
            require(request, 0, bytes);
        } else {
            require(request, bytes, 0);
        }
    }

    /** Free heap bytes now, as the check sees them. */
    public static long heapAvailable() {
        return MemoryLimits.heapAvailable();
    }

    /** Off-heap bytes available now, as the check sees them. */
    public static long offHeapAvailable() {
        return MemoryLimits.offHeapAvailable();
    }

    /** The machine's (or container's) physical memory. */
    public static long machineBytes() {
        return MemoryLimits.machineBytes();
    }
}
