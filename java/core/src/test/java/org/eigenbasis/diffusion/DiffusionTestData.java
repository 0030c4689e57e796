package org.eigenbasis.diffusion;

import java.util.SplittableRandom;

/** Seeded test data for the diffusion checks: a random rotation and a rotated power-law covariance. */
final class DiffusionTestData {
    private DiffusionTestData() {
    }

    /** A d × d orthogonal matrix: modified Gram–Schmidt, applied twice, on the columns of a seeded Gaussian matrix. */
    static double[][] rotation(int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = gaussian(rng);
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[i][k] * q[i][j];
                    }
                    for (int i = 0; i < d; i++) {
                        q[i][j] -= dot * q[i][k];
                    }
                }
                double norm = 0;
                for (int i = 0; i < d; i++) {
                    norm += q[i][j] * q[i][j];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < d; i++) {
                    q[i][j] /= norm;
                }
            }
        }
        return q;
    }

    /** λ_k = (k + 1)^(−β), k = 0 … d − 1. */
    static double[] powerLaw(int d, double beta) {
        double[] lambda = new double[d];
        for (int k = 0; k < d; k++) {
            lambda[k] = Math.pow(k + 1, -beta);
        }
        return lambda;
    }

    /** U diag(λ) Uᵀ, symmetrised exactly (lower triangle mirrored). */
    static double[][] covariance(double[][] u, double[] lambda) {
        int d = lambda.length;
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += u[i][k] * lambda[k] * u[j][k];
                }
                c[i][j] = s;
                c[j][i] = s;
            }
        }
        return c;
    }

    /** Uᵀ A U. */
    static double[][] rotateInto(double[][] u, double[][] a) {
        return WeightSpaceFlow.times(WeightSpaceFlow.transposeTimes(u, a), u);
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}
