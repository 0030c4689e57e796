package org.eigenbasis.binding;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import org.eigenbasis.spi.Availability;

/**
 * The checked wrapper over {@link EbCpuLibrary}: loads the library once and reports why it could not, checks that
 * every buffer is direct and large enough before the call (a second line of defence behind the facades'
 * validation, so native code never reads or writes out of bounds), and turns status codes into exceptions.
 * A per-matrix convergence failure is not an exception here: it is left in {@code info} for the caller.
 *
 * <p>When the library loads, the system property {@value #PORTABLE_PROPERTY} is read once and passed to
 * {@code eb_cpu_set_portable}, before any kernel runs.
 */
public final class CpuKernels {
    /**
     * System property that forces our own C++ kernels onto their portable (x86-64-v3) paths on a CPU with AVX-512:
     * {@code true}, or {@code false} (the default: they take the AVX-512 paths where the CPU has them). Case and
     * surrounding spaces are ignored; any other value (the empty string too) is refused with an
     * {@link IllegalArgumentException} from every kernel call. Read once, when the library loads.
     */
    public static final String PORTABLE_PROPERTY = "eigenbasis.cpu.portable";

    /**
     * System property setting the CPU library's batch workers when it loads: an integer in [0, 4096], 0 (the
     * default) for one per core. Set it to 1 where an outer scheduler already runs one task per core (Spark
     * executors: {@code spark.executor.extraJavaOptions=-Deigenbasis.cpu.threads=1}).
     */
    public static final String THREADS_PROPERTY = "eigenbasis.cpu.threads";

    private static volatile Availability availability;
    /** Who forced the portable paths from Java (the property), or null; names it in {@link #describe()}. */
    private static volatile String portableForcedBy;
    /** The refusal of a bad {@value #PORTABLE_PROPERTY} or {@value #THREADS_PROPERTY}, thrown by every call; null when legal. */
    private static volatile String propertyRefusal;

    private CpuKernels() {
    }

