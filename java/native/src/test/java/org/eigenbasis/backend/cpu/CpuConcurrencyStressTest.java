package org.eigenbasis.backend.cpu;

import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.contract.ConcurrencyContract;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.testing.JvmMalloc;
import org.eigenbasis.testing.OffHeapBaseline;
import org.junit.jupiter.api.Assumptions;

/**
 * Eight threads on every kernel of one cpu backend (large problems included: threaded OpenBLAS for one big eigh
 * or refresh, products split over the batch pool): the bits of calls made alone; direct buffers, JavaCPP's and the C heap back to
 * their baselines.
 *
 * <p>What stays resident legitimately, and how it is handled: each thread that has called a kernel keeps its
 * native thread-local workspaces (eigh, refresh, spectral, preconditioner, influence and MLP scratch, at the size of
 * the largest problem it ran, the preconditioner's capped at 64 MiB) and its {@code Scratch} direct buffer. The
 * stress threads' are freed when the threads exit (C++ thread_local destructors; the ThreadLocal's buffer by its
 * cleaner once collected). The batch pool's workers never exit, so {@link #releaseThreadCaches()} restarts them
 * before the baseline and after the run: a leak survives that, a workspace does not. The test thread ran every
 * task before the baseline and runs none after, so its own workspaces cancel out.
 */
class CpuConcurrencyStressTest extends ConcurrencyContract {
    /**
     * Slack of the C heap counter where Native Memory Tracking is off (this module's surefire turns it on; an IDE
     * may not): the counter then includes the JVM's own malloc, which moves with work the JVM does beside ours
     * (compilations, symbols of classes loaded late, G1's remembered sets) and moved by up to 11 MB between the
     * baseline and the end in runs without NMT here. Only a gross leak is caught then.
     */
    private static final long C_HEAP_SLACK = 64L << 20;
    private static final Backend BACKEND = new CpuBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    @Override
    protected boolean requiredHere() {
        return true;
    }

    /** Big enough for OpenBLAS threaded on one eigh or refresh (n ≥ 256) and for products split over the pool. */
    @Override
    protected int largeN() {
        return 256;
    }

    @Override
    protected List<OffHeapBaseline.Counter> nativeCounters() {
        Assumptions.assumeTrue(CpuKernels.heapInUse() >= 0, "the C heap counter needs glibc 2.33+ (mallinfo2)");
        return List.of(new OffHeapBaseline.Counter("JavaCPP Pointer.totalBytes", () -> {
            Pointer.deallocateReferences();
            return Pointer.totalBytes();
        }, 0, "the cpu path allocates nothing through JavaCPP"), cHeap());
    }

    /**
     * The C heap. With Native Memory Tracking on ({@code -XX:NativeMemoryTracking=summary}, in this module's
     * surefire configuration), the JVM's own malloc is taken out: mallinfo2 − NMT's malloc bytes − 24 B × NMT's allocation count. A
     * JVM allocation of r bytes takes a glibc chunk of r + 16 (NMT's header) + 8 (the chunk's), rounded up to 16:
     * 24 to 39 bytes more than r. So each live JVM allocation leaves 0 to 15 bytes in the difference, and the
     * slack is 16 B per allocation for up to twice the count at the baseline, plus 64 KiB for NMT's rounding to KiB
     * and the JVM threads that malloc between the two reads. Without NMT: {@link #C_HEAP_SLACK}.
     */
    private static OffHeapBaseline.Counter cHeap() {
        JvmMalloc.Use jvm = JvmMalloc.now();
        if (jvm == null) {
            return new OffHeapBaseline.Counter("C heap (mallinfo2)", CpuKernels::heapInUse, C_HEAP_SLACK,
                    "process-wide, the JVM's own malloc included (run with -XX:NativeMemoryTracking=summary to"
                            + " take it out)");
        }
        long slack = 16 * 2 * jvm.count() + (64 << 10);
        return new OffHeapBaseline.Counter("C heap less the JVM's malloc (NMT)", () -> {
            JvmMalloc.Use now = JvmMalloc.now();
            return CpuKernels.heapInUse() - now.bytes() - 24 * now.count();
        }, slack, "16 B per JVM allocation for twice the " + jvm.count() + " at the baseline, 64 KiB for rounding");
    }

    /** Restarts the batch pool's workers, which frees their thread-local workspaces. */
    @Override
    protected void releaseThreadCaches() {
        int workers = CpuBackend.workerThreads();
        if (workers > 1) {
            CpuBackend.setWorkerThreads(1);
            CpuBackend.setWorkerThreads(workers);
        }
    }
}
