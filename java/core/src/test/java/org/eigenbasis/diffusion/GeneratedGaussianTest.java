package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The generated Gaussian through training against dense linear algebra: Σ̃(τ) = U diag(λ̃) Uᵀ and the per-mode KL
 * sum against ½(tr(Σ⁻¹Σ̃) − d − ln det(Σ⁻¹Σ̃)) by Cholesky factors of Σ and Σ̃.
 */
class GeneratedGaussianTest {
    private static final int D = 32;
    private static final double EPS = Math.ulp(1.0);
    private static final double[] TAUS = {0, 1e-4, 1e-2, 0.1, 1, 10, 100, 1e4};

    /**
     * Tolerance: Cholesky of an SPD matrix is backward stable with ‖ΔA‖ ≤ c·d·ε‖A‖ (Higham, Accuracy and Stability,
     * Thm 10.3), so whitened quantities carry a relative error of order d·ε·κ, with κ = κ(Σ) = 32 for Σ and κ(Σ̃) for
     * Σ̃. The eigendecomposition inside {@link GeneratedGaussian#of} perturbs each λ_k by d·ε·λ_max, i.e. relatively
     * by d·ε·κ(Σ). Over d modes and the two sums this gives |ΔKL| ≤ 8·d²·ε·(κ(Σ) + κ(Σ̃))·(1 + tr(Σ⁻¹Σ̃)/d).
     */
    @Test
    void klMatchesDenseFormula() {
        double[][] u = DiffusionTestData.rotation(D, 99);
        double[] lambda = DiffusionTestData.powerLaw(D, 1);
        double[][] sigma = DiffusionTestData.covariance(u, lambda);
        double kappa = lambda[0] / lambda[D - 1];
        for (DenoiserModel model : DenoiserModel.values()) {
            for (DiffusionConfig config : new DiffusionConfig[] {DiffusionConfig.defaults(),
                new DiffusionConfig(0.01, 10, 0.5, 0.5)}) {
                GeneratedGaussian generated = GeneratedGaussian.of(sigma, model, config);
                GeneratedGaussian exact = new GeneratedGaussian(lambda, u, model, config);
                double[] curve = generated.klCurve(TAUS);
                for (int t = 0; t < TAUS.length; t++) {
                    double[][] tilde = exact.covariance(TAUS[t]);
                    double[] v = exact.variances(TAUS[t]);
                    double kappaTilde = Arrays.stream(v).max().getAsDouble() / Arrays.stream(v).min().getAsDouble();
                    double[] dense = denseKl(sigma, tilde);
                    double tol = 8.0 * D * D * EPS * (kappa + kappaTilde) * (1 + dense[1] / D);
                    String at = model + " " + config + " τ=" + TAUS[t];
                    assertEquals(dense[0], curve[t], tol, at);
                    assertEquals(dense[0], exact.klDivergence(TAUS[t]), tol, at);
                }
            }
        }
    }

    /** Σ̃ u_k = λ̃_k u_k to the rounding of a d-term sum, and Σ̃ symmetric exactly. */
    @Test
    void covarianceHasTheGeneratedEigenpairs() {
        double[][] u = DiffusionTestData.rotation(D, 7);
        double[] lambda = DiffusionTestData.powerLaw(D, 1.5);
        GeneratedGaussian g = new GeneratedGaussian(lambda, u, DenoiserModel.TWO_LAYER, DiffusionConfig.defaults());
        for (double tau : TAUS) {
            double[][] c = g.covariance(tau);
            double[] v = g.variances(tau);
            double max = Arrays.stream(v).max().getAsDouble();
            for (int k = 0; k < D; k++) {
                assertEquals(ModeDynamics.generatedVariance(DenoiserModel.TWO_LAYER, lambda[k], tau,
                        DiffusionConfig.defaults()), v[k]);
                for (int i = 0; i < D; i++) {
                    double s = 0;
                    for (int j = 0; j < D; j++) {
                        s += c[i][j] * u[j][k];
                        assertEquals(c[i][j], c[j][i]);
                    }
                    assertEquals(v[k] * u[i][k], s, 4 * D * EPS * max, "τ=" + tau + " k=" + k);
                }
            }
        }
    }

    /** KL is 0 only where λ̃ = λ; here ψ → K leaves λ̃∞ ≠ λ, and a zero eigenvalue makes the divergence infinite. */
    @Test
    void klEdges() {
        double[][] id = {{1, 0}, {0, 1}};
        GeneratedGaussian g = new GeneratedGaussian(new double[] {1, 0}, id, DenoiserModel.ONE_LAYER,
                DiffusionConfig.defaults());
        assertEquals(Double.POSITIVE_INFINITY, g.klDivergence(1));
        GeneratedGaussian h = new GeneratedGaussian(new double[] {1, 2}, id, DenoiserModel.ONE_LAYER,
                DiffusionConfig.defaults());
        double late = h.klDivergence(1e6);
        double expected = 0;
        for (double l : new double[] {1, 2}) {
            expected += ModeDynamics.klDivergence(ModeDynamics.finalGeneratedVariance(l, DiffusionConfig.defaults()), l);
        }
        assertEquals(expected, late, 1e-12 * expected + 1e-18);
        assertTrue(late > 0 && late < h.klDivergence(0));
        assertEquals(0, h.klCurve(new double[0]).length);
    }

    /** {KL, tr(Σ⁻¹Σ̃)} densely: Σ = LLᵀ, Σ̃ = L̃L̃ᵀ, tr(Σ⁻¹Σ̃) = ‖L⁻¹L̃‖_F², ln det(Σ⁻¹Σ̃) = 2Σ ln L̃_ii − 2Σ ln L_ii. */
    static double[] denseKl(double[][] sigma, double[][] tilde) {
        int d = sigma.length;
        double[][] l = cholesky(sigma);
        double[][] lt = cholesky(tilde);
        double trace = 0;
        double logDet = 0;
        for (int col = 0; col < d; col++) {
            double[] x = new double[d];
            for (int i = 0; i < d; i++) {   // forward substitution L x = L̃[:, col]
                double s = lt[i][col];
                for (int k = 0; k < i; k++) {
                    s -= l[i][k] * x[k];
                }
                x[i] = s / l[i][i];
                trace += x[i] * x[i];
            }
            logDet += 2 * Math.log(lt[col][col]) - 2 * Math.log(l[col][col]);
        }
        return new double[] {0.5 * (trace - d - logDet), trace};
    }

    private static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double s = a[j][j];
            for (int k = 0; k < j; k++) {
                s -= l[j][k] * l[j][k];
            }
            assertTrue(s > 0, "not positive definite at " + j);
            l[j][j] = Math.sqrt(s);
            for (int i = j + 1; i < n; i++) {
                double t = a[i][j];
                for (int k = 0; k < j; k++) {
                    t -= l[i][k] * l[j][k];
                }
                l[i][j] = t / l[j][j];
            }
        }
        return l;
    }
}
