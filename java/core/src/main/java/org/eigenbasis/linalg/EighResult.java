package org.eigenbasis.linalg;

import java.util.Arrays;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighAlgorithm;

/**
 * The result of a batched eigendecomposition: {@link #values()} (B × 1 × n, ascending per matrix) and
 * {@link #vectors()} (B × n × n, eigenvectors in columns with the canonical sign, so A V = V diag(w); null when
 * only eigenvalues were asked for). Owns both; {@link #close()} frees them.
 *
 * <p>Of a partial decomposition ({@link EighOptions#withRange}): values B × 1 × m and vectors B × n × m, m the
 * range's {@link org.eigenbasis.value.EighRange#columns(int) columns}; {@link #counts()} says how many of the m
 * columns of each matrix hold eigenpairs (the rest are NaN; only an interval leaves any).
 */
public final class EighResult implements AutoCloseable {
    private final BatchedMatrix values;
    private final BatchedMatrix vectors;
    private final int[] info;
    private final String backend;
    private final EighAlgorithm algorithm;
    private final int[] counts;

    /** A full decomposition's result: every count is the number of columns of {@code values}. */
    public EighResult(BatchedMatrix values, BatchedMatrix vectors, int[] info, String backend, EighAlgorithm algorithm) {
        this(values, vectors, info, backend, algorithm, filled(info.length, values.cols()));
    }

    /**
     * A partial decomposition's result; {@code counts[b]} is the number of eigenpairs of matrix b in the selection
     * (for an interval, possibly more than the m columns held).
     */
    public EighResult(BatchedMatrix values, BatchedMatrix vectors, int[] info, String backend, EighAlgorithm algorithm,
                      int[] counts) {
        if (counts.length != info.length) {
            throw new IllegalArgumentException("counts: length " + counts.length + " differs from the batch, "
                    + info.length);
        }
        this.values = values;
        this.vectors = vectors;
        this.info = info.clone();
        this.backend = backend;
        this.algorithm = algorithm;
        this.counts = counts.clone();
    }

    private static int[] filled(int batch, int value) {
        int[] out = new int[batch];
        Arrays.fill(out, value);
        return out;
    }

    /** Eigenvalues, B × 1 × n (B × 1 × m for a partial range), ascending within each matrix. */
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

    /** The number of eigenvalue columns per matrix: n, or m for a partial range. */
    public int n() {
        return values.cols();
    }

    /**
     * Per matrix, the number of selected eigenpairs: m for every range but an interval; for an interval, the number
     * of eigenvalues in (lo, hi], of which the first min(count, m) columns hold the smallest (the others are NaN).
     * 0 for a matrix that failed to converge.
     */
    public int[] counts() {
        return counts.clone();
    }

    /** {@code counts()[b]}. */
    public int count(int b) {
        return counts[b];
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
