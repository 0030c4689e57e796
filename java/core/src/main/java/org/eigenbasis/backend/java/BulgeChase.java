package org.eigenbasis.backend.java;

/**
 * Stage 2 of the two-stage eigensolver: an orthogonal similarity T = Q₂ᵀ B Q₂ from a symmetric band B of
 * half-bandwidth kd to a symmetric tridiagonal T, by bulge chasing in the order of LAPACK's ?sytrd_sb2st
 * (Schwarz, Numer. Math. 12, 1968; Lang, Parallel Computing 24, 1998; Haidar, Ltaief and Dongarra, SC'11).
 *
 * <p>Sweep i (i = 0 … n−3) makes column i tridiagonal. Its first task builds a reflector of length ≤ kd that
 * maps A(i+1 : i+kd, i) to (β, 0, …) and applies it two-sidedly to the diagonal block it spans. Each further task
 * takes the previous reflector (on the block [st, ed]) and
 * <ol>
 *   <li>applies it from the right to the block below, rows [ed+1, ed+kd], which fills that block (the bulge);</li>
 *   <li>annihilates the bulge's first column (column st) below its top entry with a new reflector on rows
 *       [ed+1, ed+kd], applied from the left to the rest of the bulge's columns, st+1 … ed;</li>
 *   <li>applies the new reflector two-sidedly to its diagonal block [ed+1, ed+kd],</li>
 * </ol>
 * until the block below is empty; a block of one row still gets step 1 and is left to the next sweeps. The
 * bulge's other columns are left for the following sweeps, which annihilate them one column further on, so B
 * never fills beyond 2kd − 1 subdiagonals. Each task costs O(kd²) and a sweep has about (n − i)/kd of them:
 * O(n²·kd) in all. Q₂ = G₁ G₂ ⋯ G_K in the order the reflectors were made.
 *
 * <p>Written for clarity on a full n × n array (both triangles kept), touching only the band and its bulges.
 */
final class BulgeChase {
    private BulgeChase() {
    }

    /**
     * Reduces the full symmetric n × n row-major band {@code a} (half-bandwidth kd, entries beyond it zero) in
     * place to tridiagonal form: on return every entry with |i − j| &gt; 1 is exactly zero and a holds T with
     * B = Q₂ T Q₂ᵀ.
     *
     * @param kd the band's half-bandwidth, ≥ 1 (kd = 1: nothing to do); entries beyond it must be zero: the
     *           bulges form there
     * @param keep whether to keep the reflectors (false for eigenvalues only: O(kd) memory beyond a)
     * @return Q₂'s reflectors in order (their product is Q₂); empty when kd = 1, n ≤ 2 or !keep
     * @throws IllegalArgumentException when kd &lt; 1
     */
    static Reflectors chase(double[] a, int n, int kd, boolean keep) {
        if (kd < 1) {
            throw new IllegalArgumentException("kd: " + kd + " must be at least 1");
        }
        Reflectors q2 = new Reflectors(keep);
        double[] work = new double[kd];
        for (int sweep = 0; sweep + 2 < n && kd > 1; sweep++) {
            // Task 1: column `sweep` inside the band, rows [sweep+1, sweep+kd].
            int st = sweep + 1;
            int ed = Math.min(sweep + kd, n - 1);
            Reflectors.Reflector h = Reflectors.make(a, sweep * n + st, ed - st + 1, st);
            Reflectors.annihilate(a, n, sweep, h);
            Reflectors.twoSided(a, n, h, work);
            q2.add(h);
            while (ed + 1 < n) {
                int below0 = ed + 1;
                int below1 = Math.min(ed + kd, n - 1);
                // Right-hand application of h (columns [st, ed]) to rows [below0, below1]: the bulge appears.
                Reflectors.applyToColumns(a, n, h, below0, below1 + 1);
                if (below1 == below0) {            // one row below: inside the band, for the next sweeps
                    break;
                }
                // The bulge's first column, rows [below0, below1], annihilated below its top entry.
                Reflectors.Reflector g = Reflectors.make(a, st * n + below0, below1 - below0 + 1, below0);
                Reflectors.annihilate(a, n, st, g);
                Reflectors.applyToColumns(a, n, g, st + 1, ed + 1);
                Reflectors.twoSided(a, n, g, work);
                q2.add(g);
                h = g;
                st = below0;
                ed = below1;
            }
        }
        return q2;
    }
}
