package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.internal.DirectMemory;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.testing.ConcurrencyStress;
import org.eigenbasis.testing.OffHeapBaseline;
import org.eigenbasis.value.BatchedMatrix;
import org.junit.jupiter.api.Test;

/**
 * Eight threads call every kernel of the backend under test at once, on one shared backend and shared inputs, for
 * a fixed time ({@link ConcurrencyStress#SECONDS_PROPERTY}, default {@link #defaultSeconds()}): every result must
 * have the bits of the same call made alone, no call may hang (bounded waits, a thread dump on timeout), and the
 * off-heap memory must come back to its baseline once the threads are gone. The calls are {@link StressTasks}: every
 * method of the SPI (eigh with every algorithm the backend supports, values only and vectors; both spectral
 * functions; warm refresh; factor accumulation, rotation and the diagonal update, and the six optimizers of
 * {@code Optimizers} on top of them; the four influence kernels; MLP training and Hessian-vector products; the
 * reset simulator, whole and by ranges; the diffusion variances), f32 and f64, heap and off-heap, random shapes.
 *
 * <p>The run: the calls alone, twice (they must agree, or a difference under threads would say nothing); a short
 * warm-up under threads (the JIT compiles and classes load, so the JVM's own native memory settles); the baseline;
 * the timed run; the threads shut down; the memory check. The threads first share out the tasks, so every kernel
 * runs beside the others at least once whatever the duration, then call random tasks.
 */
public abstract class ConcurrencyContract extends BackendContract {
    /** Threads that call the backend at once. */
    public static final int THREADS = 8;
    private static final long SEED = 15;
    /** How long a call may take once the run is over before it counts as hung (a debug JVM can be slow). */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
    /**
     * How long memory may take to come back when it is late: longer than HotSpot's 5 s period of returning its
     * pooled compiler and handle-area chunks to malloc, which the native heap counter sees.
     */
    private static final Duration RELEASE_PATIENCE = Duration.ofSeconds(8);

    /** Seconds of the timed run under {@code mvn test} (the system property overrides it). */
    protected double defaultSeconds() {
        return 4;
    }

    /** n of the large problems that take a backend's threaded paths; 0 for none (the java reference). */
    protected int largeN() {
        return 0;
    }

    /** The off-heap counters to check besides the JVM's direct buffers, each with its slack and the reason. */
    protected List<OffHeapBaseline.Counter> nativeCounters() {
        return List.of();
    }

    /** Releases what the backend legitimately keeps per live thread outside the stress pool (nothing here). */
    protected void releaseThreadCaches() {
    }

    /**
     * The stress tasks of {@code backend} without the large problems, built without calling the backend (for a
     * fresh JVM whose first calls must race); their inputs live until the JVM exits.
     */
    public static List<ConcurrencyStress.Task> tasksOf(Backend backend, long seed) {
        return StressTasks.of(backend, seed, 0).tasks();
    }

    @Test
    void everyKernelOnEightThreadsGivesTheBitsOfTheCallAloneAndReleasesItsMemory() throws Exception {
        StressTasks.Made made = StressTasks.of(backend(), SEED, largeN());
        try {
            List<ConcurrencyStress.Task> tasks = made.tasks();
            List<double[]> expected = ConcurrencyStress.alone(tasks);
            List<double[]> again = ConcurrencyStress.alone(tasks);
            for (int k = 0; k < tasks.size(); k++) {
                assertTrue(ConcurrencyStress.sameBits(expected.get(k), again.get(k)),
                        tasks.get(k).name() + ": two calls alone differ");
            }
            Duration run = ConcurrencyStress.duration(defaultSeconds());
            ConcurrencyStress.run(tasks, expected, THREADS, run.dividedBy(4), SEED + 1, CALL_TIMEOUT);
            releaseThreadCaches();
            List<OffHeapBaseline.Counter> counters = new ArrayList<>();
            counters.add(OffHeapBaseline.directBuffers(DirectMemory::cachedBytes, 64 << 10, "less DirectMemory's"
                    + " reuse cache (" + DirectMemory.cachedBytes() + " bytes now, at most eigenbasis.directCacheBytes);"
                    + " slack for NIO temporary buffers the JDK caches per thread for threads outside the pool; every"
                    + " eigenbasis buffer is freed by close, or by the cleaner of its dead owner (Scratch)"));
            counters.addAll(nativeCounters());
            OffHeapBaseline baseline = OffHeapBaseline.take(counters);
            ConcurrencyStress.Report report = ConcurrencyStress.run(tasks, expected, THREADS, run, SEED, CALL_TIMEOUT);
            releaseThreadCaches();
            List<String> figures = baseline.assertReturned(RELEASE_PATIENCE);
            assertTrue(report.callsPerTask().values().stream().allMatch(c -> c >= 1),
                    "every task runs at least once: " + report.callsPerTask());
            System.out.printf("stress %s: %d tasks, %d threads, %d calls in %.1f s (%.0f calls/s); %s%n",
                    backend().name(), tasks.size(), THREADS, report.calls(), report.seconds(),
                    report.callsPerSecond(), String.join("; ", figures));
        } finally {
            made.inputs().forEach(BatchedMatrix::close);
        }
    }
}
