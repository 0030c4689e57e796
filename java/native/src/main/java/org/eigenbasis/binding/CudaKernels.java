package org.eigenbasis.binding;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.eigenbasis.spi.Availability;

/**
 * The checked wrapper over {@link EbCudaLibrary} (our kernels) and the cuSOLVER presets. Availability needs all
 * of: our library loads, the CUDA runtime finds a device, and the presets' cuSOLVER loads; the reason names the
 * first that failed.
 */
public final class CudaKernels {
    private static volatile Availability availability;

    private CudaKernels() {
    }

    /** Whether the cuda backend can run here; probed once, never throws. */
    public static Availability availability() {
        Availability a = availability;
        if (a == null) {
            synchronized (CudaKernels.class) {
                a = availability;
                if (a == null) {
                    a = probe();
                    availability = a;
                }
            }
        }
        return a;
    }

    private static Availability probe() {
        try {
            int abi = EbCudaLibrary.eb_cuda_abi_version();
            if (abi != Status.ABI_VERSION) {
                return Availability.no("libeigenbasis_cuda reports ABI " + abi + ", this jar needs " + Status.ABI_VERSION);
            }
        } catch (Throwable e) {
            return Availability.no("libeigenbasis_cuda failed to load (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
        int[] count = new int[1];
        byte[] message = new byte[512];
        int status = EbCudaLibrary.eb_cuda_probe(count, message, message.length);
        if (status != Status.OK) {
            String why = Status.fromBytes(message);
            return Availability.no(status == Status.NOT_BUILT ? why : "no usable CUDA device (" + why + ")");
        }
        try {
            Loader.load(org.bytedeco.cuda.global.cusolver.class);
        } catch (Throwable e) {
            return Availability.no("a CUDA device is present but cuSOLVER from the org.bytedeco cuda presets failed "
                    + "to load (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); install the CUDA 13 toolkit libraries (libcusolver.so.12, libcublas.so.13) on the library path");
        }
        return Availability.yes();
    }

    static void requireAvailable() {
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("cuda backend unavailable: " + a.reason());
        }
    }

    /** Device facts: name, compute capability, memory, runtime and driver versions. */
    public static Map<String, String> describe() {
        requireAvailable();
        byte[] buffer = new byte[2048];
        EbCudaLibrary.eb_cuda_describe(buffer, buffer.length);
        return new LinkedHashMap<>(Status.parseLines(Status.fromBytes(buffer)));
    }

    /** Largest n our Jacobi kernel takes. */
    public static int jacobiMaxN(int scalarBytes) {
        requireAvailable();
        return EbCudaLibrary.eb_cuda_jacobi_max_n(scalarBytes);
    }

    /** Our batched Jacobi on device buffers; returns normally when only per-matrix failures occurred. */
    public static void jacobiEigh(boolean f64, DeviceBuffer a, long batch, int n, DeviceBuffer w, DeviceBuffer v,
                                  DeviceBuffer info, int maxSweeps) {
        Arguments.nonNegative("batch", batch);
        Arguments.nonNegative("n", n);
        int bytes = f64 ? 8 : 4;
        requireDevice("a", a, batch, n, n, bytes);
        requireDevice("w", w, batch, n, bytes);
        if (v != null) {
            requireDevice("v", v, batch, n, n, bytes);
        }
        requireDevice("info", info, batch, 4);
        long vAddress = v == null ? 0 : v.address();
        requireAvailable();  // after the argument checks: they hold with or without a device
        int status = f64
                ? EbCudaLibrary.eb_cuda_jacobi_eigh_f64(a.address(), batch, n, w.address(), vAddress, info.address(), maxSweeps)
                : EbCudaLibrary.eb_cuda_jacobi_eigh_f32(a.address(), batch, n, w.address(), vAddress, info.address(), maxSweeps);
        check(f64 ? "eb_cuda_jacobi_eigh_f64" : "eb_cuda_jacobi_eigh_f32", status);
    }

    /**
     * Column-major cuSOLVER eigenvectors (src) into our layout (dst, may be null for values only), NaN for failed
     * matrices; batch chunks of at most 65535 matrices.
     */
    public static void finishColumns(boolean f64, DeviceBuffer src, DeviceBuffer dst, DeviceBuffer w, DeviceBuffer info,
                                     long batch, int n) {
        Arguments.nonNegative("batch", batch);
        Arguments.nonNegative("n", n);
        int bytes = f64 ? 8 : 4;
        requireDevice("src", src, batch, n, n, bytes);
        if (dst != null) {
            requireDevice("dst", dst, batch, n, n, bytes);
        }
        requireDevice("w", w, batch, n, bytes);
        requireDevice("info", info, batch, 4);
        requireAvailable();  // after the argument checks: they hold with or without a device
        final long chunk = 65535;
        for (long start = 0; start < batch; start += chunk) {
            long count = Math.min(chunk, batch - start);
            long matrixBytes = (long) n * n * bytes;
            long s = src.address() + start * matrixBytes;
            long d = dst == null ? 0 : dst.address() + start * matrixBytes;
            long ww = w.address() + start * n * bytes;
            long ii = info.address() + start * 4;
            int status = f64
                    ? EbCudaLibrary.eb_cuda_finish_columns_f64(s, d, ww, ii, count, n)
                    : EbCudaLibrary.eb_cuda_finish_columns_f32(s, d, ww, ii, count, n);
            check("eb_cuda_finish_columns", status);
        }
    }

    /**
     * The resetting simulator on the GPU ({@code eb_cuda_reset_simulate}): returns the raw sums (layout in
     * eb_api.h: 4d, plus 6d² + 2d with covariance) and writes the trajectory-events to {@code events[0]}.
     * Arguments are validated by the caller ({@code ResetSimulationConfig}); lengths are checked here.
     */
    public static double[] resetSimulate(int law, double[] lawParameters, double[] mu, double[] a, double sigma,
                                         double horizon, long trajectories, long seed, boolean euler, double step,
                                         boolean covariance, long[] events) {
        requireArray("lawParameters", lawParameters);
        requireArray("mu", mu);
        requireArray("a", a);
        requireArray("events", events);
        Arguments.code("law", law, 0, 8);
        int d = mu.length;
        if (a.length != d || lawParameters.length == 0 || events.length < 1) {
            throw new IllegalArgumentException("resetSimulate: inconsistent lengths (d = " + d + ", target "
                    + a.length + ", law parameters " + lawParameters.length + ")");
        }
        requireAvailable();  // after the argument checks: they hold with or without a device
        long length = EbCudaLibrary.eb_cuda_reset_sums_length(d, covariance ? 1 : 0);
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("resetSimulate: d = " + d + " needs " + length + " sums");
        }
        double[] sums = new double[(int) length];
        int status = EbCudaLibrary.eb_cuda_reset_simulate(law, lawParameters, lawParameters.length, d, mu, a, sigma,
                horizon, trajectories, seed, euler ? 1 : 0, euler ? step : 0.0, covariance ? 1 : 0, sums, length,
                events);
        check("eb_cuda_reset_simulate", status);
        return sums;
    }

