package org.eigenbasis.spark;

import java.io.Serializable;
import org.eigenbasis.value.EighAlgorithm;

/**
 * What {@link SparkEigh} reads and writes: the input column of flattened symmetric n × n matrices (array of double
 * or float, row-major; only the lower triangle is read), the output columns (eigenvalues ascending; eigenvectors
 * flattened row-major with the eigenvectors in columns, as numpy.linalg.eigh; null for eigenvalues only), n (or −1
 * to infer it from the first non-null row), the backend each task uses, the algorithm, and how many matrices one
 * native call takes.
 *
 * @param n               n ≥ 1, or −1 to infer it (every row must then have the first row's length, a square)
 * @param backend         java, cpu, cuda or auto, resolved on each executor
 * @param algorithm       the eigensolver; AUTO resolves per n on the backend, which does not depend on the batch
 * @param matricesPerCall ≥ 1: a partition is packed into off-heap batches of at most this many matrices
 * @param maxIterations   the iteration bound of eigenbasis's own kernels (Jacobi sweeps; QL iterations per eigenvalue
 *                        on average), 0 for their defaults; in [0, 10000]; ignored by LAPACK and cuSOLVER. A matrix
 *                        that does not converge within it fails its task (see {@link SparkEigh})
 */
public record SparkEighConfig(String inputCol, String valuesCol, String vectorsCol, int n, String backend,
                              EighAlgorithm algorithm, int matricesPerCall, int maxIterations) implements Serializable {
    public SparkEighConfig {
        requireName("inputCol", inputCol);
        requireName("valuesCol", valuesCol);
        if (vectorsCol != null) {
            requireName("vectorsCol", vectorsCol);
        }
        if (n != -1 && (n < 1 || n > 46_340)) {
            throw new IllegalArgumentException("n: " + n + " is outside [1, 46340] (or -1 to infer it)");
        }
        requireName("backend", backend);
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm: null");
        }
        if (matricesPerCall < 1) {
            throw new IllegalArgumentException("matricesPerCall: " + matricesPerCall + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (maxIterations < 0 || maxIterations > 10_000) {
            throw new IllegalArgumentException("maxIterations: " + maxIterations + " is outside [0, 10000]");
        }
    }

    /**
     * Input "matrix", outputs "eigenvalues" and "eigenvectors", n inferred, cpu, AUTO, 4096 matrices per call,
     * the kernels' default iteration bounds.
     */
    public static SparkEighConfig defaults() {
        return new SparkEighConfig("matrix", "eigenvalues", "eigenvectors", -1, "cpu", EighAlgorithm.AUTO, 4096, 0);
    }

    public SparkEighConfig withInputCol(String v) {
        return new SparkEighConfig(v, valuesCol, vectorsCol, n, backend, algorithm, matricesPerCall, maxIterations);
    }

    public SparkEighConfig withValuesCol(String v) {
        return new SparkEighConfig(inputCol, v, vectorsCol, n, backend, algorithm, matricesPerCall, maxIterations);
    }

    /** null: eigenvalues only. */
    public SparkEighConfig withVectorsCol(String v) {
        return new SparkEighConfig(inputCol, valuesCol, v, n, backend, algorithm, matricesPerCall, maxIterations);
    }

    public SparkEighConfig withN(int v) {
        return new SparkEighConfig(inputCol, valuesCol, vectorsCol, v, backend, algorithm, matricesPerCall, maxIterations);
    }

    public SparkEighConfig withBackend(String v) {
        return new SparkEighConfig(inputCol, valuesCol, vectorsCol, n, v, algorithm, matricesPerCall, maxIterations);
    }

    public SparkEighConfig withAlgorithm(EighAlgorithm v) {
        return new SparkEighConfig(inputCol, valuesCol, vectorsCol, n, backend, v, matricesPerCall, maxIterations);
    }

    public SparkEighConfig withMatricesPerCall(int v) {
        return new SparkEighConfig(inputCol, valuesCol, vectorsCol, n, backend, algorithm, v, maxIterations);
    }

    /** 0: the kernels' defaults. */
    public SparkEighConfig withMaxIterations(int v) {
        return new SparkEighConfig(inputCol, valuesCol, vectorsCol, n, backend, algorithm, matricesPerCall, v);
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + ": empty");
        }
    }
}
