package org.eigenbasis.linalg;

import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.MemoryBudget;
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
 *       {@link org.eigenbasis.value.MemoryLimitException} (an IllegalArgumentException) before allocating when the
 *       outputs and workspace exceed the free heap, off-heap or machine memory (formula at {@code requireMemory}); with
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
        requireMemory(a, placement, options.computeVectors());
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

    /**
     * Refuses a decomposition whose memory need exceeds what the JVM or the machine can give
     * ({@link org.eigenbasis.value.MemoryBudget}), before any output is allocated. With s the scalar size, B the
     * batch and W = min(B, available processors) matrices in flight:
     * <ul>
     *   <li>outputs, in the output placement: B·n·s (values) + B·n²·s (vectors, when asked for); heap: 4B (info);</li>
     *   <li>java backend (heap state), per matrix in flight: 8·(3n² + 2n) + 20n bytes with vectors (working
     *       copy, rotations and sorted vectors in f64, eigenvalues, sort order), 8·(n² + 2n) + 20n without;</li>
     *   <li>native backends (off-heap state): a heap input or output is staged off-heap (B·n²·s each), and LAPACK's
     *       divide and conquer (syevd) takes (1 + 6n + 2n²)·s + (3 + 5n)·4 bytes per matrix in flight.</li>
     * </ul>
     */
    private void requireMemory(BatchedMatrix a, Placement placement, boolean vectors) {
        int batch = a.batch();
        int n = a.rows();
        int s = a.dtype().bytes();
        String request = "eigh of " + a.shape() + " " + a.dtype().shortName() + " on the " + backend.name()
                + " backend";
        long inFlight = Math.min(batch, Runtime.getRuntime().availableProcessors());
        long nn = (long) n * n;
        long valueBytes = MemoryBudget.bytes(request, s, batch, n);
        long vectorBytes = vectors ? MemoryBudget.bytes(request, s, batch, nn) : 0;
        long outputs = MemoryBudget.sum(request, valueBytes, vectorBytes);
        long heap = MemoryBudget.bytes(request, 4, batch);
        long offHeap = 0;
        if (placement == Placement.OFF_HEAP) {
            offHeap = outputs;
        } else {
            heap = MemoryBudget.sum(request, heap, outputs);
        }
        if (backend.statePlacement() == Placement.HEAP) {
            long perMatrix = MemoryBudget.sum(request, MemoryBudget.bytes(request, 8, vectors ? 3 : 1, nn),
                    MemoryBudget.bytes(request, 36, n));
            heap = MemoryBudget.sum(request, heap, MemoryBudget.bytes(request, 1, inFlight, perMatrix));
        } else {
            long staging = a.placement() == Placement.HEAP ? MemoryBudget.bytes(request, s, batch, nn) : 0;
            if (placement == Placement.HEAP) {
                staging = MemoryBudget.sum(request, staging, outputs);
            }
            long perMatrix = MemoryBudget.sum(request, MemoryBudget.bytes(request, s, 1 + 6L * n + 2 * nn),
                    MemoryBudget.bytes(request, 4, 3 + 5L * n));
            offHeap = MemoryBudget.sum(request, offHeap, staging, MemoryBudget.bytes(request, 1, inFlight, perMatrix));
        }
        MemoryBudget.require(request, heap, offHeap);
    }

    /** Convenience: eigenvalues and vectors of one f64 matrix on the default backend. */
    public static EighResult eigh(double[][] a) {
        try (BatchedMatrix m = BatchedMatrix.of(a)) {
            return onDefaultBackend().decompose(m);
        }
    }
}
