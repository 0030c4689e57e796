package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * The structured {@link Curvature#dense()} builds (dense: symmetric rank updates; block-diagonal: per block;
 * Kronecker: S ⊗ A products per layer) equal the generic reconstruction by rotations,
 * {@link Curvatures#denseByRotation}, to rounding: entry (i, j) of both is Σ_k λ_k q_ik q_jk, so both sit within
 * LAPACK's threshold × P × ε × max|λ| of it. Layer shapes include d_out &gt; d_in, a layer without bias and
 * negative eigenvalues (a dense curvature given directly). The structured forms are exactly symmetric and exactly
 * zero outside their blocks.
 */
class DenseFormTest {
    private static final Backend JAVA = Backends.select("java");

    static List<LayerFactors> layers(long seed) {
        Random r = new Random(seed);
        int[] dims = {3, 5, 4, 2};
        boolean[] bias = {true, false, true};
        int n = 7;
        int c = 2;
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
            out.add(new LayerFactors(dims[l], dims[l + 1], bias[l], n, c, a, g));
        }
        return out;
    }

    static void assertSameForm(Curvature c, String what) {
        int p = c.dimension();
        double[] expected = Curvatures.denseByRotation(c);
        double[] actual = c.dense();
        double max = 0;
        for (double v : c.eigenvalues()) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = ErrorBounds.threshold(1, p, DType.F64, max);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                assertEquals(expected[i * p + j], actual[i * p + j], tol, what + "[" + i + "][" + j + "]");
                assertEquals(actual[j * p + i], actual[i * p + j], 0, what + " symmetric at " + i + ", " + j);
            }
        }
    }

    @Test
    void everyRungFromFactorsMatchesTheReconstructionByRotations() {
        List<LayerFactors> layers = layers(21);
        for (CurvatureKind kind : List.of(CurvatureKind.GGN, CurvatureKind.BLOCK_GGN, CurvatureKind.KFAC,
                CurvatureKind.EKFAC, CurvatureKind.IDENTITY)) {
            assertSameForm(Curvatures.fromFactors(kind, layers, JAVA), kind.cliName());
        }
    }

    @Test
    void anIndefiniteDenseCurvatureMatchesToo() {
        Random r = new Random(22);
        int p = 9;
        double[] m = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double v = r.nextGaussian();
                m[i * p + j] = v;
                m[j * p + i] = v;
            }
        }
        Curvature c = Curvatures.fromDense(CurvatureKind.HESSIAN, m, p, JAVA);
        assertSameForm(c, "hessian");
        double[] d = c.dense();
        for (int i = 0; i < p * p; i++) {
            assertEquals(m[i], d[i], ErrorBounds.threshold(1, p, DType.F64, p * 4.0), "entry " + i);
        }
    }

    @Test
    void blocksOfDifferentTensorsAreExactlyZero() {
        List<LayerFactors> layers = layers(23);
        for (CurvatureKind kind : List.of(CurvatureKind.BLOCK_GGN, CurvatureKind.KFAC, CurvatureKind.EKFAC)) {
            Curvature c = Curvatures.fromFactors(kind, layers, JAVA);
            int p = c.dimension();
            int[] tensor = new int[p];           // which parameter tensor each coordinate belongs to
            int offset = 0;
            int t = 0;
            for (LayerFactors l : layers) {
                for (int j = 0; j < l.outputs() * l.inputs(); j++) {
                    tensor[offset++] = t;
                }
                t++;
                if (l.bias()) {
                    for (int j = 0; j < l.outputs(); j++) {
                        tensor[offset++] = t;
                    }
                    t++;
                }
            }
            double[] d = c.dense();
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    if (tensor[i] != tensor[j]) {
                        assertEquals(0.0, d[i * p + j], 0, kind.cliName() + "[" + i + "][" + j + "]");
                    }
                }
            }
        }
    }
}
