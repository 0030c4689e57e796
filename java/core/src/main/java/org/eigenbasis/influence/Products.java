package org.eigenbasis.influence;

import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;

/**
 * The dense products of this package on one backend, over plain row-major arrays: each call wraps its operands in
 * {@link BatchedMatrix} views the backend's kernels take, runs the kernel and copies the result out. The copies
 * are O(size) against the O(size·inner) products they feed.
 */
final class Products {
    private final Backend backend;

    Products(Backend backend) {
        this.backend = backend;
    }

    Backend backend() {
        return backend;
    }

    /** op(A)·op(B) with A stored aRows × aCols and B bRows × bCols. */
    double[] multiply(double[] a, int aRows, int aCols, boolean ta, double[] b, int bRows, int bCols, boolean tb) {
        int m = ta ? aCols : aRows;
        int n = tb ? bRows : bCols;
        try (BatchedMatrix am = BatchedMatrix.of(a, 1, aRows, aCols);
             BatchedMatrix bm = BatchedMatrix.of(b, 1, bRows, bCols);
             BatchedMatrix out = BatchedMatrix.zeros(org.eigenbasis.value.DType.F64, 1, m, n)) {
            backend.influence().multiply(am, ta, bm, tb, out);
            return out.toDoubleArray();
        }
    }

    /** alpha · X diag(w) Yᵀ for X m × p, Y n × p, w of length p or null. */
    double[] weightedProduct(double[] x, int m, double[] w, double[] y, int n, int p, double alpha) {
        try (BatchedMatrix xm = BatchedMatrix.of(x, 1, m, p);
             BatchedMatrix ym = y == x ? null : BatchedMatrix.of(y, 1, n, p);
             BatchedMatrix wm = w == null ? null : BatchedMatrix.of(w, 1, 1, p);
             BatchedMatrix out = BatchedMatrix.zeros(org.eigenbasis.value.DType.F64, 1, m, n)) {
            backend.influence().weightedProduct(xm, wm, ym == null ? xm : ym, alpha, 0, out);
            return out.toDoubleArray();
        }
    }

    /** For each of the k slices X_j (dOut × dIn): Q_Sᵀ X_j Q_A (forward) or Q_S X_j Q_Aᵀ. */
    double[] kroneckerRotate(double[] qs, int dOut, double[] qa, int dIn, double[] x, int k, boolean forward) {
        try (BatchedMatrix qsm = BatchedMatrix.of(qs, 1, dOut, dOut);
             BatchedMatrix qam = BatchedMatrix.of(qa, 1, dIn, dIn);
             BatchedMatrix xm = BatchedMatrix.of(x, k, dOut, dIn);
             BatchedMatrix out = BatchedMatrix.zeros(org.eigenbasis.value.DType.F64, k, dOut, dIn)) {
            backend.influence().kroneckerRotate(qsm, qam, xm, forward, out);
            return out.toDoubleArray();
        }
    }

    /** Adds alpha · XᵀX (X rows × cols) into the lower triangle and mirror of {@code factor} (cols × cols). */
    void accumulateGram(double[] x, int rows, int cols, double alpha, BatchedMatrix factor) {
        try (BatchedMatrix xm = BatchedMatrix.of(x, 1, rows, cols)) {
            backend.preconditioner().accumulateFactor(xm, false, 1, alpha, factor);
        }
    }

    /** EK-FAC eigenvalues of one layer (or its bias when a is null). */
    double[] ekfacEigenvalues(double[] g, int rows, int perExample, int dOut, double[] a, int n, int dIn, double[] qs,
                              double[] qa, double scale) {
        try (BatchedMatrix gm = BatchedMatrix.of(g, 1, rows, dOut);
             BatchedMatrix am = a == null ? null : BatchedMatrix.of(a, 1, n, dIn);
             BatchedMatrix qsm = BatchedMatrix.of(qs, 1, dOut, dOut);
             BatchedMatrix qam = a == null ? null : BatchedMatrix.of(qa, 1, dIn, dIn);
             BatchedMatrix out = BatchedMatrix.zeros(org.eigenbasis.value.DType.F64, 1, dOut, a == null ? 1 : dIn)) {
            backend.influence().ekfacEigenvalues(gm, perExample, am, qsm, qam, scale, out);
            return out.toDoubleArray();
        }
    }
}
