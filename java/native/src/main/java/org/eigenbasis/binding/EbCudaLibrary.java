package org.eigenbasis.binding;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * Raw JavaCPP binding of the CUDA half of {@code eb_api.h}: our kernels in {@code libeigenbasis_cuda.so}, built
 * with the static CUDA runtime, so it loads on machines without a driver and says "no device" there (or, built
 * without nvcc, says that). Device pointers travel as {@code long}. Use {@link CudaKernels}.
 */
@Properties(value = @Platform(include = "eigenbasis/eb_api.h", link = "eigenbasis_cuda"))
@NoException
public final class EbCudaLibrary {
    static {
        Loader.load();
    }

    private EbCudaLibrary() {
    }

    public static native int eb_cuda_abi_version();

    public static native int eb_cuda_probe(int[] count, @Cast("char*") byte[] message, int capacity);

    public static native int eb_cuda_describe(@Cast("char*") byte[] buffer, int capacity);

    public static native @Cast("const char*") BytePointer eb_cuda_last_error();

    public static native int eb_cuda_jacobi_max_n(int scalarBytes);

    public static native int eb_cuda_jacobi_eigh_f64(@Cast("const double*") long a, long batch, int n,
                                                     @Cast("double*") long w, @Cast("double*") long v,
                                                     @Cast("int32_t*") long info, int maxSweeps);

    public static native int eb_cuda_jacobi_eigh_f32(@Cast("const float*") long a, long batch, int n,
                                                     @Cast("float*") long w, @Cast("float*") long v,
                                                     @Cast("int32_t*") long info, int maxSweeps);

    public static native int eb_cuda_finish_columns_f64(@Cast("const double*") long src, @Cast("double*") long dst,
                                                        @Cast("double*") long w, @Cast("const int32_t*") long info,
                                                        long batch, int n);

    public static native int eb_cuda_finish_columns_f32(@Cast("const float*") long src, @Cast("float*") long dst,
                                                        @Cast("float*") long w, @Cast("const int32_t*") long info,
                                                        long batch, int n);

    public static native int eb_cuda_malloc(long bytes, @Cast("void**") long[] pointer);

    public static native int eb_cuda_free(@Cast("void*") long pointer);

    public static native int eb_cuda_copy_to_device(@Cast("void*") long dst, @Cast("const void*") java.nio.DoubleBuffer src,
                                                    long bytes);

    public static native int eb_cuda_copy_to_device(@Cast("void*") long dst, @Cast("const void*") java.nio.FloatBuffer src,
                                                    long bytes);

    public static native int eb_cuda_copy_to_device(@Cast("void*") long dst, @Cast("const void*") java.nio.IntBuffer src,
                                                    long bytes);

    public static native int eb_cuda_copy_to_host(@Cast("void*") java.nio.DoubleBuffer dst, @Cast("const void*") long src,
                                                  long bytes);

    public static native int eb_cuda_copy_to_host(@Cast("void*") java.nio.FloatBuffer dst, @Cast("const void*") long src,
                                                  long bytes);

    public static native int eb_cuda_copy_to_host(@Cast("void*") java.nio.IntBuffer dst, @Cast("const void*") long src,
                                                  long bytes);

    public static native int eb_cuda_copy_on_device(@Cast("void*") long dst, @Cast("const void*") long src, long bytes);

    public static native int eb_cuda_synchronize();

    public static native long eb_cuda_reset_sums_length(int d, int covariance);

    public static native int eb_cuda_reset_simulate(int law, @Cast("const double*") double[] lawParameters,
                                                    int parameterCount, int d, @Cast("const double*") double[] mu,
                                                    @Cast("const double*") double[] a, double sigma, double horizon,
                                                    long trajectories, long seed, int scheme, double step,
                                                    int covariance, @Cast("double*") double[] sums, long sumsLength,
                                                    @Cast("int64_t*") long[] events);

    public static native int eb_cuda_precond_diagonal_update_f64(@Cast("const double*") long g, @Cast("double*") long m,
                                                                 @Cast("double*") long v, @Cast("double*") long out,
                                                                 long count, double beta1, double beta2, double gamma,
                                                                 double exponent, double eps);

    public static native int eb_cuda_precond_diagonal_update_f32(@Cast("const float*") long g, @Cast("float*") long m,
                                                                 @Cast("float*") long v, @Cast("float*") long out,
                                                                 long count, double beta1, double beta2, double gamma,
                                                                 double exponent, double eps);

    public static native int eb_cuda_precond_combine_factor_f64(@Cast("const double*") long s, @Cast("double*") long f,
                                                                long batch, int k, double beta, double alpha);

    public static native int eb_cuda_precond_combine_factor_f32(@Cast("const float*") long s, @Cast("float*") long f,
                                                                long batch, int k, double beta, double alpha);

    public static native int eb_cuda_mlp_max_depth();

    public static native int eb_cuda_mlp_train_f64(int widthCount, @Cast("const int32_t*") int[] widths, int activation,
                                                   int loss, @Cast("double*") long params, int jobs,
                                                   @Cast("const double*") long x, @Cast("const double*") long y,
                                                   long rows, @Cast("const int32_t*") long orders,
                                                   @Cast("const int64_t*") long[] orderOffsets, int epochs,
                                                   int batchSize, double lr, double momentum);

    public static native int eb_cuda_mlp_broadcast_rows_f64(@Cast("double*") long out, long rows, int groups, int width,
                                                            @Cast("const double*") long src, long srcStride,
                                                            int accumulate);

    public static native int eb_cuda_mlp_activate_f64(int activation, @Cast("const double*") long z, long count,
                                                      @Cast("double*") long a, @Cast("double*") long s1,
                                                      @Cast("double*") long s2);

    public static native int eb_cuda_mlp_loss_gradient_f64(int loss, @Cast("const double*") long z,
                                                           @Cast("const double*") long y, long rows, int classes,
                                                           double invRows, @Cast("double*") long g,
                                                           @Cast("double*") long p);

    public static native int eb_cuda_mlp_scale_groups_f64(@Cast("double*") long out, @Cast("const double*") long in,
                                                          @Cast("const double*") long scale, long rows, int groups,
                                                          int width, @Cast("const double*") long e,
                                                          @Cast("const double*") long rz);

    public static native int eb_cuda_mlp_rop_loss_f64(int loss, @Cast("const double*") long p,
                                                      @Cast("const double*") long rz, long rows, int groups,
                                                      int classes, double invN, @Cast("double*") long rg);

    public static native int eb_cuda_mlp_column_sums_f64(@Cast("const double*") long in, long rows, int groups,
                                                         int width, @Cast("double*") long out, long outStride);
}