    /** Whether the CPU library loads here; probed once, never throws. */
    public static Availability availability() {
        Availability a = availability;
        if (a == null) {
            synchronized (CpuKernels.class) {
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
            int abi = EbCpuLibrary.eb_abi_version();
            if (abi != Status.ABI_VERSION) {
                return Availability.no("libjniEbCpuLibrary reports ABI " + abi + ", this jar needs " + Status.ABI_VERSION
                        + "; rebuild with mvn -B install");
            }
            applyPortableProperty();
            applyThreadsProperty();
            return Availability.yes();
        } catch (Throwable e) {
            return Availability.no("the native CPU library failed to load (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); build it with mvn -B install on linux-x86_64 with CMake and g++");
        }
    }

    /**
     * The property to the library, once, before any kernel runs. A bad value leaves the library as it is and is
     * refused by every call (requireLoaded): the backend stays available, so {@code auto} never falls back to
     * another backend over a typo, and the first call says what is wrong.
     */
    private static void applyPortableProperty() {
        boolean portable;
        try {
            portable = portableSetting(System.getProperty(PORTABLE_PROPERTY));
        } catch (IllegalArgumentException e) {
            propertyRefusal = e.getMessage();
            return;
        }
        check("eb_cpu_set_portable", EbCpuLibrary.eb_cpu_set_portable(portable ? 1 : 0), false);
        portableForcedBy = portable ? "-D" + PORTABLE_PROPERTY + "=true" : null;
    }

    /** {@value #THREADS_PROPERTY} to the library, once; a bad value is refused by every call, as the portable one. */
    private static void applyThreadsProperty() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null) {
            return;
        }
        int threads;
        try {
            threads = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            threads = -1;
        }
        if (threads < 0 || threads > 4096) {
            propertyRefusal = "-D" + THREADS_PROPERTY + "=" + value + ": the value must be an integer in [0, 4096] (0: one "
                    + "batch worker per core)";
            return;
        }
        EbCpuLibrary.eb_cpu_set_threads(threads);     // returns the count in effect, not a status
    }

    /**
     * The value of {@value #PORTABLE_PROPERTY}: null (unset) or {@code false} is false, {@code true} is true (case
     * and surrounding spaces ignored); anything else is an IllegalArgumentException naming the property and the
     * legal values.
     */
    public static boolean portableSetting(String value) {
        String v = value == null ? "false" : value.trim();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("-D" + PORTABLE_PROPERTY + "=" + value + ": the value must be true (our CPU "
                + "kernels take their portable x86-64-v3 paths) or false (the default: AVX-512 where the CPU has it)");
    }

    /**
     * Whether our CPU kernels are forced onto their portable paths: by {@value #PORTABLE_PROPERTY}=true, or by
     * EB_CPU_AVX512=0 in the environment (which the native library reads itself).
     */
    public static boolean portableForced() {
        requireLoaded();
        return EbCpuLibrary.eb_cpu_portable() == 1;
    }

    private static void requireLoaded() {
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("cpu backend unavailable: " + a.reason());
        }
        String refusal = propertyRefusal;
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
    }

    /**
     * key=value facts from the library: OpenBLAS config, core type and threads, batch workers, kernel ISA, and
     * {@code avx512_kernels}: whether our kernels use their AVX-512 paths, or are forced portable and by what.
     */
    public static Map<String, String> describe() {
        requireLoaded();
        byte[] buffer = new byte[4096];
        EbCpuLibrary.eb_cpu_describe(buffer, buffer.length);
        Map<String, String> facts = Status.parseLines(Status.fromBytes(buffer));
        String by = portableForcedBy;
        if (by != null) {  // the library only knows it was asked through its C ABI
            facts.computeIfPresent("avx512_kernels", (k, v) -> v.replace("eb_cpu_set_portable(1)", by));
        }
        return facts;
    }

    /** Number of batch workers. */
    public static int threads() {
        requireLoaded();
        return EbCpuLibrary.eb_cpu_threads();
    }

    /** Sets the number of batch workers (0 = all cores); returns the number in effect. */
    public static int setThreads(int threads) {
        requireLoaded();
        if (threads < 0 || threads > 4096) {
            throw new IllegalArgumentException("threads: " + threads + " is outside [0, 4096]");
        }
        return EbCpuLibrary.eb_cpu_set_threads(threads);
    }

    /** Seconds the last eigh call on this thread spent inside the native library (for overhead measurements). */
    public static double lastCallSeconds() {
        requireLoaded();
        return EbCpuLibrary.eb_cpu_last_call_seconds();
    }

    /**
     * Bytes of the process's C heap in use (glibc mallinfo2: allocated chunks of all arenas plus malloc's mmapped
     * chunks), or -1 without glibc 2.33+. Process-wide: the JVM's own malloc calls count too. For leak checks.
     */
    public static long heapInUse() {
        requireLoaded();
        return EbCpuLibrary.eb_cpu_heap_in_use();
    }

    /**
     * Where this thread's last TWO_STAGE or TRIDIAGONAL_DC matrix spent its time (eb_cpu_eigh_stages): band width,
     * then seconds in the reduction, bulge chase, tridiagonal solver, T factors, back-transformation products and
     * sign pass. Counts only matrices that ran on the calling thread (a batch smaller than the worker count).
     */
    public static double[] eighStages() {
        requireLoaded();
        double[] out = new double[7];
        check("eb_cpu_eigh_stages", EbCpuLibrary.eb_cpu_eigh_stages(out, out.length) < 0 ? Status.ARGUMENT : 0, false);
        return out;
    }

    /** The eb_api.h algorithm code that AUTO resolves to. */
    public static int eighChoice(int n, int scalarBytes, boolean vectors) {
        requireLoaded();
        return EbCpuLibrary.eb_cpu_eigh_choice(n, scalarBytes, vectors ? 1 : 0);
    }

    /** Batched eigh on direct buffers (v may be null). Returns normally when only per-matrix failures occurred. */
    public static void eigh(DoubleBuffer a, long batch, int n, DoubleBuffer w, DoubleBuffer v, IntBuffer info,
                            int algorithm, int maxSweeps) {
        checkEigh(a, batch, n, w, v, info, algorithm, maxSweeps);
        check("eb_cpu_eigh_f64", EbCpuLibrary.eb_cpu_eigh_f64(a, batch, n, w, v, info, algorithm, maxSweeps), true);
    }

    public static void eigh(FloatBuffer a, long batch, int n, FloatBuffer w, FloatBuffer v, IntBuffer info,
                            int algorithm, int maxSweeps) {
        checkEigh(a, batch, n, w, v, info, algorithm, maxSweeps);
        check("eb_cpu_eigh_f32", EbCpuLibrary.eb_cpu_eigh_f32(a, batch, n, w, v, info, algorithm, maxSweeps), true);
    }

    private static void checkEigh(Buffer a, long batch, int n, Buffer w, Buffer v, IntBuffer info, int algorithm,
                                  int maxSweeps) {
        requireLoaded();
        Arguments.nonNegative("batch", batch);
        Arguments.nonNegative("n", n);
        Arguments.code("algorithm", algorithm, 0, 7);  // EB_EIGH_AUTO .. EB_EIGH_TRIDIAG_DC
        if (algorithm == 5) {
            throw new IllegalArgumentException("algorithm: code 5 (EB_EIGH_CUSOLVER) names the cuda backend's solvers and is not a cpu algorithm; legal codes are 0-4, 6 and 7");
        }
        Arguments.nonNegative("maxSweeps", maxSweeps);
        Arguments.input("a", a, batch, n, n);
        Arguments.output("w", w, batch, n);
        if (v != null) {
            Arguments.output("v", v, batch, n, n);
        }
        Arguments.output("info", info, batch);
    }

    /** eb_api.h's EB_RANGE_INDICES: ascending positions [lo, hi). */
    public static final int RANGE_INDICES = 1;
    /** eb_api.h's EB_RANGE_INTERVAL: eigenvalues in (vl, vu]. */
    public static final int RANGE_INTERVAL = 2;

    /**
     * Batched partial eigh by ?syevr on direct buffers (eb_cpu_eigh_range_f64): {@code range} is
     * {@link #RANGE_INDICES} (positions [lo, hi), m = hi − lo) or {@link #RANGE_INTERVAL} ((vl, vu], m in [1, n]);
     * w is batch·m, v batch·n·m or null, count and info batch. Returns normally when only per-matrix failures
     * occurred; every argument is checked first, an IllegalArgumentException naming the one at fault.
     */
    public static void eighRange(DoubleBuffer a, long batch, int n, int range, int lo, int hi, double vl, double vu,
                                 int m, DoubleBuffer w, DoubleBuffer v, IntBuffer count, IntBuffer info) {
        checkEighRange(a, batch, n, range, lo, hi, vl, vu, m, w, v, count, info);
        check("eb_cpu_eigh_range_f64", EbCpuLibrary.eb_cpu_eigh_range_f64(a, batch, n, range, lo, hi, vl, vu, m, w, v,
                count, info), true);
    }

    public static void eighRange(FloatBuffer a, long batch, int n, int range, int lo, int hi, double vl, double vu,
                                 int m, FloatBuffer w, FloatBuffer v, IntBuffer count, IntBuffer info) {
        checkEighRange(a, batch, n, range, lo, hi, vl, vu, m, w, v, count, info);
        check("eb_cpu_eigh_range_f32", EbCpuLibrary.eb_cpu_eigh_range_f32(a, batch, n, range, lo, hi, vl, vu, m, w, v,
                count, info), true);
    }

    private static void checkEighRange(Buffer a, long batch, int n, int range, int lo, int hi, double vl, double vu,
                                       int m, Buffer w, Buffer v, IntBuffer count, IntBuffer info) {
        requireLoaded();
        Arguments.nonNegative("batch", batch);
        Arguments.nonNegative("n", n);
        Arguments.code("range", range, RANGE_INDICES, RANGE_INTERVAL);
        if (range == RANGE_INDICES) {
            Arguments.range("lo", lo, Math.max(n - 1, 0));
            if (hi <= lo || hi > n) {
                throw new IllegalArgumentException("hi: " + hi + " is outside [lo + 1 = " + (lo + 1L) + ", n = " + n + "]");
            }
            if (m != hi - lo) {
                throw new IllegalArgumentException("m: " + m + " differs from hi - lo = " + (hi - lo));
            }
        } else {
            if (!Double.isFinite(vl)) {
                throw new IllegalArgumentException("vl: " + vl + " is not finite");
            }
            if (!Double.isFinite(vu) || !(vu > vl)) {
                throw new IllegalArgumentException("vu: " + vu + " is outside (vl = " + vl + ", the largest finite double]");
            }
            if (n > 0 && (m < 1 || m > n) || n == 0 && m != 0) {
                throw new IllegalArgumentException("m: " + m + " is outside [" + Math.min(n, 1) + ", n = " + n + "]");
            }
        }
        Arguments.input("a", a, batch, n, n);
        Arguments.output("w", w, batch, m);
        if (v != null) {
            Arguments.output("v", v, batch, n, m);
        }
        Arguments.output("count", count, batch);
        Arguments.output("info", info, batch);
    }

    public static void reconstruct(DoubleBuffer v, DoubleBuffer f, long batch, int n, DoubleBuffer out) {
        checkReconstruct(v, f, batch, n, out);
        check("eb_cpu_spectral_reconstruct_f64", EbCpuLibrary.eb_cpu_spectral_reconstruct_f64(v, f, batch, n, out), false);
    }

    public static void reconstruct(FloatBuffer v, FloatBuffer f, long batch, int n, FloatBuffer out) {
        checkReconstruct(v, f, batch, n, out);
        check("eb_cpu_spectral_reconstruct_f32", EbCpuLibrary.eb_cpu_spectral_reconstruct_f32(v, f, batch, n, out), false);
    }

    private static void checkReconstruct(Buffer v, Buffer f, long batch, int n, Buffer out) {
        requireLoaded();
        Arguments.nonNegative("batch", batch);
        Arguments.nonNegative("n", n);
        Arguments.input("v", v, batch, n, n);
        Arguments.input("f", f, batch, n);
        Arguments.output("out", out, batch, n, n);
    }

    public static void apply(DoubleBuffer v, DoubleBuffer f, DoubleBuffer x, long batch, int n, int m, DoubleBuffer out) {
        checkApply(v, f, x, batch, n, m, out);
        check("eb_cpu_spectral_apply_f64", EbCpuLibrary.eb_cpu_spectral_apply_f64(v, f, x, batch, n, m, out), false);
    }

    public static void apply(FloatBuffer v, FloatBuffer f, FloatBuffer x, long batch, int n, int m, FloatBuffer out) {
        checkApply(v, f, x, batch, n, m, out);
        check("eb_cpu_spectral_apply_f32", EbCpuLibrary.eb_cpu_spectral_apply_f32(v, f, x, batch, n, m, out), false);
    }

    private static void checkApply(Buffer v, Buffer f, Buffer x, long batch, int n, int m, Buffer out) {
        requireLoaded();
        requireNonNegative("batch", batch, "n", n, "m", m);
        Arguments.input("v", v, batch, n, n);
        Arguments.input("f", f, batch, n);
        Arguments.input("x", x, batch, n, m);
        Arguments.output("out", out, batch, n, m);
    }

    public static void refresh(DoubleBuffer a, DoubleBuffer q, long batch, int n, int steps, DoubleBuffer qOut,
                               DoubleBuffer rayleigh, DoubleBuffer off) {
        checkRefresh(a, q, batch, n, steps, qOut, rayleigh, off);
        check("eb_cpu_refresh_f64", EbCpuLibrary.eb_cpu_refresh_f64(a, q, batch, n, steps, qOut, rayleigh, off), false);
    }

    public static void refresh(FloatBuffer a, FloatBuffer q, long batch, int n, int steps, FloatBuffer qOut,
                               FloatBuffer rayleigh, FloatBuffer off) {
        checkRefresh(a, q, batch, n, steps, qOut, rayleigh, off);
        check("eb_cpu_refresh_f32", EbCpuLibrary.eb_cpu_refresh_f32(a, q, batch, n, steps, qOut, rayleigh, off), false);
    }

    private static void checkRefresh(Buffer a, Buffer q, long batch, int n, int steps, Buffer qOut, Buffer rayleigh,
                                     Buffer off) {
        requireLoaded();
        requireNonNegative("batch", batch, "n", n, "steps", steps);
        Arguments.input("a", a, batch, n, n);
        Arguments.input("q", q, batch, n, n);
        Arguments.output("qOut", qOut, batch, n, n);
        Arguments.output("rayleigh", rayleigh, batch, n);
        Arguments.output("off", off, batch);
    }

    /**
     * Factor accumulation (eb_cpu_factor_accumulate_*) on direct buffers: x holds batch·rows·cols scalars, factor
     * batch·k·k with k = rows (left) or cols; factor is read (lower triangle, unless beta = 0) and written.
     */
    public static void factorAccumulate(DoubleBuffer x, long batch, int rows, int cols, boolean left, double beta,
                                        double alpha, DoubleBuffer factor) {
        checkFactorAccumulate(x, batch, rows, cols, left, factor);
        check("eb_cpu_factor_accumulate_f64", EbCpuLibrary.eb_cpu_factor_accumulate_f64(x, batch, rows, cols,
                left ? 1 : 0, beta, alpha, factor), false);
    }

    public static void factorAccumulate(FloatBuffer x, long batch, int rows, int cols, boolean left, double beta,
                                        double alpha, FloatBuffer factor) {
        checkFactorAccumulate(x, batch, rows, cols, left, factor);
        check("eb_cpu_factor_accumulate_f32", EbCpuLibrary.eb_cpu_factor_accumulate_f32(x, batch, rows, cols,
                left ? 1 : 0, beta, alpha, factor), false);
    }

    private static void checkFactorAccumulate(Buffer x, long batch, int rows, int cols, boolean left, Buffer factor) {
        requireLoaded();
        requireNonNegative("batch", batch, "rows", rows, "cols", cols);
        long k = left ? rows : cols;
        Arguments.input("x", x, batch, rows, cols);
        Arguments.output("factor", factor, batch, k, k);
    }

    /**
     * Rotation (eb_cpu_rotate_*) on direct buffers: out = op(l)·g·op(r) per block; l (batch·m·m) and r (batch·n·n)
     * may be null for the identity; out must be a buffer of its own (checked by address in native code too).
     */
    public static void rotate(DoubleBuffer l, boolean transposeL, DoubleBuffer g, DoubleBuffer r, boolean transposeR,
                              long batch, int m, int n, DoubleBuffer out) {
        checkRotate(l, g, r, batch, m, n, out);
        check("eb_cpu_rotate_f64", EbCpuLibrary.eb_cpu_rotate_f64(l, transposeL ? 1 : 0, g, r, transposeR ? 1 : 0,
                batch, m, n, out), false);
    }

    public static void rotate(FloatBuffer l, boolean transposeL, FloatBuffer g, FloatBuffer r, boolean transposeR,
                              long batch, int m, int n, FloatBuffer out) {
        checkRotate(l, g, r, batch, m, n, out);
        check("eb_cpu_rotate_f32", EbCpuLibrary.eb_cpu_rotate_f32(l, transposeL ? 1 : 0, g, r, transposeR ? 1 : 0,
                batch, m, n, out), false);
    }

    private static void checkRotate(Buffer l, Buffer g, Buffer r, long batch, int m, int n, Buffer out) {
        requireLoaded();
        requireNonNegative("batch", batch, "m", m, "n", n);
        if (l != null) {
            Arguments.input("l", l, batch, m, m);
        }
        Arguments.input("g", g, batch, m, n);
        if (r != null) {
            Arguments.input("r", r, batch, n, n);
        }
        Arguments.output("out", out, batch, m, n);
    }

    /**
     * The fused diagonal update (eb_cpu_diagonal_update_*) over count entries of direct buffers; m may be null, out
     * may be g itself, m and v must be buffers of their own (native code refuses aliases by address).
     */
    public static void diagonalUpdate(DoubleBuffer g, DoubleBuffer m, DoubleBuffer v, DoubleBuffer out, long count,
                                      double beta1, double beta2, double gamma, double exponent, double eps) {
        checkDiagonalUpdate(g, m, v, out, count);
        check("eb_cpu_diagonal_update_f64", EbCpuLibrary.eb_cpu_diagonal_update_f64(g, m, v, out, count, beta1, beta2,
                gamma, exponent, eps), false);
    }

    public static void diagonalUpdate(FloatBuffer g, FloatBuffer m, FloatBuffer v, FloatBuffer out, long count,
                                      double beta1, double beta2, double gamma, double exponent, double eps) {
        checkDiagonalUpdate(g, m, v, out, count);
        check("eb_cpu_diagonal_update_f32", EbCpuLibrary.eb_cpu_diagonal_update_f32(g, m, v, out, count, beta1, beta2,
                gamma, exponent, eps), false);
    }

    private static void checkDiagonalUpdate(Buffer g, Buffer m, Buffer v, Buffer out, long count) {
        requireLoaded();
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " is negative");
        }
        Arguments.input("g", g, count);
        if (m != null) {
            Arguments.output("m", m, count);
        }
        Arguments.output("v", v, count);
        Arguments.output("out", out, count);
    }

    private static void requireNonNegative(String first, long a, String second, long b, String third, long c) {
        Arguments.nonNegative(first, a);
        Arguments.nonNegative(second, b);
        Arguments.nonNegative(third, c);
    }

    /**
     * EK-FAC eigenvalues (eb_cpu_influence_ekfac_eigenvalues_f64) on direct buffers: g holds n·perExample·dOut
     * scalars, qs dOut², a n·dIn and qa dIn² (both null for a bias, dIn = 1), lambda dOut·dIn (written).
     */
    public static void influenceEkfacEigenvalues(DoubleBuffer g, long n, int perExample, int dOut, DoubleBuffer a,
                                                 int dIn, DoubleBuffer qs, DoubleBuffer qa, double scale,
                                                 DoubleBuffer lambda) {
        requireLoaded();
        requireNonNegative("n", n, "dOut", dOut, "dIn", dIn);
        if (perExample < 1 || n * perExample > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("perExample: " + perExample + " must be >= 1 with n·perExample <= "
                    + Integer.MAX_VALUE + " (n = " + n + ")");
        }
        if ((a == null) != (qa == null) || (a == null && dIn != 1)) {
            throw new IllegalArgumentException("a, qa: both present, or both null for a bias (dIn = 1; here " + dIn + ")");
        }
        Arguments.input("g", g, n, perExample, dOut);
        Arguments.input("qs", qs, dOut, dOut);
        if (a != null) {
            Arguments.input("a", a, n, dIn);
            Arguments.input("qa", qa, dIn, dIn);
        }
        Arguments.output("lambda", lambda, dOut, dIn);
        check("eb_cpu_influence_ekfac_eigenvalues_f64", EbCpuLibrary.eb_cpu_influence_ekfac_eigenvalues_f64(g, n,
                perExample, dOut, a, dIn, qs, qa, scale, lambda), false);
    }

    /** Kronecker rotation (eb_cpu_influence_kronecker_rotate_f64): x and out k·dOut·dIn, qs dOut², qa dIn². */
    public static void influenceKroneckerRotate(DoubleBuffer qs, DoubleBuffer qa, DoubleBuffer x, long k, int dOut,
                                                int dIn, boolean forward, DoubleBuffer out) {
        requireLoaded();
        requireNonNegative("k", k, "dOut", dOut, "dIn", dIn);
        Arguments.input("qs", qs, dOut, dOut);
        Arguments.input("qa", qa, dIn, dIn);
        Arguments.input("x", x, k, dOut, dIn);
        Arguments.output("out", out, k, dOut, dIn);
        check("eb_cpu_influence_kronecker_rotate_f64", EbCpuLibrary.eb_cpu_influence_kronecker_rotate_f64(qs, qa, x, k,
                dOut, dIn, forward ? 1 : 0, out), false);
    }

    /** Weighted product (eb_cpu_influence_weighted_product_f64): x m·p, w p (or null), y n·p, out m·n. */
    public static void influenceWeightedProduct(DoubleBuffer x, int m, int p, DoubleBuffer w, DoubleBuffer y, int n,
                                                double alpha, double beta, DoubleBuffer out) {
        requireLoaded();
        requireNonNegative("m", m, "p", p, "n", n);
        Arguments.input("x", x, m, p);
        if (w != null) {
            Arguments.input("w", w, p);
        }
        Arguments.input("y", y, n, p);
        Arguments.output("out", out, m, n);
        check("eb_cpu_influence_weighted_product_f64", EbCpuLibrary.eb_cpu_influence_weighted_product_f64(x, m, p, w, y,
                n, alpha, beta, out), false);
    }

    /** Plain product (eb_cpu_influence_multiply_f64): out = op(a)·op(b), the inner extents equal. */
    public static void influenceMultiply(DoubleBuffer a, int aRows, int aCols, boolean transposeA, DoubleBuffer b,
                                         int bRows, int bCols, boolean transposeB, DoubleBuffer out) {
        requireLoaded();
        requireNonNegative("aRows", aRows, "aCols", aCols, "bRows", bRows);
        Arguments.nonNegative("bCols", bCols);
        int m = transposeA ? aCols : aRows;
        int k = transposeA ? aRows : aCols;
        int n = transposeB ? bRows : bCols;
        if (k != (transposeB ? bCols : bRows)) {
            throw new IllegalArgumentException("b: inner extent " + (transposeB ? bCols : bRows) + " differs from a's " + k);
        }
        Arguments.input("a", a, aRows, aCols);
        Arguments.input("b", b, bRows, bCols);
        Arguments.output("out", out, m, n);
        check("eb_cpu_influence_multiply_f64", EbCpuLibrary.eb_cpu_influence_multiply_f64(a, aRows, aCols,
                transposeA ? 1 : 0, b, bRows, bCols, transposeB ? 1 : 0, out), false);
    }

    /** The number of doubles {@link #resetSimulation} writes to its sums for dimension d. */
    public static long resetSimulationSumsLength(int d, boolean covariance) {
        requireLoaded();
        return EbCpuLibrary.eb_cpu_reset_sim_sums_length(d, covariance ? 1 : 0);
    }

    /**
     * The reset-simulation kernel (eb_api.h, eb_cpu_reset_sim_f64) on direct buffers: law parameters
     * {@code lawParams[lawParamCount]}, mu[d], target[d]; writes sums (length {@link #resetSimulationSumsLength})
     * and events[0]. Scalars are checked here too, so the native code never sees a value it would refuse.
     */
    public static void resetSimulation(int lawKind, DoubleBuffer lawParams, int lawParamCount, DoubleBuffer mu,
                                       DoubleBuffer target, int d, double sigma, double horizon, long trajectories,
                                       long seed, boolean euler, double step, boolean covariance, DoubleBuffer sums,
                                       LongBuffer events) {
        requireLoaded();
        checkResetArguments(lawKind, lawParamCount, d, trajectories, sigma, horizon, euler, step);
        Arguments.input("lawParams", lawParams, lawParamCount);
        Arguments.input("mu", mu, d);
        Arguments.input("target", target, d);
        Arguments.output("sums", sums, EbCpuLibrary.eb_cpu_reset_sim_sums_length(d, covariance ? 1 : 0));
        Arguments.output("events", events, 1);
        check("eb_cpu_reset_sim_f64", EbCpuLibrary.eb_cpu_reset_sim_f64(lawKind, lawParams, lawParamCount, mu, target,
                d, sigma, horizon, trajectories, seed, euler ? 1 : 0, step, covariance ? 1 : 0, sums, events), false);
    }

    /** The number of doubles of one packed sub-block {@link #resetSimulationRange} writes. */
    public static long resetSimulationBlockLength(int d, boolean covariance) {
        requireLoaded();
        return EbCpuLibrary.eb_cpu_reset_sim_block_length(d, covariance ? 1 : 0);
    }

    /** The number of non-empty sub-blocks in [first, first + count) of a run (0 for a range outside it). */
    public static long resetSimulationRangeBlocks(int d, boolean covariance, long trajectories, long first, long count) {
        requireLoaded();
        return EbCpuLibrary.eb_cpu_reset_sim_range_blocks(d, covariance ? 1 : 0, trajectories, first, count);
    }

    /**
     * The trajectories [first, first + count) of a reset simulation as packed per-sub-block sums
     * (eb_cpu_reset_sim_range_f64): the arguments of {@link #resetSimulation}, then the range, blockSums (room for
     * {@code blockCapacity} blocks of {@link #resetSimulationBlockLength}), centres[2d]; writes blocks[0] and
     * events[0]. A misaligned range comes back as IllegalArgumentException from the native status.
     */
    public static void resetSimulationRange(int lawKind, DoubleBuffer lawParams, int lawParamCount, DoubleBuffer mu,
                                            DoubleBuffer target, int d, double sigma, double horizon,
                                            long trajectories, long seed, boolean euler, double step,
                                            boolean covariance, long first, long count, DoubleBuffer blockSums,
                                            long blockCapacity, DoubleBuffer centres, LongBuffer blocks,
                                            LongBuffer events) {
        requireLoaded();
        checkResetArguments(lawKind, lawParamCount, d, trajectories, sigma, horizon, euler, step);
        if (first < 0 || count < 1 || count > trajectories - first || blockCapacity < 0) {
            throw new IllegalArgumentException("first " + first + ", count " + count + " or blockCapacity "
                    + blockCapacity + ": the range must lie in [0, " + trajectories + "), the capacity be >= 0");
        }
        Arguments.input("lawParams", lawParams, lawParamCount);
        Arguments.input("mu", mu, d);
        Arguments.input("target", target, d);
        Arguments.output("blockSums", blockSums, blockCapacity,
                EbCpuLibrary.eb_cpu_reset_sim_block_length(d, covariance ? 1 : 0));
        Arguments.output("centres", centres, 2, d);
        Arguments.output("blocks", blocks, 1);
        Arguments.output("events", events, 1);
        check("eb_cpu_reset_sim_range_f64", EbCpuLibrary.eb_cpu_reset_sim_range_f64(lawKind, lawParams, lawParamCount,
                mu, target, d, sigma, horizon, trajectories, seed, euler ? 1 : 0, step, covariance ? 1 : 0, first,
                count, blockSums, blockCapacity, centres, blocks, events), false);
    }

    private static void checkResetArguments(int lawKind, int lawParamCount, int d, long trajectories, double sigma,
                                            double horizon, boolean euler, double step) {
        if (lawKind < 0 || lawKind > 8) {
            throw new IllegalArgumentException("lawKind: " + lawKind + " is outside [0, 8]");
        }
        int needed = lawKind == 8 ? Math.max(1, lawParamCount) : (lawKind <= 1 ? 1 : 2);
        if (lawParamCount != needed) {
            throw new IllegalArgumentException("lawParamCount: " + lawParamCount + " must be " + needed
                    + " for law kind " + lawKind);
        }
        if (d < 1 || trajectories < 1) {
            throw new IllegalArgumentException("d: " + d + " and trajectories: " + trajectories + " must be >= 1");
        }
        if (!(sigma >= 0) || !Double.isFinite(sigma) || !(horizon > 0) || !Double.isFinite(horizon)
                || (euler && (!(step > 0) || !Double.isFinite(step)))) {
            throw new IllegalArgumentException("sigma " + sigma + ", horizon " + horizon + " or step " + step
                    + " is out of range");
        }
    }

    /**
     * MLP training (eb_cpu_mlp_train_f64) on direct buffers: {@code widths} d0..dL, activation and loss codes
     * (MlpArchitecture's ordinals), params jobs·P (read and overwritten), x rows·d0, y rows·targetWidth, orders
     * concatenated with {@code orderOffsets} (jobs + 1 entries, from 0). The shapes are checked here; order entries
     * and labels are checked by the native code (IllegalArgumentException from its status).
     */
    public static void mlpTrain(int[] widths, int activation, int loss, DoubleBuffer params, int jobs, DoubleBuffer x,
                                DoubleBuffer y, long rows, IntBuffer orders, LongBuffer orderOffsets, int epochs,
                                int batchSize, double lr, double momentum) {
        requireLoaded();
        long p = mlpParameterCount(widths, loss);
        Arguments.code("activation", activation, 0, 3);  // EB_MLP_GELU .. EB_MLP_IDENTITY
        if (jobs < 0 || rows < 0 || epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("jobs " + jobs + ", rows " + rows + ", epochs " + epochs + " or batchSize "
                    + batchSize + " is out of range (jobs, rows >= 0; epochs, batchSize >= 1)");
        }
        if (jobs == 0) {
            return;
        }
        Arguments.output("params", params, jobs, p);
        Arguments.input("x", x, rows, widths[0]);
        Arguments.input("y", y, rows, mlpTargetWidth(widths, loss));
        Arguments.input("orderOffsets", orderOffsets, jobs + 1L);
        Arguments.input("orders", orders, orderOffsets.get(jobs));
        IntBuffer w = direct(widths);
        check("eb_cpu_mlp_train_f64", EbCpuLibrary.eb_cpu_mlp_train_f64(widths.length, w, activation, loss, params, jobs,
                x, y, rows, orders, orderOffsets, epochs, batchSize, lr, momentum), false);
    }

    /**
     * Hessian-vector products (eb_cpu_mlp_hvp_f64) on direct buffers: params P, x n·d0, y n·targetWidth, v and out
     * k·P (out must be a buffer of its own). Labels are checked by the native code.
     */
    public static void mlpHessianProduct(int[] widths, int activation, int loss, DoubleBuffer params, DoubleBuffer x,
                                         DoubleBuffer y, long n, DoubleBuffer v, long k, DoubleBuffer out) {
        requireLoaded();
        long p = mlpParameterCount(widths, loss);
        Arguments.code("activation", activation, 0, 3);  // EB_MLP_GELU .. EB_MLP_IDENTITY
        if (n < 1 || k < 0) {
            throw new IllegalArgumentException("n " + n + " or k " + k + " is out of range (n >= 1, k >= 0)");
        }
        Arguments.input("params", params, p);
        Arguments.input("x", x, n, widths[0]);
        Arguments.input("y", y, n, mlpTargetWidth(widths, loss));
        Arguments.input("v", v, k, p);
        Arguments.output("out", out, k, p);
        IntBuffer w = direct(widths);
        check("eb_cpu_mlp_hvp_f64", EbCpuLibrary.eb_cpu_mlp_hvp_f64(widths.length, w, activation, loss, params, x, y, n,
                v, k, out), false);
    }

    /**
     * Generated variances of linear denoisers (eb_cpu_diffusion_variance_f64) on direct buffers: lambdas n, taus t,
     * out n·t (row-major, mode by mode, a buffer of its own). The model is 0 (one layer) or 1 (symmetric two layer).
     * Sizes and the setting are checked here; the values of lambdas and taus by the native code, which refuses a
     * negative or non-finite one (NativeKernelException with EB_ERR_ARGUMENT) before writing.
     */
    public static void diffusionVariance(int model, DoubleBuffer lambdas, long n, DoubleBuffer taus, long t,
                                         double sigmaMin, double sigmaMax, double eta, double init, boolean log,
                                         DoubleBuffer out) {
        requireLoaded();
        if (model != 0 && model != 1) {
            throw new IllegalArgumentException("model: code " + model + " is not 0 (one layer) or 1 (two layer)");
        }
        if (n < 0 || t < 0) {
            throw new IllegalArgumentException("n " + n + " or t " + t + " is negative");
        }
        if (!(sigmaMin > 0) || !(sigmaMin < sigmaMax) || !Double.isFinite(sigmaMax) || !(eta > 0)
                || !Double.isFinite(eta) || !(init > 0) || !Double.isFinite(init)) {
            throw new IllegalArgumentException("sigmaMin " + sigmaMin + ", sigmaMax " + sigmaMax + ", eta " + eta
                    + " or init " + init + " is out of range (0 < sigmaMin < sigmaMax; eta, init > 0; all finite)");
        }
        if (n == 0 || t == 0) {
            return;
        }
        Arguments.input("lambdas", lambdas, n);
        Arguments.input("taus", taus, t);
        Arguments.output("out", out, n, t);
        check("eb_cpu_diffusion_variance_f64", EbCpuLibrary.eb_cpu_diffusion_variance_f64(model, lambdas, n, taus, t,
                sigmaMin, sigmaMax, eta, init, log ? 1 : 0, out), false);
    }

    /** E₁(x) by the diffusion kernel's own lanes (eb_cpu_diffusion_e1_f64), for its accuracy tests: x, out count. */
    public static void diffusionE1(DoubleBuffer x, long count, DoubleBuffer out) {
        requireLoaded();
        Arguments.nonNegative("count", count);
        Arguments.input("x", x, count);
        Arguments.output("out", out, count);
        check("eb_cpu_diffusion_e1_f64", EbCpuLibrary.eb_cpu_diffusion_e1_f64(x, count, out), false);
    }

    static long mlpParameterCount(int[] widths, int loss) {
        if (widths == null || widths.length < 2) {
            throw new IllegalArgumentException("widths: needs at least 2 entries");
        }
        long p = 0;
        for (int l = 0; l < widths.length; l++) {
            if (widths[l] < 1 || widths[l] > (1 << 20)) {
                throw new IllegalArgumentException("widths[" + l + "]: " + widths[l] + " is outside [1, 2^20]");
            }
            if (l > 0) {
                p += (long) widths[l] * widths[l - 1] + widths[l];
            }
        }
        if (loss != 0 && loss != 1) {
            throw new IllegalArgumentException("loss: code " + loss + " is not 0 (cross_entropy) or 1 (squared)");
        }
        return p;
    }

    private static int mlpTargetWidth(int[] widths, int loss) {
        return loss == 1 ? widths[widths.length - 1] : 1;
    }

    private static IntBuffer direct(int[] values) {
        IntBuffer b = java.nio.ByteBuffer.allocateDirect(Integer.BYTES * values.length)
                .order(java.nio.ByteOrder.nativeOrder()).asIntBuffer();
        b.put(values).flip();
        return b;
    }


    static void check(String kernel, int status, boolean convergenceIsData) {
        if (status == Status.OK || (convergenceIsData && status == Status.NOT_CONVERGED)) {
            return;
        }
        if (status == Status.ALLOCATION) {
            throw new OutOfMemoryError(kernel + ": native memory could not be allocated");
        }
        throw new NativeKernelException(kernel, status, EbCpuLibrary.eb_status_message(status).getString());
    }
}
