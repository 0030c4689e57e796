package org.eigenbasis.basis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Curvatures;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.DigitsInfluence;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.FisherVariant;
import org.eigenbasis.influence.LayerStatistics;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.influence.ModelCurvatures;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;
import org.junit.jupiter.api.Test;

/**
 * {@link BasisMlpTraining}: Gauss–Newton^-1 in the K-FAC eigenbasis with D = diag(UᵀGU) is EK-FAC's damped inverse,
 * D is the GGN's diagonal in that basis, and training on digits lowers the loss with Adam and with Gauss–Newton.
 */
class BasisMlpTrainingTest {
    private static final Backend JAVA = Backends.select("java");
    private static final double U = ErrorBounds.unitRoundoff(DType.F64);
    private static final MlpArchitecture SMALL = new MlpArchitecture(new int[] {5, 4, 3},
            MlpArchitecture.Activation.TANH, MlpArchitecture.Loss.CROSS_ENTROPY);

    private static Examples randomData(Random rng, int n) {
        double[] x = new double[n * 5];
        int[] labels = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(3);
        }
        return Examples.classification(x, n, 5, labels);
    }

    private static double[] abs(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.abs(x[i]);
        }
        return out;
    }

    /**
     * One full-batch step, lr 1, ε = δ: θ₁ − θ₀ = −U (D + δ)⁻¹ Uᵀ∇L per parameter, and EK-FAC's inverse is
     * Q (λ + δ)⁻¹ Qᵀ∇L per layer block with the same bases (the same SYRK and eigh of the same factors) and
     * λ = D (the same kernel). The two differ in the rotations' summation order: per weight coordinate within
     * 4(γ_out + γ_in)·B + γ_K·B, B = |Q_S|((|Q_S|ᵀ|G||Q_A|) ⊘ (λ + δ))|Q_A|ᵀ, K = nC + d_in + d_out bounding any
     * difference in λ (relative γ_K moves 1/(λ + δ) by at most γ_K/(λ + δ)); likewise for the bias block with
     * |Q_S| alone; plus u|θ| for the parameter update.
     */
    @Test
    void gaussNewtonInTheKfacEigenbasisIsTheEkfacInverse() {
        Random rng = new Random(31);
        Examples data = randomData(rng, 24);
        Mlp model = Mlp.initialize(SMALL, 3);
        double delta = 1e-2;
        List<LayerStatistics> stats = model.layerStatistics(data, FisherVariant.EXACT, 0);
        double[] gradient = model.gradient(data);
        double[] ekfac = Curvatures.fromFactors(CurvatureKind.EKFAC, ModelCurvatures.curvatureFactors(stats), JAVA)
                .applyInverse(gradient, 1, Damping.of(delta));
        double[] before = model.parameters();
        try (BasisMlpTraining training = new BasisMlpTraining(model,
                new BasisOptimizerConfig(1, new DiagonalRule.GaussNewton(1, delta)), JAVA)) {
            training.refreshBases(stats);
            Map<String, CurvatureDiagonal> d = training.curvatureDiagonals(stats);
            training.step(data, stats);
            double[] after = training.model().parameters();
            int nC = data.n() * SMALL.outputs();
            for (int l = 0; l < SMALL.depth(); l++) {
                int out = SMALL.width(l + 1);
                int in = SMALL.width(l);
                ParameterBasis wb = training.optimizer().basis(BasisMlpTraining.weightName(l));
                double[] qs = wb.left().toRowMajor();
                double[] qa = wb.right().toRowMajor();
                double[] lambda = ((CurvatureDiagonal.InBasis) d.get(BasisMlpTraining.weightName(l))).diagonal();
                double[] lambdaB = ((CurvatureDiagonal.InBasis) d.get(BasisMlpTraining.biasName(l))).diagonal();
                double gamma = 4 * (ErrorBounds.gamma(out, DType.F64) + ErrorBounds.gamma(in, DType.F64))
                        + ErrorBounds.gamma(nC + in + out, DType.F64);
                int wo = SMALL.weightOffset(l);
                double[] gw = abs(Arrays.copyOfRange(gradient, wo, wo + out * in));
                // |Q_S|ᵀ|G||Q_A| ⊘ (λ + δ), then |Q_S| · that · |Q_A|ᵀ
                double[] c = new double[out * in];
                for (int p = 0; p < out; p++) {
                    for (int k = 0; k < in; k++) {
                        double s = 0;
                        for (int a = 0; a < out; a++) {
                            for (int b = 0; b < in; b++) {
                                s += Math.abs(qs[a * out + p]) * gw[a * in + b] * Math.abs(qa[b * in + k]);
                            }
                        }
                        c[p * in + k] = s / (lambda[p * in + k] + delta);
                    }
                }
                for (int a = 0; a < out; a++) {
                    for (int b = 0; b < in; b++) {
                        double bound = 0;
                        for (int p = 0; p < out; p++) {
                            for (int k = 0; k < in; k++) {
                                bound += Math.abs(qs[a * out + p]) * c[p * in + k] * Math.abs(qa[b * in + k]);
                            }
                        }
                        int i = wo + a * in + b;
                        assertEquals(-ekfac[i], after[i] - before[i], gamma * bound + 2 * U * Math.abs(after[i]),
                                "layer " + l + ", W(" + a + ", " + b + ")");
                    }
                }
                int bo = SMALL.biasOffset(l);
                for (int a = 0; a < out; a++) {
                    double bound = 0;
                    for (int p = 0; p < out; p++) {
                        double s = 0;
                        for (int e = 0; e < out; e++) {
                            s += Math.abs(qs[e * out + p] * gradient[bo + e]);
                        }
                        bound += Math.abs(qs[a * out + p]) * s / (lambdaB[p] + delta);
                    }
                    int i = bo + a;
                    assertEquals(-ekfac[i], after[i] - before[i], gamma * bound + 2 * U * Math.abs(after[i]),
                            "layer " + l + ", b(" + a + ")");
                }
            }
        }
    }

    /**
     * D of each layer, from EK-FAC's kernel, against diag(UᵀGU) through the optimizer's dense path with the GGN block
     * built here from its definition: G_W = (1/n) Σ_i Σ_c r rᵀ with r = vec(g_ic a_iᵀ) (row-major: r_{p·in + k} =
     * g_p a_k), G_b = (1/n) Σ g_ic g_icᵀ. D_j = (1/n) Σ_r (u_jᵀ r)² either way, in different orders: each within
     * γ_{nC + 2N + 2}·(1/n) Σ_r (|u_j|ᵀ|r|)² of the exact value (the sum of nC squares of N-term dot products, and
     * the dense path's 2N-term sandwich), so the two within twice that.
     */
    @Test
    void theEkfacDiagonalIsTheGgnDiagonalInTheBasis() {
        Random rng = new Random(32);
        Examples data = randomData(rng, 16);
        Mlp model = Mlp.initialize(SMALL, 4);
        List<LayerStatistics> stats = model.layerStatistics(data, FisherVariant.EXACT, 0);
        try (BasisMlpTraining training = new BasisMlpTraining(model,
                new BasisOptimizerConfig(1, new DiagonalRule.GaussNewton(1, 0)), JAVA)) {
            training.refreshBases(stats);
            Map<String, CurvatureDiagonal> d = training.curvatureDiagonals(stats);
            for (int l = 0; l < SMALL.depth(); l++) {
                LayerStatistics s = stats.get(l);
                int out = s.outputWidth();
                int in = s.inputWidth();
                int n = s.examples();
                int rows = n * s.perExample();
                int size = out * in;
                double[] gw = new double[size * size];
                double[] gb = new double[out * out];
                double[][] r = new double[rows][size];
                for (int row = 0; row < rows; row++) {
                    int i = row / s.perExample();
                    for (int p = 0; p < out; p++) {
                        double gp = s.backpropagated()[row * out + p];
                        for (int k = 0; k < in; k++) {
                            r[row][p * in + k] = gp * s.inputs()[i * in + k];
                        }
                        for (int q = 0; q < out; q++) {
                            gb[p * out + q] += gp * s.backpropagated()[row * out + q] / n;
                        }
                    }
                    for (int j = 0; j < size; j++) {
                        for (int k = 0; k < size; k++) {
                            gw[j * size + k] += r[row][j] * r[row][k] / n;
                        }
                    }
                }
                String w = BasisMlpTraining.weightName(l);
                String b = BasisMlpTraining.biasName(l);
                double[] viaDense = training.optimizer().diagonal(w, new CurvatureDiagonal.Dense(gw, size));
                double[] viaKernel = ((CurvatureDiagonal.InBasis) d.get(w)).diagonal();
                double[] u = BasisDiagonalOptimizerTest.kron(training.optimizer().basis(w).left(),
                        training.optimizer().basis(w).right());
                double gamma = ErrorBounds.gamma(rows + 2 * size + 2, DType.F64);
                for (int j = 0; j < size; j++) {
                    double scale = 0;
                    for (double[] row : r) {
                        double t = 0;
                        for (int k = 0; k < size; k++) {
                            t += Math.abs(u[k * size + j] * row[k]);
                        }
                        scale += t * t / n;
                    }
                    assertEquals(viaDense[j], viaKernel[j], 2 * gamma * scale, "layer " + l + ", W coordinate " + j);
                }
                double[] biasDense = training.optimizer().diagonal(b, new CurvatureDiagonal.Dense(gb, out));
                double[] biasKernel = ((CurvatureDiagonal.InBasis) d.get(b)).diagonal();
                double[] qs = training.optimizer().basis(b).left().toRowMajor();
                for (int p = 0; p < out; p++) {
                    double scale = 0;
                    for (int row = 0; row < rows; row++) {
                        double t = 0;
                        for (int e = 0; e < out; e++) {
                            t += Math.abs(qs[e * out + p] * s.backpropagated()[row * out + e]);
                        }
                        scale += t * t / n;
                    }
                    assertEquals(biasDense[p], biasKernel[p], 2 * ErrorBounds.gamma(rows + 2 * out + 2, DType.F64)
                            * scale, "layer " + l + ", b coordinate " + p);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> training.curvatureDiagonals(stats.subList(0, 1)));
        }
    }

    /**
     * On 256 standardised digits, a 64-16-10 gelu MLP trained 30 steps in mini-batches of 64 with the eigenbases
     * refreshed every 5 steps: Adam (lr 1e-2) and Gauss–Newton^-1 (ε = 1e-1 as damping, lr 0.5) both end below the
     * initial full-data loss, and the loss record has steps + 1 finite entries.
     */
    @Test
    void adamAndGaussNewtonLowerTheLossOnDigits() {
        Examples all = DigitsInfluence.split().train();
        int[] rows = new int[256];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        Examples data = all.subset(rows);
        MlpArchitecture arch = new MlpArchitecture(new int[] {64, 16, 10}, MlpArchitecture.Activation.GELU,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Mlp initial = Mlp.initialize(arch, 1);
        for (BasisOptimizerConfig opt : List.of(new BasisOptimizerConfig(1e-2, DiagonalRule.Adam.defaults()),
                new BasisOptimizerConfig(0.5, new DiagonalRule.GaussNewton(1, 1e-1)))) {
            BasisMlpTraining.Result result = BasisMlpTraining.train(initial, data, BasisMlpTraining.Config.defaults()
                    .withOptimizer(opt).withSteps(30).withBatchSize(64).withRefreshEvery(5).withSeed(2), JAVA);
            double[] losses = result.losses();
            assertEquals(31, losses.length);
            for (double x : losses) {
                assertTrue(Double.isFinite(x), opt + ": " + Arrays.toString(losses));
            }
            assertTrue(losses[30] < losses[0], opt + ": " + Arrays.toString(losses));
        }
    }
}
