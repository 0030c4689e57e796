package org.eigenbasis.binding;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.cuda.cusolver.cusolverDnContext;
import org.bytedeco.cuda.cusolver.cusolverDnParams;

import static org.bytedeco.cuda.global.cublas.CUBLAS_FILL_MODE_UPPER;
import static org.bytedeco.cuda.global.cudart.CUDA_R_32F;
import static org.bytedeco.cuda.global.cudart.CUDA_R_64F;
import static org.bytedeco.cuda.global.cusolver.CUSOLVER_EIG_MODE_NOVECTOR;
import static org.bytedeco.cuda.global.cusolver.CUSOLVER_EIG_MODE_VECTOR;
import static org.bytedeco.cuda.global.cusolver.CUSOLVER_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cusolver.cusolverDnCreate;
import static org.bytedeco.cuda.global.cusolver.cusolverDnCreateParams;
import static org.bytedeco.cuda.global.cusolver.cusolverDnXsyevBatched;
import static org.bytedeco.cuda.global.cusolver.cusolverDnXsyevBatched_bufferSize;
import static org.bytedeco.cuda.global.cusolver.cusolverDnXsyevd;
import static org.bytedeco.cuda.global.cusolver.cusolverDnXsyevd_bufferSize;

/**
 * cuSOLVER's symmetric eigensolvers through the JavaCPP CUDA presets, on device buffers of our CUDA library.
 * Our row-major lower triangle is cuSOLVER's column-major upper triangle, so matrices go in unchanged; on return
 * the buffer holds column-major eigenvectors, which {@link CudaKernels#finishColumns} brings into our layout.
 * One handle for the process; calls are serialised (a cuSOLVER handle is not thread-safe).
 */
public final class CusolverEigh {
    private static CusolverEigh instance;

    private final cusolverDnContext handle = new cusolverDnContext();
    private final cusolverDnParams params = new cusolverDnParams();

    private CusolverEigh() {
        check("cusolverDnCreate", cusolverDnCreate(handle));
        check("cusolverDnCreateParams", cusolverDnCreateParams(params));
    }

    /** The process-wide instance; the cuda backend must be available. */
    public static synchronized CusolverEigh instance() {
        CudaKernels.requireAvailable();
        if (instance == null) {
            instance = new CusolverEigh();
        }
        return instance;
    }

    /** cusolverDnXsyevBatched over the whole batch; a is overwritten with column-major eigenvectors. */
    public synchronized void syevBatched(boolean f64, DeviceBuffer a, long batch, int n, DeviceBuffer w,
                                         DeviceBuffer info, boolean vectors) {
        int type = f64 ? CUDA_R_64F : CUDA_R_32F;
        requireBatch(f64, a, batch, n, w, info);
        int jobz = vectors ? CUSOLVER_EIG_MODE_VECTOR : CUSOLVER_EIG_MODE_NOVECTOR;
        Pointer dA = at(a.address());
        Pointer dW = at(w.address());
        try (SizeTPointer deviceBytes = new SizeTPointer(1); SizeTPointer hostBytes = new SizeTPointer(1)) {
            check("cusolverDnXsyevBatched_bufferSize", cusolverDnXsyevBatched_bufferSize(handle, params, jobz,
                    CUBLAS_FILL_MODE_UPPER, n, type, dA, Math.max(1, n), type, dW, type, deviceBytes, hostBytes, batch));
            try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, deviceBytes.get()));
                 BytePointer hostWork = new BytePointer(Math.max(1, hostBytes.get()))) {
                check("cusolverDnXsyevBatched", cusolverDnXsyevBatched(handle, params, jobz, CUBLAS_FILL_MODE_UPPER, n,
                        type, dA, Math.max(1, n), type, dW, type, at(work.address()), deviceBytes.get(), hostWork,
                        hostBytes.get(), intAt(info.address()), batch));
                CudaKernels.check("eb_cuda_synchronize", EbCudaLibrary.eb_cuda_synchronize());
            }
        }
    }

    /** cusolverDnXsyevd one matrix at a time; a is overwritten with column-major eigenvectors. */
    public synchronized void syevd(boolean f64, DeviceBuffer a, long batch, int n, DeviceBuffer w, DeviceBuffer info,
                                   boolean vectors) {
        int type = f64 ? CUDA_R_64F : CUDA_R_32F;
        requireBatch(f64, a, batch, n, w, info);
        int bytes = f64 ? 8 : 4;
        int jobz = vectors ? CUSOLVER_EIG_MODE_VECTOR : CUSOLVER_EIG_MODE_NOVECTOR;
        try (SizeTPointer deviceBytes = new SizeTPointer(1); SizeTPointer hostBytes = new SizeTPointer(1)) {
            check("cusolverDnXsyevd_bufferSize", cusolverDnXsyevd_bufferSize(handle, params, jobz,
                    CUBLAS_FILL_MODE_UPPER, n, type, at(a.address()), Math.max(1, n), type, at(w.address()), type,
                    deviceBytes, hostBytes));
            try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, deviceBytes.get()));
                 BytePointer hostWork = new BytePointer(Math.max(1, hostBytes.get()))) {
                for (long b = 0; b < batch; b++) {
                    check("cusolverDnXsyevd", cusolverDnXsyevd(handle, params, jobz, CUBLAS_FILL_MODE_UPPER, n, type,
                            at(a.address() + b * n * n * bytes), Math.max(1, n), type, at(w.address() + b * n * bytes),
                            type, at(work.address()), deviceBytes.get(), hostWork, hostBytes.get(),
                            intAt(info.address() + 4 * b)));
                }
                CudaKernels.check("eb_cuda_synchronize", EbCudaLibrary.eb_cuda_synchronize());
            }
        }
    }

    /** a holds batch n x n matrices, w batch n eigenvalues, info batch ints: checked before cuSOLVER reads them. */
    private static void requireBatch(boolean f64, DeviceBuffer a, long batch, int n, DeviceBuffer w, DeviceBuffer info) {
        Arguments.nonNegative("batch", batch);
        Arguments.nonNegative("n", n);
        int bytes = f64 ? 8 : 4;
        CudaKernels.requireDevice("a", a, batch, n, n, bytes);
        CudaKernels.requireDevice("w", w, batch, n, bytes);
        CudaKernels.requireDevice("info", info, batch, 4);
    }

    /** A presets Pointer at a raw device address (not owned: never deallocated through it). */
    private static Pointer at(long address) {
        return new RawPointer(address);
    }

    private static IntPointer intAt(long address) {
        return new RawIntPointer(address);
    }

    private static void check(String call, int status) {
        if (status != CUSOLVER_STATUS_SUCCESS) {
            throw new NativeKernelException(call, status, "cuSOLVER status " + status);
        }
    }

    private static final class RawPointer extends Pointer {
        RawPointer(long raw) {
            this.address = raw;
        }
    }

    private static final class RawIntPointer extends IntPointer {
        RawIntPointer(long raw) {
            this.address = raw;
        }
    }
}
