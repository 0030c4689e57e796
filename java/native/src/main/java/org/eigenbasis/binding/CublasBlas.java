package org.eigenbasis.binding;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_FILL_MODE_UPPER;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_POINTER_MODE_HOST;
import static org.bytedeco.cuda.global.cublas.CUBLAS_SIDE_LEFT;
import static org.bytedeco.cuda.global.cublas.CUBLAS_SIDE_RIGHT;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDdgmm;
import static org.bytedeco.cuda.global.cublas.cublasDgemmStridedBatched;
import static org.bytedeco.cuda.global.cublas.cublasDsyrk_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSetPointerMode_v2;
import static org.bytedeco.cuda.global.cublas.cublasSgemmStridedBatched;
import static org.bytedeco.cuda.global.cublas.cublasSsyrk_v2;

/**
 * The cuBLAS routines the preconditioner and influence kernels need, through the JavaCPP CUDA presets, on device buffers of
 * our CUDA library. Arguments are cuBLAS's own, in its column-major terms (the caller,
 * {@code org.eigenbasis.backend.cuda.ColumnMajorCalls}, maps our row-major shapes onto them); alpha and beta are
 * host scalars. The handle runs on the legacy default stream, the one our kernels use, so a kernel launched after
 * a cuBLAS call sees its result. One handle for the process; calls are serialised (a cuBLAS handle is not
 * thread-safe). The math mode is CUBLAS_DEFAULT_MATH: no TF32 or other
 * reduced-precision tensor-core paths for f32.
 */
public final class CublasBlas {
    private static CublasBlas instance;

    private final cublasContext handle = new cublasContext();

