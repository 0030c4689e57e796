package org.eigenbasis.precond;

import java.util.ArrayList;
import java.util.List;

/**
 * Shapes of parameter blocks as the preconditioners see them, and the few tensor re-arrangements done on the JVM.
 * A block of view dims (d₀, …, d_{k−1}) is stored as a matrix of rows = d₀ (1 for a scalar) and cols = d₁⋯d_{k−1}
 * (1 for rank ≤ 1), row-major, which is the parameter's own row-major layout.
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

    /**
     * y = x ×_axis op(M): y[…, i, …] = Σ_p op(M)[i, p]·x[…, p, …], with op(M) = Mᵀ when {@code transpose}.
     * M is d × d row-major (d = dims[axis]). Writes a new array. Cost 2·size·d.
     */
    static double[] modeMultiply(double[] x, int[] dims, int axis, double[] m, boolean transpose) {
        int d = dims[axis];
        int post = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            post *= dims[i];
        }
        int pre = x.length / (d * post);
        double[] y = new double[x.length];
        for (int a = 0; a < pre; a++) {
            int base = a * d * post;
            for (int i = 0; i < d; i++) {
                for (int p = 0; p < d; p++) {
                    double mip = transpose ? m[p * d + i] : m[i * d + p];
                    if (mip == 0) {
                        continue;
                    }
                    int src = base + p * post;
                    int dst = base + i * post;
                    for (int c = 0; c < post; c++) {
                        y[dst + c] += mip * x[src + c];
                    }
                }
            }
        }
        return y;
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
}
