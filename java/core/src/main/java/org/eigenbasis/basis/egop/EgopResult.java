package org.eigenbasis.basis.egop;

import org.eigenbasis.internal.LeastSquaresLine;

/**
 * An EGOP estimate and its spectrum. Arrays are copied in and out.
 *
 * <ul>
 *   <li>{@link #egop()}: the estimate (1/M) Σ_j g_j g_jᵀ, d × d row-major, exactly symmetric.</li>
 *   <li>{@link #values()}: its eigenvalues in <b>descending</b> order λ_1 ≥ … ≥ λ_d (as computed: rounding may leave
 *       the smallest slightly negative).</li>
 *   <li>{@link #vectors()}: V, d × d row-major, eigenvector i in column i (matching {@code values()[i]}),
 *       orthonormal, each column with the canonical sign of {@link org.eigenbasis.linalg.CanonicalSign}; so
 *       EGOP = V diag(λ) Vᵀ.</li>
 *   <li>{@link #stableRank()}: trace / λ_1 (the trace summed from the estimate's diagonal); NaN when λ_1 ≤ 0.</li>
 *   <li>{@link #decayExponent()} α and {@link #decayFitCount()} k: the least-squares slope of −log λ_i against
 *       log i over i = 1..k, the leading eigenvalues above the floor (see {@link #decayExponent(double[], double,
 *       int)}); λ_i ∝ i^-α gives α. NaN (and k &lt; 2) when fewer than two eigenvalues qualify.</li>
 * </ul>
 */
public record EgopResult(int dimension, int samples, double[] egop, double[] values, double[] vectors,
                         double stableRank, double decayExponent, int decayFitCount) {
    public EgopResult {
        egop = egop.clone();
        values = values.clone();
        vectors = vectors.clone();
    }

    @Override
    public double[] egop() {
        return egop.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public double[] vectors() {
        return vectors.clone();
    }

    /** The leading r eigenvectors V_r, d × r row-major (column i = eigenvector of λ_{i+1}). */
    public double[] leadingVectors(int r) {
        if (r < 1 || r > dimension) {
            throw new IllegalArgumentException("r: " + r + " must be in [1, " + dimension + "]");
        }
        double[] out = new double[dimension * r];
        for (int i = 0; i < dimension; i++) {
            System.arraycopy(vectors, i * dimension, out, i * r, r);
        }
        return out;
    }

    /** Stable rank Σλ / λ_1 = trace / λ_max of a spectrum given in descending order; NaN when λ_1 ≤ 0. */
    public static double stableRank(double trace, double[] descending) {
        if (descending.length == 0 || !(descending[0] > 0)) {
            return Double.NaN;
        }
        return trace / descending[0];
    }

    /**
     * The number of leading eigenvalues the decay fit uses: the longest prefix λ_1..λ_k of the descending spectrum
     * with every λ_i &gt; floor·λ_1 (so it stops at the first eigenvalue at or below the floor, and at any
     * non-positive one), capped at {@code maxCount} when that is positive. 0 when λ_1 ≤ 0.
     */
    public static int decayFitCount(double[] descending, double floor, int maxCount) {
        if (descending.length == 0 || !(descending[0] > 0)) {
            return 0;
        }
        int cap = maxCount > 0 ? Math.min(maxCount, descending.length) : descending.length;
        double limit = floor * descending[0];
        int k = 0;
        while (k < cap && descending[k] > limit) {
            k++;
        }
        return k;
    }

    /**
     * The decay exponent α of a descending spectrum: ordinary least squares of y_i = log λ_i on x_i = log i over
     * i = 1..k, k = {@link #decayFitCount(double[], double, int)}, and α = −slope (so λ_i = c·i^-α gives α
     * exactly, up to rounding). NaN when k &lt; 2.
     */
    public static double decayExponent(double[] descending, double floor, int maxCount) {
        int k = decayFitCount(descending, floor, maxCount);
        if (k < 2) {
            return Double.NaN;
        }
        double[] x = new double[k];
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            x[i] = Math.log(i + 1);
            y[i] = Math.log(descending[i]);
        }
        return -LeastSquaresLine.fit(x, y).slope();
    }
}
