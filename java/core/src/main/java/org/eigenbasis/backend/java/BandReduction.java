package org.eigenbasis.backend.java;

/**
 * Stage 1 of the two-stage eigensolver: an orthogonal similarity B = Q₁ᵀ A Q₁ from a dense symmetric A to a band
 * of half-bandwidth kd, as LAPACK's ?sytrd_sy2sb (UPLO = 'L') defines it, written unblocked: for each panel of
 * kd columns starting at column j, the QR factorisation of A(j+kd:n, j:j+kd) by one reflector per column, each
 * applied two-sidedly to the trailing matrix. Reflector c acts on rows [c + kd, n) and maps column c below the
 * band to (β, 0, …, 0); Q₁ = H₀ H₁ ⋯ H_{n−kd−2}. Applying each reflector to the whole trailing matrix at once,
 * column after column, is the same arithmetic as sy2sb's panel-then-trailing order in exact arithmetic: the
 * right-hand side of reflector c touches columns ≥ c + kd, never its own panel.
 *
 * <p>kd = 1 is the ordinary Householder tridiagonalisation ({@link TridiagonalQL}'s, same signs). Cost about
 * 4/3 n³ + 2 n²·kd; reflectors kept: (n − kd)²/2 doubles.
 */
final class BandReduction {
    private BandReduction() {
    }

    /**
     * Reduces the full symmetric n × n row-major {@code a} (both triangles, scaled to max|aᵢⱼ| ≈ 1) in place to
     * its band: on return every entry with |i − j| &gt; kd is exactly zero and a holds B with A = Q₁ B Q₁ᵀ.
     *
     * @param kd the half-bandwidth, ≥ 1; kd ≥ n − 1 leaves a unchanged (it is already a band)
     * @param keep whether to keep the reflectors (false for eigenvalues only: O(n) memory beyond a)
     * @return Q₁'s reflectors in order (their product is Q₁); empty when nothing was reduced or !keep
     * @throws IllegalArgumentException when kd &lt; 1
     */
    static Reflectors reduce(double[] a, int n, int kd, boolean keep) {
        if (kd < 1) {
            throw new IllegalArgumentException("kd: " + kd + " must be at least 1");
        }
        Reflectors q1 = new Reflectors(keep);
        double[] work = new double[n];
        for (int panel = 0; panel + kd + 1 < n; panel += kd) {
            for (int c = panel; c < panel + kd && c + kd + 1 < n; c++) {
                int start = c + kd;                 // the column's first row beyond the band: β lands here
                int len = n - start;
                Reflectors.Reflector h = Reflectors.make(a, c * n + start, len, start);   // column c, read along row c
                Reflectors.annihilate(a, n, c, h);
                Reflectors.applyToColumns(a, n, h, c + 1, start);      // the QR's update of the columns left of h
                Reflectors.twoSided(a, n, h, work);                     // the trailing matrix, both sides
                q1.add(h);
            }
        }
        return q1;
    }
}
