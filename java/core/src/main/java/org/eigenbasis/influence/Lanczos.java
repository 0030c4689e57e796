package org.eigenbasis.influence;

import java.util.Objects;
import java.util.Random;
import org.eigenbasis.spi.Backend;

/**
 * Extreme eigenvalues of a curvature known only through products (the matrix-free exact Hessian): the Lanczos
 * process with full reorthogonalisation, m steps from a seeded Gaussian start, then the eigenvalues of the m × m
 * tridiagonal T (Ritz values). Each Ritz value θ_j carries the residual bound |β_m·s_mj| (s_j the eigenvector of
 * T): some eigenvalue of the operator lies within it (the operator is symmetric). The extremes converge first;
 * interior values need m near P. Cost: m products, O(m²P) for the reorthogonalisation, memory m·P doubles.
 */
public final class Lanczos {
    /** Ritz values ascending, each with its residual bound. */
    public record Ritz(double[] values, double[] residuals) {
    }

    private Lanczos() {
    }

    /**
     * @param steps m in [1, P]; stops early (with fewer values) when an invariant subspace is found
     * @throws IllegalArgumentException for steps outside [1, P] or a product that returns a non-finite value
     */
    public static Ritz ritzValues(HessianProducts products, int dimension, int steps, long seed, Backend backend) {
        Objects.requireNonNull(products, "products");
        Objects.requireNonNull(backend, "backend");
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension: " + dimension + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (steps < 1 || steps > dimension) {
            throw new IllegalArgumentException("steps: " + steps + " is outside [1, " + dimension + "]");
        }
        if ((long) steps * dimension > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("steps: " + steps + " Lanczos vectors of " + dimension
                    + " do not fit one array");
        }
        int p = dimension;
        double[] q = new double[steps * p];
        double[] alpha = new double[steps];
        double[] beta = new double[steps];
        Random random = new Random(seed);
        double norm = 0;
        for (int i = 0; i < p; i++) {
            q[i] = random.nextGaussian();
            norm += q[i] * q[i];
        }
        scale(q, 0, p, 1 / Math.sqrt(norm));
        int m = 0;
        for (int j = 0; j < steps; j++) {
            double[] w = products.apply(java.util.Arrays.copyOfRange(q, j * p, (j + 1) * p), 1);
            for (int i = 0; i < p; i++) {
                if (!Double.isFinite(w[i])) {
                    throw new IllegalArgumentException("products: entry " + i + " of product " + j + " is " + w[i]);
                }
            }
            alpha[j] = dot(w, 0, q, j * p, p);
            // full reorthogonalisation, twice (Kahan's "twice is enough")
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k <= j; k++) {
                    double c = dot(w, 0, q, k * p, p);
                    for (int i = 0; i < p; i++) {
                        w[i] -= c * q[k * p + i];
                    }
                }
            }
            m = j + 1;
            double b = Math.sqrt(dot(w, 0, w, 0, p));
            beta[j] = b;
            if (j + 1 == steps || b <= 1e-14 * Math.max(Math.abs(alpha[j]), 1e-300) * Math.sqrt(p)) {
                break;
            }
            for (int i = 0; i < p; i++) {
                q[(j + 1) * p + i] = w[i] / b;
            }
        }
        double[] t = new double[m * m];
        for (int j = 0; j < m; j++) {
            t[j * m + j] = alpha[j];
            if (j + 1 < m) {
                t[j * m + j + 1] = beta[j];
                t[(j + 1) * m + j] = beta[j];
            }
        }
        Eigenbasis e = Eigenbasis.of(backend, t, m);
        double[] residuals = new double[m];
        for (int j = 0; j < m; j++) {
            residuals[j] = Math.abs(beta[m - 1] * e.vectors()[(m - 1) * m + j]);
        }
        return new Ritz(e.values(), residuals);
    }

    private static double dot(double[] a, int oa, double[] b, int ob, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[oa + i] * b[ob + i];
        }
        return s;
    }

    private static void scale(double[] a, int from, int n, double c) {
        for (int i = from; i < from + n; i++) {
            a[i] *= c;
        }
    }
}
