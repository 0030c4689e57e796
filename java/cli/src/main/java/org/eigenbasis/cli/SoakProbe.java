package org.eigenbasis.cli;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What {@code eigenbasis soak} samples at the end of each window: the process's resident memory (VmRSS from
 * /proc/self/status: Java heap, off-heap buffers and native allocations together), the Java heap after a full
 * collection (live objects only, so growth means a leak, not garbage), the JVM's direct buffers, open file
 * descriptors and live threads. Linux only for RSS and descriptors; elsewhere they read -1.
 */
record SoakProbe(double rssMib, double heapAfterGcMib, double directMib, long fileDescriptors, int threads) {
    private static final double MIB = 1024.0 * 1024.0;

    /** Samples now; runs a full collection first (about 10 to 50 ms on a small heap, once per window). */
    static SoakProbe sample() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        double heap = memory.getHeapMemoryUsage().getUsed() / MIB;
        double direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed() / MIB;
            }
        }
        return new SoakProbe(readRssMib(), heap, direct, countFileDescriptors(), ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static double readRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;   // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long countFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
