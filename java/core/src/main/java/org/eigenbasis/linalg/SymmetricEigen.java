package org.eigenbasis.linalg;

import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.Placement;

/**
 * Batched symmetric eigendecomposition A_b = V_b diag(w_b) V_bᵀ on a chosen backend.
 *
 * <ul>
 *   <li><b>Reads</b> the lower triangle of each matrix (a_ij, j ≤ i); the strict upper triangle is not read unless
 *       a {@link SymmetryCheck} is asked for. The input is never modified.</li>
 *   <li><b>Writes</b> new outputs: eigenvalues B × 1 × n ascending; eigenvectors B × n × n in columns,
 *       orthonormal, with the sign rule of {@link CanonicalSign}. Same dtype as the input.</li>
 *   <li><b>Cost</b> about 9 n³ flops per matrix with vectors (4/3 n³ without), O(n²) memory; the backend picks
 *       the algorithm by size ({@link EighAlgorithm#AUTO}).</li>
 *   <li><b>Accuracy</b> backward stable: ‖A V − V Λ‖_F ≤ c·n·ε·‖A‖_F and ‖VᵀV − I‖_max ≤ c·n·ε. Eigenvectors of
 *       repeated eigenvalues are any orthonormal basis of their eigenspace.</li>
 *   <li><b>Fails</b> with {@link IllegalArgumentException} on bad input (null, closed, non-square, non-finite entry
 *       in the read triangle, asymmetry beyond the check's tolerance) before any kernel runs; with
 *       {@link EighConvergenceException} naming the batch indices that did not converge
 *       (or, under {@link FailurePolicy#REPORT}, a result whose {@link EighResult#failedIndices()} lists them).</li>
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

    /** Decomposes every matrix of {@code a} as the options say. */
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
        Placement placement = options.outputPlacement() != null ? options.outputPlacement() : a.placement();
        BatchedMatrix values = BatchedMatrix.allocate(a.dtype(), batch, 1, n, placement);
        BatchedMatrix vectors = null;
        try {
            vectors = options.computeVectors() ? BatchedMatrix.allocate(a.dtype(), batch, n, n, placement) : null;
            int[] info = new int[batch];
            EighAlgorithm ran = backend.eigh().eigh(a, values, vectors, info, options.algorithm(), options.maxIterations());
            EighResult result = new EighResult(values, vectors, info, backend.name(), ran);
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

    /** Convenience: eigenvalues and vectors of one f64 matrix on the default backend. */
    public static EighResult eigh(double[][] a) {
        try (BatchedMatrix m = BatchedMatrix.of(a)) {
            return onDefaultBackend().decompose(m);
        }
    }
}