    /**
     * The fused diagonal update of the preconditioner on device buffers ({@code eb_cuda_precond_diagonal_update}):
     * {@code count} entries of g, m (null: no first moment), v and out; out may be g itself. Every entry is
     * computed in double and rounded once, without fused multiply-add, in the reference's order.
     */
    public static void precondDiagonalUpdate(boolean f64, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v,
                                             DeviceBuffer out, long count, double beta1, double beta2, double gamma,
                                             double exponent, double eps) {
        Arguments.nonNegative("count", count);
        int bytes = f64 ? 8 : 4;
        requireDevice("g", g, count, bytes);
        if (m != null) {
            requireDevice("m", m, count, bytes);
        }
        requireDevice("v", v, count, bytes);
        requireDevice("out", out, count, bytes);
        long mAddress = m == null ? 0 : m.address();
        requireAvailable();  // after the argument checks: they hold with or without a device
        int status = f64
                ? EbCudaLibrary.eb_cuda_precond_diagonal_update_f64(g.address(), mAddress, v.address(), out.address(),
                        count, beta1, beta2, gamma, exponent, eps)
                : EbCudaLibrary.eb_cuda_precond_diagonal_update_f32(g.address(), mAddress, v.address(), out.address(),
                        count, beta1, beta2, gamma, exponent, eps);
        check(f64 ? "eb_cuda_precond_diagonal_update_f64" : "eb_cuda_precond_diagonal_update_f32", status);
    }

    /**
     * Finishes a factor accumulation on device buffers ({@code eb_cuda_precond_combine_factor}): the row-major
     * lower triangles of {@code s} (the new product) and {@code f} (the old factor, not read when beta = 0) give
     * beta·f + alpha·s in the lower triangle of f, mirrored to the upper.
     */
    public static void precondCombineFactor(boolean f64, DeviceBuffer s, DeviceBuffer f, long batch, int k,
                                            double beta, double alpha) {
        Arguments.nonNegative("batch", batch);
        Arguments.nonNegative("k", k);
        int bytes = f64 ? 8 : 4;
        requireDevice("s", s, batch, k, k, bytes);
        requireDevice("f", f, batch, k, k, bytes);
        requireAvailable();  // after the argument checks: they hold with or without a device
        int status = f64
                ? EbCudaLibrary.eb_cuda_precond_combine_factor_f64(s.address(), f.address(), batch, k, beta, alpha)
                : EbCudaLibrary.eb_cuda_precond_combine_factor_f32(s.address(), f.address(), batch, k, beta, alpha);
        check(f64 ? "eb_cuda_precond_combine_factor_f64" : "eb_cuda_precond_combine_factor_f32", status);
    }

