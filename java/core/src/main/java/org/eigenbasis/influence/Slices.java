package org.eigenbasis.influence;

/** Column ranges of row-major k × p matrices: the per-block views of batched vectors. */
final class Slices {
    private Slices() {
    }

    /** Columns [offset, offset + n) of the k × p matrix v, as a new k × n matrix. */
    static double[] columns(double[] v, int k, int p, int offset, int n) {
        double[] out = new double[k * n];
        for (int r = 0; r < k; r++) {
            System.arraycopy(v, r * p + offset, out, r * n, n);
        }
        return out;
    }

    /** Writes the k × n {@code src} into columns [offset, offset + n) of the k × p {@code dst}. */
    static void putColumns(double[] src, int k, int n, double[] dst, int p, int offset) {
        for (int r = 0; r < k; r++) {
            System.arraycopy(src, r * n, dst, r * p + offset, n);
        }
    }
}
