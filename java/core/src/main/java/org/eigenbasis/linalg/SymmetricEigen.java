package org.eigenbasis.linalg;

import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.EighRange;
import org.eigenbasis.value.Placement;

/**
 * Batched symmetric eigendecomposition A_b = V_b diag(w_b) V_bᵀ on a chosen backend.
 *
 * <ul>
 *   <li><b>Reads</b> the lower triangle of each matrix (a_ij, j ≤ i); the strict upper triangle is not read unless
 *       a {@link SymmetryCheck} is asked for. The input is never modified.</li>
 *   <li><b>Writes</b> new outputs: eigenvalues B × 1 × n ascending; eigenvectors B × n × n in columns,
 *       orthonormal, with the sign rule of {@link CanonicalSign}. Same dtype as the input. A partial range
 *       ({@link EighOptions#withRange}, {@link EighRange}: the k smallest or largest, positions [lo, hi), or the
 *       eigenvalues in (lo, hi]) makes them B × 1 × m and B × n × m.</li>
 *   <li><b>Cost</b> about 9 n³ flops per matrix with vectors (4/3 n³ without), O(n²) memory; the backend picks
 *       the algorithm by size ({@link EighAlgorithm#AUTO}).</li>
 *   <li><b>Accuracy</b> backward stable: ‖A V − V Λ‖_F ≤ c·n·ε·‖A‖_F and ‖VᵀV − I‖_max ≤ c·n·ε. Eigenvectors of
 *       repeated eigenvalues are any orthonormal basis of their eigenspace.</li>
 *   <li><b>Fails</b> with {@link IllegalArgumentException} on bad input (null, closed, non-square, non-finite entry
 *       in the read triangle, asymmetry beyond the check's tolerance) before any kernel runs; with
 *       {@link org.eigenbasis.value.MemoryLimitException} (an IllegalArgumentException) before allocating when the
 *       outputs and workspace exceed the free heap, off-heap or machine memory (see Memory); with
 *       {@link EighConvergenceException} naming the batch indices that did not converge
 *       (or, under {@link FailurePolicy#REPORT}, a result whose {@link EighResult#failedIndices()} lists them).</li>
 *   <li><b>Memory</b>, checked by {@link org.eigenbasis.value.MemoryBudget} before any output is allocated. With
 *       s the scalar size, B the batch and W = min(B, available processors) matrices in flight:
 *       outputs in the output placement, B·n·s (values) + B·n²·s (vectors, when asked for), and 4B heap bytes
 *       (info); on the java backend, per matrix in flight, 8·(3n² + 5n) heap bytes with vectors (working copy,
 *       rotations and sorted vectors in f64, eigenvalues, the sort order counted as 3n doubles), 8·(5n² + 5n)
 *       for {@link EighAlgorithm#TWO_STAGE} with vectors (its stored reflectors, about n² entries, and their
 *       object headers counted as 2n² more), 8·(n² + 5n) without vectors; on a native backend, an off-heap copy of every heap input and output (B·n²·s each) and, per
 *       matrix in flight, the kernel's copy of the matrix and eigenvalues plus LAPACK's divide and conquer
 *       workspace (syevd: lwork = 1 + 6n + 2n² scalars, liwork = 3 + 5n integers), (3n² + 7n + 1)·s + 8·(3 + 5n)
 *       bytes in all (native/src/cpu/eigh.cpp), or the two-stage path's (2.75n² + 600n + 8192)·s + 8·(3 + 5n)
 *       where that is larger (n below about 2400). A partial range counts its m-column outputs (B·m·s and B·n·m·s),
 *       B·n·s + B·n²·s more for the full solve that java and cuda slice from, and ?syevr's workspace
 *       (2n² + 27n)·s + 48n bytes where it is larger (native/src/cpu/eigh_range.cpp).</li>
 * </ul>
 * Thread-safe: instances hold only the backend.
 */
public final class SymmetricEigen {
    private final Backend backend;