    /** Deepest MLP (number of linear layers) the cuda MLP kernels take. */
    public static int mlpMaxDepth() {
        requireAvailable();
        return EbCudaLibrary.eb_cuda_mlp_max_depth();
    }

    /**
     * MLP training on the GPU ({@code eb_cuda_mlp_train_f64}): {@code jobs} jobs of P parameters each in
     * {@code params} (trained in place), x (rows × d0) and y (rows × target width) on the device, the jobs' row
     * orders back to back in {@code orders} (orderOffsets[jobs] ints) with their offsets on the host. The order
     * entries and the labels are checked on the device (IllegalArgumentException-worthy values come back as a
     * NativeKernelException with EB_ERR_ARGUMENT); the caller validates first.
     */
    public static void mlpTrain(int[] widths, int activation, int loss, DeviceBuffer params, int jobs, DeviceBuffer x,
                                DeviceBuffer y, long rows, DeviceBuffer orders, long[] orderOffsets, int epochs,
                                int batchSize, double lr, double momentum) {
        if (jobs < 0 || orderOffsets == null || orderOffsets.length != jobs + 1L) {
            throw new IllegalArgumentException("orderOffsets: needs jobs + 1 = " + (jobs + 1L) + " entries, got "
                    + (orderOffsets == null ? "null" : orderOffsets.length));
        }
        if (jobs == 0) {
            return;
        }
        long p = CpuKernels.mlpParameterCount(widths, loss);
        Arguments.code("activation", activation, 0, 3);
        int targetWidth = loss == 1 ? widths[widths.length - 1] : 1;
        requireDevice("params", params, jobs, p, 8);
        requireDevice("x", x, rows, widths[0], 8);
        requireDevice("y", y, rows, targetWidth, 8);
        requireDevice("orders", orders, orderOffsets[jobs], 4);
        requireAvailable();  // after the argument checks: they hold with or without a device
        check("eb_cuda_mlp_train_f64", EbCudaLibrary.eb_cuda_mlp_train_f64(widths.length, widths, activation, loss,
                params.address(), jobs, x.address(), y.address(), rows, orders.address(), orderOffsets, epochs,
                batchSize, lr, momentum));
    }

    // ---- the elementwise steps of the MLP Hessian-vector products (eb_api.h; arrays rows × groups × width) ------

    /** out[(r, j, o)] = src[j·srcStride + o], or out + that with accumulate (eb_cuda_mlp_broadcast_rows_f64). */
    public static void mlpBroadcastRows(DeviceBuffer out, long rows, int groups, int width, DeviceBuffer src,
                                        long srcStride, boolean accumulate) {
        requireDevice("out", out, rows, groups, width, 8);
        requireDevice("src", src, strided("src", groups, srcStride, width));
        requireAvailable();  // after the argument checks: they hold with or without a device
        check("eb_cuda_mlp_broadcast_rows_f64", EbCudaLibrary.eb_cuda_mlp_broadcast_rows_f64(out.address(), rows, groups,
                width, src.address(), srcStride, accumulate ? 1 : 0));
    }

    /** a = σ(z), s1 = σ'(z), s2 = σ''(z) (s2 may be null) over count entries (eb_cuda_mlp_activate_f64). */
    public static void mlpActivate(int activation, DeviceBuffer z, long count, DeviceBuffer a, DeviceBuffer s1,
                                   DeviceBuffer s2) {
        Arguments.code("activation", activation, 0, 3);
        requireDevice("z", z, count, 8);
        requireDevice("a", a, count, 8);
        requireDevice("s1", s1, count, 8);
        if (s2 != null) {
            requireDevice("s2", s2, count, 8);
        }
        requireAvailable();  // after the argument checks: they hold with or without a device
        check("eb_cuda_mlp_activate_f64", EbCudaLibrary.eb_cuda_mlp_activate_f64(activation, z.address(), count,
                a.address(), s1.address(), s2 == null ? 0 : s2.address()));
    }

    /** Rows of the loss gradient times invRows; p (may be null) receives the softmax (eb_cuda_mlp_loss_gradient_f64). */
    public static void mlpLossGradient(int loss, DeviceBuffer z, DeviceBuffer y, long rows, int classes, double invRows,
                                       DeviceBuffer g, DeviceBuffer p) {
        Arguments.code("loss", loss, 0, 1);
        requireDevice("z", z, rows, classes, 8);
        requireDevice("y", y, rows, (loss == 1 ? classes : 1), 8);
        requireDevice("g", g, rows, classes, 8);
        if (p != null) {
            requireDevice("p", p, rows, classes, 8);
        }
        requireAvailable();  // after the argument checks: they hold with or without a device
        check("eb_cuda_mlp_loss_gradient_f64", EbCudaLibrary.eb_cuda_mlp_loss_gradient_f64(loss, z.address(),
                y.address(), rows, classes, invRows, g.address(), p == null ? 0 : p.address()));
    }