    private CublasBlas() {
        check("cublasCreate_v2", cublasCreate_v2(handle));
        check("cublasSetMathMode", cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH));
        check("cublasSetPointerMode_v2", cublasSetPointerMode_v2(handle, CUBLAS_POINTER_MODE_HOST));
    }

    /** The process-wide instance; the cuda backend must be available. */
    public static synchronized CublasBlas instance() {
        CudaKernels.requireAvailable();
        if (instance == null) {
            instance = new CublasBlas();
        }
        return instance;
    }

    /**
     * {@code C[b] = alpha·opA(A[b])·opB(B[b]) + beta·C[b]} for b &lt; batch (cublas?gemmStridedBatched),
     * column-major, C is m × n. With beta = 0, C is not read. Waits for the device before returning.
     */
    public synchronized void gemmStridedBatched(boolean f64, boolean transA, boolean transB, int m, int n, int k,
                                                double alpha, DeviceBuffer a, int lda, long strideA,
                                                DeviceBuffer b, int ldb, long strideB, double beta,
                                                DeviceBuffer c, int ldc, long strideC, int batch) {
        Arguments.nonNegative("m", m);
        Arguments.nonNegative("n", n);
        Arguments.nonNegative("k", k);
        Arguments.nonNegative("batch", batch);
        int bytes = f64 ? 8 : 4;
        requireMatrices("a", a, transA ? k : m, transA ? m : k, lda, strideA, batch, bytes);
        requireMatrices("b", b, transB ? n : k, transB ? k : n, ldb, strideB, batch, bytes);
        requireMatrices("c", c, m, n, ldc, strideC, batch, bytes);
        int opA = transA ? CUBLAS_OP_T : CUBLAS_OP_N;
        int opB = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
        if (f64) {
            try (DoublePointer al = new DoublePointer(1).put(alpha); DoublePointer be = new DoublePointer(1).put(beta)) {
                check("cublasDgemmStridedBatched", cublasDgemmStridedBatched(handle, opA, opB, m, n, k, al,
                        new RawDoublePointer(a.address()), lda, strideA, new RawDoublePointer(b.address()), ldb,
                        strideB, be, new RawDoublePointer(c.address()), ldc, strideC, batch));
            }
        } else {
            try (FloatPointer al = new FloatPointer(1).put((float) alpha);
                 FloatPointer be = new FloatPointer(1).put((float) beta)) {
                check("cublasSgemmStridedBatched", cublasSgemmStridedBatched(handle, opA, opB, m, n, k, al,
                        new RawFloatPointer(a.address()), lda, strideA, new RawFloatPointer(b.address()), ldb,
                        strideB, be, new RawFloatPointer(c.address()), ldc, strideC, batch));
            }
        }
        CudaKernels.check("eb_cuda_synchronize", EbCudaLibrary.eb_cuda_synchronize());
    }

    /**
     * {@code C = alpha·op(A)·op(A)ᵀ + beta·C} on the UPPER triangle of the column-major n × n matrix C
     * (cublas?syrk; op(A) = Aᵀ when {@code trans}, A then k × n). With beta = 0, C is not read; its strict lower
     * triangle is never touched. Waits for the device before returning.
     */
    public synchronized void syrkUpper(boolean f64, boolean trans, int n, int k, double alpha, DeviceBuffer a,
                                       int lda, double beta, DeviceBuffer c, int ldc) {
        Arguments.nonNegative("n", n);
        Arguments.nonNegative("k", k);
        int bytes = f64 ? 8 : 4;
        requireMatrices("a", a, trans ? k : n, trans ? n : k, lda, 0, 1, bytes);
        requireMatrices("c", c, n, n, ldc, 0, 1, bytes);
        int op = trans ? CUBLAS_OP_T : CUBLAS_OP_N;
        if (f64) {
            try (DoublePointer al = new DoublePointer(1).put(alpha); DoublePointer be = new DoublePointer(1).put(beta)) {
                check("cublasDsyrk_v2", cublasDsyrk_v2(handle, CUBLAS_FILL_MODE_UPPER, op, n, k, al,
                        new RawDoublePointer(a.address()), lda, be, new RawDoublePointer(c.address()), ldc));
            }
        } else {
            try (FloatPointer al = new FloatPointer(1).put((float) alpha);
                 FloatPointer be = new FloatPointer(1).put((float) beta)) {
                check("cublasSsyrk_v2", cublasSsyrk_v2(handle, CUBLAS_FILL_MODE_UPPER, op, n, k, al,
                        new RawFloatPointer(a.address()), lda, be, new RawFloatPointer(c.address()), ldc));
            }
        }
        CudaKernels.check("eb_cuda_synchronize", EbCudaLibrary.eb_cuda_synchronize());
    }

    /**
     * {@code C = A·diag(x)} ({@code leftSide} false) or {@code diag(x)·A} (true), column-major, A and C m × n, x of
     * n (right) or m (left) entries with stride incx (cublasDdgmm, f64). C may not be A. Waits for the device before
     * returning. With m = 1, lda = ldc = 1 and x = A, C is A squared elementwise.
     */
    public synchronized void dgmm(boolean leftSide, int m, int n, DeviceBuffer a, int lda, DeviceBuffer x, int incx,
                                  DeviceBuffer c, int ldc) {
        Arguments.nonNegative("m", m);
        Arguments.nonNegative("n", n);
        requireMatrices("a", a, m, n, lda, 0, 1, 8);
        requireMatrices("c", c, m, n, ldc, 0, 1, 8);
        if (incx == 0) {
            throw new IllegalArgumentException("incx: 0, the stride of x must be non-zero");
        }
        long entries = leftSide ? m : n;
        CudaKernels.requireDevice("x", x, entries == 0 ? 0 : Math.addExact(Math.multiplyExact(entries - 1, Math.abs((long) incx)), 1), 8);
        check("cublasDdgmm", cublasDdgmm(handle, leftSide ? CUBLAS_SIDE_LEFT : CUBLAS_SIDE_RIGHT, m, n,
                new RawDoublePointer(a.address()), lda, new RawDoublePointer(x.address()), incx,
                new RawDoublePointer(c.address()), ldc));
        CudaKernels.check("eb_cuda_synchronize", EbCudaLibrary.eb_cuda_synchronize());
    }

    /**
     * batch column-major rows x cols matrices in buffer, leading dimension ld (at least max(1, rows)), stride elements
     * apart: the buffer must hold (batch - 1) stride + ld (cols - 1) + rows scalars. Checked before cuBLAS reads it.
     */
    private static void requireMatrices(String name, DeviceBuffer buffer, int rows, int cols, int ld, long stride,
                                        int batch, int bytes) {
        if (ld < Math.max(1, rows)) {
            throw new IllegalArgumentException("ld of " + name + ": " + ld + " is outside [max(1, rows = " + rows
                    + "), " + Integer.MAX_VALUE + "]");
        }
        Arguments.nonNegative("stride of " + name, stride);
        long last = rows == 0 || cols == 0 ? 0 : (long) ld * (cols - 1) + rows;
        long elements = batch == 0 || last == 0 ? 0 : Math.addExact(Arguments.elements(name, batch - 1L, stride), last);
        CudaKernels.requireDevice(name, buffer, elements, bytes);
    }

    private static void check(String call, int status) {
        if (status != CUBLAS_STATUS_SUCCESS) {
            throw new NativeKernelException(call, status, "cuBLAS status " + status);
        }
    }

    /** Presets pointers at raw device addresses (not owned: never deallocated through them). */
    private static final class RawDoublePointer extends DoublePointer {
        RawDoublePointer(long raw) {
            this.address = raw;
        }
    }

    private static final class RawFloatPointer extends FloatPointer {
        RawFloatPointer(long raw) {
            this.address = raw;
        }
    }
}
