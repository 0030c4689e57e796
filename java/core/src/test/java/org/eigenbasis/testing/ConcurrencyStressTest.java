package org.eigenbasis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stress engine itself fails where it must: a changed result, a hung call, memory that stays allocated. */
class ConcurrencyStressTest {
    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void aResultThatDiffersFromTheCallAloneFails() throws Exception {
        AtomicLong counter = new AtomicLong();
        List<ConcurrencyStress.Task> tasks = List.of(new ConcurrencyStress.Task("counter",
                () -> new double[] {counter.getAndIncrement()}));
        List<double[]> expected = ConcurrencyStress.alone(tasks);
        AssertionError e = assertThrows(AssertionError.class,
                () -> ConcurrencyStress.run(tasks, expected, 4, SHORT, 1, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("counter on stress-"), e.getMessage());
    }

    @Test
    void aHungCallFailsWithEveryThreadsStack() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        List<ConcurrencyStress.Task> tasks = List.of(new ConcurrencyStress.Task("hang", () -> {
            never.await();
            return new double[0];
        }));
        try {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> ConcurrencyStress.run(tasks, List.of(new double[0]), 2, SHORT, 1, SHORT));
            assertTrue(e.getMessage().contains("CountDownLatch.await"), e.getMessage());
        } finally {
            never.countDown();
        }
    }

    @Test
    void agreeingResultsPassAndEveryTaskRuns() throws Exception {
        List<ConcurrencyStress.Task> tasks = List.of(new ConcurrencyStress.Task("a", () -> new double[] {-0.0}),
                new ConcurrencyStress.Task("b", () -> new double[] {1, 2}));
        ConcurrencyStress.Report r = ConcurrencyStress.run(tasks, ConcurrencyStress.alone(tasks), 3, SHORT, 1,
                Duration.ofSeconds(10));
        assertTrue(r.callsPerTask().get("a") >= 1 && r.callsPerTask().get("b") >= 1, r.callsPerTask().toString());
        assertEquals(r.calls(), r.callsPerTask().get("a") + r.callsPerTask().get("b"));
    }

    @Test
    void rawBitsDistinguishTheSignOfZero() {
        assertTrue(ConcurrencyStress.sameBits(new double[] {0.0, 1}, new double[] {0.0, 1}));
        assertTrue(!ConcurrencyStress.sameBits(new double[] {0.0}, new double[] {-0.0}));
        assertTrue(!ConcurrencyStress.sameBits(new double[] {0.0}, new double[] {0.0, 0.0}));
    }

    @Test
    void directMemoryHeldPastItsSlackFails() throws Exception {
        OffHeapBaseline baseline = OffHeapBaseline.take(List.of(OffHeapBaseline.directBuffers(() -> 0, 0, "none")));
        ByteBuffer held = ByteBuffer.allocateDirect(1 << 20);
        AssertionError e = assertThrows(AssertionError.class, () -> baseline.assertReturned(SHORT));
        assertTrue(e.getMessage().contains("JVM direct buffers"), e.getMessage());
        assertEquals(1 << 20, held.capacity());  // held stays reachable until here
    }
}
