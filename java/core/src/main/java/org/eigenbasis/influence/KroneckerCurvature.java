package org.eigenbasis.influence;

import java.util.List;

/**
 * A per-layer Kronecker-factored curvature (K-FAC and EK-FAC): layer l's weight block lives in the eigenbasis
 * Q_S ⊗ Q_A of its factors, with eigenvalue λ[p][k] for coordinate (p, k) (K-FAC: s_p·a_k; EK-FAC: fitted to the
 * GGN's diagonal in that basis); its bias block in Q_S with eigenvalues λ_b[p] (K-FAC: s_p). Coordinates follow the
 * parameter layout: each layer's d_out × d_in weight coordinates row-major, then its d_out bias coordinates.
 * Rotating k vectors costs 2k Σ_l (d_out²·d_in + d_out·d_in² + d_out²); memory Σ_l (d_out² + d_in² + d_out·d_in).
 */
final class KroneckerCurvature extends BackedCurvature {
    /** One layer: its factor eigenbases and the eigenvalues of its weight and bias coordinates. */
    record Layer(int dOut, int dIn, boolean bias, Eigenbasis s, Eigenbasis a, double[] weightValues,
                 double[] biasValues) {
        int size() {
            return dOut * dIn + (bias ? dOut : 0);
        }
    }

    private final List<Layer> layers;

    KroneckerCurvature(CurvatureKind kind, List<Layer> layers, Products products) {
        super(kind, total(layers), products);
        this.layers = List.copyOf(layers);
    }

    private static int total(List<Layer> layers) {
        int p = 0;
        for (Layer l : layers) {
            p += l.size();
        }
        return p;
    }




    List<Layer> layers() {
        return layers;
    }

    @Override
    public double[] eigenvalues() {
        double[] out = new double[dimension()];
        int offset = 0;
        for (Layer l : layers) {
            System.arraycopy(l.weightValues(), 0, out, offset, l.dOut() * l.dIn());
            offset += l.dOut() * l.dIn();
            if (l.bias()) {
                System.arraycopy(l.biasValues(), 0, out, offset, l.dOut());
                offset += l.dOut();
            }
        }
        return out;
    }

    /**
     * Exact damping by default; with {@link Damping#piFactorDamping()} on K-FAC the weight coordinates get
     * 1/((s_p + π√δ)(a_k + √δ/π)), π = √((tr A/d_in)/(tr S/d_out)), and the bias coordinates 1/(s_p + δ) (a bias
     * has no second factor to share the damping with); the floor applies to the damped eigenvalue either way.
     */
    @Override
    public double[] inverseWeights(Damping damping) {
        if (!(damping.piFactorDamping() && kind() == CurvatureKind.KFAC)) {
            return super.inverseWeights(damping);
        }
        double[] w = new double[dimension()];
        double root = Math.sqrt(damping.delta());
        int offset = 0;
        for (Layer l : layers) {
            double[] s = l.s().values();
            double[] a = l.a().values();
            double pi = piHeuristic(s, a);
            for (int p = 0; p < l.dOut(); p++) {
                for (int k = 0; k < l.dIn(); k++) {
                    double d = (s[p] + pi * root) * (a[k] + root / pi);
                    w[offset + p * l.dIn() + k] = d > damping.eigenFloor() ? 1 / d : 0;
                }
            }
            offset += l.dOut() * l.dIn();
            if (l.bias()) {
                for (int p = 0; p < l.dOut(); p++) {
                    w[offset + p] = damping.inverse(s[p]);
                }
                offset += l.dOut();
            }
        }
        return w;
    }

    /** π = √((tr A / d_in) / (tr S / d_out)) from the factor eigenvalues; 1 when either trace is not positive. */
    static double piHeuristic(double[] s, double[] a) {
        double ts = 0;
        for (double v : s) {
            ts += v;
        }
        double ta = 0;
        for (double v : a) {
            ta += v;
        }
        double pi = Math.sqrt((ta / a.length) / (ts / s.length));
        return Double.isFinite(pi) && pi > 0 ? pi : 1;
    }

    @Override
    public double[] toEigenbasis(double[] v, int k) {
        return rotate(v, k, true);
    }

    @Override
    public double[] fromEigenbasis(double[] c, int k) {
        return rotate(c, k, false);
    }

