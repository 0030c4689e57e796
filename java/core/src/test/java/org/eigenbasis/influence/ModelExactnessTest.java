package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The exactness cases of issue 11 on real models: K-FAC = EK-FAC = block-GGN on one example and on deep linear
 * networks with squared loss (where every layer's backpropagated vectors do not depend on the input, so the GGN
 * block factorises); exact Hessian = GGN for a model linear in its parameters; logistic regression's scores equal
 * the closed form −g_tᵀ(H + δI)^-1 g_i with H = (1/n) Σ_i (diag p_i − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ and g_i = (p_i − e_y) ⊗ x̃_i,
 * x̃ = [x; 1] in the parameter layout (W row-major, then b). Tolerances: LAPACK's threshold × n·ε × scale for
 * eigendecomposition-based results, times the condition number for solves ({@link ErrorBounds#threshold}).
 */
class ModelExactnessTest {
    private static final Backend JAVA = Backends.select("java");

    private static double[][] square(double[] d, int p) {
        double[][] m = new double[p][p];
        for (int i = 0; i < p; i++) {
            System.arraycopy(d, i * p, m[i], 0, p);
        }
        return m;
    }

    private static void assertSame(double[] expected, double[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void kroneckerRungsEqualBlockGgn(Mlp model, Examples data, String what) {
        List<LayerFactors> f = ModelCurvatures.curvatureFactors(model.layerStatistics(data, FisherVariant.EXACT, 0));
        double[] block = Curvatures.fromFactors(CurvatureKind.BLOCK_GGN, f, JAVA).dense();
        double[] kfac = Curvatures.fromFactors(CurvatureKind.KFAC, f, JAVA).dense();
        double[] ekfac = Curvatures.fromFactors(CurvatureKind.EKFAC, f, JAVA).dense();
        int p = model.parameterCount();
        double tol = ErrorBounds.threshold(1, p, DType.F64, p * maxAbs(block));
        assertSame(block, kfac, tol, what + " kfac vs block-ggn");
        assertSame(block, ekfac, tol, what + " ekfac vs block-ggn");
    }

    @Test
    void oneExampleMakesKfacEkfacAndBlockGgnEqual() {
        for (MlpArchitecture arch : Fixtures.allArchitectures()) {
            Mlp model = Fixtures.model(arch, 3);
            kroneckerRungsEqualBlockGgn(model, Fixtures.data(arch, 1, 4), arch.toString());
        }
    }

    @Test
    void deepLinearNetworksWithSquaredLossFactoriseExactly() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {4, 5, 3, 2}, MlpArchitecture.Activation.IDENTITY,
                MlpArchitecture.Loss.SQUARED);
        Mlp model = Fixtures.model(arch, 5);
        // whitened inputs, (1/n) Σ x_i x_iᵀ = I: Gram–Schmidt on the columns of a Gaussian design, scaled by √n
        int n = 23;
        Examples raw = Fixtures.data(arch, n, 6);
        double[] x = raw.x();
        int d = arch.inputs();
        for (int c = 0; c < d; c++) {
            for (int prev = 0; prev < c; prev++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += x[i * d + c] * x[i * d + prev];
                }
                for (int i = 0; i < n; i++) {
                    x[i * d + c] -= dot * x[i * d + prev];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += x[i * d + c] * x[i * d + c];
            }
            for (int i = 0; i < n; i++) {
                x[i * d + c] /= Math.sqrt(norm);
            }
        }
        for (int i = 0; i < x.length; i++) {
            x[i] *= Math.sqrt(n);
        }
        Examples data = Examples.regression(x, n, d, raw.y(), arch.outputs());
        kroneckerRungsEqualBlockGgn(model, data, "deep linear, whitened");
        // the factorisation needs no whitening: g does not depend on the input in a linear network
        kroneckerRungsEqualBlockGgn(model, raw, "deep linear, raw inputs");
        // and the block-GGN differs from the full GGN (cross-layer blocks are not zero), so the test has teeth
        List<LayerFactors> f = ModelCurvatures.curvatureFactors(model.layerStatistics(data, FisherVariant.EXACT, 0));
        Map<CurvatureKind, Curvature> rungs = new java.util.LinkedHashMap<>();
        rungs.put(CurvatureKind.GGN, Curvatures.fromFactors(CurvatureKind.GGN, f, JAVA));
        rungs.put(CurvatureKind.BLOCK_GGN, Curvatures.fromFactors(CurvatureKind.BLOCK_GGN, f, JAVA));
        assertTrue(CurvatureDiagnostics.ladder(rungs).get("block-ggn vs ggn") > 0.01);
    }

    @Test
    void conjugateGradientsOnTheModelsHessianMatchTheDenseInverse() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {3, 4, 2}, MlpArchitecture.Activation.TANH,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Mlp model = Fixtures.model(arch, 11);
        Examples data = Fixtures.data(arch, 15, 12);
        int p = model.parameterCount();
        HessianProducts products = ModelCurvatures.hessianProducts(model, data, JAVA);
        Curvature dense = Curvatures.hessian(products, p, JAVA);
        double[] lambda = dense.eigenvalues();
        double min = lambda[0];
        double max = lambda[lambda.length - 1];
        double delta = Math.max(0, -min) + 0.05;               // H + δI positive definite with margin 0.05
        double condition = (max + delta) / (min + delta);
        double[] v = Fixtures.gaussian(new Random(13), 2 * p);
        HessianFreeInverse cg = new HessianFreeInverse(products, p);
        double[] x = cg.applyInverse(v, 2, Damping.of(delta));
        double[] expected = dense.applyInverse(v, 2, Damping.of(delta));
        double norm = 0;
        for (double e : expected) {
            norm = Math.max(norm, Math.abs(e));
        }
        // CG stops at relative residual τ: the error is at most condition·τ·‖x‖; the dense solve adds its own
        // backward-stable error (threshold × condition × n·ε)
        double tol = condition * (cg.tolerance() * Math.sqrt(p) + ErrorBounds.threshold(1, p, DType.F64, 1)) * norm;
        assertSame(expected, x, tol, "cg vs dense");
    }

    @Test
    void lanczosFindsTheHessiansExtremeEigenvaluesWithinItsResidualBounds() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {3, 4, 2}, MlpArchitecture.Activation.TANH,
                MlpArchitecture.Loss.SQUARED);
        Mlp model = Fixtures.model(arch, 14);
        Examples data = Fixtures.data(arch, 15, 15);
        int p = model.parameterCount();
        HessianProducts products = ModelCurvatures.hessianProducts(model, data, JAVA);
        double[] exact = Curvatures.hessian(products, p, JAVA).eigenvalues();
        Lanczos.Ritz ritz = Lanczos.ritzValues(products, p, 20, 16, JAVA);
        double scale = Math.max(Math.abs(exact[0]), Math.abs(exact[p - 1]));
        double rounding = ErrorBounds.threshold(1, p, DType.F64, scale);
        // every Ritz value is within its residual bound of some eigenvalue (the operator is symmetric)
        for (int j = 0; j < ritz.values().length; j++) {
            double nearest = Double.POSITIVE_INFINITY;
            for (double e : exact) {
                nearest = Math.min(nearest, Math.abs(e - ritz.values()[j]));
            }
            assertTrue(nearest <= ritz.residuals()[j] + rounding, "Ritz value " + j + ": " + nearest + " > "
                    + ritz.residuals()[j]);
        }
        // and after 20 of 23 steps the extremes have converged to rounding
        int m = ritz.values().length;
        assertEquals(exact[p - 1], ritz.values()[m - 1], Math.max(ritz.residuals()[m - 1], 0) + rounding);
        assertEquals(exact[0], ritz.values()[0], Math.max(ritz.residuals()[0], 0) + rounding);
        assertTrue(ritz.residuals()[m - 1] < 1e-6 * scale, "largest not converged: " + ritz.residuals()[m - 1]);
    }

    @Test
    void logisticRegressionScoresEqualTheClosedForm() {
        int d = 3;
        int classes = 4;
        int n = 20;
        MlpArchitecture arch = new MlpArchitecture(new int[] {d, classes}, MlpArchitecture.Activation.GELU,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Mlp model = Fixtures.model(arch, 7);
        Examples train = Fixtures.data(arch, n, 8);
        Examples test = Fixtures.data(arch, 5, 9);
        int p = model.parameterCount();
        double[] theta = model.parameters();
        double[][] h = new double[p][p];
        double[][] gTrain = closedFormGradients(theta, train, d, classes, h);
        double[][] gTest = closedFormGradients(theta, test, d, classes, null);
        double delta = 0.05;
        double[] hessianDense = Curvatures.hessian(ModelCurvatures.hessianProducts(model, train, JAVA), p, JAVA).dense();
        double hmax = 0;
        for (double[] row : h) {
            for (double v : row) {
                hmax = Math.max(hmax, Math.abs(v));
            }
        }
        double[] hFlat = new double[p * p];
        for (int i = 0; i < p; i++) {
            System.arraycopy(h[i], 0, hFlat, i * p, p);
        }
        // H from Hessian-vector products equals the closed form (the model is linear in θ, so H = GGN too)
        assertSame(hFlat, hessianDense, ErrorBounds.threshold(1, p, DType.F64, p * hmax), "hessian");
        double condition = (p * hmax + delta) / delta;
        for (CurvatureKind kind : List.of(CurvatureKind.HESSIAN, CurvatureKind.GGN)) {
            InverseOperator c = ModelCurvatures.build(kind, model, train, FisherVariant.EXACT, 0, JAVA);
            double[] s = InfluenceScores.pairwise(c, Damping.of(delta), ModelCurvatures.gradients(model, test),
                    ModelCurvatures.gradients(model, train));
            for (int i = 0; i < n; i++) {
                double[] x = FactorFixtures.solve(h, delta, gTrain[i]);
                for (int t = 0; t < 5; t++) {
                    double e = 0;
                    double scale = 0;
                    for (int j = 0; j < p; j++) {
                        e -= gTest[t][j] * x[j];
                        scale += Math.abs(gTest[t][j] * x[j]);
                    }
                    assertEquals(e, s[t * n + i], ErrorBounds.threshold(condition, p, DType.F64, scale),
                            kind.cliName() + " S[" + t + "][" + i + "]");
                }
            }
        }
    }

    /** Per-example gradients (p − e_y) ⊗ [x; 1] in W-then-b layout; adds (1/n)(diag p − ppᵀ) ⊗ x̃x̃ᵀ into h if given. */
    private static double[][] closedFormGradients(double[] theta, Examples data, int d, int classes, double[][] h) {
        int n = data.n();
        int p = classes * d + classes;
        double[][] g = new double[n][p];
        double[] x = data.x();
        int[] y = data.labels();
        for (int i = 0; i < n; i++) {
            double[] z = new double[classes];
            for (int o = 0; o < classes; o++) {
                z[o] = theta[classes * d + o];
                for (int k = 0; k < d; k++) {
                    z[o] += theta[o * d + k] * x[i * d + k];
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            double[] prob = new double[classes];
            for (int o = 0; o < classes; o++) {
                prob[o] = Math.exp(z[o] - max);
                sum += prob[o];
            }
            for (int o = 0; o < classes; o++) {
                prob[o] /= sum;
            }
            double[] xt = new double[d + 1];
            System.arraycopy(x, i * d, xt, 0, d);
            xt[d] = 1;
            for (int o = 0; o < classes; o++) {
                double r = prob[o] - (y[i] == o ? 1 : 0);
                for (int k = 0; k < d; k++) {
                    g[i][o * d + k] = r * xt[k];
                }
                g[i][classes * d + o] = r;
            }
            if (h != null) {
                for (int o = 0; o < classes; o++) {
                    for (int o2 = 0; o2 < classes; o2++) {
                        double lam = (o == o2 ? prob[o] : 0) - prob[o] * prob[o2];
                        for (int k = 0; k <= d; k++) {
                            for (int k2 = 0; k2 <= d; k2++) {
                                int a = k < d ? o * d + k : classes * d + o;
                                int b = k2 < d ? o2 * d + k2 : classes * d + o2;
                                h[a][b] += lam * xt[k] * xt[k2] / n;
                            }
                        }
                    }
                }
            }
        }
        return g;
    }

    @Test
    void theLadderRunsEndToEndAndItsExactRungsPredictRetraining() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {3, 3}, MlpArchitecture.Activation.GELU,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Random r = new Random(10);
        int n = 60;
        double[] w = Fixtures.gaussian(r, 9);
        Examples train = separable(r, n, w);
        Examples val = separable(r, 12, w);
        LadderConfig config = LadderConfig.defaults().withRecipe(SgdRecipe.defaults().withEpochs(40).withBatchSize(8)
                        .withLearningRate(0.1))
                .withLds(LdsConfig.defaults().withAlphas(0.5, 0.8).withSubsets(12).withBootstrap(50))
                .withDampings(1e-3, 1e-1);
        config = new LadderConfig(arch, config.recipe(), 0, config.lds(), config.dampings(), config.rungs(),
                config.eigenFloor(), true);
        LadderResult result = InfluenceLadder.run(train, val, config, JAVA, null);
        assertEquals(6, result.lds().size());
        for (LdsResult[] row : result.lds().values()) {
            assertEquals(2, row.length);
            for (LdsResult l : row) {
                assertTrue(l.lower() <= l.mean() + 1e-12 && l.mean() <= l.upper() + 1e-12, l.toString());
            }
        }
        // a model linear in θ: the Hessian and the GGN coincide, so do their scores' LDS
        assertEquals(result.lds().get(CurvatureKind.HESSIAN)[0].mean(), result.lds().get(CurvatureKind.GGN)[0].mean(), 1e-6);
        assertTrue(result.lds().get(CurvatureKind.HESSIAN)[1].mean() > 0.3, "hessian LDS " + result.lds().get(CurvatureKind.HESSIAN)[1]);
        assertEquals(0, result.diagnostics().get("block (ggn -> block-ggn)") > 0 ? 0 : 1);
        assertTrue(result.validationAccuracy() > 0.5, "accuracy " + result.validationAccuracy());
    }

    private static Examples separable(Random r, int n, double[] w) {
        double[] x = Fixtures.gaussian(r, n * 3);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                double s = 0;
                for (int k = 0; k < 3; k++) {
                    s += w[c * 3 + k] * x[i * 3 + k];
                }
                s += 0.7 * r.nextGaussian();
                if (s > best) {
                    best = s;
                    y[i] = c;
                }
            }
        }
        return Examples.classification(x, n, 3, y);
    }
}
