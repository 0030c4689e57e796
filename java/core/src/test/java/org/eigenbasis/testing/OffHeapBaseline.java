package org.eigenbasis.testing;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Off-heap memory counters, read before and after a piece of work, and the check that each came back to its
 * baseline within a stated slack. Memory released only when the garbage collector finds an unreachable owner (a
 * direct buffer's cleaner, a dead thread's thread-locals) needs a collection and the reference handler's run, so
 * {@link #assertReturned} collects and re-reads, a bounded number of times, before it fails.
 */
public final class OffHeapBaseline {
    private static final long PAUSE_MS = 100;

    private final List<Counter> counters;
    private final long[] before;

    /**
     * One counter: its name, how to read it (bytes), and how many bytes above the baseline may legitimately stay
     * resident, with the reason (printed in a failure).
     */
    public record Counter(String name, LongSupplier bytes, long slack, String why) {
    }

    private OffHeapBaseline(List<Counter> counters, long[] before) {
        this.counters = counters;
        this.before = before;
    }

    /**
     * The JVM's direct buffer pool ({@code BufferPoolMXBean} "direct"): bytes of live direct buffers, less
     * {@code kept}, bytes a cache legitimately holds for reuse (read at the same moment).
     */
    public static Counter directBuffers(LongSupplier kept, long slack, String why) {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no \"direct\" buffer pool bean"));
        return new Counter("JVM direct buffers", () -> direct.getMemoryUsed() - kept.getAsLong(), slack, why);
    }

    /** Collects garbage, then reads every counter: the baseline. */
    public static OffHeapBaseline take(List<Counter> counters) throws InterruptedException {
        collect();
        long[] now = new long[counters.size()];
        for (int i = 0; i < now.length; i++) {
            now[i] = counters.get(i).bytes().getAsLong();
        }
        return new OffHeapBaseline(List.copyOf(counters), now);
    }

    /**
     * Collects and re-reads, {@value #PAUSE_MS} ms apart, until every counter is within its slack of the baseline
     * or {@code patience} has passed; returns the figures, one line per counter.
     *
     * @throws AssertionError naming each counter still above its baseline plus slack
     */
    public List<String> assertReturned(java.time.Duration patience) throws InterruptedException {
        long[] after = new long[before.length];
        long giveUp = System.nanoTime() + patience.toNanos();
        for (boolean first = true; first || System.nanoTime() < giveUp; first = false) {
            collect();
            boolean ok = true;
            for (int i = 0; i < after.length; i++) {
                after[i] = counters.get(i).bytes().getAsLong();
                ok &= after[i] - before[i] <= counters.get(i).slack();
            }
            if (ok) {
                break;
            }
            Thread.sleep(PAUSE_MS);
        }
        List<String> lines = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < after.length; i++) {
            Counter c = counters.get(i);
            String line = c.name() + ": " + before[i] + " -> " + after[i] + " bytes (" + signed(after[i] - before[i])
                    + ", slack " + c.slack() + ": " + c.why() + ")";
            lines.add(line);
            if (after[i] - before[i] > c.slack()) {
                failures.add(line);
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("off-heap memory did not return to its baseline: " + String.join("; ", failures));
        }
        return lines;
    }

    private static String signed(long delta) {
        return delta >= 0 ? "+" + delta : Long.toString(delta);
    }

    /** Two full collections with the reference handler's pause between, so cleaners of dead owners have run. */
    private static void collect() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(PAUSE_MS / 2);
        }
    }
}
