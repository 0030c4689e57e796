package org.eigenbasis.diffusion;

import java.util.SplittableRandom;
import org.eigenbasis.testing.TestMatrices;

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
        return TestMatrices.orthonormalizeColumns(q);
    }

    /** λ_k = (k + 1)^(−β), k = 0 … d − 1. */
    static double[] powerLaw(int d, double beta) {
        double[] lambda = new double[d];
        for (int k = 0; k < d; k++) {
            lambda[k] = Math.pow(k + 1, -beta);
        }
        return lambda;
    }

    /** U diag(λ) Uᵀ (exactly symmetric), by the same product as {@link GeneratedGaussian#covariance}. */
    static double[][] covariance(double[][] u, double[] lambda) {
        return GeneratedGaussian.rotate(u, lambda);
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
