package org.eigenbasis.internal;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * What this process can still allocate, read from the running JVM; {@code MemoryBudget} (org.eigenbasis.value)
 * compares requests with it. Three limits:
 *
 * <ul>
 *   <li><b>heap</b>: {@code Runtime.maxMemory()} (-Xmx) minus the heap that survived the last garbage collection
 *       (the sum over heap pools of {@link MemoryPoolMXBean#getCollectionUsage()}), so garbage that the next
 *       collection frees is not counted as used;</li>
 *   <li><b>off-heap</b>: where buffers come from {@code ByteBuffer.allocateDirect} (Java 17 to 21, see
 *       {@link DirectMemory}), the JVM's direct-memory limit (-XX:MaxDirectMemorySize, read through the
 *       HotSpotDiagnosticMXBean; 0, the default, means {@code Runtime.maxMemory()}, as in the JDK) minus the direct
 *       memory in use (the "direct" {@link BufferPoolMXBean}); FFM arenas (Java 22+) have no JVM limit, so there
 *       only the machine bounds them;</li>
 *   <li><b>machine</b>: the physical memory the JVM reports ({@code com.sun.management.OperatingSystemMXBean
 *       .getTotalMemorySize()}, which is the cgroup limit inside a container; read once); a request larger than
 *       this can never be met, on or off the heap.</li>
 * </ul>
 *
 * Values are estimates of a moving target: a request under them may still fail if other threads allocate at the
 * same time; a request over them would fail (or swap the machine) for certain. Unknown values read as
 * {@link Long#MAX_VALUE} (no limit). Tests may replace the limits for the calling thread with {@link #override}.
 */
public final class MemoryLimits {
    private static final ThreadLocal<long[]> OVERRIDE = new ThreadLocal<>();
    /** Looked up once: the lists are fixed for the JVM's life, and every matrix allocation reads them. */
    private static final List<MemoryPoolMXBean> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    private static final BufferPoolMXBean DIRECT_POOL = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
            .stream().filter(pool -> "direct".equals(pool.getName())).findFirst().orElse(null);
    /** -XX:MaxDirectMemorySize is fixed at JVM start. */
    private static final long MAX_DIRECT = maxDirectMemory();
    /**
     * Read once: inside a container the JVM reads the cgroup files on every call, about as costly as a small
     * kernel; a limit changed while the JVM runs is rare and not followed.
     */
    private static final long MACHINE = readMachineBytes();

    private MemoryLimits() {
    }

    /** Heap bytes a new allocation may take (see the class comment). */
    public static long heapAvailable() {
        long[] o = OVERRIDE.get();
        if (o != null) {
            return o[0];
        }
        long max = Runtime.getRuntime().maxMemory();
        if (max == Long.MAX_VALUE) {
            return max;
        }
        long live = 0;
        for (MemoryPoolMXBean pool : HEAP_POOLS) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            live += afterGc == null ? 0 : afterGc.getUsed();
        }
        return Math.max(0, max - live);
    }

    /**
     * True when {@code bytes} fit in the heap: at once when they fit in what is free now (max − used, a lower
     * bound of {@link #heapAvailable()}, since what is used now includes all that survived the last collection),
     * else by {@link #heapAvailable()}. The fast path keeps the check at a few nanoseconds for small requests.
     */
    public static boolean heapFits(long bytes) {
        if (OVERRIDE.get() == null) {
            Runtime runtime = Runtime.getRuntime();
            if (bytes <= runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory())) {
                return true;
            }
        }
        return bytes <= heapAvailable();
    }

    /** Off-heap bytes a new direct buffer may take (see the class comment). */
    public static long offHeapAvailable() {
        long[] o = OVERRIDE.get();
        if (o != null) {
            return o[1];
        }
        long machine = machineBytes();
        if ("ffm-arena".equals(DirectMemory.mechanism())) {
            return machine;
        }
        long used = DIRECT_POOL == null ? 0 : Math.max(0, DIRECT_POOL.getMemoryUsed());
        return Math.min(machine, Math.max(0, MAX_DIRECT - used));
    }

    /** Physical memory of the machine or container, as the JVM reports it. */
    public static long machineBytes() {
        long[] o = OVERRIDE.get();
        if (o != null) {
            return o[2];
        }
        return MACHINE;
    }

    private static long readMachineBytes() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            long total = hotspot.getTotalMemorySize();
            return total > 0 ? total : Long.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }

    /** -XX:MaxDirectMemorySize in bytes; the JDK's default (the option at 0) is the maximum heap size. */
    static long maxDirectMemory() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            long option = hotspot == null ? 0 : Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            return option > 0 ? option : Runtime.getRuntime().maxMemory();
        } catch (RuntimeException e) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    /**
     * For tests: replaces the three limits (bytes) for the calling thread until the returned handle is closed, so
     * a refusal can be tested at a small size without a small JVM.
     */
    public static Restore override(long heapBytes, long offHeapBytes, long machineBytes) {
        long[] previous = OVERRIDE.get();
        OVERRIDE.set(new long[] {heapBytes, offHeapBytes, machineBytes});
        return () -> {
            if (previous == null) {
                OVERRIDE.remove();
            } else {
                OVERRIDE.set(previous);
            }
        };
    }

    /** Restores the limits in force before {@link #override}. */
    public interface Restore extends AutoCloseable {
        @Override
        void close();
    }
}
