package org.eigenbasis.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A concurrency stress engine: a fixed pool of threads runs randomly chosen tasks for a fixed time, and every
 * result must have exactly the bits of the same call made alone (computed serially first, on the calling thread).
 * Every wait is bounded: a worker stuck in one call is reported with a dump of every thread's stack, never waited
 * for forever. Tasks share their inputs across threads (they must only read them) and make their own outputs.
 *
 * <p>The duration is the system property {@value #SECONDS_PROPERTY} (seconds) when set, else the caller's default
 * (a few seconds for {@code mvn test}; {@code -Deigenbasis.stress.seconds=600} for a long run).
 */
public final class ConcurrencyStress {
    /** System property: how long the threads run, in seconds (overrides the test's default). */
    public static final String SECONDS_PROPERTY = "eigenbasis.stress.seconds";
    private static final int MAX_REPORTED_MISMATCHES = 5;

    private ConcurrencyStress() {
    }

    /** One kernel call: reads inputs shared with the other threads, returns its outputs flattened to doubles. */
    public record Task(String name, Callable<double[]> call) {
    }

    /** What a run did: calls per task (in name order), total calls, seconds the threads ran. */
    public record Report(Map<String, Long> callsPerTask, long calls, double seconds) {
        /** Calls per second over all threads. */
        public double callsPerSecond() {
            return calls / seconds;
        }
    }

    /** The run time: {@value #SECONDS_PROPERTY} when set (a positive number), else {@code defaultSeconds}. */
    public static Duration duration(double defaultSeconds) {
        String text = System.getProperty(SECONDS_PROPERTY);
        double seconds = text == null || text.isBlank() ? defaultSeconds : Double.parseDouble(text.trim());
        if (!(seconds > 0) || !Double.isFinite(seconds)) {
            throw new IllegalArgumentException(SECONDS_PROPERTY + ": " + text + " is outside (0, ∞)");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /** Every task once, in order, on the calling thread: the results of calls made alone. */
    public static List<double[]> alone(List<Task> tasks) throws Exception {
        List<double[]> expected = new ArrayList<>();
        for (Task t : tasks) {
            expected.add(t.call().call());
        }
        return expected;
    }

    /**
     * Runs {@code threads} threads for {@code duration}, thread t first calling tasks t, t + threads, ... in a
     * shuffled order (so every task runs under concurrency at least once, whatever the duration), then tasks
     * chosen by its own seeded RNG until the time is up; every result is compared with {@code expected} bit for
     * bit. A call still running {@code callTimeout} after the
     * end is a failure whose message holds every thread's stack; so is a mismatch (the first few are named) or an
     * exception from a task.
     *
     * @throws AssertionError on a mismatch, an exception in a task or a timeout
     */
    public static Report run(List<Task> tasks, List<double[]> expected, int threads, Duration duration, long seed,
                             Duration callTimeout) throws InterruptedException {
        if (tasks.isEmpty() || tasks.size() != expected.size()) {
            throw new IllegalArgumentException("tasks: " + tasks.size() + " tasks for " + expected.size()
                    + " expected results (need as many, at least 1)");
        }
        AtomicLongArray calls = new AtomicLongArray(tasks.size());
        List<String> mismatches = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger names = new AtomicInteger();
        ThreadFactory factory = r -> new Thread(r, "stress-" + names.getAndIncrement());
        ExecutorService pool = Executors.newFixedThreadPool(threads, factory);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                Random rng = new Random(seed * 1_000_003L + t);
                List<Integer> firstPass = new ArrayList<>();
                for (int k = t; k < tasks.size(); k += threads) {
                    firstPass.add(k);
                }
                java.util.Collections.shuffle(firstPass, rng);
                futures.add(pool.submit(() -> {
                    for (int call = 0; mismatches.size() < MAX_REPORTED_MISMATCHES; call++) {
                        if (call >= firstPass.size() && System.nanoTime() >= end) {
                            break;
                        }
                        int k = call < firstPass.size() ? firstPass.get(call) : rng.nextInt(tasks.size());
                        double[] got = tasks.get(k).call().call();
                        calls.incrementAndGet(k);
                        if (!sameBits(expected.get(k), got)) {
                            mismatches.add(tasks.get(k).name() + " on " + Thread.currentThread().getName() + ": "
                                    + firstDifference(expected.get(k), got));
                        }
                    }
                    return null;
                }));
            }
            long deadline = end + callTimeout.toNanos();
            for (Future<?> f : futures) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    f.get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("a stress thread was still in a call " + callTimeout.toMillis()
                            + " ms after the end (deadlock or livelock?); every thread:\n" + threadDump());
                } catch (ExecutionException e) {
                    throw new AssertionError("a task threw: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            if (!pool.awaitTermination(callTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the stress pool did not stop within " + callTimeout.toMillis()
                        + " ms; every thread:\n" + threadDump());
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        if (!mismatches.isEmpty()) {
            throw new AssertionError("results differ from the call made alone: " + String.join("; ", mismatches));
        }
        Map<String, Long> perTask = new TreeMap<>();
        long total = 0;
        for (int k = 0; k < tasks.size(); k++) {
            perTask.merge(tasks.get(k).name(), calls.get(k), Long::sum);
            total += calls.get(k);
        }
        return new Report(perTask, total, seconds);
    }

    /** Whether a and b hold the same raw bits (NaN payloads and the sign of zero included). */
    public static boolean sameBits(double[] a, double[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static String firstDifference(double[] expected, double[] got) {
        if (expected.length != got.length) {
            return "length " + got.length + ", alone " + expected.length;
        }
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(got[i])) {
                return "entry " + i + " is " + got[i] + ", alone " + expected[i];
            }
        }
        return "no difference";
    }

    /** Every live thread's name, state, lock and stack (lock owners included), for a timeout's message. */
    public static String threadDump() {
        StringBuilder out = new StringBuilder();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
            if (info.getLockName() != null) {
                out.append(" on ").append(info.getLockName());
            }
            if (info.getLockOwnerName() != null) {
                out.append(" owned by \"").append(info.getLockOwnerName()).append('"');
            }
            out.append('\n');
            for (StackTraceElement e : info.getStackTrace()) {
                out.append("    at ").append(e).append('\n');
            }
        }
        return out.toString();
    }
}
