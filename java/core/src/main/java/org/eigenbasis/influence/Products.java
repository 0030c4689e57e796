package org.eigenbasis.influence;

import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * The dense products of this package on one backend, over plain row-major arrays: each call wraps its operands in
 * {@link BatchedMatrix} views the backend's kernels take, runs the kernel and copies the result out. Operands are
 * placed where the backend's kernels read them in place ({@link Backend#statePlacement()}: off-heap for native
 * backends, so each operand is copied once, not once into a heap matrix and again into a staging buffer). The
 * copies are O(size) against the O(size·inner) products they feed. Operands used by several calls (the stacked
 * test rows of the scores, a layer's backpropagated vectors) can be wrapped once with {@link #wrap} and passed as
 * matrices.
 */
final class Products {
    private final Backend backend;
    private final Placement placement;

    Products(Backend backend) {
        this.backend = backend;
        this.placement = backend.statePlacement();
    }

    Backend backend() {
        return backend;
    }

    /** {@code data} (rows × cols, row-major) copied into a matrix where this backend's kernels read it in place. */
    BatchedMatrix wrap(double[] data, int rows, int cols) {
        return wrap(data, 1, rows, cols);
    }

    /** Allocated without zeroing (off-heap, a freed buffer of the same size is reused), then overwritten. */
    private BatchedMatrix wrap(double[] data, int batch, int rows, int cols) {
        BatchedMatrix m = BatchedMatrix.allocate(DType.F64, batch, rows, cols, placement);
        try {
            int size = rows * cols;
            if ((long) batch * size != data.length) {
                throw new IllegalArgumentException("data: length " + data.length + " is not " + batch + " x " + rows
                        + " x " + cols);
            }
            for (int b = 0; b < batch; b++) {
                m.copyMatrixFrom(b, data, b * size);
            }
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** An output matrix the kernel writes entirely (contents unspecified until then). */
    private BatchedMatrix output(int batch, int rows, int cols) {
        return BatchedMatrix.allocate(DType.F64, batch, rows, cols, placement);
    }

    /** op(A)·op(B) with A stored aRows × aCols and B bRows × bCols. */
    double[] multiply(double[] a, int aRows, int aCols, boolean ta, double[] b, int bRows, int bCols, boolean tb) {
        int m = ta ? aCols : aRows;
        int n = tb ? bRows : bCols;
        try (BatchedMatrix am = wrap(a, aRows, aCols);
             BatchedMatrix bm = wrap(b, bRows, bCols);
             BatchedMatrix out = output(1, m, n)) {
            backend.influence().multiply(am, ta, bm, tb, out);
            return out.toDoubleArray();
        }
    }

    /** alpha · X diag(w) Yᵀ for X m × p, Y n × p, w of length p or null. */
    double[] weightedProduct(double[] x, int m, double[] w, double[] y, int n, int p, double alpha) {
        try (BatchedMatrix xm = wrap(x, m, p)) {
            if (y == x) {
                return weightedProduct(xm, w, xm, alpha);
            }
            try (BatchedMatrix ym = wrap(y, n, p)) {
                return weightedProduct(xm, w, ym, alpha);
            }
        }
    }

    /** alpha · X diag(w) Yᵀ for matrices X (1 × m × p) and Y (1 × n × p; may be X), w of length p or null. */
    double[] weightedProduct(BatchedMatrix x, double[] w, BatchedMatrix y, double alpha) {
        try (BatchedMatrix wm = w == null ? null : wrap(w, 1, x.cols());
             BatchedMatrix out = output(1, x.rows(), y.rows())) {
            backend.influence().weightedProduct(x, wm, y, alpha, 0, out);
            return out.toDoubleArray();
        }
    }

    /** For each of the k slices X_j (dOut × dIn): Q_Sᵀ X_j Q_A (forward) or Q_S X_j Q_Aᵀ. */
    double[] kroneckerRotate(double[] qs, int dOut, double[] qa, int dIn, double[] x, int k, boolean forward) {
        try (BatchedMatrix qsm = wrap(qs, dOut, dOut);
             BatchedMatrix qam = wrap(qa, dIn, dIn);
             BatchedMatrix xm = wrap(x, k, dOut, dIn);
             BatchedMatrix out = output(k, dOut, dIn)) {
            backend.influence().kroneckerRotate(qsm, qam, xm, forward, out);
            return out.toDoubleArray();
        }
    }

    /** Adds alpha · XᵀX (X rows × cols) into the lower triangle and mirror of {@code factor} (cols × cols). */
    void accumulateGram(double[] x, int rows, int cols, double alpha, BatchedMatrix factor) {
        try (BatchedMatrix xm = wrap(x, rows, cols)) {
            accumulateGram(xm, alpha, factor);
        }
    }

    /** Adds alpha · XᵀX (X 1 × rows × cols) into the lower triangle and mirror of {@code factor} (cols × cols). */
    void accumulateGram(BatchedMatrix x, double alpha, BatchedMatrix factor) {
        backend.preconditioner().accumulateFactor(x, false, 1, alpha, factor);
    }

    /** A zero cols × cols factor for {@link #accumulateGram}, where this backend's kernels update it in place. */
    BatchedMatrix zeroFactor(int cols) {
        return BatchedMatrix.zeros(DType.F64, 1, cols, cols, placement);
    }

    /** Eigenvectors per product in {@link #reconstruct}: the rank of each update, and O(n·this) scratch. */
    static final int RECONSTRUCT_BLOCK = 512;

    /**
     * V diag(λ) Vᵀ (n × n row-major) from eigenvectors V (n × n, in columns) and values λ, as symmetric rank
     * updates (one SYRK's n²·r flops per block of r vectors, half a GEMM's, and one product instead of the two of
     * a rotation there and back): Σ_{λ_j > 0} (√λ_j v_j)(√λ_j v_j)ᵀ − Σ_{λ_j < 0} (√|λ_j| v_j)(√|λ_j| v_j)ᵀ,
     * {@value #RECONSTRUCT_BLOCK} vectors at a time. Equal to V diag(λ) Vᵀ to rounding (each term λ_j v_ij v_kj
     * is formed as (√λ_j v_ij)(√λ_j v_kj)).
     */
    double[] reconstruct(double[] vectors, double[] values, int n) {
        try (BatchedMatrix f = zeroFactor(n)) {
            for (int sign = 1; sign >= -1; sign -= 2) {
                int[] picked = new int[n];
                int count = 0;
                for (int j = 0; j < n; j++) {
                    if (sign > 0 ? values[j] > 0 : values[j] < 0) {
                        picked[count++] = j;
                    }
                }
                for (int b0 = 0; b0 < count; b0 += RECONSTRUCT_BLOCK) {
                    int r = Math.min(RECONSTRUCT_BLOCK, count - b0);
                    double[] x = new double[r * n];                  // row q: √|λ_j| v_jᵀ, j = picked[b0 + q]
                    for (int q = 0; q < r; q++) {
                        int j = picked[b0 + q];
                        double root = Math.sqrt(Math.abs(values[j]));
                        for (int i = 0; i < n; i++) {
                            x[q * n + i] = root * vectors[i * n + j];
                        }
                    }
                    accumulateGram(x, r, n, sign, f);
                }
            }
            return f.toDoubleArray();
        }
    }

    /** EK-FAC eigenvalues of one layer (or its bias when a is null); g is 1 × rows × dOut. */
    double[] ekfacEigenvalues(BatchedMatrix g, int perExample, double[] a, int n, int dIn, double[] qs, double[] qa,
                              double scale) {
        int dOut = g.cols();
        try (BatchedMatrix am = a == null ? null : wrap(a, n, dIn);
             BatchedMatrix qsm = wrap(qs, dOut, dOut);
             BatchedMatrix qam = a == null ? null : wrap(qa, dIn, dIn);
             BatchedMatrix out = output(1, dOut, a == null ? 1 : dIn)) {
            backend.influence().ekfacEigenvalues(g, perExample, am, qsm, qam, scale, out);
            return out.toDoubleArray();
        }
    }
}
