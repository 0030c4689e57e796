package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;

/**
 * Several Java threads calling the cpu backend at once (one owns the worker pool, the others run inline; large
 * matrices also take the threaded-OpenBLAS path) get exactly the results of a call made alone.
 */
class ConcurrentCallsTest {
    @Test
    void concurrentCallersGetTheResultsOfSerialCalls() throws Exception {
        SymmetricEigen eigen = SymmetricEigen.on(new CpuBackend());
        Random rng = new Random(4);
        int[][] shapes = {{64, 12}, {8, 40}, {1, 300}, {3, 160}};
        List<BatchedMatrix> inputs = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (int[] s : shapes) {
            double[][] ms = new double[s[0]][];
            for (int b = 0; b < s[0]; b++) {
                ms[b] = SeededMatrices.randomSymmetric(s[1], rng);
            }
            BatchedMatrix a = SeededMatrices.batch(DType.F64, s[1], ms);
            inputs.add(a);
            try (EighResult r = eigen.decompose(a)) {
                expected.add(r.vectors().toDoubleArray());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    for (int k = 0; k < 40; k++) {
                        int which = (k + offset) % inputs.size();
                        try (EighResult r = eigen.decompose(inputs.get(which))) {
                            assertArrayEquals(expected.get(which), r.vectors().toDoubleArray(), 0,
                                    "shape " + which + " on thread " + offset);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            inputs.forEach(BatchedMatrix::close);
        }
    }
}
