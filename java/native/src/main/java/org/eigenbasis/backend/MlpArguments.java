package org.eigenbasis.backend;

import org.eigenbasis.value.MlpArchitecture;

/**
 * The argument checks a native {@link org.eigenbasis.spi.MlpKernel} makes before native code runs (a wrong length or an
 * order entry out of range would make a kernel read out of bounds): {@link IllegalArgumentException} naming the
 * argument, the index and the legal range. {@code org.eigenbasis.influence} validates first; these are the backstop.
 */
public final class MlpArguments {
    private MlpArguments() {
    }

    /**
     * train: one P-vector per job, one order per job whose length is a multiple of epochs with entries in [0, rows),
     * epochs and batchSize ≥ 1, x and y as {@link #checkData}. Returns the total of the orders' lengths.
     */
    public static long checkTrain(MlpArchitecture architecture, double[][] params, double[] x, double[] y,
                                  int[][] orders, int epochs, int batchSize) {
        int p = architecture.parameterCount();
        int rows = checkData(architecture, x, y, Integer.MAX_VALUE, "x");
        if (params == null || orders == null || params.length != orders.length) {
            throw new IllegalArgumentException("params and orders: one of each per job, got "
                    + (params == null ? "null" : params.length) + " and " + (orders == null ? "null" : orders.length));
        }
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs " + epochs + " and batchSize " + batchSize + " must be >= 1");
        }
        long entries = 0;
        for (int j = 0; j < params.length; j++) {
            if (params[j] == null || params[j].length != p) {
                throw new IllegalArgumentException("params[" + j + "]: length "
                        + (params[j] == null ? "null" : params[j].length) + ", the architecture has " + p + " parameters");
            }
            int[] order = orders[j];
            if (order == null || order.length % epochs != 0) {
                throw new IllegalArgumentException("orders[" + j + "]: length " + (order == null ? "null" : order.length)
                        + " is not a multiple of epochs = " + epochs);
            }
            for (int i = 0; i < order.length; i++) {
                if (order[i] < 0 || order[i] >= rows) {
                    throw new IllegalArgumentException("orders[" + j + "][" + i + "]: " + order[i] + " is outside [0, "
                            + rows + ")");
                }
            }
            entries += order.length;
        }
        return entries;
    }

    /** hessianProduct: params of P, x and y as {@link #checkData} with n in [1, rows], v and out of k·P. Returns k. */
    public static int checkHessianProduct(MlpArchitecture architecture, double[] params, double[] x, double[] y, int n,
                                          double[] v, double[] out) {
        int p = architecture.parameterCount();
        if (params == null || params.length != p) {
            throw new IllegalArgumentException("params: length " + (params == null ? "null" : params.length)
                    + ", the architecture has " + p + " parameters");
        }
        int rows = checkData(architecture, x, y, n, "x");
        if (n < 1 || n > rows) {
            throw new IllegalArgumentException("n: " + n + " is outside [1, " + rows + "] (the rows of x)");
        }
        if (v == null || v.length % p != 0) {
            throw new IllegalArgumentException("v: length " + (v == null ? "null" : v.length) + " is not a multiple of P = "
                    + p);
        }
        if (out == null || out.length != v.length) {
            throw new IllegalArgumentException("out: length " + (out == null ? "null" : out.length) + ", needs "
                    + v.length + " (k × P)");
        }
        return v.length / p;
    }

    /**
     * Checks x (rows × d0) and y (rows × targetWidth) against the architecture, and the cross-entropy labels of the
     * first {@code upTo} rows (integers in [0, dL)); returns rows.
     */
    public static int checkData(MlpArchitecture a, double[] x, double[] y, int upTo, String name) {
        int d0 = a.inputs();
        int tw = a.targetWidth();
        if (x == null || x.length % d0 != 0) {
            throw new IllegalArgumentException(name + ": length " + (x == null ? "null" : x.length)
                    + " is not a multiple of d0 = " + d0);
        }
        int rows = x.length / d0;
        if (y == null || y.length != (long) rows * tw) {
            throw new IllegalArgumentException("y: length " + (y == null ? "null" : y.length) + ", needs " + rows + " × "
                    + tw + " for the " + rows + " rows of " + name);
        }
        if (a.loss() == MlpArchitecture.Loss.CROSS_ENTROPY) {
            int c = a.outputs();
            for (int i = 0; i < Math.min(rows, upTo); i++) {
                double label = y[i];
                if (!(label >= 0 && label < c) || label != Math.floor(label)) {
                    throw new IllegalArgumentException("y[" + i + "]: label " + label + " is not an integer in [0, " + c
                            + ")");
                }
            }
        }
        return rows;
    }
}
