package org.eigenbasis.testing;

import java.util.Random;
import org.eigenbasis.linalg.BatchedMatrix;
import org.eigenbasis.linalg.DType;

/** Seeded test matrices: random symmetric, prescribed spectra, adversarial structures. All f64 arrays, row-major. */
public final class TestMatrices {
    private TestMatrices() {
    }

    /** Symmetric with N(0, 1) entries. */
    public static double[] randomSymmetric(int n, Random rng) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double x = rng.nextGaussian();
                a[i * n + j] = x;
                a[j * n + i] = x;
            }
        }
        return a;
    }

    /** A random orthogonal matrix (Gram-Schmidt twice on a Gaussian matrix). */
    public static double[] randomOrthogonal(int n, Random rng) {
        double[] q = new double[n * n];
        for (int k = 0; k < q.length; k++) {
            q[k] = rng.nextGaussian();
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[i * n + j] * q[i * n + p];
                    }
                    for (int i = 0; i < n; i++) {
                        q[i * n + j] -= dot * q[i * n + p];
                    }
                }
                double norm = 0;
                for (int i = 0; i < n; i++) {
                    norm += q[i * n + j] * q[i * n + j];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) {
                    q[i * n + j] /= norm;
                }
            }
        }
        return q;
    }

    /** Q diag(lambda) Qᵀ with a random orthogonal Q, exactly symmetrised. */
    public static double[] withSpectrum(double[] lambda, Random rng) {
        int n = lambda.length;
        double[] q = randomOrthogonal(n, rng);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i * n + k] * lambda[k] * q[j * n + k];
                }
                a[i * n + j] = s;
                a[j * n + i] = s;
            }
        }
        return a;
    }

    /** n values geometrically spaced from lo to hi (both included). */
    public static double[] geometric(int n, double lo, double hi) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = n == 1 ? lo : lo * Math.pow(hi / lo, (double) i / (n - 1));
        }
        return out;
    }

    public static double[] identity(int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1;
        }
        return a;
    }

    public static double[] scaled(double[] a, double factor) {
        double[] out = a.clone();
        for (int k = 0; k < out.length; k++) {
            out[k] *= factor;
        }
        return out;
    }

    /** The tridiagonal Toeplitz matrix tridiag(-1, 2, -1): eigenvalues 2 − 2 cos(kπ/(n+1)), k = 1..n. */
    public static double[] laplacian1d(int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 2;
            if (i + 1 < n) {
                a[i * n + i + 1] = -1;
                a[(i + 1) * n + i] = -1;
            }
        }
        return a;
    }

    /** A batch of the given matrices (all n × n) in the dtype; f32 rounds. */
    public static BatchedMatrix batch(DType dtype, int n, double[]... matrices) {
        double[] flat = new double[matrices.length * n * n];
        for (int b = 0; b < matrices.length; b++) {
            System.arraycopy(matrices[b], 0, flat, b * n * n, n * n);
        }
        try (BatchedMatrix f64 = BatchedMatrix.of(flat, matrices.length, n, n)) {
            return dtype == DType.F64 ? f64.copy(f64.placement()) : f64.convert(DType.F32);
        }
    }
}
