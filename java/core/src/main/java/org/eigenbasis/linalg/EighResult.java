package org.eigenbasis.linalg;

import java.util.Arrays;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighAlgorithm;

/**
 * The result of a batched eigendecomposition: {@link #values()} (B × 1 × n, ascending per matrix) and
 * {@link #vectors()} (B × n × n, eigenvectors in columns with the canonical sign, so A V = V diag(w); null when
 * only eigenvalues were asked for). Owns both; {@link #close()} frees them.
 */
public final class EighResult implements AutoCloseable {
    private final BatchedMatrix values;
    private final BatchedMatrix vectors;
    private final int[] info;
    private final String backend;
    private final EighAlgorithm algorithm;

    public EighResult(BatchedMatrix values, BatchedMatrix vectors, int[] info, String backend, EighAlgorithm algorithm) {
        this.values = values;
        this.vectors = vectors;
        this.info = info.clone();
        this.backend = backend;
        this.algorithm = algorithm;
    }

    /** Eigenvalues, B × 1 × n, ascending within each matrix. */
    public BatchedMatrix values() {
        return values;
    }

    /** Eigenvectors in columns, B × n × n; null when computed without vectors. */
    public BatchedMatrix vectors() {
        return vectors;
    }

    /** The eigenvalues of matrix b, ascending. */
    public double[] valuesOf(int b) {
        double[] w = new double[values.cols()];
        values.copyMatrixTo(b, w, 0);
        return w;
    }

    /** Eigenvalue i of matrix b. */
    public double value(int b, int i) {
        return values.get(b, 0, i);
    }

    /** The eigenvectors of matrix b as {@code double[n][n]}, eigenvectors in columns. */
    public double[][] vectorsOf(int b) {
        if (vectors == null) {
            throw new IllegalStateException("vectorsOf: this result was computed without eigenvectors");
        }
        return vectors.toArray(b);
    }

    public int batch() {
        return values.batch();
    }

    public int n() {
        return values.cols();
    }

    /** Per-matrix status: 0, or k &gt; 0 when the k-th eigenvalue of that matrix failed to converge. */
    public int[] info() {
        return info.clone();
    }

    /** The batch indices that failed to converge (their outputs are NaN); empty when all converged. */
    public int[] failedIndices() {
        return java.util.stream.IntStream.range(0, info.length).filter(b -> info[b] != 0).toArray();
    }

    /** True when every matrix converged. */
    public boolean converged() {
        return Arrays.stream(info).allMatch(s -> s == 0);
    }

    /** The backend that computed this result. */
    public String backend() {
        return backend;
    }

    /** The algorithm that ran. */
    public EighAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void close() {
        values.close();
        if (vectors != null) {
            vectors.close();
        }
    }
}
