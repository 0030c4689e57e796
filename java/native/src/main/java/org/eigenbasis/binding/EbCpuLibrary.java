package org.eigenbasis.binding;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.openblas.presets.openblas;

/**
 * Raw JavaCPP binding of the CPU half of {@code native/include/eigenbasis/eb_api.h}. The kernels live in the
 * static library {@code libeigenbasis_cpu.a} that CMake builds; the generated glue links it and OpenBLAS from
 * the presets, which {@link Loader} preloads from the jar. Direct buffers are passed by address, without a copy.
 * Use {@link CpuKernels}, which checks arguments and status codes; nothing else should call this class.
 */
@Properties(inherit = openblas.class, value = @Platform(include = "eigenbasis/eb_api.h", link = "eigenbasis_cpu"))
@NoException
public final class EbCpuLibrary {
    static {
        Loader.load();
    }

    private EbCpuLibrary() {
    }

    public static native int eb_abi_version();

    public static native @Cast("const char*") BytePointer eb_status_message(int status);

    public static native int eb_cpu_set_threads(int threads);

    public static native int eb_cpu_threads();

    public static native int eb_cpu_describe(@Cast("char*") byte[] buffer, int capacity);

    public static native int eb_cpu_set_portable(int portable);

    public static native int eb_cpu_portable();

    public static native int eb_cpu_eigh_choice(int n, int scalarBytes, int wantVectors);

    public static native double eb_cpu_last_call_seconds();

    public static native int eb_cpu_eigh_stages(double[] out, int capacity);

    public static native int eb_cpu_eigh_f64(@Const DoubleBuffer a, long batch, int n, DoubleBuffer w, DoubleBuffer v,
                                             IntBuffer info, int algorithm, int maxSweeps);

    public static native int eb_cpu_eigh_f32(@Const FloatBuffer a, long batch, int n, FloatBuffer w, FloatBuffer v,
                                             IntBuffer info, int algorithm, int maxSweeps);

    public static native int eb_cpu_eigh_range_f64(@Const DoubleBuffer a, long batch, int n, int range, int lo, int hi,
                                                   double vl, double vu, int m, DoubleBuffer w, DoubleBuffer v,
                                                   IntBuffer count, IntBuffer info);

    public static native int eb_cpu_eigh_range_f32(@Const FloatBuffer a, long batch, int n, int range, int lo, int hi,
                                                   double vl, double vu, int m, FloatBuffer w, FloatBuffer v,
                                                   IntBuffer count, IntBuffer info);

    public static native int eb_cpu_spectral_reconstruct_f64(@Const DoubleBuffer v, @Const DoubleBuffer f, long batch,
                                                             int n, DoubleBuffer out);

    public static native int eb_cpu_spectral_reconstruct_f32(@Const FloatBuffer v, @Const FloatBuffer f, long batch,
                                                             int n, FloatBuffer out);

    public static native int eb_cpu_spectral_apply_f64(@Const DoubleBuffer v, @Const DoubleBuffer f,
                                                       @Const DoubleBuffer x, long batch, int n, int m, DoubleBuffer out);

    public static native int eb_cpu_spectral_apply_f32(@Const FloatBuffer v, @Const FloatBuffer f, @Const FloatBuffer x,
                                                       long batch, int n, int m, FloatBuffer out);

    public static native int eb_cpu_refresh_f64(@Const DoubleBuffer a, @Const DoubleBuffer q, long batch, int n,
                                                int steps, DoubleBuffer qOut, DoubleBuffer rayleigh,
                                                DoubleBuffer offRatio);

    public static native int eb_cpu_refresh_f32(@Const FloatBuffer a, @Const FloatBuffer q, long batch, int n, int steps,
                                                FloatBuffer qOut, FloatBuffer rayleigh, FloatBuffer offRatio);

    public static native int eb_cpu_factor_accumulate_f64(@Const DoubleBuffer x, long batch, int rows, int cols,
                                                          int left, double beta, double alpha, DoubleBuffer factor);

    public static native int eb_cpu_factor_accumulate_f32(@Const FloatBuffer x, long batch, int rows, int cols,
                                                          int left, double beta, double alpha, FloatBuffer factor);

    public static native int eb_cpu_rotate_f64(@Const DoubleBuffer l, int transposeL, @Const DoubleBuffer g,
                                               @Const DoubleBuffer r, int transposeR, long batch, int m, int n,
                                               DoubleBuffer out);