    /** Whether {@code g}'s layers have this curvature's layer shapes (then {@link #toEigenbasis(FactoredGradients,
     * int, int)} applies). */
    boolean accepts(FactoredGradients g) {
        if (g.layers().size() != layers.size()) {
            return false;
        }
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            LayerFactors f = g.layers().get(i);
            if (f.outputs() != l.dOut() || f.inputs() != l.dIn() || f.bias() != l.bias()) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #toEigenbasis(double[], int)} of the factored gradients of examples [from, to) (layer shapes as
     * {@link #accepts}), without forming them: the weight coordinates of example i are
     * Q_Sᵀ (g_i a_iᵀ) Q_A = (Q_Sᵀ g_i)(Q_Aᵀ a_i)ᵀ, the bias coordinates Q_Sᵀ g_i. Two products per layer
     * (2k(d_out² + d_in²) flops) and the outer products, against 2k(d_out²·d_in + d_out·d_in²) for the expanded
     * rotation; equal to it to rounding.
     */
    double[] toEigenbasis(FactoredGradients gradients, int from, int to) {
        int k = to - from;
        double[] out = new double[k * dimension()];
        int offset = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            LayerFactors f = gradients.layers().get(i);
            int dOut = l.dOut();
            int dIn = l.dIn();
            double[] g = java.util.Arrays.copyOfRange(f.g(), from * dOut, to * dOut);
            double[] a = java.util.Arrays.copyOfRange(f.a(), from * dIn, to * dIn);
            double[] gs = products().multiply(g, k, dOut, false, l.s().vectors(), dOut, dOut, false);   // rows (Q_Sᵀ g)ᵀ
            double[] as = products().multiply(a, k, dIn, false, l.a().vectors(), dIn, dIn, false);      // rows (Q_Aᵀ a)ᵀ
            for (int r = 0; r < k; r++) {
                int row = r * dimension() + offset;
                for (int p = 0; p < dOut; p++) {
                    double gp = gs[r * dOut + p];
                    int base = row + p * dIn;
                    for (int q = 0; q < dIn; q++) {
                        out[base + q] = gp * as[r * dIn + q];
                    }
                }
                if (l.bias()) {
                    System.arraycopy(gs, r * dOut, out, row + dOut * dIn, dOut);
                }
            }
            offset += l.size();
        }
        return out;
    }

    private double[] rotate(double[] v, int k, boolean forward) {
        double[] out = new double[v.length];
        int offset = 0;
        for (Layer l : layers) {
            int w = l.dOut() * l.dIn();
            double[] slice = Slices.columns(v, k, dimension(), offset, w);
            double[] r = products().kroneckerRotate(l.s().vectors(), l.dOut(), l.a().vectors(), l.dIn(), slice, k, forward);
            Slices.putColumns(r, k, w, out, dimension(), offset);
            offset += w;
            if (l.bias()) {
                double[] b = Slices.columns(v, k, dimension(), offset, l.dOut());
                // rows: bᵀ Q_S = (Q_Sᵀ b)ᵀ forward, cᵀ Q_Sᵀ back
                double[] rb = products().multiply(b, k, l.dOut(), false, l.s().vectors(), l.dOut(), l.dOut(), !forward);
                Slices.putColumns(rb, k, l.dOut(), out, dimension(), offset);
                offset += l.dOut();
            }
        }
        return out;
    }

    /** Scalars of block-pair products per call in {@link #dense()} (32 MiB). */
    static final int DENSE_CHUNK = 1 << 22;

    /**
     * The layers' blocks built from their Kronecker structure, zeros elsewhere (also between a layer's weights and
     * its bias, whose eigenbases are separate). Weight block of a layer, entry ((o, i), (o', i')):
     * Σ_p Q_S[o,p] Q_S[o',p] M_p[i,i'] with M_p = Q_A diag(λ[p, ·]) Q_Aᵀ: the M_p in one product
     * (2·d_out·d_in³ flops), then for the pairs o ≤ o' one product of the pairs' Q_S[o,p]·Q_S[o',p] rows with the
     * M_p (d_out²·d_out·d_in² flops, half of all pairs), mirrored to (o', o); the bias block
     * Q_S diag(λ_b) Q_Sᵀ ({@link Products#reconstruct}). Equal to the reconstruction by rotations to rounding,
     * which costs 4P·Σ(d_out²·d_in + d_out·d_in²).
     */
    @Override
    public double[] dense() {
        int p = dimension();
        Checks.denseFits("dense " + kind().cliName(), p);
        double[] out = new double[p * p];
        int offset = 0;
        for (Layer l : layers) {
            int dOut = l.dOut();
            int dIn = l.dIn();
            int w = dOut * dIn;
            int d2 = dIn * dIn;
            double[] qs = l.s().vectors();
            double[] qa = l.a().vectors();
            double[] lambda = l.weightValues();
            double[] left = new double[w * dIn];                 // row (p, i): Q_A[i, ·] ⊙ λ[p, ·]
            for (int q = 0; q < dOut; q++) {
                for (int i = 0; i < dIn; i++) {
                    for (int k = 0; k < dIn; k++) {
                        left[(q * dIn + i) * dIn + k] = qa[i * dIn + k] * lambda[q * dIn + k];
                    }
                }
            }
            double[] m = products().multiply(left, w, dIn, false, qa, dIn, dIn, true);   // row p: M_p, d_in² entries
            int pairs = dOut * (dOut + 1) / 2;
            int perChunk = Math.max(1, Math.min(pairs, DENSE_CHUNK / d2));
            int[] first = new int[pairs];
            int[] second = new int[pairs];
            for (int o = 0, q = 0; o < dOut; o++) {
                for (int o2 = o; o2 < dOut; o2++, q++) {
                    first[q] = o;
                    second[q] = o2;
                }
            }
            for (int q0 = 0; q0 < pairs; q0 += perChunk) {
                int c = Math.min(perChunk, pairs - q0);
                double[] r = new double[c * dOut];
                for (int q = 0; q < c; q++) {
                    int o = first[q0 + q];
                    int o2 = second[q0 + q];
                    for (int k = 0; k < dOut; k++) {
                        r[q * dOut + k] = qs[o * dOut + k] * qs[o2 * dOut + k];
                    }
                }
                double[] t = products().multiply(r, c, dOut, false, m, dOut, d2, false);
                for (int q = 0; q < c; q++) {
                    int rowBase = offset + first[q0 + q] * dIn;
                    int colBase = offset + second[q0 + q] * dIn;
                    for (int i = 0; i < dIn; i++) {
                        for (int i2 = 0; i2 < dIn; i2++) {
                            double v = t[q * d2 + i * dIn + i2];
                            out[(rowBase + i) * p + colBase + i2] = v;
                            out[(colBase + i2) * p + rowBase + i] = v;
                        }
                    }
                }
            }
            offset += w;
            if (l.bias()) {
                double[] b = products().reconstruct(qs, l.biasValues(), dOut);
                for (int r = 0; r < dOut; r++) {
                    System.arraycopy(b, r * dOut, out, (offset + r) * p + offset, dOut);
                }
                offset += dOut;
            }
        }
        return out;
    }
}
