package org.eigenbasis.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.internal.MemoryLimits;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.MemoryLimitException;
import org.junit.jupiter.api.Test;

/** The eigh facade refuses, before allocating its outputs, a request larger than the heap it may use. */
class EighMemoryLimitTest {
    private static final int B = 4;
    private static final int N = 64;

    private static BatchedMatrix input() {
        double[] a = new double[B * N * N];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    a[(b * N + i) * N + j] = 1.0 / (1 + i + j + b);
                }
            }
        }
        return BatchedMatrix.of(a, B, N, N);
    }

    @Test
    void refusedBelowItsNeedAndRunAtExactlyItsNeed() {
        long outputs = 8L * B * N + 8L * B * N * N;
        SymmetricEigen eigen = SymmetricEigen.on("java");
        try (BatchedMatrix a = input()) {
            long needed;
            try (MemoryLimits.Restore r = MemoryLimits.override(outputs, Long.MAX_VALUE, Long.MAX_VALUE)) {
                MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> eigen.decompose(a));
                needed = e.neededBytes();
                assertTrue(e.getMessage().startsWith("eigh of (4, 64, 64) f64 on the java backend needs " + needed
                        + " bytes"), e.getMessage());
                // outputs, info and at least one matrix's f64 working copies (3 n^2) are counted
                assertTrue(needed >= outputs + 4L * B + 24L * N * N, "needed " + needed);
                assertEquals(outputs, e.availableBytes());
            }
            try (MemoryLimits.Restore r = MemoryLimits.override(needed - 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
                assertThrows(MemoryLimitException.class, () -> eigen.decompose(a));
            }
            try (MemoryLimits.Restore r = MemoryLimits.override(needed, Long.MAX_VALUE, Long.MAX_VALUE);
                 EighResult result = eigen.decompose(a)) {
                assertTrue(result.converged());
                assertEquals(B, result.batch());
            }
        }
    }

    @Test
    void valuesOnlyNeedLess() {
        SymmetricEigen eigen = SymmetricEigen.on("java");
        try (BatchedMatrix a = input();
             MemoryLimits.Restore r = MemoryLimits.override(0, Long.MAX_VALUE, Long.MAX_VALUE)) {
            long withVectors = assertThrows(MemoryLimitException.class, () -> eigen.decompose(a)).neededBytes();
            long valuesOnly = assertThrows(MemoryLimitException.class,
                    () -> eigen.decompose(a, EighOptions.defaults().withVectors(false))).neededBytes();
            assertTrue(valuesOnly <= withVectors - 8L * B * N * N, valuesOnly + " vs " + withVectors);
        }
    }
}
