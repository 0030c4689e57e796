package org.eigenbasis.backend.cuda;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.eigenbasis.binding.CudaKernels;
import org.eigenbasis.binding.CusolverEigh;
import org.eigenbasis.binding.DeviceBuffer;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * Device-resident eigh timings for the GPU device check: the batch is uploaded once and each timed run is the
 * kernel alone, synchronised, so the numbers compare with cuSOLVER's and torch.linalg.eigh's own. Paths:
 * {@code jacobi} (our kernel, output in our layout), {@code cusolver_batched} and {@code cusolver_syevd} (cuSOLVER
 * plus our layout and sign post-processing, as the backend runs them), and {@code cusolver_batched_raw} /
 * {@code cusolver_syevd_raw} (cuSOLVER alone: the baseline the targets are stated against).
 */
public final class CudaTiming {
    private CudaTiming() {
    }

    /** One timing: seconds per batch call. */
    public record Timing(String path, String dtype, int batch, int n, int runs, double minSeconds, double medianSeconds) {
        public double matricesPerSecond() {
            return batch / medianSeconds;
        }
    }

    /**
     * Times {@code path} on the symmetric batch {@code matrices} (square; its dtype is the one timed): one warm-up,
     * then {@code runs} timed calls. The caller makes the input (the CLI uses seeded random matrices).
     */
    public static Timing time(String path, BatchedMatrix matrices, int runs) {
        if (!CudaKernels.availability().available()) {
            throw new IllegalStateException("cuda backend unavailable: " + CudaKernels.availability().reason());
        }
        if (matrices.rows() != matrices.cols()) {
            throw new IllegalArgumentException("matrices: " + matrices.rows() + " x " + matrices.cols()
                    + " is not square");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("runs: " + runs + " is outside [1, 2^31)");
        }
        DType dtype = matrices.dtype();
        int batch = matrices.batch();
        int n = matrices.rows();
        boolean f64 = dtype == DType.F64;
        long matrixBytes = (long) batch * n * n * dtype.bytes();
        try (BatchedMatrix host = matrices.convert(dtype, Placement.OFF_HEAP);
             DeviceBuffer input = DeviceBuffer.allocate(matrixBytes);
             DeviceBuffer work = DeviceBuffer.allocate(matrixBytes);
             DeviceBuffer vectors = DeviceBuffer.allocate(matrixBytes);
             DeviceBuffer values = DeviceBuffer.allocate((long) batch * n * dtype.bytes());
             DeviceBuffer info = DeviceBuffer.allocate(4L * batch)) {
            if (f64) {
                DoubleBuffer b = host.doubleBuffer();
                input.upload(b);
            } else {
                FloatBuffer b = host.floatBuffer();
                input.upload(b);
            }
            double[] seconds = new double[runs];
            for (int r = -1; r < runs; r++) {
                work.copyFrom(input);                   // cuSOLVER overwrites its input; not timed
                DeviceBuffer.synchronize();
                long start = System.nanoTime();
                switch (path) {
                    case "jacobi" -> CudaKernels.jacobiEigh(f64, work, batch, n, values, vectors, info, 0);
                    case "cusolver_batched", "cusolver_batched_raw" -> {
                        CusolverEigh.instance().syevBatched(f64, work, batch, n, values, info, true);
                        if (!path.endsWith("_raw")) {
                            CudaKernels.finishColumns(f64, work, vectors, values, info, batch, n);
                        }
                    }
                    case "cusolver_syevd", "cusolver_syevd_raw" -> {
                        CusolverEigh.instance().syevd(f64, work, batch, n, values, info, true);
                        if (!path.endsWith("_raw")) {
                            CudaKernels.finishColumns(f64, work, vectors, values, info, batch, n);
                        }
                    }
                    default -> throw new IllegalArgumentException("path: '" + path + "' is not one of jacobi, "
                            + "cusolver_batched, cusolver_batched_raw, cusolver_syevd, cusolver_syevd_raw");
                }
                DeviceBuffer.synchronize();
                if (r >= 0) {
                    seconds[r] = (System.nanoTime() - start) * 1e-9;
                }
            }
            Arrays.sort(seconds);
            return new Timing(path, dtype.shortName(), batch, n, runs, seconds[0], seconds[runs / 2]);
        }
    }
}
