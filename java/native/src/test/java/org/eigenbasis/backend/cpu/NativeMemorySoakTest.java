package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.api.Test;

/**
 * 100,000 small eigh calls on the cpu backend (heap and off-heap, f32 and f64) must keep the process's resident
 * memory flat: every staging buffer, result and per-call native allocation is released.
 */
class NativeMemorySoakTest {

    @Test
    void residentMemoryStaysFlatOver100kCalls() throws IOException {
        ResidentMemory.assumeReadable();
        SymmetricEigen eigen = SymmetricEigen.on(new CpuBackend());
        Random rng = new Random(1);
        double[] data = new double[4 * 4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j <= i; j++) {
                data[i * 4 + j] = data[j * 4 + i] = rng.nextGaussian();
            }
        }
        int calls = 100_000;
        long afterWarmup = 0;
        for (int k = 0; k < calls; k++) {
            Placement placement = (k & 1) == 0 ? Placement.HEAP : Placement.OFF_HEAP;
            try (BatchedMatrix a64 = BatchedMatrix.of(data, 1, 4, 4, placement);
                 BatchedMatrix a = (k & 2) == 0 ? a64.copy(placement) : a64.convert(DType.F32);
                 EighResult r = eigen.decompose(a)) {
                if (r.value(0, 0) > r.value(0, 3)) {
                    throw new AssertionError("eigenvalues not ascending at call " + k);
                }
            }
            if (k == 10_000) {
                System.gc();
                afterWarmup = ResidentMemory.kib();
            }
        }
        System.gc();
        long end = ResidentMemory.kib();
        long growth = end - afterWarmup;
        assertTrue(growth < 16 * 1024, "resident memory grew by " + growth + " KiB over " + (calls - 10_000)
                + " calls (" + afterWarmup + " -> " + end + " KiB)");
    }
}
