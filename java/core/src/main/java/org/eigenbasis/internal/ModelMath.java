package org.eigenbasis.internal;

/**
 * Plain loops and scalar functions shared by the regression models of org.eigenbasis.basis and the studies built on
 * them (basis.quadrants). No checks beyond Java's own: a null array throws NullPointerException, a short one
 * ArrayIndexOutOfBoundsException.
 */
public final class ModelMath {
    private ModelMath() {
    }

    /** A deep copy of the rows of {@code x} (each row cloned); O(total entries) time and memory. */
    public static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }

    /** Σ_j a_j·b_j over the length of {@code a} (b at least as long), summed in index order; O(a.length). */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /** σ(z) = 1/(1 + e^{−z}), written so that neither branch overflows; O(1). */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }
}
