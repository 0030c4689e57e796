package org.eigenbasis.internal.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Block boundaries of the vector products, and the layout helpers. */
class MlpMathTest {
    private static final int[] LAYERS = {5, 7, 4, 3};

    private static double[] gaussian(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian() * 0.5;
        }
        return v;
    }

    @Test
    void layoutMatchesTheFlatOrder() {
        assertEquals(0, MlpMath.weightOffset(LAYERS, 0));
        assertEquals(35, MlpMath.biasOffset(LAYERS, 0));
        assertEquals(42, MlpMath.weightOffset(LAYERS, 1));
        assertEquals(42 + 28 + 4 + 12 + 3, MlpMath.parameterCount(LAYERS));
        double[] p = new double[MlpMath.parameterCount(LAYERS)];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        double[] t = new double[p.length];
        MlpMath.transposeWeights(LAYERS, p, 0, t);
        // W_1 is 4 × 7 at 42: entry (o = 2, k = 5) = 42 + 19 lands at 42 + 5·4 + 2
        assertEquals(42 + 19, t[42 + 5 * 4 + 2], 0);
        assertEquals(p[35], t[35], 0);
    }

    /**
     * The products are means over examples, so n·f(all rows) = Σ over a split of the rows of n_part·f(part); with
     * 130 rows split 64 + 1 + 65, the pieces start and end inside and at the edges of the 64-row blocks. Both sides
     * sum the same per-example terms in different groupings: within γ_{2n} of the sum of magnitudes (bounded by
     * n·max).
     */
    @Test
    void blockedProductsAreAdditiveOverExamples() {
        Random r = new Random(1);
        int p = MlpMath.parameterCount(LAYERS);
        int n = 130;
        double[] params = gaussian(r, p);
        double[] x = gaussian(r, n * 5);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
        }
        double[] v = gaussian(r, 2 * p);
        int[][] parts = {{0, 64}, {64, 65}, {65, 130}};
        for (int kind = 0; kind < 2; kind++) {
            double[] all = new double[2 * p];
            product(kind, params, x, y, 0, n, v, all);
            double[] sum = new double[2 * p];
            for (int[] part : parts) {
                double[] piece = new double[2 * p];
                product(kind, params, x, y, part[0], part[1], v, piece);
                for (int q = 0; q < sum.length; q++) {
                    sum[q] += (part[1] - part[0]) * piece[q];
                }
            }
            double max = 0;
            for (double a : all) {
                max = Math.max(max, Math.abs(a));
            }
            double tol = 2 * n * 0x1p-53 * n * (max + 1) * 16;
            for (int q = 0; q < sum.length; q++) {
                assertEquals(n * all[q], sum[q], tol, (kind == 0 ? "hvp" : "ggn") + " entry " + q);
            }
        }
    }

    private static void product(int kind, double[] params, double[] x, double[] y, int from, int to, double[] v,
                                double[] out) {
        double[] xs = java.util.Arrays.copyOfRange(x, from * 5, to * 5);
        double[] ys = java.util.Arrays.copyOfRange(y, from, to);
        if (kind == 0) {
            MlpMath.hessianVectorProducts(LAYERS, MlpMath.GELU, MlpMath.CROSS_ENTROPY, params, xs, ys, to - from, v, 2,
                    out);
        } else {
            MlpMath.ggnVectorProducts(LAYERS, MlpMath.TANH, MlpMath.CROSS_ENTROPY, params, xs, to - from, v, 2, out);
        }
    }
}
