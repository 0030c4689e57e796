package org.eigenbasis.linalg;

import java.util.Objects;
import org.eigenbasis.filter.SpectralFilter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * Spectral functions of batches of symmetric matrices: f(A) = V f(Λ) Vᵀ and f(A)·X = V (f(Λ) ⊙ (Vᵀ X)) without
 * forming f(A), for any {@link SpectralFilter}. Built on {@link SymmetricEigen}; the filter is evaluated on the
 * JVM, the products run on the backend.
 *
 * <ul>
 *   <li><b>Reads</b> the lower triangle of A (as {@link SymmetricEigen}) and all of X; writes new outputs of A's
 *       dtype and placement. f(A) is exactly symmetric.</li>
 *   <li><b>Cost</b> one eigh (about 9 n³) plus 2 n³ for f(A), or 4 n² m for f(A)·X with X of n × m.</li>
 *   <li><b>Fails</b> as {@link SymmetricEigen}, on shape or dtype mismatch between A and X (naming the argument and
 *       batch), and when f(λ) is not finite for some eigenvalue (naming the filter, matrix and eigenvalue).</li>
 *   <li><b>Memory</b>, checked by {@link org.eigenbasis.value.MemoryBudget} before allocating (a
 *       {@link org.eigenbasis.value.MemoryLimitException} otherwise): besides the eigh (see {@link SymmetricEigen}),
 *       the filtered values B·n·s and the output B·n·n·s (f(A)) or B·n·m·s (f(A)·X), s the scalar size; on a
 *       native backend an off-heap copy of every heap input and output; on the java backend per matrix in flight
 *       (min(B, processors)) 8·(2n² + n) heap bytes for f(A), 8·(n² + n + 3nm) for f(A)·X. Workspace inside the
 *       native kernels is not counted.</li>
 * </ul>
 */
public final class SpectralFunctions {
    private final Backend backend;
    private final SymmetricEigen eigen;

    private SpectralFunctions(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.eigen = SymmetricEigen.on(backend);
    }

    /** Spectral functions on the given backend; every call validates its input in Java before the backend sees it. */
    public static SpectralFunctions on(Backend backend) {
        return new SpectralFunctions(backend);
    }

    /**
     * Spectral functions on the backend named {@code name} ({@code java}, {@code cpu}, {@code cuda} or {@code auto}).
     *
     * @throws org.eigenbasis.spi.BackendUnavailableException when the named backend cannot run here, with the reason
     * @throws IllegalArgumentException                        when no backend has that name
     */
    public static SpectralFunctions on(String name) {
        return new SpectralFunctions(Backends.select(name));
    }

    public Backend backend() {
        return backend;
    }

    /** f(A) for every matrix of {@code a}. */
    public BatchedMatrix apply(BatchedMatrix a, SpectralFilter f) {
        try (EighResult eig = eigen.decompose(a)) {
            return apply(eig, f);
        }
    }

    /** f(A) from an existing decomposition (with vectors). */
    public BatchedMatrix apply(EighResult eig, SpectralFilter f) {
        requireVectors(eig);
        BatchedMatrix vectors = eig.vectors();
        int n = eig.n();
        new MemoryNeed("spectral reconstruct of " + vectors.shape() + " " + vectors.dtype().shortName(), backend)
                .input(vectors)
                .output(eig.batch(), 1, n, vectors.dtype(), eig.values().placement())
                .output(eig.batch(), n, n, vectors.dtype(), vectors.placement())
                .javaWorkspace(eig.batch(), 2L * n * n + n)
                .require();
        try (BatchedMatrix filtered = filteredValues(eig, f)) {
            BatchedMatrix out = BatchedMatrix.allocate(vectors.dtype(), eig.batch(), n, n, vectors.placement());
            try {
                backend.spectral().reconstruct(vectors, filtered, out);
            } catch (RuntimeException | Error e) {
                out.close();
                throw e;
            }
            return out;
        }
    }

    /** f(A)·X for every matrix of {@code a} and the matching matrix of {@code x} (B × n × m). */
    public BatchedMatrix applyTo(BatchedMatrix a, SpectralFilter f, BatchedMatrix x) {
        Validation.requireSquare("a", a);
        Validation.requireOpen("x", x);
        Validation.requireShape("x", x, a.batch(), a.rows(), x.cols(), a.dtype());
        try (EighResult eig = eigen.decompose(a)) {
            return applyTo(eig, f, x);
        }
    }

    /** f(A)·X from an existing decomposition (with vectors). */
    public BatchedMatrix applyTo(EighResult eig, SpectralFilter f, BatchedMatrix x) {
        requireVectors(eig);
        BatchedMatrix vectors = eig.vectors();
        Validation.requireOpen("x", x);
        Validation.requireShape("x", x, eig.batch(), eig.n(), x.cols(), vectors.dtype());
        Validation.requireFinite("x", x);
        long n = eig.n();
        new MemoryNeed("spectral apply of " + vectors.shape() + " to " + x.shape() + " " + vectors.dtype().shortName(),
                backend)
                .input(vectors).input(x)
                .output(eig.batch(), 1, n, vectors.dtype(), eig.values().placement())
                .output(eig.batch(), n, x.cols(), vectors.dtype(), vectors.placement())
                .javaWorkspace(eig.batch(), n * n + n + 3 * n * x.cols())
                .require();
        try (BatchedMatrix filtered = filteredValues(eig, f)) {
            BatchedMatrix out = BatchedMatrix.allocate(vectors.dtype(), eig.batch(), eig.n(), x.cols(), vectors.placement());
            try {
                backend.spectral().apply(vectors, filtered, x, out);
            } catch (RuntimeException | Error e) {
                out.close();
                throw e;
            }
            return out;
        }
    }

    /** f(λ) for every eigenvalue of the decomposition, B × 1 × n, in the decomposition's dtype. */
    public static BatchedMatrix filteredValues(EighResult eig, SpectralFilter f) {
        Objects.requireNonNull(eig, "eig");
        Objects.requireNonNull(f, "f");
        if (!eig.converged()) {
            throw new IllegalArgumentException("eig: matrices " + java.util.Arrays.toString(eig.failedIndices())
                    + " did not converge; their eigenvalues are NaN");
        }
        BatchedMatrix values = eig.values();
        int n = eig.n();
        BatchedMatrix out = BatchedMatrix.zeros(values.dtype(), eig.batch(), 1, n, values.placement());
        double[] w = new double[n];
        for (int b = 0; b < eig.batch(); b++) {
            values.copyMatrixTo(b, w, 0);
            for (int i = 0; i < n; i++) {
                double lambda = w[i];
                double y = f.apply(lambda);
                if (!Double.isFinite(y) || (values.dtype() == DType.F32 && !Float.isFinite((float) y))) {
                    out.close();
                    throw new IllegalArgumentException("filter " + f.describe() + ": f(λ) = " + y + " is not finite"
                            + (values.dtype() == DType.F32 ? " in f32" : "") + " at eigenvalue λ = " + lambda
                            + " (matrix " + b + ", index " + i + ")");
                }
                w[i] = y;
            }
            out.copyMatrixFrom(b, w, 0);
        }
        return out;
    }

    private static void requireVectors(EighResult eig) {
        Objects.requireNonNull(eig, "eig");
        if (eig.vectors() == null) {
            throw new IllegalArgumentException("eig: was computed without eigenvectors; spectral functions need them");
        }
    }
}