    public static native int eb_cpu_rotate_f32(@Const FloatBuffer l, int transposeL, @Const FloatBuffer g,
                                               @Const FloatBuffer r, int transposeR, long batch, int m, int n,
                                               FloatBuffer out);

    public static native int eb_cpu_diagonal_update_f64(@Const DoubleBuffer g, DoubleBuffer m, DoubleBuffer v,
                                                        DoubleBuffer out, long count, double beta1, double beta2,
                                                        double gamma, double exponent, double eps);

    public static native int eb_cpu_diagonal_update_f32(@Const FloatBuffer g, FloatBuffer m, FloatBuffer v,
                                                        FloatBuffer out, long count, double beta1, double beta2,
                                                        double gamma, double exponent, double eps);

    public static native int eb_cpu_influence_ekfac_eigenvalues_f64(@Const DoubleBuffer g, long n, int perExample,
                                                                    int dOut, @Const DoubleBuffer a, int dIn,
                                                                    @Const DoubleBuffer qs, @Const DoubleBuffer qa,
                                                                    double scale, DoubleBuffer lambda);

    public static native int eb_cpu_influence_kronecker_rotate_f64(@Const DoubleBuffer qs, @Const DoubleBuffer qa,
                                                                   @Const DoubleBuffer x, long k, int dOut, int dIn,
                                                                   int forward, DoubleBuffer out);

    public static native int eb_cpu_influence_weighted_product_f64(@Const DoubleBuffer x, int m, int p,
                                                                   @Const DoubleBuffer w, @Const DoubleBuffer y, int n,
                                                                   double alpha, double beta, DoubleBuffer out);

    public static native int eb_cpu_influence_multiply_f64(@Const DoubleBuffer a, int aRows, int aCols, int transposeA,
                                                           @Const DoubleBuffer b, int bRows, int bCols, int transposeB,
                                                           DoubleBuffer out);

    public static native long eb_cpu_reset_sim_sums_length(int d, int covariance);

    public static native int eb_cpu_reset_sim_f64(int lawKind, @Const DoubleBuffer lawParams, int lawParamCount,
                                                  @Const DoubleBuffer mu, @Const DoubleBuffer target, int d,
                                                  double sigma, double horizon, long trajectories, long seed,
                                                  int scheme, double step, int covariance, DoubleBuffer sums,
                                                  @Cast("int64_t*") LongBuffer events);

    public static native long eb_cpu_reset_sim_block_length(int d, int covariance);

    public static native long eb_cpu_reset_sim_range_blocks(int d, int covariance, long trajectories, long first,
                                                            long count);

    public static native int eb_cpu_reset_sim_range_f64(int lawKind, @Const DoubleBuffer lawParams, int lawParamCount,
                                                        @Const DoubleBuffer mu, @Const DoubleBuffer target, int d,
                                                        double sigma, double horizon, long trajectories, long seed,
                                                        int scheme, double step, int covariance, long first,
                                                        long count, DoubleBuffer blockSums, long blockCapacity,
                                                        DoubleBuffer centres, @Cast("int64_t*") LongBuffer blocks,
                                                        @Cast("int64_t*") LongBuffer events);

    public static native int eb_cpu_mlp_train_f64(int widthCount, @Const IntBuffer widths, int activation, int loss,
                                                  DoubleBuffer params, int jobs, @Const DoubleBuffer x,
                                                  @Const DoubleBuffer y, long rows, @Const IntBuffer orders,
                                                  @Cast("const int64_t*") LongBuffer orderOffsets, int epochs,
                                                  int batchSize, double lr, double momentum);

    public static native int eb_cpu_mlp_hvp_f64(int widthCount, @Const IntBuffer widths, int activation, int loss,
                                                @Const DoubleBuffer params, @Const DoubleBuffer x, @Const DoubleBuffer y,
                                                long n, @Const DoubleBuffer v, long k, DoubleBuffer out);

    public static native int eb_cpu_diffusion_variance_f64(int model, @Const DoubleBuffer lambdas, long n,
                                                           @Const DoubleBuffer taus, long t, double sigmaMin,
                                                           double sigmaMax, double eta, double init, int logForm,
                                                           DoubleBuffer out);

    public static native int eb_cpu_diffusion_e1_f64(@Const DoubleBuffer x, long count, DoubleBuffer out);

    public static native long eb_cpu_heap_in_use();
}
