package org.eigenbasis.influence;

import java.util.List;

/**
 * A per-layer Kronecker-factored curvature (K-FAC and EK-FAC): layer l's weight block lives in the eigenbasis
 * Q_S ⊗ Q_A of its factors, with eigenvalue λ[p][k] for coordinate (p, k) (K-FAC: s_p·a_k; EK-FAC: fitted to the
 * GGN's diagonal in that basis); its bias block in Q_S with eigenvalues λ_b[p] (K-FAC: s_p). Coordinates follow the
 * parameter layout: each layer's d_out × d_in weight coordinates row-major, then its d_out bias coordinates.
 * Rotating k vectors costs 2k Σ_l (d_out²·d_in + d_out·d_in² + d_out²); memory Σ_l (d_out² + d_in² + d_out·d_in).
 */
final class KroneckerCurvature implements Curvature, Backed {
    /** One layer: its factor eigenbases and the eigenvalues of its weight and bias coordinates. */
    record Layer(int dOut, int dIn, boolean bias, Eigenbasis s, Eigenbasis a, double[] weightValues,
                 double[] biasValues) {
        int size() {
            return dOut * dIn + (bias ? dOut : 0);
        }
    }

    private final CurvatureKind kind;
    private final List<Layer> layers;
    private final int dimension;
    private final Products products;

    KroneckerCurvature(CurvatureKind kind, List<Layer> layers, Products products) {
        this.kind = kind;
        this.layers = List.copyOf(layers);
        this.products = products;
        int p = 0;
        for (Layer l : layers) {
            p += l.size();
        }
        this.dimension = p;
    }

    @Override
    public Products products() {
        return products;
    }

    @Override
    public CurvatureKind kind() {
        return kind;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    List<Layer> layers() {
        return layers;
    }

    @Override
    public double[] eigenvalues() {
        double[] out = new double[dimension];
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
        if (!(damping.piFactorDamping() && kind == CurvatureKind.KFAC)) {
            return Curvature.super.inverseWeights(damping);
        }
        double[] w = new double[dimension];
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

    private double[] rotate(double[] v, int k, boolean forward) {
        double[] out = new double[v.length];
        int offset = 0;
        for (Layer l : layers) {
            int w = l.dOut() * l.dIn();
            double[] slice = Slices.columns(v, k, dimension, offset, w);
            double[] r = products.kroneckerRotate(l.s().vectors(), l.dOut(), l.a().vectors(), l.dIn(), slice, k, forward);
            Slices.putColumns(r, k, w, out, dimension, offset);
            offset += w;
            if (l.bias()) {
                double[] b = Slices.columns(v, k, dimension, offset, l.dOut());
                // rows: bᵀ Q_S = (Q_Sᵀ b)ᵀ forward, cᵀ Q_Sᵀ back
                double[] rb = products.multiply(b, k, l.dOut(), false, l.s().vectors(), l.dOut(), l.dOut(), !forward);
                Slices.putColumns(rb, k, l.dOut(), out, dimension, offset);
                offset += l.dOut();
            }
        }
        return out;
    }
}
