package org.eigenbasis.verify;

import java.util.Random;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * Seeded input matrices for verification and tests: random symmetric, prescribed spectra, adversarial structures.
 * Plain f64 arrays, row-major; the same seed gives the same matrix on every JVM.
 */
public final class SeededMatrices {
    private SeededMatrices() {
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
        return orthonormalize(q, n);
    }

    /** The columns of the n × n row-major {@code q} made orthonormal by Gram-Schmidt, twice; a new array. */
    public static double[] orthonormalize(double[] q, int n) {
        double[] out = q.clone();
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += out[i * n + j] * out[i * n + p];
                    }
                    for (int i = 0; i < n; i++) {
                        out[i * n + j] -= dot * out[i * n + p];
                    }
                }
                double norm = 0;
                for (int i = 0; i < n; i++) {
                    norm += out[i * n + j] * out[i * n + j];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) {
                    out[i * n + j] /= norm;
                }
            }
        }
        return out;
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

    /** The n × n identity, row-major. */
    public static double[] identity(int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1;
        }
        return a;
    }

    /** A copy of {@code a} with every entry multiplied by {@code factor}. */
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

    /**
     * Wilkinson's W⁺_n: tridiagonal, diagonal |i − m| with m = (n − 1)/2, off-diagonals 1 (Wilkinson, The
     * Algebraic Eigenvalue Problem, 1965, 5.45). Symmetric about its centre, so its eigenvectors are even or
     * odd, and the large eigenvalues pair up: one even and one odd vector per pair, agreeing to many digits
     * (W⁺₂₁'s two largest, 10.7461941829033…, differ by about 1e-13). Row-major.
     */
    public static double[] wilkinson(int n) {
        double[] a = new double[n * n];
        double m = (n - 1) / 2.0;
        for (int i = 0; i < n; i++) {
            a[i * n + i] = Math.abs(i - m);
            if (i + 1 < n) {
                a[i * n + i + 1] = 1;
                a[(i + 1) * n + i] = 1;
            }
        }
        return a;
    }

    /** Q A Qᵀ for the n × n row-major a, with a random orthogonal Q, exactly symmetrised: dense. Cost 3n³ + Q's. */
    public static double[] similar(double[] a, int n, Random rng) {
        double[] q = randomOrthogonal(n, rng);
        double[] qa = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double qik = q[i * n + k];
                for (int j = 0; j < n; j++) {
                    qa[i * n + j] += qik * a[k * n + j];
                }
            }
        }
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += qa[i * n + k] * q[j * n + k];
                }
                out[i * n + j] = s;
                out[j * n + i] = s;
            }
        }
        return out;
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

    /** The kinds {@link #adversarial} knows. */
    public static final java.util.List<String> ADVERSARIAL_KINDS = java.util.List.of("identity", "zero", "diagonal",
            "repeated", "clustered", "rank-deficient", "tiny", "huge", "graded", "laplacian", "two-by-two", "wilkinson");

    /**
     * An adversarial symmetric matrix: identity, zero, diagonal (unsorted, with a zero), repeated (two eigenvalues
     * of multiplicity n/2), clustered (gaps 1e-10), rank-deficient (rank n/3), tiny and huge (entries scaled by
     * 1e∓150 in f64, 1e∓30 in f32), graded (spectrum 1e-12…1e12 in f64, 1e-6…1e6 in f32), laplacian
     * (tridiag(−1, 2, −1)), two-by-two (blocks [[1, 1], [1, 1]]: eigenvector entries tie exactly in magnitude),
     * wilkinson ({@link #wilkinson}'s W⁺ under a random orthogonal similarity, so it is dense: its largest
     * eigenvalues come in pairs that agree to about 13 digits at n = 21).
     */
    public static double[] adversarial(String kind, DType dtype, int n, Random rng) {
        double tiny = dtype == DType.F64 ? 1e-150 : 1e-30;
        double huge = dtype == DType.F64 ? 1e150 : 1e30;
        double range = dtype == DType.F64 ? 1e12 : 1e6;
        return switch (kind) {
            case "identity" -> identity(n);
            case "zero" -> new double[n * n];
            case "diagonal" -> {
                double[] a = new double[n * n];
                for (int i = 0; i < n; i++) {
                    a[i * n + i] = (i * 7919 % n) - n / 2.0;  // unsorted, with a zero
                }
                yield a;
            }
            case "repeated" -> {
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    w[i] = i < n / 2 ? 3 : -1;                // two eigenvalues of multiplicity n/2
                }
                yield withSpectrum(w, rng);
            }
            case "clustered" -> {
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    w[i] = 1 + i * 1e-10;
                }
                yield withSpectrum(w, rng);
            }
            case "rank-deficient" -> {
                double[] w = new double[n];
                for (int i = 0; i < n / 3; i++) {
                    w[i] = rng.nextGaussian();
                }
                yield withSpectrum(w, rng);
            }
            case "tiny" -> scaled(randomSymmetric(n, rng), tiny);
            case "huge" -> scaled(randomSymmetric(n, rng), huge);
            case "graded" -> withSpectrum(geometric(n, 1 / range, range), rng);
            case "laplacian" -> laplacian1d(n);
            case "wilkinson" -> similar(wilkinson(n), n, rng);
            case "two-by-two" -> {
                double[] a = new double[n * n];                // 2 × 2 blocks [[1, 1], [1, 1]]: exact ties in |v|
                for (int i = 0; i + 1 < n; i += 2) {
                    a[i * n + i] = 1;
                    a[i * n + i + 1] = 1;
                    a[(i + 1) * n + i] = 1;
                    a[(i + 1) * n + i + 1] = 1;
                }
                yield a;
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
