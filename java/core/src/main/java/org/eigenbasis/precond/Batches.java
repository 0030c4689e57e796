package org.eigenbasis.precond;

import java.util.stream.IntStream;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * Moving single matrices in and out of batches on the heap, for the per-block bookkeeping around the batched
 * kernels (which blocks to refresh, which failed). Everything here copies: the results share nothing with the
 * arguments.
 */
final class Batches {
    private Batches() {
    }

    /** The matrices {@code which} of x, in that order, as a new heap batch. */
    static BatchedMatrix gather(BatchedMatrix x, int[] which) {
        BatchedMatrix out = BatchedMatrix.zeros(x.dtype(), which.length, x.rows(), x.cols());
        double[] buf = new double[x.matrixSize()];
        for (int i = 0; i < which.length; i++) {
            x.copyMatrixTo(which[i], buf, 0);
            out.copyMatrixFrom(i, buf, 0);
        }
        return out;
    }

    /** The inverse of {@link #gather}: matrix i of src into matrix which[i] of dst. */
    static void scatter(BatchedMatrix src, int[] which, BatchedMatrix dst) {
        double[] buf = new double[src.matrixSize()];
        for (int i = 0; i < which.length; i++) {
            src.copyMatrixTo(i, buf, 0);
            dst.copyMatrixFrom(which[i], buf, 0);
        }
    }

    /** The row-major d × d matrices {@code matrices[which[i]]} as a new heap batch. */
    static BatchedMatrix gatherRows(DType dtype, double[][] matrices, int[] which, int d) {
        BatchedMatrix out = BatchedMatrix.zeros(dtype, which.length, d, d);
        for (int i = 0; i < which.length; i++) {
            out.copyMatrixFrom(i, matrices[which[i]], 0);
        }
        return out;
    }

    /** Matrix b of x, row-major, as doubles. */
    static double[] matrix(BatchedMatrix x, int b) {
        double[] buf = new double[x.matrixSize()];
        x.copyMatrixTo(b, buf, 0);
        return buf;
    }

    /** A heap batch of d × d identities. */
    static BatchedMatrix identities(DType dtype, int batch, int d) {
        BatchedMatrix id = BatchedMatrix.zeros(dtype, batch, d, d);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < d; i++) {
                id.set(b, i, i, 1);
            }
        }
        return id;
    }

    static int[] range(int n) {
        return IntStream.range(0, n).toArray();
    }

    static boolean allFinite(double[] x) {
        for (double y : x) {
            if (!Double.isFinite(y)) {
                return false;
            }
        }
        return true;
    }

    static double sumOfSquares(double[] x) {
        double s = 0;
        for (double y : x) {
            s += y * y;
        }
        return s;
    }
}
