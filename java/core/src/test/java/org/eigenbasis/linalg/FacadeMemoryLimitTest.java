package org.eigenbasis.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.internal.MemoryLimits;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.MemoryLimitException;
import org.junit.jupiter.api.Test;

/** The linalg facades refuse, before allocating their outputs, a request larger than the heap they may use. */
class FacadeMemoryLimitTest {
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

    /** Refused at one byte below the need it reports, run at exactly that need. */
    private static void refusedJustBelowAndRunAtItsNeed(String prefix, java.util.function.Supplier<AutoCloseable> call)
            throws Exception {
        long needed;
        try (MemoryLimits.Restore r = MemoryLimits.override(0, Long.MAX_VALUE, Long.MAX_VALUE)) {
            MemoryLimitException e = assertThrows(MemoryLimitException.class, call::get);
            assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
            needed = e.neededBytes();
        }
        try (MemoryLimits.Restore r = MemoryLimits.override(needed - 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
            assertEquals(needed, assertThrows(MemoryLimitException.class, call::get).neededBytes());
        }
        try (MemoryLimits.Restore r = MemoryLimits.override(needed, Long.MAX_VALUE, Long.MAX_VALUE);
             AutoCloseable result = call.get()) {
            assertTrue(result != null);
        }
    }

    @Test
    void refreshAndSpectralFunctionsAreCheckedBeforeAllocating() throws Exception {
        try (BatchedMatrix a = input(); EighResult eig = SymmetricEigen.on("java").decompose(a);
             BatchedMatrix x = BatchedMatrix.zeros(org.eigenbasis.value.DType.F64, B, N, 3)) {
            EigenbasisRefresh refresh = EigenbasisRefresh.on("java");
            refusedJustBelowAndRunAtItsNeed("refresh of (4, 64, 64) f64 on the java backend needs ",
                    () -> refresh.refresh(a, eig.vectors(), 1));
            SpectralFunctions spectral = SpectralFunctions.on("java");
            org.eigenbasis.filter.SpectralFilter ridge = new org.eigenbasis.filter.Ridge(0.5);
            refusedJustBelowAndRunAtItsNeed("spectral reconstruct of (4, 64, 64) f64 on the java backend needs ",
                    () -> spectral.apply(eig, ridge));
            refusedJustBelowAndRunAtItsNeed("spectral apply of (4, 64, 64) to (4, 64, 3) f64 on the java backend needs ",
                    () -> spectral.applyTo(eig, ridge, x));
        }
    }
}