    private SymmetricEigen(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** On the given backend. */
    public static SymmetricEigen on(Backend backend) {
        return new SymmetricEigen(backend);
    }

    /** On the backend named {@code name} ({@code java}, {@code cpu}, {@code cuda} or {@code auto}). */
    public static SymmetricEigen on(String name) {
        return new SymmetricEigen(Backends.select(name));
    }

    /** On the default backend: system property {@value Backends#PROPERTY}, else the best available. */
    public static SymmetricEigen onDefaultBackend() {
        return new SymmetricEigen(Backends.defaultBackend());
    }

    public Backend backend() {
        return backend;
    }

    /** Values and vectors with the default options. */
    public EighResult decompose(BatchedMatrix a) {
        return decompose(a, EighOptions.defaults());
    }

    /**
     * Eigenvalues only, with the default options otherwise: {@code decompose(a, EighOptions.defaults().withVectors(false))}.
     * The result's {@link EighResult#values()} is B × 1 × n, ascending; {@link EighResult#vectors()} is null. It
     * costs what the backend's values-only path costs (no eigenvector accumulation or back-transformation: about a
     * third of a full decomposition for LAPACK's divide and conquer at large n) and fails as {@link #decompose}.
     */
    public EighResult values(BatchedMatrix a) {
        return values(a, EighOptions.defaults());
    }

    /** Eigenvalues only, with {@code options} otherwise ({@link EighOptions#computeVectors()} is ignored). */
    public EighResult values(BatchedMatrix a, EighOptions options) {
        Objects.requireNonNull(options, "options");
        return decompose(a, options.withVectors(false));
    }

    /**
     * Decomposes every matrix of {@code a} as the options say. With a partial {@link EighOptions#range()} the
     * outputs are B × 1 × m and B × n × m (see {@link EighRange}, which also gives the cost), the result's
     * {@link EighResult#counts()} say how many columns hold eigenpairs, and a range that does not fit n (k or hi
     * above n) is refused with an IllegalArgumentException naming it, before anything is allocated.
     */
    public EighResult decompose(BatchedMatrix a, EighOptions options) {
        Objects.requireNonNull(options, "options");
        Validation.requireSquare("a", a);
        Validation.requireFiniteLower("a", a);
        Validation.requireSymmetric("a", a, options.symmetryCheck());
        if (!backend.eigh().supports(options.algorithm())) {
            throw new IllegalArgumentException("algorithm: " + options.algorithm().cliName() + " is not available on the "
                    + backend.name() + " backend");
        }
        int batch = a.batch();
        int n = a.rows();
        EighRange range = options.range();
        int m = range.columns(n);
        Placement placement = options.outputPlacement() != null ? options.outputPlacement() : a.placement();
        requireMemory(a, placement, options.computeVectors(), options.algorithm(), range, m);
        BatchedMatrix values = BatchedMatrix.allocate(a.dtype(), batch, 1, m, placement);
        BatchedMatrix vectors = null;
        try {
            vectors = options.computeVectors() ? BatchedMatrix.allocate(a.dtype(), batch, n, m, placement) : null;
            int[] info = new int[batch];
            EighResult result;
            if (range.isAll()) {
                EighAlgorithm ran = backend.eigh().eigh(a, values, vectors, info, options.algorithm(),
                        options.maxIterations());
                result = new EighResult(values, vectors, info, backend.name(), ran);
            } else {
                int[] counts = new int[batch];
                EighAlgorithm ran = backend.eigh().eighRange(a, range, values, vectors, info, counts,
                        options.algorithm(), options.maxIterations());
                result = new EighResult(values, vectors, info, backend.name(), ran, counts);
            }
            if (!result.converged() && options.failurePolicy() == FailurePolicy.THROW) {
                throw new EighConvergenceException(result);
            }
            return result;
        } catch (RuntimeException | Error e) {
            if (!(e instanceof EighConvergenceException)) {
                values.close();
                if (vectors != null) {
                    vectors.close();
                }
            }
            throw e;
        }
    }

    /**
     * Refuses the call before allocating when its memory need (class comment, Memory) does not fit. A partial range
     * counts its m-column outputs and, besides, a full decomposition's outputs: the default
     * {@link org.eigenbasis.spi.EighKernel#eighRange} solves in full into temporaries (cpu's ?syevr needs less).
     */
    private void requireMemory(BatchedMatrix a, Placement placement, boolean vectors, EighAlgorithm algorithm,
                               EighRange range, int m) {
        int batch = a.batch();
        long n = a.rows();
        boolean partial = !range.isAll();
        long syevr = a.dtype().bytes() * (2 * n * n + 27 * n) + 4L * 12 * n;   // copy, Z, work 26n, w; iwork 10n, isuppz 2n
        long full = nativeScalars(n) * a.dtype().bytes() + 8 * (3 + 5 * n);
        new MemoryNeed("eigh of " + a.shape() + " " + a.dtype().shortName(), backend)
                .input(a)
                .output(batch, 1, m, a.dtype(), placement)
                .output(vectors ? batch : 0, n, m, a.dtype(), placement)
                .output(partial ? batch : 0, 1, n, a.dtype(), placement)
                .output(partial && vectors ? batch : 0, n, n, a.dtype(), placement)
                .heap(4L * batch * (partial ? 2 : 1))
                .javaWorkspace(batch, (vectors ? (algorithm == EighAlgorithm.TWO_STAGE ? 5 : 3) : 1) * n * n + 5 * n)
                .nativeWorkspace(batch, partial ? Math.max(full, syevr) : full)
                .require();
    }

    /**
     * Scalars of native workspace per matrix in flight, the largest of the cpu paths: ?syevd's 3n² + 7n + 1 (working
     * copy, lwork = 1 + 6n + 2n²), and the two-stage path's 2.75n² + 600n + 8192 (working copy holding Q1, the
     * tridiagonal divide and conquer's n² + 293n + 770 (?stedc's n² + 4n + 1 below n = 256) reused for the T factors, the bulge chase's reflectors n²(kd + nb - 1)/(2kd) + n²/(2kd), at most
     * 0.75n² (kd = 32, nb = 16; 0.63n² at kd = 64), and O(n kd) for the band and the slabs; the band reduction's
     * buffers, about 11 kd n, are released before the chase allocates its reflectors; the one-stage reduction's,
     * at most 129n + 40 000 (tridiagonal_reduce.hpp), before the divide and conquer: native/src/cpu/eigh_two_stage.cpp).
     */
    static long nativeScalars(long n) {
        return Math.max(3 * n * n + 7 * n + 1, (11 * n * n + 3) / 4 + 600 * n + 8192);
    }

    /** Convenience: eigenvalues and vectors of one f64 matrix on the default backend. */
    public static EighResult eigh(double[][] a) {
        try (BatchedMatrix m = BatchedMatrix.of(a)) {
            return onDefaultBackend().decompose(m);
        }
    }
}
