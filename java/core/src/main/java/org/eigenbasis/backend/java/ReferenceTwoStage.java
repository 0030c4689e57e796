package org.eigenbasis.backend.java;

/**
 * The reference two-stage symmetric eigensolver ({@link org.eigenbasis.value.EighAlgorithm#TWO_STAGE} on the
 * java backend), the referee of the native one: dense → band of half-bandwidth kd ({@link BandReduction}, Q₁),
 * band → tridiagonal by bulge chasing ({@link BulgeChase}, Q₂), the tridiagonal's eigenpairs by
 * {@link TridiagonalQL}'s implicit QL (Z), and the eigenvectors V = Q₁ Q₂ Z, applying the stored reflectors one
 * at a time. All in double, one matrix, plain loops. {@link ReferenceEigh} scales the input exactly by a power of
 * two before (max|aᵢⱼ| in [0.5, 1)) and back after, sorts and applies the canonical sign, as for
 * {@link org.eigenbasis.value.EighAlgorithm#TRIDIAGONAL_QL}.
 *
 * <p>Cost: 4/3 n³ (stage 1) + O(n²·kd) (stage 2) + the QL (about 6 n³ with vectors) + 2 n³ each for Q₂ and
 * Q₁. Memory: the n × n working copy, and with vectors also Z and the stored reflectors, Q₁'s (n − kd)²/2 and
 * Q₂'s about n²/2 entries (under 2n² in all).
 */
final class ReferenceTwoStage {
    /** The largest default half-bandwidth: the native path's usual kd. */
    static final int MAX_DEFAULT_BANDWIDTH = 32;

    private ReferenceTwoStage() {
    }

    /** The default half-bandwidth clamp(n / 8, 1, 32): small enough that test sizes run many sweeps. */
    static int defaultBandwidth(int n) {
        return Math.max(1, Math.min(n / 8, MAX_DEFAULT_BANDWIDTH));
    }

    /**
     * Diagonalises the full symmetric matrix {@code a} (n × n, row-major, both triangles, scaled to max|aᵢⱼ| ≈ 1;
     * destroyed) through a band of half-bandwidth kd. The same contract as {@link TridiagonalQL#solve}.
     *
     * @param kd            ≥ 1; values ≥ n − 1 mean "already a band" (stage 1 does nothing)
     * @param values        receives the n eigenvalues, unsorted
     * @param vectorRows    receives the eigenvectors as ROWS (n × n), or null for eigenvalues only
     * @param maxIterations QL iterations allowed per eigenvalue
     * @return 0, or k &gt; 0 when the k-th eigenvalue (1-based) did not converge (then the outputs are undefined)
     * @throws IllegalArgumentException when kd &lt; 1
     */
    static int solve(double[] a, int n, int kd, double[] values, double[] vectorRows, int maxIterations) {
        if (kd < 1) {
            throw new IllegalArgumentException("kd: " + kd + " must be at least 1");
        }
        if (n == 0) {
            return 0;
        }
        int band = Math.min(kd, Math.max(n - 1, 1));
        boolean keep = vectorRows != null;
        Reflectors q1 = BandReduction.reduce(a, n, band, keep);
        Reflectors q2 = BulgeChase.chase(a, n, band, keep);
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i * n + i];
            e[i] = i + 1 < n ? a[(i + 1) * n + i] : 0;
        }
        if (vectorRows != null) {
            java.util.Arrays.fill(vectorRows, 0, n * n, 0);
            for (int i = 0; i < n; i++) {
                vectorRows[i * n + i] = 1;
            }
        }
        int status = TridiagonalQL.implicitQL(values, e, n, vectorRows, maxIterations);
        if (status == 0 && vectorRows != null) {
            q2.applyToRows(vectorRows, n, n);      // row j: Q₂ z_j
            q1.applyToRows(vectorRows, n, n);      // row j: Q₁ Q₂ z_j, an eigenvector of A
        }
        return status;
    }
}
