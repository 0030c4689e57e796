package org.eigenbasis.precond;

import java.util.Random;

/**
 * Test-side dense linear algebra on row-major double[n·m] matrices, written independently of the library (cyclic
 * Jacobi eigendecomposition, modified Gram-Schmidt QR) so the references built on it share no code with what they
 * check.
 */
final class Dense {
    private Dense() {
    }

    static double[] random(Random rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    static double[] mul(double[] a, int n, int k, double[] b, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                for (int j = 0; j < m; j++) {
                    c[i * m + j] += aip * b[p * m + j];
                }
            }
        }
        return c;
    }

    static double[] t(double[] a, int n, int m) {
        double[] b = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                b[j * n + i] = a[i * m + j];
            }
        }
        return b;
    }

    /** A·Aᵀ (n × n) of an n × m matrix. */
    static double[] aat(double[] a, int n, int m) {
        return mul(a, n, m, t(a, n, m), n);
    }

    static double[] identity(int n) {
        double[] x = new double[n * n];
        for (int i = 0; i < n; i++) {
            x[i * n + i] = 1;
        }
        return x;
    }

    /** Eigenvalues descending (index 0) and eigenvectors in the columns of [1], by cyclic Jacobi rotations. */
    static double[][] eigh(double[] s, int n) {
        double[] a = s.clone();
        double[] v = identity(n);
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        off += a[i * n + j] * a[i * n + j];
                    }
                }
            }
            if (off < 1e-30 * (1 + frob2(a))) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double tt = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        tt = 1;
                    }
                    double c = 1 / Math.sqrt(tt * tt + 1);
                    double sn = tt * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k * n + p];
                        double akq = a[k * n + q];
                        a[k * n + p] = c * akp - sn * akq;
                        a[k * n + q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p * n + k];
                        double aqk = a[q * n + k];
                        a[p * n + k] = c * apk - sn * aqk;
                        a[q * n + k] = sn * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k * n + p];
                        double vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - sn * vkq;
                        v[k * n + q] = sn * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] diag = new double[n];
        for (int i = 0; i < n; i++) {
            diag[i] = a[i * n + i];
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(diag[y], diag[x]));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            values[j] = diag[order[j]];
            for (int i = 0; i < n; i++) {
                vectors[i * n + j] = v[i * n + order[j]];
            }
        }
        return new double[][] {values, vectors};
    }

    /** The Q of a QR factorisation of the square matrix a, by modified Gram-Schmidt (no sign normalisation rule). */
    static double[] qr(double[] a, int n) {
        double[] q = a.clone();
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[i * n + p] * q[i * n + j];
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
        return q;
    }

    static double frob2(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return s;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** A random orthogonal n × n matrix (QR of a Gaussian matrix). */
    static double[] orthogonal(Random rng, int n) {
        return qr(random(rng, n * n), n);
    }

    /** The inverse of a square matrix by Gauss-Jordan elimination with partial pivoting. */
    static double[] inverse(double[] a, int n) {
        double[] m = a.clone();
        double[] inv = identity(n);
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r * n + c]) > Math.abs(m[pivot * n + c])) {
                    pivot = r;
                }
            }
            for (int j = 0; j < n; j++) {
                double x = m[c * n + j];
                m[c * n + j] = m[pivot * n + j];
                m[pivot * n + j] = x;
                x = inv[c * n + j];
                inv[c * n + j] = inv[pivot * n + j];
                inv[pivot * n + j] = x;
            }
            double d = m[c * n + c];
            for (int j = 0; j < n; j++) {
                m[c * n + j] /= d;
                inv[c * n + j] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r * n + c];
                    for (int j = 0; j < n; j++) {
                        m[r * n + j] -= f * m[c * n + j];
                        inv[r * n + j] -= f * inv[c * n + j];
                    }
                }
            }
        }
        return inv;
    }

    /** Row-major Kronecker product of an n × n and an m × m matrix. */
    static double[] kron(double[] a, int n, double[] b, int m) {
        int nm = n * m;
        double[] k = new double[nm * nm];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                for (int p = 0; p < n; p++) {
                    for (int q = 0; q < m; q++) {
                        k[(i * m + j) * nm + p * m + q] = a[i * n + p] * b[j * m + q];
                    }
                }
            }
        }
        return k;
    }

    static double[] flat(double[][] a) {
        int n = a.length;
        int m = a[0].length;
        double[] f = new double[n * m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, f, i * m, m);
        }
        return f;
    }
}
