package org.eigenbasis.influence;

import static org.eigenbasis.influence.Fixtures.allArchitectures;
import static org.eigenbasis.influence.Fixtures.axpy;
import static org.eigenbasis.influence.Fixtures.dot;
import static org.eigenbasis.influence.Fixtures.maxAbs;
import static org.eigenbasis.influence.Fixtures.richardson;
import static org.eigenbasis.influence.Fixtures.richardsonTolerance;
import static org.eigenbasis.influence.Fixtures.rounding;
import static org.eigenbasis.influence.Fixtures.unit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every derivative of {@link Mlp} against central finite differences (Richardson-extrapolated, tolerance from
 * {@link Fixtures#richardsonTolerance}) and against each other, for every activation with both losses. n = 7 is
 * below one block of examples; the 67-example cases cross a block boundary.
 */
class MlpDerivativesTest {
    /** Step: truncation c·h² ≈ 1e−8 relative, rounding 1.5·δ_f/h ≈ 1e−9 for these P ≈ 60 models. */
    private static final double H = 1e-4;
    private static final Backend JAVA = Backends.select("java");

    static Stream<MlpArchitecture> architectures() {
        return allArchitectures().stream();
    }

    private static int n(MlpArchitecture arch) {
        // one case per loss crosses the 64-example block of MlpMath
        return arch.activation() == MlpArchitecture.Activation.GELU ? 67 : 7;
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void gradientMatchesFiniteDifferencesOfTheMeanLoss(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 1);
        Examples data = Fixtures.data(arch, n(arch), 2);
        double[] grad = model.gradient(data);
        double[] theta = model.parameters();
        Random random = new Random(3);
        for (int trial = 0; trial < 4; trial++) {
            double[] d = unit(random, theta.length);
            double dh = difference(model, data, theta, d, H);
            double d2h = difference(model, data, theta, d, 2 * H);
            double deltaF = rounding(arch, model.meanLoss(data));
            double tol = richardsonTolerance(dh, d2h, deltaF, H) + rounding(arch, maxAbs(grad));
            double analytic = dot(grad, d);
            assertEquals(richardson(dh, d2h), analytic, tol, arch + " direction " + trial);
        }
    }

    private static double difference(Mlp model, Examples data, double[] theta, double[] d, double h) {
        return (model.withParameters(axpy(theta, h, d)).meanLoss(data)
                - model.withParameters(axpy(theta, -h, d)).meanLoss(data)) / (2 * h);
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void hessianVectorProductMatchesFiniteDifferencesOfTheGradient(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 4);
        Examples data = Fixtures.data(arch, n(arch), 5);
        int p = model.parameterCount();
        Random random = new Random(6);
        double[] v = new double[2 * p];
        System.arraycopy(unit(random, p), 0, v, 0, p);
        System.arraycopy(unit(random, p), 0, v, p, p);
        double[] hv = model.hessianVectorProduct(data, v, 2, JAVA);
        double[] theta = model.parameters();
        double gradScale = maxAbs(model.gradient(data));
        for (int j = 0; j < 2; j++) {
            double[] d = java.util.Arrays.copyOfRange(v, j * p, (j + 1) * p);
            double[] dh = gradientDifference(model, data, theta, d, H);
            double[] d2h = gradientDifference(model, data, theta, d, 2 * H);
            double[] hvj = java.util.Arrays.copyOfRange(hv, j * p, (j + 1) * p);
            for (int i = 0; i < p; i++) {
                double tol = richardsonTolerance(dh[i], d2h[i], rounding(arch, gradScale), H)
                        + rounding(arch, maxAbs(hvj));
                assertEquals(richardson(dh[i], d2h[i]), hvj[i], tol, arch + " vector " + j + " entry " + i);
            }
        }
    }

    private static double[] gradientDifference(Mlp model, Examples data, double[] theta, double[] d, double h) {
        double[] plus = model.withParameters(axpy(theta, h, d)).gradient(data);
        double[] minus = model.withParameters(axpy(theta, -h, d)).gradient(data);
        for (int i = 0; i < plus.length; i++) {
            plus[i] = (plus[i] - minus[i]) / (2 * h);
        }
        return plus;
    }

    /** vᵀHw = wᵀHv: both are sums of P products of entries computed within {@link Fixtures#rounding}. */
    @ParameterizedTest
    @MethodSource("architectures")
    void hessianIsSymmetric(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 7);
        Examples data = Fixtures.data(arch, n(arch), 8);
        int p = model.parameterCount();
        Random random = new Random(9);
        double[] v = unit(random, p);
        double[] w = unit(random, p);
        double[] hv = model.hessianVectorProduct(data, v, 1, JAVA);
        double[] hw = model.hessianVectorProduct(data, w, 1, JAVA);
        double tol = p * (rounding(arch, maxAbs(hv)) + rounding(arch, maxAbs(hw)))
                + ErrorBounds.gamma(p, DType.F64) * (maxAbs(hv) + maxAbs(hw)) * Math.sqrt(p);
        assertEquals(dot(v, hw), dot(w, hv), tol, arch.toString());
        assertTrue(Math.abs(dot(v, hw)) > 100 * tol, "the check is not vacuous: vᵀHw = " + dot(v, hw));
    }

    /** Jv against central differences of the outputs, entry by entry. */
    @ParameterizedTest
    @MethodSource("architectures")
    void jvpMatchesFiniteDifferencesOfTheOutputs(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 10);
        Examples data = Fixtures.data(arch, n(arch), 11);
        double[] d = unit(new Random(12), model.parameterCount());
        double[] jv = model.jvp(data, d, 1);
        double[] theta = model.parameters();
        double[] dh = outputDifference(model, data, theta, d, H);
        double[] d2h = outputDifference(model, data, theta, d, 2 * H);
        double scale = maxAbs(model.outputs(data));
        for (int q = 0; q < jv.length; q++) {
            double tol = richardsonTolerance(dh[q], d2h[q], rounding(arch, scale), H) + rounding(arch, maxAbs(jv));
            assertEquals(richardson(dh[q], d2h[q]), jv[q], tol, arch + " output entry " + q);
        }
    }

    private static double[] outputDifference(Mlp model, Examples data, double[] theta, double[] d, double h) {
        double[] plus = model.withParameters(axpy(theta, h, d)).outputs(data);
        double[] minus = model.withParameters(axpy(theta, -h, d)).outputs(data);
        for (int i = 0; i < plus.length; i++) {
            plus[i] = (plus[i] - minus[i]) / (2 * h);
        }
        return plus;
    }

    /** The adjoint identity uᵀ(Jv) = (Jᵀu)ᵀv for k = 2 pairs. */
    @ParameterizedTest
    @MethodSource("architectures")
    void vjpIsTheAdjointOfJvp(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 13);
        Examples data = Fixtures.data(arch, n(arch), 14);
        int p = model.parameterCount();
        int m = data.n() * arch.outputs();
        Random random = new Random(15);
        double[] v = Fixtures.gaussian(random, 2 * p);
        double[] u = Fixtures.gaussian(random, 2 * m);
        double[] jv = model.jvp(data, v, 2);
        double[] ju = model.vjp(data, u, 2);
        for (int j = 0; j < 2; j++) {
            double left = 0;
            for (int q = 0; q < m; q++) {
                left += u[j * m + q] * jv[j * m + q];
            }
            double right = 0;
            for (int i = 0; i < p; i++) {
                right += ju[j * p + i] * v[j * p + i];
            }
            double tol = (m + p) * (rounding(arch, maxAbs(jv)) * maxAbs(u) + rounding(arch, maxAbs(ju)) * maxAbs(v));
            assertEquals(left, right, tol, arch + " pair " + j);
        }
    }

    /** GGN·v = (1/n)·Jᵀ(Λ(Jv)), with Λ_i = diag(p_i) − p_i p_iᵀ or I formed here from the outputs. */
    @ParameterizedTest
    @MethodSource("architectures")
    void ggnIsJacobianTransposeTimesLossCurvatureTimesJacobian(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 16);
        Examples data = Fixtures.data(arch, n(arch), 17);
        int n = data.n();
        int dL = arch.outputs();
        double[] v = unit(new Random(18), model.parameterCount());
        double[] jv = model.jvp(data, v, 1);
        double[] z = model.outputs(data);
        double[] lambdaJv = new double[jv.length];
        for (int i = 0; i < n; i++) {
            if (arch.loss() == MlpArchitecture.Loss.SQUARED) {
                System.arraycopy(jv, i * dL, lambdaJv, i * dL, dL);
                continue;
            }
            double[] prob = softmax(z, i * dL, dL);
            double s = 0;
            for (int c = 0; c < dL; c++) {
                s += prob[c] * jv[i * dL + c];
            }
            for (int c = 0; c < dL; c++) {
                lambdaJv[i * dL + c] = prob[c] * jv[i * dL + c] - prob[c] * s;
            }
        }
        double[] expected = model.vjp(data, lambdaJv, 1);
        double[] ggn = model.ggnVectorProduct(data, v, 1);
        for (int q = 0; q < ggn.length; q++) {
            expected[q] /= n;
            assertEquals(expected[q], ggn[q], 4 * rounding(arch, maxAbs(ggn)), arch + " entry " + q);
        }
    }

    static double[] softmax(double[] z, int from, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            max = Math.max(max, z[from + c]);
        }
        double[] p = new double[count];
        double sum = 0;
        for (int c = 0; c < count; c++) {
            p[c] = Math.exp(z[from + c] - max);
            sum += p[c];
        }
        for (int c = 0; c < count; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /**
     * A single linear layer's outputs are linear in θ, so the residual term of the Hessian (Σ_c ∂l/∂z_c·∇²z_c)
     * vanishes and H = GGN exactly; the two are computed by different passes (R-op with the σ″ and δ·V terms, and
     * the linear JᵀΛJ), so they agree to rounding. With identity activations and squared loss, also Λ = I.
     */
    @Test
    void hessianEqualsGgnForOneLinearLayer() {
        for (MlpArchitecture.Loss loss : MlpArchitecture.Loss.values()) {
            MlpArchitecture arch = new MlpArchitecture(new int[] {4, 3}, MlpArchitecture.Activation.IDENTITY, loss);
            Mlp model = Fixtures.model(arch, 19);
            Examples data = Fixtures.data(arch, 9, 20);
            double[] v = Fixtures.gaussian(new Random(21), 3 * model.parameterCount());
            double[] h = model.hessianVectorProduct(data, v, 3, JAVA);
            double[] g = model.ggnVectorProduct(data, v, 3);
            for (int q = 0; q < h.length; q++) {
                assertEquals(g[q], h[q], 4 * rounding(arch, maxAbs(h) * maxAbs(v)), loss + " entry " + q);
            }
        }
    }

    /** For a deep nonlinear net H and GGN differ: the equality above is not one the two methods always satisfy. */
    @Test
    void hessianDiffersFromGgnWhenTheNetworkIsCurved() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {3, 5, 4, 3}, MlpArchitecture.Activation.TANH,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Mlp model = Fixtures.model(arch, 22);
        Examples data = Fixtures.data(arch, 7, 23);
        double[] v = unit(new Random(24), model.parameterCount());
        double[] h = model.hessianVectorProduct(data, v, 1, JAVA);
        double[] g = model.ggnVectorProduct(data, v, 1);
        double diff = 0;
        for (int q = 0; q < h.length; q++) {
            diff = Math.max(diff, Math.abs(h[q] - g[q]));
        }
        assertTrue(diff > 1e-3 * maxAbs(h), "H·v and GGN·v differ by " + diff);
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void perExampleGradientsSumToNTimesTheGradient(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 25);
        Examples data = Fixtures.data(arch, n(arch), 26);
        int n = data.n();
        int p = model.parameterCount();
        double[] rows = model.perExampleGradients(data, 0, n);
        double[] grad = model.gradient(data);
        double scale = maxAbs(rows);
        for (int q = 0; q < p; q++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += rows[i * p + q];
            }
            assertEquals(n * grad[q], s, n * rounding(arch, scale), arch + " entry " + q);
        }
        // a slice's rows are the gradients of one-example data sets
        double[] slice = model.perExampleGradients(data, 2, 4);
        for (int i = 2; i < 4; i++) {
            double[] one = model.gradient(data.subset(new int[] {i}));
            for (int q = 0; q < p; q++) {
                assertEquals(one[q], slice[(i - 2) * p + q], rounding(arch, scale), arch + " example " + i);
            }
        }
    }

    /**
     * The K-FAC identity: with the exact expansion Λ_i = Σ_c u_ic u_icᵀ, J_iᵀu_ic restricted to W_l is g_ic ⊗ a_i
     * (entry (o, k) = g_ic[o]·a_i[k]) and to b_l is g_ic, so GGN·v = (1/n)Σ_i Σ_c G_ic·(G_icᵀv) with G_ic assembled
     * from the layer statistics; in particular the W_l block of GGN·v for v supported on W_l is
     * (1/n)Σ_i Σ_c (g_ic ⊗ a_i)(g_ic ⊗ a_i)ᵀv.
     */
    @ParameterizedTest
    @MethodSource("architectures")
    void exactLayerStatisticsReassembleTheGgn(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 27);
        Examples data = Fixtures.data(arch, n(arch), 28);
        int n = data.n();
        int p = model.parameterCount();
        List<LayerStatistics> stats = model.layerStatistics(data, FisherVariant.EXACT, 0);
        int c = arch.outputs();
        assertEquals(arch.depth(), stats.size());
        double[] v = unit(new Random(29), p);
        double[] expected = new double[p];
        double[] gic = new double[p];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < c; r++) {
                assemble(arch, stats, i * c + r, i, gic);
                double s = dot(gic, v);
                for (int q = 0; q < p; q++) {
                    expected[q] += gic[q] * s / n;
                }
            }
        }
        double[] ggn = model.ggnVectorProduct(data, v, 1);
        for (int q = 0; q < p; q++) {
            assertEquals(expected[q], ggn[q], 4 * n * c * rounding(arch, maxAbs(ggn)), arch + " entry " + q);
        }
        // one W block at a time, v supported on that block only
        for (int l = 0; l < arch.depth(); l++) {
            double[] vl = new double[p];
            int wo = arch.weightOffset(l);
            int size = arch.width(l + 1) * arch.width(l);
            System.arraycopy(v, wo, vl, wo, size);
            double[] block = model.ggnVectorProduct(data, vl, 1);
            LayerStatistics st = stats.get(l);
            for (int o = 0; o < st.outputWidth(); o++) {
                for (int k = 0; k < st.inputWidth(); k++) {
                    double e = 0;
                    for (int row = 0; row < n * c; row++) {
                        int i = row / c;
                        double s = 0;
                        for (int o2 = 0; o2 < st.outputWidth(); o2++) {
                            for (int k2 = 0; k2 < st.inputWidth(); k2++) {
                                s += st.backpropagated()[row * st.outputWidth() + o2]
                                        * st.inputs()[i * st.inputWidth() + k2] * vl[wo + o2 * st.inputWidth() + k2];
                            }
                        }
                        e += st.backpropagated()[row * st.outputWidth() + o] * st.inputs()[i * st.inputWidth() + k] * s;
                    }
                    e /= n;
                    assertEquals(e, block[wo + o * st.inputWidth() + k], 4 * n * c * rounding(arch, maxAbs(block)),
                            arch + " layer " + l + " (" + o + ", " + k + ")");
                }
            }
        }
    }

    /** G for backpropagated row {@code row} of example i: (g ⊗ a, g) per layer. */
    private static void assemble(MlpArchitecture arch, List<LayerStatistics> stats, int row, int i, double[] out) {
        for (int l = 0; l < arch.depth(); l++) {
            LayerStatistics st = stats.get(l);
            int wo = arch.weightOffset(l);
            int bo = arch.biasOffset(l);
            for (int o = 0; o < st.outputWidth(); o++) {
                double g = st.backpropagated()[row * st.outputWidth() + o];
                out[bo + o] = g;
                for (int k = 0; k < st.inputWidth(); k++) {
                    out[wo + o * st.inputWidth() + k] = g * st.inputs()[i * st.inputWidth() + k];
                }
            }
        }
    }

    /** Empirical statistics: g = δ, and (1/n)Σ_i δ_i a_iᵀ is the gradient's W block. */
    @ParameterizedTest
    @MethodSource("architectures")
    void empiricalStatisticsAreThePerExampleGradients(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 30);
        Examples data = Fixtures.data(arch, n(arch), 31);
        List<LayerStatistics> stats = model.layerStatistics(data, FisherVariant.EMPIRICAL, 0);
        double[] grad = model.gradient(data);
        double[] perExample = model.perExampleGradients(data, 0, data.n());
        int p = model.parameterCount();
        for (int i = 0; i < data.n(); i++) {
            double[] gi = new double[p];
            assemble(arch, stats, i, i, gi);
            for (int q = 0; q < p; q++) {
                assertEquals(perExample[i * p + q], gi[q], rounding(arch, maxAbs(perExample)), arch + " example " + i);
            }
        }
        for (LayerStatistics st : stats) {
            assertEquals(1, st.perExample());
            org.junit.jupiter.api.Assertions.assertArrayEquals(st.delta(), st.backpropagated());
        }
        assertTrue(maxAbs(grad) > 0);
    }

    /**
     * Sampled statistics: reproducible from the seed, and at the output each row is the loss gradient at one drawn
     * label: softmax(z) − e_ŷ (entries sum to 0, exactly one negative) for cross-entropy.
     */
    @ParameterizedTest
    @MethodSource("architectures")
    void sampledStatisticsAreSeededLabelGradients(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 32);
        Examples data = Fixtures.data(arch, n(arch), 33);
        List<LayerStatistics> a = model.layerStatistics(data, FisherVariant.SAMPLED, 5);
        List<LayerStatistics> b = model.layerStatistics(data, FisherVariant.SAMPLED, 5);
        List<LayerStatistics> c = model.layerStatistics(data, FisherVariant.SAMPLED, 6);
        int last = arch.depth() - 1;
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(0).backpropagated(), b.get(0).backpropagated());
        assertTrue(!java.util.Arrays.equals(a.get(last).backpropagated(), c.get(last).backpropagated()),
                "another seed draws other labels");
        if (arch.loss() == MlpArchitecture.Loss.CROSS_ENTROPY) {
            double[] g = a.get(last).backpropagated();
            int dL = arch.outputs();
            double[] z = model.outputs(data);
            for (int i = 0; i < data.n(); i++) {
                double[] prob = softmax(z, i * dL, dL);
                int negatives = 0;
                for (int k = 0; k < dL; k++) {
                    double diff = g[i * dL + k] - prob[k];
                    if (g[i * dL + k] < 0) {
                        negatives++;
                        assertEquals(-1, diff, 1e-15, "the drawn label's entry is p − 1");
                    } else {
                        assertEquals(0, diff, 1e-15, "other entries are p");
                    }
                }
                assertEquals(1, negatives, "example " + i);
            }
        }
    }

    /** The exact expansion at the output: Σ_c u_ic u_icᵀ = diag(p) − p pᵀ (or I). */
    @ParameterizedTest
    @MethodSource("architectures")
    void exactOutputVectorsExpandTheLossCurvature(MlpArchitecture arch) {
        Mlp model = Fixtures.model(arch, 34);
        Examples data = Fixtures.data(arch, 5, 35);
        int dL = arch.outputs();
        LayerStatistics out = model.layerStatistics(data, FisherVariant.EXACT, 0).get(arch.depth() - 1);
        assertEquals(dL, out.perExample());
        double[] z = model.outputs(data);
        for (int i = 0; i < data.n(); i++) {
            double[] prob = softmax(z, i * dL, dL);
            for (int a = 0; a < dL; a++) {
                for (int b = 0; b < dL; b++) {
                    double s = 0;
                    for (int c = 0; c < dL; c++) {
                        s += out.backpropagated()[(i * dL + c) * dL + a] * out.backpropagated()[(i * dL + c) * dL + b];
                    }
                    double expected = arch.loss() == MlpArchitecture.Loss.SQUARED ? (a == b ? 1 : 0)
                            : (a == b ? prob[a] : 0) - prob[a] * prob[b];
                    assertEquals(expected, s, 16 * ErrorBounds.gamma(dL, DType.F64), arch + " (" + a + ", " + b + ")");
                }
            }
        }
    }
}
