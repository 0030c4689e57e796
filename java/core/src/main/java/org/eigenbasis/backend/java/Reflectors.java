package org.eigenbasis.backend.java;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered product Q = H₀ H₁ ⋯ H_{k−1} of Householder reflectors H = I − τ v vᵀ, each acting on the index range
 * [start, start + v.length) with v[0] = 1 (LAPACK's dlarfg convention), plus the primitives that make and apply
 * them to full symmetric n × n row-major matrices. Used by the two-stage reference ({@link BandReduction},
 * {@link BulgeChase}) to keep Q₁ and Q₂ for the back-transformation, one reflector at a time.
 *
 * <p>Every primitive keeps both triangles of the symmetric matrix up to date, so a column can be read along its
 * row (contiguous) and the plain loops stay readable.
 */
final class Reflectors {
    /** One reflector: H = I − τ v vᵀ on [start, start + v.length); β is what it maps its column's head to. */
    record Reflector(int start, double tau, double[] v, double beta) {
    }

    private final List<Reflector> list = new ArrayList<>();
    private final boolean keep;

    /** @param keep false for eigenvalues only: {@link #add} then drops the reflectors and the product stays I */
    Reflectors(boolean keep) {
        this.keep = keep;
    }

    void add(Reflector h) {
        if (keep) {
            list.add(h);
        }
    }

    int size() {
        return list.size();
    }

    Reflector get(int i) {
        return list.get(i);
    }

    /**
     * Makes the reflector that maps x = (a[from], a[from + 1], …, a[from + len − 1]) to (β, 0, …, 0): dlarfg's
     * β = −sign(x₀)‖x‖, τ = (β − x₀)/β, v = (1, x₁/(x₀ − β), …); τ = 0 (H = I, β = x₀) when x₁.. are all zero.
     * The norm is taken in units of max|xᵢ|, so entries far below 1e-154 are annihilated too instead of
     * underflowing in their squares. Reads a only; cost 3·len.
     */
    static Reflector make(double[] a, int from, int len, int start) {
        double alpha = a[from];
        double biggest = 0;
        for (int i = 1; i < len; i++) {
            biggest = Math.max(biggest, Math.abs(a[from + i]));
        }
        double[] v = new double[len];
        v[0] = 1;
        if (biggest == 0) {
            return new Reflector(start, 0, v, alpha);
        }
        double big = Math.max(biggest, Math.abs(alpha));
        double sum = 0;
        for (int i = 0; i < len; i++) {
            double x = a[from + i] / big;
            sum += x * x;
        }
        double beta = -Math.copySign(big * Math.sqrt(sum), alpha);
        double inverse = 1 / (alpha - beta);
        for (int i = 1; i < len; i++) {
            v[i] = a[from + i] * inverse;
        }
        return new Reflector(start, (beta - alpha) / beta, v, beta);
    }

    /**
     * Writes the result of H applied to column {@code column} of a: entry (start, column) becomes β and the
     * rest of the reflector's range becomes exactly zero, in both triangles. Cost len.
     */
    static void annihilate(double[] a, int n, int column, Reflector h) {
        int start = h.start();
        a[start * n + column] = h.beta();
        a[column * n + start] = h.beta();
        for (int i = 1; i < h.v().length; i++) {
            a[(start + i) * n + column] = 0;
            a[column * n + start + i] = 0;
        }
    }

    /**
     * S ← H S H for the symmetric diagonal block S = a[s:s+len, s:s+len] (both triangles), H = I − τ v vᵀ
     * with v = vs[vOffset : vOffset + len]: p = τ S v, w = p − (τ/2)(pᵀv) v, S ← S − v wᵀ − w vᵀ (Golub and Van
     * Loan, 4th ed., 8.3.1). {@code vs} must not overlap the block. Cost 4 len²; {@code work} holds ≥ len.
     */
    static void twoSided(double[] a, int n, int s, int len, double[] vs, int vOffset, double tau, double[] work) {
        if (tau == 0) {
            return;
        }
        double pv = 0;
        for (int i = 0; i < len; i++) {
            int row = (s + i) * n + s;
            double sum = 0;
            for (int j = 0; j < len; j++) {
                sum += a[row + j] * vs[vOffset + j];
            }
            work[i] = tau * sum;
            pv += work[i] * vs[vOffset + i];
        }
        double half = 0.5 * tau * pv;
        for (int i = 0; i < len; i++) {
            work[i] -= half * vs[vOffset + i];
        }
        for (int i = 0; i < len; i++) {
            int row = (s + i) * n + s;
            double vi = vs[vOffset + i];
            double wi = work[i];
            for (int j = 0; j < len; j++) {
                a[row + j] -= vi * work[j] + wi * vs[vOffset + j];
            }
        }
    }

    /** {@link #twoSided(double[], int, int, int, double[], int, double, double[])} with h's own range. */
    static void twoSided(double[] a, int n, Reflector h, double[] work) {
        twoSided(a, n, h.start(), h.v().length, h.v(), 0, h.tau(), work);
    }

    /**
     * The off-diagonal block on h's rows and the columns [c0, c1) (disjoint from h's range): B ← H B, written to
     * both triangles, which is also Bᵀ ← Bᵀ H, the right-hand application to the mirrored block. Each column is
     * read along its row, contiguously. Cost 4·len·(c1 − c0).
     */
    static void applyToColumns(double[] a, int n, Reflector h, int c0, int c1) {
        double tau = h.tau();
        if (tau == 0) {
            return;
        }
        double[] v = h.v();
        int start = h.start();
        for (int c = c0; c < c1; c++) {
            reflect(a, c * n + start, v, tau);
            for (int i = 0; i < v.length; i++) {
                a[(start + i) * n + c] = a[c * n + start + i];
            }
        }
    }

    /** x ← (I − τ v vᵀ) x for the contiguous x = data[at : at + v.length]. Cost 4·len. */
    private static void reflect(double[] data, int at, double[] v, double tau) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += v[i] * data[at + i];
        }
        s *= tau;
        for (int i = 0; i < v.length; i++) {
            data[at + i] -= s * v[i];
        }
    }

    /**
     * Z ← Q Z for the n-vectors stored as the {@code rows} rows of the row-major {@code z} (each row is one column
     * of Z, e.g. an eigenvector): the reflectors are applied last to first, each to every row. Cost 4·n·Σ len.
     */
    void applyToRows(double[] z, int n, int rows) {
        for (int k = list.size() - 1; k >= 0; k--) {
            Reflector h = list.get(k);
            double tau = h.tau();
            if (tau == 0) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                reflect(z, r * n + h.start(), h.v(), tau);
            }
        }
    }

    /** Q as an explicit n × n row-major matrix (for tests): Qᵀ's rows are Q's columns, so Q = (Q I)ᵀ. */
    double[] toDense(int n) {
        double[] qt = new double[n * n];
        for (int i = 0; i < n; i++) {
            qt[i * n + i] = 1;
        }
        applyToRows(qt, n, n);              // row i of the result is Q e_i, column i of Q
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[j * n + i] = qt[i * n + j];
            }
        }
        return q;
    }
}
