package org.eigenbasis.backend.java;

/**
 * Reference QR of a square matrix by Householder reflections (Golub and Van Loan, 4th ed., 5.2.2), normalised so
 * that diag(R) ≥ 0, which makes Q unique when the input has full rank. Cost 4/3 n³ + 4/3 n³ to form Q.
 */
final class HouseholderQR {
    private HouseholderQR() {
    }

    /** Overwrites the n × n row-major {@code y} with the Q factor of its QR factorisation, diag(R) ≥ 0. */
    static void orthonormalFactor(double[] y, int n) {
        double[][] reflectors = new double[n][];
        double[] tau = new double[n];
        double[] rDiagonal = new double[n];
        for (int k = 0; k < n; k++) {
            double alpha = y[k * n + k];
            double sigma = 0;
            for (int i = k + 1; i < n; i++) {
                sigma += y[i * n + k] * y[i * n + k];
            }
            double[] v = new double[n - k];
            v[0] = 1;
            if (sigma == 0) {                        // nothing below the diagonal: no reflection (as LAPACK's dlarfg)
                tau[k] = 0;
                rDiagonal[k] = alpha;
                reflectors[k] = v;
                continue;
            }
            double norm = Math.sqrt(alpha * alpha + sigma);
            double beta = -Math.copySign(norm, alpha);
            for (int i = k + 1; i < n; i++) {
                v[i - k] = y[i * n + k] / (alpha - beta);
            }
            tau[k] = (beta - alpha) / beta;
            rDiagonal[k] = beta;
            reflectors[k] = v;
            // Apply H_k = I − τ v vᵀ to the remaining columns.
            for (int j = k + 1; j < n; j++) {
                double s = 0;
                for (int i = k; i < n; i++) {
                    s += v[i - k] * y[i * n + j];
                }
                s *= tau[k];
                for (int i = k; i < n; i++) {
                    y[i * n + j] -= s * v[i - k];
                }
            }
        }
        // Q = H_0 H_1 ⋯ H_{n−1} e, accumulated backwards into y.
        java.util.Arrays.fill(y, 0, n * n, 0);
        for (int i = 0; i < n; i++) {
            y[i * n + i] = 1;
        }
        for (int k = n - 1; k >= 0; k--) {
            if (tau[k] == 0) {
                continue;
            }
            double[] v = reflectors[k];
            for (int j = k; j < n; j++) {
                double s = 0;
                for (int i = k; i < n; i++) {
                    s += v[i - k] * y[i * n + j];
                }
                s *= tau[k];
                for (int i = k; i < n; i++) {
                    y[i * n + j] -= s * v[i - k];
                }
            }
        }
        for (int j = 0; j < n; j++) {                // Y = (Q D)(D R) with D = sign(diag R)
            if (rDiagonal[j] < 0) {
                for (int i = 0; i < n; i++) {
                    y[i * n + j] = -y[i * n + j];
                }
            }
        }
    }
}
