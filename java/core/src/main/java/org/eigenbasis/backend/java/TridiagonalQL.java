package org.eigenbasis.backend.java;

/**
 * The reference symmetric eigensolver: Householder reduction to tridiagonal form, then the implicit QL
 * algorithm with Wilkinson shifts (Bowdler, Martin, Reinsch and Wilkinson, Numer. Math. 11, 1968; Golub and
 * Van Loan, Matrix Computations, 4th ed., sections 8.3.1 and 8.3.5). Written for clarity: one matrix, double
 * precision, plain loops over row-major arrays.
 *
 * <p>Cost: 4/3 n³ for the reduction, 4/3 n³ to accumulate the reflectors, about 6 n³ for QL with vectors;
 * O(n²) extra memory. The input must already be scaled so its largest entry is about 1 (see
 * {@link ReferenceEigh}), which keeps squares clear of overflow and underflow.
 */
final class TridiagonalQL {
    private TridiagonalQL() {
    }

    /**
     * Diagonalises the full symmetric matrix {@code a} (n × n, row-major, destroyed).
     *
     * @param values        receives the n eigenvalues, unsorted
     * @param vectorRows    receives the eigenvectors as ROWS (n × n), or null for eigenvalues only
     * @param maxIterations QL iterations allowed per eigenvalue
     * @return 0, or k &gt; 0 when the k-th eigenvalue (1-based) did not converge
     */
    static int solve(double[] a, int n, double[] values, double[] vectorRows, int maxIterations) {
        if (n == 0) {
            return 0;
        }
        double[] tau = new double[n];
        double[] offDiagonal = new double[n];
        reduceToTridiagonal(a, n, tau, offDiagonal);
        if (vectorRows != null) {
            accumulateReflectors(a, n, tau, vectorRows);
        }
        for (int i = 0; i < n; i++) {
            values[i] = a[i * n + i];
        }
        return implicitQL(values, offDiagonal, n, vectorRows, maxIterations);
    }

    /**
     * Householder step k maps column k below the diagonal to (β, 0, …, 0) with H = I − τ v vᵀ, v[0] = 1, and
     * updates the trailing block two-sidedly. v is stored in row k right of the diagonal (column k by symmetry).
     * On return a's diagonal is T's, {@code offDiagonal[i]} (n) couples i and i + 1, {@code tau} (n) holds the
     * reflectors' τ. Cost 4/3 n³. Package-private so the two-stage tests can check that kd = 1 reproduces it.
     */
    static void reduceToTridiagonal(double[] a, int n, double[] tau, double[] offDiagonal) {
        double[] p = new double[n];
        for (int k = 0; k + 2 < n; k++) {
            int m = n - k - 1;                   // length of the column below the diagonal
            int x = k * n + k + 1;               // start of that column, read along row k
            double alpha = a[x];
            double sigma = 0;
            for (int i = 1; i < m; i++) {
                sigma += a[x + i] * a[x + i];
            }
            if (sigma == 0) {                    // already reduced: no reflection
                tau[k] = 0;
                offDiagonal[k] = alpha;
                continue;
            }
            double beta = -Math.copySign(Math.sqrt(alpha * alpha + sigma), alpha);
            double inverse = 1 / (alpha - beta);
            a[x] = 1;
            for (int i = 1; i < m; i++) {
                a[x + i] *= inverse;
            }
            double t = (beta - alpha) / beta;
            tau[k] = t;
            offDiagonal[k] = beta;
            Reflectors.twoSided(a, n, k + 1, m, a, x, t, p);   // the trailing block, v read from row k
        }
        if (n >= 2) {
            offDiagonal[n - 2] = a[(n - 2) * n + n - 1];
        }
        offDiagonal[n - 1] = 0;
    }

    /** Qᵀ = H_{n−3} ⋯ H_0, accumulated backwards so step k touches only the block [k+1:, k+1:]. */
    private static void accumulateReflectors(double[] a, int n, double[] tau, double[] qt) {
        java.util.Arrays.fill(qt, 0, n * n, 0);
        for (int i = 0; i < n; i++) {
            qt[i * n + i] = 1;
        }
        for (int k = n - 3; k >= 0; k--) {
            double t = tau[k];
            if (t == 0) {
                continue;
            }
            int v = k * n + k + 1;
            int m = n - k - 1;
            for (int r = k + 1; r < n; r++) {
                int row = r * n + k + 1;
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += qt[row + j] * a[v + j];
                }
                s *= t;
                for (int j = 0; j < m; j++) {
                    qt[row + j] -= s * a[v + j];
                }
            }
        }
    }

    /**
     * Implicit QL on the tridiagonal (d, e): a block splits where |e[m]| ≤ ε(|d[m]| + |d[m+1]|); each sweep chases
     * a Wilkinson-shifted bulge from the bottom of the block up with Givens rotations, applied to rows i, i+1 of
     * the eigenvector matrix. Also the tridiagonal stage of {@link ReferenceTwoStage}.
     *
     * @param d             the diagonal (n), overwritten by the eigenvalues, unsorted
     * @param e             the off-diagonal (n, e[i] couples i and i + 1, e[n − 1] = 0), destroyed
     * @param z             n × n rows rotated along (row i follows d[i]), or null
     * @param maxIterations QL sweeps allowed per eigenvalue, as one budget of maxIterations·n for the matrix
     * @return 0, or k &gt; 0 when the k-th eigenvalue (1-based) did not converge within the budget
     */
    static int implicitQL(double[] d, double[] e, int n, double[] z, int maxIterations) {
        final double eps = Math.ulp(1.0);
        // One budget for the whole matrix, as LAPACK's dsteqr (30·n): the relative split test can need more than
        // 30 sweeps for one eigenvalue of a cluster at the rounding level (rank-deficient covariances), while the
        // total stays far below the budget.
        final long budget = (long) maxIterations * n;
        long iterations = 0;
        for (int l = 0; l < n; l++) {
            while (true) {
                int m = l;
                while (m < n - 1 && Math.abs(e[m]) > eps * (Math.abs(d[m]) + Math.abs(d[m + 1]))) {
                    m++;
                }
                if (m == l) {
                    break;
                }
                if (iterations++ == budget) {
                    return l + 1;
                }
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                double s = 1;
                double c = 1;
                double p = 0;
                boolean underflow = false;
                for (int i = m - 1; i >= l; i--) {
                    double f = s * e[i];
                    double b = c * e[i];
                    r = hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0) {                // the bulge vanished: deflate and start over
                        d[i + 1] -= p;
                        e[m] = 0;
                        underflow = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    if (z != null) {
                        int zi = i * n;
                        int zi1 = zi + n;
                        for (int k = 0; k < n; k++) {
                            double below = z[zi1 + k];
                            z[zi1 + k] = s * z[zi + k] + c * below;
                            z[zi + k] = c * z[zi + k] - s * below;
                        }
                    }
                }
                if (underflow) {
                    continue;
                }
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
        }
        return 0;
    }

    /** √(a² + b²) for operands of a matrix scaled to norm about 1; Math.hypot is exact but far slower. */
    static double hypot(double a, double b) {
        double x = Math.abs(a);
        double y = Math.abs(b);
        double big = Math.max(x, y);
        if (big == 0) {
            return 0;
        }
        if (big > 1e-150 && big < 1e150) {
            return Math.sqrt(x * x + y * y);
        }
        double ratio = Math.min(x, y) / big;
        return big * Math.sqrt(1 + ratio * ratio);
    }
}
