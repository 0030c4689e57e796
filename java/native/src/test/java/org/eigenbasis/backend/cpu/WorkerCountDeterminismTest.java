package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.GeneratedVariances;
import org.eigenbasis.filter.SpectralFilter;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.linalg.SpectralFunctions;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.Placement;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;

/**
 * The cpu library's batch workers (eigenbasis.cpu.threads, {@link CpuBackend#setWorkerThreads}) change how a batch is
 * shared out, never its bits: each matrix (each row of the diffusion table) is computed whole by one worker with
 * OpenBLAS held at one thread, so 1, 2, 3 and 8 workers (8 oversubscribes this machine's cores) give identical
 * results for every batched kernel, both dtypes, each eigh algorithm with and without vectors. The resetting
 * simulator's worker independence has its own tests (CpuResetSimulatorTest).
 *
 * <p>Not the influence and MLP kernels: they split one large product into row panels, one or two per worker, and
 * the panel shapes change OpenBLAS's blocking, so K-FAC scores on 200 digits moved by 4 ulp between 1 and 2
 * workers. Their bits are fixed for a given worker count, whatever runs beside them (design notes §16).
 */
class WorkerCountDeterminismTest {
    private static final int[] WORKERS = {1, 2, 3, 8};

    @Test
    void everyBatchedKernelGivesTheSameBitsForAnyNumberOfWorkers() {
        Backend cpu = new CpuBackend();
        CpuBackend.workerThreads();     // fails here, not in the loop, when the library does not load
        List<String> names = new ArrayList<>();
        List<Supplier<long[]>> calls = new ArrayList<>();
        Random rng = new Random(20261207);
        for (DType dtype : new DType[] {DType.F64, DType.F32}) {
            for (int n : new int[] {5, 24, 70}) {
                BatchedMatrix a = batch(dtype, 37, n, rng);
                for (EighAlgorithm algorithm : new EighAlgorithm[] {EighAlgorithm.AUTO, EighAlgorithm.JACOBI,
                        EighAlgorithm.TRIDIAGONAL_QL, EighAlgorithm.SYEVD, EighAlgorithm.SYEVR, EighAlgorithm.TWO_STAGE,
                        EighAlgorithm.TRIDIAGONAL_DC}) {
                    for (boolean vectors : new boolean[] {true, false}) {
                        names.add("eigh " + dtype + " n=" + n + " " + algorithm + (vectors ? " vectors" : " values"));
                        EighOptions options = EighOptions.defaults().withAlgorithm(algorithm).withVectors(vectors);
                        calls.add(() -> {
                            try (EighResult r = SymmetricEigen.on(cpu).decompose(a, options)) {
                                return vectors ? concat(bits(r.values()), bits(r.vectors())) : bits(r.values());
                            }
                        });
                    }
                }
                names.add("spectral inverse root " + dtype + " n=" + n);
                calls.add(() -> {
                    try (BatchedMatrix f = SpectralFunctions.on(cpu).apply(a, SpectralFilter.inverseRoot(2, 1e-2))) {
                        return bits(f);
                    }
                });
                names.add("refresh " + dtype + " n=" + n);
                BatchedMatrix q = identities(dtype, 37, n);
                calls.add(() -> {
                    try (RefreshResult r = EigenbasisRefresh.on(cpu).refresh(a, q, 2)) {
                        return concat(bits(r.basis()), bits(r.rayleigh()));
                    }
                });
            }
        }
        double[] lambdas = new double[300];
        double[] taus = new double[40];
        for (int i = 0; i < lambdas.length; i++) {
            lambdas[i] = Math.pow(i + 1.0, -1.5);
        }
        for (int j = 0; j < taus.length; j++) {
            taus[j] = Math.pow(10, -3 + 0.2 * j);
        }
        for (DenoiserModel model : DenoiserModel.values()) {
            names.add("diffusion variances " + model);
            calls.add(() -> {
                try (BatchedMatrix v = GeneratedVariances.compute(cpu, model, lambdas, taus, DiffusionConfig.defaults(),
                        false, Placement.OFF_HEAP)) {
                    return bits(v);
                }
            });
        }
        int before = CpuBackend.workerThreads();
        try {
            assertEquals(WORKERS[0], CpuBackend.setWorkerThreads(WORKERS[0]));
            List<long[]> expected = new ArrayList<>();
            for (Supplier<long[]> call : calls) {
                expected.add(call.get());
            }
            for (int w = 1; w < WORKERS.length; w++) {
                assertEquals(WORKERS[w], CpuBackend.setWorkerThreads(WORKERS[w]));
                for (int c = 0; c < calls.size(); c++) {
                    assertArrayEquals(expected.get(c), calls.get(c).get(), names.get(c) + " with " + WORKERS[w]
                            + " workers differs from 1 worker");
                }
            }
        } finally {
            CpuBackend.setWorkerThreads(before);
        }
    }

    private static BatchedMatrix batch(DType dtype, int batch, int n, Random rng) {
        double[][] ms = new double[batch][];
        for (int b = 0; b < batch; b++) {
            ms[b] = SeededMatrices.randomSymmetric(n, rng);
            for (int i = 0; i < n; i++) {
                ms[b][i * n + i] += n;          // positive definite, so the inverse root is defined everywhere
            }
        }
        return SeededMatrices.batch(dtype, n, ms);
    }

    private static BatchedMatrix identities(DType dtype, int batch, int n) {
        double[][] ms = new double[batch][];
        for (int b = 0; b < batch; b++) {
            ms[b] = SeededMatrices.identity(n);
        }
        return SeededMatrices.batch(dtype, n, ms);
    }

    private static long[] bits(BatchedMatrix m) {
        return bits(m.toDoubleArray());      // f32 widens exactly, so equal doubles mean equal floats
    }

    private static long[] bits(double[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
