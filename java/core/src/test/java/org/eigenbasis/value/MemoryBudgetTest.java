package org.eigenbasis.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.internal.MemoryLimits;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    private static final long MIB = 1L << 20;

    @Test
    void aByteCountThatOverflowsALongIsRefusedWithItsName() {
        MemoryLimitException e = assertThrows(MemoryLimitException.class,
                () -> MemoryBudget.bytes("huge request", 8, Long.MAX_VALUE / 8 + 1));
        assertEquals(-1, e.neededBytes());
        assertTrue(e.getMessage().startsWith("huge request needs more than"), e.getMessage());
        assertTrue(e.getMessage().contains("overflows a long"), e.getMessage());
        assertEquals(Long.MAX_VALUE - 7, MemoryBudget.bytes("fits", 8, Long.MAX_VALUE / 8));
    }

    @Test
    void aSumThatOverflowsIsRefused() {
        assertThrows(MemoryLimitException.class, () -> MemoryBudget.sum("r", Long.MAX_VALUE, 1));
    }

    @Test
    void aNegativeFactorIsAnArgumentErrorNotAMemoryError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryBudget.bytes("r", 8, 3, -1));
        assertTrue(!(e instanceof MemoryLimitException) && e.getMessage().contains("factor 1"), e.getMessage());
    }

    @Test
    void aBatchOfTwoToThe31MatricesIsRefusedBeforeAllocatingWithItsSize() {
        // 2^31 - 1 matrices of 1024 x 1024 f64: 16 PiB, more than any machine; allocating would throw OOM here
        long needed = (long) Integer.MAX_VALUE * 1024 * 1024 * 8;
        for (Placement placement : Placement.values()) {
            MemoryLimitException e = assertThrows(MemoryLimitException.class,
                    () -> BatchedMatrix.zeros(DType.F64, Integer.MAX_VALUE, 1024, 1024, placement));
            assertEquals(needed, e.neededBytes());
            assertTrue(e.getMessage().contains(needed + " bytes (" + MemoryLimitException.gib(needed) + ")"), e.getMessage());
            assertTrue(e.getMessage().contains("(2147483647, 1024, 1024) f64"), e.getMessage());
            assertTrue(e.availableBytes() < needed);
        }
    }

    @Test
    void theHeapLimitRefusesOneByteOverAndAdmitsTheExactSize() {
        long limit = MIB;
        int rows = (int) (limit / 8 / 128);        // 1024 rows of 128 f64: exactly the limit
        try (MemoryLimits.Restore r = MemoryLimits.override(limit, Long.MAX_VALUE, Long.MAX_VALUE)) {
            try (BatchedMatrix m = BatchedMatrix.zeros(DType.F64, 1, rows, 128)) {
                assertEquals(rows * 128, m.size());
            }
            MemoryLimitException e = assertThrows(MemoryLimitException.class,
                    () -> BatchedMatrix.zeros(DType.F64, 1, rows + 1, 128));
            assertEquals(limit + 128 * 8, e.neededBytes());
            assertEquals(limit, e.availableBytes());
            assertTrue(e.limit().contains("heap"), e.limit());
            // the heap limit does not bind off-heap matrices
            try (BatchedMatrix m = BatchedMatrix.zeros(DType.F64, 1, rows + 1, 128, Placement.OFF_HEAP)) {
                assertEquals((rows + 1) * 128, m.size());
            }
        }
    }

    @Test
    void theOffHeapLimitRefusesOneByteOverAndAdmitsTheExactSize() {
        long limit = MIB;
        try (MemoryLimits.Restore r = MemoryLimits.override(Long.MAX_VALUE, limit, Long.MAX_VALUE)) {
            try (BatchedMatrix m = BatchedMatrix.zeros(DType.F32, 2, 256, 512, Placement.OFF_HEAP)) {
                assertEquals(limit, 4L * m.size());
            }
            MemoryLimitException e = assertThrows(MemoryLimitException.class,
                    () -> BatchedMatrix.allocate(DType.F32, 2, 256, 513, Placement.OFF_HEAP));
            assertEquals(limit + 2 * 256 * 4, e.neededBytes());
            assertTrue(e.limit().contains("off-heap"), e.limit());
        }
    }

    @Test
    void theMachineBoundsHeapAndOffHeapTogether() {
        try (MemoryLimits.Restore r = MemoryLimits.override(MIB, MIB, MIB)) {
            MemoryBudget.require("both halves", MIB / 2, MIB / 2);
            MemoryLimitException e = assertThrows(MemoryLimitException.class,
                    () -> MemoryBudget.require("one byte more", MIB / 2, MIB / 2 + 1));
            assertEquals(MIB + 1, e.neededBytes());
            assertTrue(e.getMessage().startsWith("one byte more needs 1048577 bytes (0.001 GiB)"), e.getMessage());
            assertTrue(e.limit().contains("machine"), e.limit());
        }
    }

    @Test
    void theOverrideIsPerThreadAndRestored() throws Exception {
        long before = MemoryBudget.heapAvailable();
        try (MemoryLimits.Restore r = MemoryLimits.override(1, 2, 3)) {
            assertEquals(1, MemoryBudget.heapAvailable());
            long[] seen = new long[1];
            Thread other = new Thread(() -> seen[0] = MemoryBudget.machineBytes());
            other.start();
            other.join();
            assertTrue(seen[0] > 3, "another thread sees the real limit");
        }
        assertTrue(MemoryBudget.heapAvailable() > 1 && before > 1);
    }

    @Test
    void theRealLimitsAreSane() {
        long max = Runtime.getRuntime().maxMemory();
        assertTrue(MemoryBudget.heapAvailable() > 0 && MemoryBudget.heapAvailable() <= max);
        assertTrue(MemoryBudget.machineBytes() > 0 && MemoryBudget.machineBytes() < Long.MAX_VALUE, "machine " + MemoryBudget.machineBytes());
        assertTrue(MemoryBudget.offHeapAvailable() > 0);
    }
}
