package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import org.eigenbasis.internal.MemoryLimits;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MemoryLimitException;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.api.Test;

/**
 * On the cpu backend a heap matrix is staged off-heap, and LAPACK's workspace lives off-heap: the eigh facade
 * counts both against the off-heap limit and refuses before staging anything.
 */
class CpuMemoryLimitTest {
    private static final int B = 3;
    private static final int N = 200;     // above the small-n crossover, so LAPACK's syevd runs

    private static BatchedMatrix input(Placement placement) {
        BatchedMatrix a = BatchedMatrix.zeros(DType.F64, B, N, N, placement);
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    a.set(b, i, j, 1.0 / (1 + i + j + b));
                }
            }
        }
        return a;
    }

    private static long directBytesInUse() {
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                used = pool.getMemoryUsed();
            }
        }
        return used;
    }

    @Test
    void aHeapInputIsRefusedBeforeItIsStagedAndRunsAtExactlyItsNeed() {
        SymmetricEigen eigen = SymmetricEigen.on(new CpuBackend());
        long matrixBytes = 8L * B * N * N;
        try (BatchedMatrix a = input(Placement.HEAP)) {
            long needed;
            try (MemoryLimits.Restore r = MemoryLimits.override(Long.MAX_VALUE, 0, Long.MAX_VALUE)) {
                long before = directBytesInUse();
                MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> eigen.decompose(a));
                assertEquals(before, directBytesInUse(), "nothing was staged");
                needed = e.neededBytes();
                assertTrue(e.getMessage().startsWith("eigh of (3, 200, 200) f64 on the cpu backend needs " + needed),
                        e.getMessage());
                assertTrue(e.limit().contains("off-heap"), e.limit());
                // staged input and vectors, staged values, and one matrix's LAPACK workspace (2n^2 scalars) at least
                assertTrue(needed >= 2 * matrixBytes + 8L * B * N + 8L * 2 * N * N, "needed " + needed);
            }
            try (MemoryLimits.Restore r = MemoryLimits.override(Long.MAX_VALUE, needed - 1, Long.MAX_VALUE)) {
                assertThrows(MemoryLimitException.class, () -> eigen.decompose(a));
            }
            try (MemoryLimits.Restore r = MemoryLimits.override(Long.MAX_VALUE, needed, Long.MAX_VALUE);
                 EighResult result = eigen.decompose(a)) {
                assertTrue(result.converged());
            }
        }
    }

    @Test
    void anOffHeapInputIsNotStagedSoItNeedsLess() {
        SymmetricEigen eigen = SymmetricEigen.on(new CpuBackend());
        try (BatchedMatrix heap = input(Placement.HEAP); BatchedMatrix direct = input(Placement.OFF_HEAP);
             MemoryLimits.Restore r = MemoryLimits.override(Long.MAX_VALUE, 0, Long.MAX_VALUE)) {
            long staged = assertThrows(MemoryLimitException.class, () -> eigen.decompose(heap)).neededBytes();
            long inPlace = assertThrows(MemoryLimitException.class, () -> eigen.decompose(direct)).neededBytes();
            assertEquals(8L * B * N * N, staged - inPlace, "the heap input's off-heap copy");
        }
    }
}
