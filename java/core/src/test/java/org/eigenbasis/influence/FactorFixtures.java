package org.eigenbasis.influence;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded per-layer factors and the explicit matrices the curvature rungs must equal, built by plain loops. */
final class FactorFixtures {
    private FactorFixtures() {
    }

    /** Random factors of layers dims[0] → dims[1] → ... with biases, n examples, c rows each. */
    static List<LayerFactors> random(int[] dims, int n, int c, long seed) {
        Random r = new Random(seed);
        List<LayerFactors> out = new ArrayList<>();
        for (int l = 0; l + 1 < dims.length; l++) {
            double[] a = new double[n * dims[l]];
            double[] g = new double[n * c * dims[l + 1]];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextGaussian();
            }
            for (int i = 0; i < g.length; i++) {
                g[i] = r.nextGaussian();
            }
            out.add(new LayerFactors(dims[l], dims[l + 1], true, n, c, a, g));
        }
        return out;
    }

    static int parameters(List<LayerFactors> layers) {
        int p = 0;
        for (LayerFactors l : layers) {
            p += l.parameterCount();
        }
        return p;
    }

    /** The GGN (1/n) Σ_{i,c} γγᵀ with γ the concatenated [vec(g aᵀ), g] of every layer, by explicit loops. */
    static double[][] ggn(List<LayerFactors> layers) {
        int p = parameters(layers);
        int n = layers.get(0).examples();
        int c = layers.get(0).perExample();
        double[][] out = new double[p][p];
        for (int i = 0; i < n; i++) {
            for (int cc = 0; cc < c; cc++) {
                double[] gamma = new double[p];
                int off = 0;
                for (LayerFactors l : layers) {
                    for (int o = 0; o < l.outputs(); o++) {
                        for (int k = 0; k < l.inputs(); k++) {
                            gamma[off + o * l.inputs() + k] = l.g()[(i * c + cc) * l.outputs() + o] * l.a()[i * l.inputs() + k];
                        }
                    }
                    off += l.outputs() * l.inputs();
                    if (l.bias()) {
                        for (int o = 0; o < l.outputs(); o++) {
                            gamma[off + o] = l.g()[(i * c + cc) * l.outputs() + o];
                        }
                        off += l.outputs();
                    }
                }
                for (int x = 0; x < p; x++) {
                    for (int y = 0; y < p; y++) {
                        out[x][y] += gamma[x] * gamma[y] / n;
                    }
                }
            }
        }
        return out;
    }

    /** Parameter ranges [start, end) of each tensor (W then b per layer). */
    static List<int[]> tensors(List<LayerFactors> layers) {
        List<int[]> out = new ArrayList<>();
        int off = 0;
        for (LayerFactors l : layers) {
            out.add(new int[] {off, off + l.outputs() * l.inputs()});
            off += l.outputs() * l.inputs();
            if (l.bias()) {
                out.add(new int[] {off, off + l.outputs()});
                off += l.outputs();
            }
        }
        return out;
    }

    /** m with every entry outside the diagonal blocks set to 0. */
    static double[][] blockDiagonal(double[][] m, List<int[]> blocks) {
        double[][] out = new double[m.length][m.length];
        for (int[] b : blocks) {
            for (int x = b[0]; x < b[1]; x++) {
                for (int y = b[0]; y < b[1]; y++) {
                    out[x][y] = m[x][y];
                }
            }
        }
        return out;
    }

    /** K-FAC explicitly: S ⊗ A for W (entry ((o,i),(o',i')) = S[o][o']·A[i][i']) and S for b. */
    static double[][] kfac(List<LayerFactors> layers) {
        int p = parameters(layers);
        double[][] out = new double[p][p];
        int off = 0;
        for (LayerFactors l : layers) {
            int n = l.examples();
            int c = l.perExample();
            double[][] s = new double[l.outputs()][l.outputs()];
            double[][] a = new double[l.inputs()][l.inputs()];
            for (int i = 0; i < n; i++) {
                for (int x = 0; x < l.inputs(); x++) {
                    for (int y = 0; y < l.inputs(); y++) {
                        a[x][y] += l.a()[i * l.inputs() + x] * l.a()[i * l.inputs() + y] / n;
                    }
                }
                for (int cc = 0; cc < c; cc++) {
                    int row = (i * c + cc) * l.outputs();
                    for (int x = 0; x < l.outputs(); x++) {
                        for (int y = 0; y < l.outputs(); y++) {
                            s[x][y] += l.g()[row + x] * l.g()[row + y] / n;
                        }
                    }
                }
            }
            int din = l.inputs();
            for (int o = 0; o < l.outputs(); o++) {
                for (int i = 0; i < din; i++) {
                    for (int o2 = 0; o2 < l.outputs(); o2++) {
                        for (int i2 = 0; i2 < din; i2++) {
                            out[off + o * din + i][off + o2 * din + i2] = s[o][o2] * a[i][i2];
                        }
                    }
                }
            }
            off += l.outputs() * din;
            if (l.bias()) {
                for (int o = 0; o < l.outputs(); o++) {
                    for (int o2 = 0; o2 < l.outputs(); o2++) {
                        out[off + o][off + o2] = s[o][o2];
                    }
                }
                off += l.outputs();
            }
        }
        return out;
    }

    static double[] flat(double[][] m) {
        int p = m.length;
        double[] out = new double[p * p];
        for (int i = 0; i < p; i++) {
            System.arraycopy(m[i], 0, out, i * p, p);
        }
        return out;
    }

    static double maxAbs(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s = Math.max(s, Math.abs(v));
            }
        }
        return s;
    }

    /** Frobenius norm of m. */
    static double frobenius(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    /** Solves (m + δI) x = b for symmetric positive definite m + δI by Cholesky, explicitly. */
    static double[] solve(double[][] m, double delta, double[] b) {
        int p = m.length;
        double[][] l = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double s = m[i][j] + (i == j ? delta : 0);
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalArgumentException("not positive definite");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] y = new double[p];
        for (int i = 0; i < p; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[p];
        for (int i = p - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < p; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
