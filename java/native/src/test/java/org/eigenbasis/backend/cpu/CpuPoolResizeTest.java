package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.testing.ConcurrencyStress;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;

/**
 * Resizing the batch pool ({@link CpuBackend#setWorkerThreads}) while eight threads call eigh: no deadlock, and
 * every result keeps the bits of the call alone (small matrices, one per worker with OpenBLAS at one thread, do
 * not depend on the worker count). Every kernel reads the worker count without a lock while a resize writes it,
 * which is why the count is a std::atomic in batch_pool.hpp (a plain int was a data race, undefined behaviour that
 * x86 does not show; ThreadSanitizer would report it).
 */
class CpuPoolResizeTest {
    @Test
    void resizingThePoolUnderEightCallersKeepsTheirBits() throws Exception {
        Backend cpu = new CpuBackend();
        int workers = CpuBackend.workerThreads();
        Random rng = new Random(7);
        List<ConcurrencyStress.Task> tasks = new ArrayList<>();
        List<BatchedMatrix> inputs = new ArrayList<>();
        for (EighAlgorithm algorithm : List.of(EighAlgorithm.JACOBI, EighAlgorithm.TRIDIAGONAL_QL, EighAlgorithm.SYEVD)) {
            for (DType dtype : DType.values()) {
                int n = 2 + rng.nextInt(39);
                int batch = 1 + rng.nextInt(8);
                double[][] ms = new double[batch][];
                for (int b = 0; b < batch; b++) {
                    ms[b] = SeededMatrices.randomSymmetric(n, rng);
                }
                BatchedMatrix a = SeededMatrices.batch(dtype, n, ms);
                inputs.add(a);
                tasks.add(new ConcurrencyStress.Task(algorithm.cliName() + " " + dtype.shortName() + " " + a.shape(), () -> {
                    try (BatchedMatrix w = BatchedMatrix.zeros(dtype, batch, 1, n);
                         BatchedMatrix v = BatchedMatrix.zeros(dtype, batch, n, n)) {
                        cpu.eigh().eigh(a, w, v, new int[batch], algorithm, 0);
                        double[] wv = w.toDoubleArray();
                        double[] vv = v.toDoubleArray();
                        double[] all = java.util.Arrays.copyOf(wv, wv.length + vv.length);
                        System.arraycopy(vv, 0, all, wv.length, vv.length);
                        return all;
                    }
                }));
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread resizer = new Thread(() -> {
            for (int k = 0; !stop.get(); k++) {
                CpuBackend.setWorkerThreads(1 + k % 4);
            }
        }, "resizer");
        try {
            List<double[]> expected = ConcurrencyStress.alone(tasks);
            resizer.start();
            ConcurrencyStress.run(tasks, expected, 8, Duration.ofSeconds(2), 7, Duration.ofSeconds(60));
        } finally {
            stop.set(true);
            resizer.join(60_000);
            CpuBackend.setWorkerThreads(workers);
            inputs.forEach(BatchedMatrix::close);
        }
        assertFalse(resizer.isAlive(), "the resizer is stuck; every thread:\n" + ConcurrencyStress.threadDump());
    }
}