    /** out = in ⊙ scale (+ e ⊙ rz when e is not null), scale and e broadcast over the groups (eb_cuda_mlp_scale_groups_f64). */
    public static void mlpScaleGroups(DeviceBuffer out, DeviceBuffer in, DeviceBuffer scale, long rows, int groups,
                                      int width, DeviceBuffer e, DeviceBuffer rz) {
        long all = Arguments.elements("out", rows, groups, width, 8);
        requireDevice("out", out, all);
        requireDevice("in", in, all);
        requireDevice("scale", scale, rows, width, 8);
        if (e != null) {
            requireDevice("e", e, rows, width, 8);
            requireDevice("rz", rz, all);
        }
        requireAvailable();  // after the argument checks: they hold with or without a device
        check("eb_cuda_mlp_scale_groups_f64", EbCudaLibrary.eb_cuda_mlp_scale_groups_f64(out.address(), in.address(),
                scale.address(), rows, groups, width, e == null ? 0 : e.address(), e == null ? 0 : rz.address()));
    }

    /** rg = Λ rz · invN per (row, vector) (eb_cuda_mlp_rop_loss_f64; p: the softmax, cross-entropy only). */
    public static void mlpRopLoss(int loss, DeviceBuffer p, DeviceBuffer rz, long rows, int groups, int classes,
                                  double invN, DeviceBuffer rg) {
        Arguments.code("loss", loss, 0, 1);
        long all = Arguments.elements("rz", rows, groups, classes, 8);
        requireDevice("rz", rz, all);
        requireDevice("rg", rg, all);
        if (loss == 0) {
            requireDevice("p", p, rows, classes, 8);
        }
        requireAvailable();  // after the argument checks: they hold with or without a device
        check("eb_cuda_mlp_rop_loss_f64", EbCudaLibrary.eb_cuda_mlp_rop_loss_f64(loss, p == null ? 0 : p.address(),
                rz.address(), rows, groups, classes, invN, rg.address()));
    }

    /** out[j·outStride + o] = Σ_r in[(r, j, o)] (eb_cuda_mlp_column_sums_f64). */
    public static void mlpColumnSums(DeviceBuffer in, long rows, int groups, int width, DeviceBuffer out, long outStride) {
        requireDevice("in", in, rows, groups, width, 8);
        requireDevice("out", out, strided("out", groups, outStride, width));
        requireAvailable();  // after the argument checks: they hold with or without a device
        check("eb_cuda_mlp_column_sums_f64", EbCudaLibrary.eb_cuda_mlp_column_sums_f64(in.address(), rows, groups, width,
                out.address(), outStride));
    }

    /**
     * A device buffer of at least the product of {@code factors} bytes (extents, then the scalar size), open: an
     * IllegalArgumentException naming it when it is null, closed, too small, or the product overflows.
     */
    static void requireDevice(String name, DeviceBuffer buffer, long... factors) {
        long bytes = Arguments.elements(name, factors);
        if (buffer == null) {
            throw new IllegalArgumentException(name + ": is null");
        }
        if (buffer.isClosed()) {
            throw new IllegalArgumentException(name + ": device buffer is closed");
        }
        if (buffer.bytes() < bytes) {
            throw new IllegalArgumentException(name + ": device buffer holds " + buffer.bytes() + " bytes, needs " + bytes);
        }
    }

    private static void requireArray(String name, Object array) {
        if (array == null) {
            throw new IllegalArgumentException(name + ": is null");
        }
    }

    /** Bytes of groups rows of width doubles, stride apart: ((groups - 1) stride + width) 8, checked. */
    private static long strided(String name, int groups, long stride, int width) {
        Arguments.range("groups", groups, Integer.MAX_VALUE);
        Arguments.nonNegative("width", width);
        Arguments.nonNegative(name + "Stride", stride);
        if (groups == 0) {
            return 0;
        }
        return Arguments.elements(name, Math.addExact(Arguments.elements(name, groups - 1L, stride), width), 8);
    }

    static void check(String kernel, int status) {
        if (status == Status.OK || status == Status.NOT_CONVERGED) {
            return;
        }
        String detail = EbCudaLibrary.eb_cuda_last_error().getString();
        if (status == Status.ALLOCATION) {
            throw new OutOfMemoryError(kernel + ": device memory could not be allocated (" + detail + ")");
        }
        throw new NativeKernelException(kernel, status, detail);
    }
}
