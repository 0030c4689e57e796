package org.eigenbasis.precond;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;

/**
 * Shapes of parameter blocks as the preconditioners see them, the few tensor re-arrangements done on the JVM, and
 * the batched mode products built from them. A block of view dims (d₀, …, d_{k−1}) is stored as a matrix of
 * rows = d₀ (1 for a scalar) and cols = d₁⋯d_{k−1} (1 for rank ≤ 1), row-major, which is the parameter's own
 * row-major layout; a batch of such blocks is a B × rows × cols {@link BatchedMatrix}.
 */
final class TensorLayout {
    private TensorLayout() {
    }

    /**
     * SOAP's {@code merge_dims}: runs of consecutive dims are merged while their product stays ≤ max; a dim that
     * would overflow the current run starts a new run (or stands alone when the run is empty). Channels-first
     * layout is assumed (the reference's channels_last permutation of 4-D tensors is not done).
     */
    static int[] mergeDims(int[] shape, int max) {
        List<Integer> merged = new ArrayList<>();
        long current = 1;
        for (int sh : shape) {
            long product = current * sh;
            if (product > max) {
                if (current > 1) {
                    merged.add((int) current);
                    current = sh;
                } else {
                    merged.add(sh);
                    current = 1;
                }
            } else {
                current = product;
            }
        }
        if (current > 1 || merged.isEmpty()) {
            merged.add((int) current);
        }
        return merged.stream().mapToInt(Integer::intValue).toArray();
    }

    static int rows(int[] dims) {
        return dims.length == 0 ? 1 : dims[0];
    }

    static int cols(int[] dims) {
        int c = 1;
        for (int i = 1; i < dims.length; i++) {
            c *= dims[i];
        }
        return c;
    }

    static int size(int[] dims) {
        int s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }

    /** Strides of a row-major tensor of these dims. */
    static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** The tensor with {@code axis} moved to the front, as a d_axis × (size/d_axis) row-major matrix. */
    static double[] moveAxisToFront(double[] x, int[] dims, int axis) {
        int d = dims[axis];
        int post = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            post *= dims[i];
        }
        int pre = x.length / (d * post);
        double[] y = new double[x.length];
        int rest = pre * post;
        for (int a = 0; a < pre; a++) {
            for (int i = 0; i < d; i++) {
                System.arraycopy(x, (a * d + i) * post, y, i * rest + a * post, post);
            }
        }
        return y;
    }

    /** The inverse of {@link #moveAxisToFront}: a d_axis × rest matrix back into the tensor's row-major layout. */
    static double[] moveFrontToAxis(double[] y, int[] dims, int axis) {
        int d = dims[axis];
        int post = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            post *= dims[i];
        }
        int pre = y.length / (d * post);
        double[] x = new double[y.length];
        int rest = pre * post;
        for (int a = 0; a < pre; a++) {
            for (int i = 0; i < d; i++) {
                System.arraycopy(y, i * rest + a * post, x, (a * d + i) * post, post);
            }
        }
        return x;
    }

    /**
     * The mode product y = x ×_axis op(M) of every block of the batch x (B × rows × cols, view dims {@code dims}):
     * y[…, i, …] = Σ_p op(M)[i, p]·x[…, p, …], op(M) = Mᵀ when {@code transpose}, M = mats[b] (d × d, d =
     * dims[axis]). For order ≤ 2 one kernel rotation from the left (axis 0) or the right (axis 1); for higher
     * orders the axis is moved to the front on the JVM, rotated from the left, and moved back. A new heap batch;
     * x is not touched. Cost 2·size·d per block.
     */
    static BatchedMatrix modeProduct(PreconditionerKernel kernel, BatchedMatrix x, int[] dims, int axis,
                                     BatchedMatrix mats, boolean transpose) {
        BatchedMatrix out = BatchedMatrix.zeros(x.dtype(), x.batch(), x.rows(), x.cols());
        if (dims.length <= 2) {
            if (axis == 0) {
                kernel.rotate(mats, transpose, x, null, false, out);
            } else {
                kernel.rotate(null, false, x, mats, !transpose, out);
            }
            return out;
        }
        int d = dims[axis];
        int size = x.matrixSize();
        BatchedMatrix front = axisToFront(x, dims, axis);
        BatchedMatrix rotated = BatchedMatrix.zeros(x.dtype(), x.batch(), d, size / d);
        kernel.rotate(mats, transpose, front, null, false, rotated);
        double[] buf = new double[size];
        for (int b = 0; b < x.batch(); b++) {
            rotated.copyMatrixTo(b, buf, 0);
            out.copyMatrixFrom(b, moveFrontToAxis(buf, dims, axis), 0);
        }
        return out;
    }

    /** Every block of x with {@code axis} moved to the front: a new heap batch of d_axis × (size/d_axis) matrices. */
    static BatchedMatrix axisToFront(BatchedMatrix x, int[] dims, int axis) {
        int d = dims[axis];
        int size = x.matrixSize();
        BatchedMatrix front = BatchedMatrix.zeros(x.dtype(), x.batch(), d, size / d);
        double[] buf = new double[size];
        for (int b = 0; b < x.batch(); b++) {
            x.copyMatrixTo(b, buf, 0);
            front.copyMatrixFrom(b, moveAxisToFront(buf, dims, axis), 0);
        }
        return front;
    }
}
