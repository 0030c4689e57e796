package org.eigenbasis.testing;

import java.util.Random;

/** Seeded random matrices and a reference Kronecker product, shared by the basis optimizer's tests and contract. */
public final class TestMatrices {
    private TestMatrices() {
    }

    /** n standard Gaussians from {@code rng}, in order. */
    public static double[] gaussian(Random rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    /** X Xᵀ/n + I for a Gaussian n × n X (row-major): symmetric positive definite, eigenvalues ≥ 1. */
    public static double[] spd(Random rng, int n) {
        double[] x = gaussian(rng, n * n);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = i == j ? 1 : 0;
                for (int k = 0; k < n; k++) {
                    s += x[i * n + k] * x[j * n + k] / n;
                }
                a[i * n + j] = s;
            }
        }
        return a;
    }

    /**
     * L ⊗ R (m·n × m·n, row-major) written out from the definition: entry ((a, b), (c, e)) = L_ac R_be, so that
     * (L ⊗ R) vec(W) = vec(L W Rᵀ) for the row-major vec(W)_{a·n + b} = W_ab.
     */
    public static double[] kron(double[] l, int m, double[] r, int n) {
        double[] out = new double[m * n * m * n];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < n; b++) {
                for (int c = 0; c < m; c++) {
                    for (int e = 0; e < n; e++) {
                        out[(a * n + b) * m * n + c * n + e] = l[a * m + c] * r[b * n + e];
                    }
                }
            }
        }
        return out;
    }

    /** Orthonormalises the columns of the square {@code q} in place: modified Gram–Schmidt, applied twice. */
    public static double[][] orthonormalizeColumns(double[][] q) {
        int d = q.length;
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < d; k++) {
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[i][j] * q[i][k];
                    }
                    for (int i = 0; i < d; i++) {
                        q[i][k] -= dot * q[i][j];
                    }
                }
                double norm = 0;
                for (int i = 0; i < d; i++) {
                    norm += q[i][k] * q[i][k];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < d; i++) {
                    q[i][k] /= norm;
                }
            }
        }
        return q;
    }
}
