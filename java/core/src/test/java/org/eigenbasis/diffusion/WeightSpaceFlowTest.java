package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The weight-space gradient flow for a non-diagonal Σ = U diag(k^−1) Uᵀ (d = 32, U a seeded random rotation):
 * its gradients against finite differences, and UᵀDU against diag(ψ_k(τ; σ)) from {@link ModeDynamics#weight}.
 */
class WeightSpaceFlowTest {
    private static final int D = 32;
    private static final double EPS = Math.ulp(1.0);

    /**
     * ⟨∇L, E⟩ against the five-point stencil (−L(2h) + 8L(h) − 8L(−h) + L(−2h))/(12h) along E. L is a polynomial
     * of degree 2 (one layer) or 4 (two layer) along any line, and the stencil is exact for degree ≤ 4, so only the
     * rounding of L remains: each L carries at most 2d²·ε·S (S the sum of the absolute terms it adds), and the
     * stencil multiplies that by 18/(12h).
     */
    @Test
    void gradientAgainstFiniteDifferences() {
        int d = 8;
        double[][] u = DiffusionTestData.rotation(d, 11);
        double[][] sigma = DiffusionTestData.covariance(u, DiffusionTestData.powerLaw(d, 1));
        SplittableRandom rng = new SplittableRandom(12);
        double h = 1e-3;
        for (DenoiserModel model : DenoiserModel.values()) {
            for (double noise : new double[] {0.1, 1, 3}) {
                WeightSpaceFlow flow = new WeightSpaceFlow(sigma, noise, model, 0.7);
                double[][] w = randomMatrix(rng, d, 0.5);
                double[][] grad = flow.gradient(w);
                for (int trial = 0; trial < 6; trial++) {
                    double[][] e = randomMatrix(rng, d, 1);
                    double directional = 0;
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < d; j++) {
                            directional += grad[i][j] * e[i][j];
                        }
                    }
                    double stencil = (-flow.loss(shift(w, e, 2 * h)) + 8 * flow.loss(shift(w, e, h))
                            - 8 * flow.loss(shift(w, e, -h)) + flow.loss(shift(w, e, -2 * h))) / (12 * h);
                    double scale = lossScale(flow, shift(w, e, 2 * h), sigma, noise);
                    double tol = 18 / (12 * h) * 2 * d * d * EPS * scale + 4 * d * d * EPS * Math.abs(directional);
                    assertEquals(directional, stencil, tol, model + " σ=" + noise + " trial " + trial);
                }
            }
        }
    }

    /**
     * From W₀ = Q·I (W₁ = √Q·I) integrate with Dormand–Prince (rtol 1e-11) and compare UᵀDU with diag(ψ_k).
     * Tolerance from the integrator's error control: the one-layer flow contracts in the Frobenius norm
     * (a perturbation obeys E' = −2ηEC, C ≻ 0), so ‖ΔW‖₂ ≤ ‖ΔW‖_F ≤ d·(summed max-norm local errors). In the two
     * layer a perturbation E of W₁ = U diag(p) Uᵀ obeys, pair by pair (ij, ji) in the eigenbasis, a symmetric 2×2
     * system −2η([[g_j, 0], [0, g_i]] + s·vvᵀ) with g_k = 2(λ_k + σ²)p_k² − 2λ_k ≥ −2λ_k and s·vvᵀ ⪰ 0, so ‖E‖_F grows
     * by at most e^(4ηλ_max τ); then ΔD = W₁ᵀΔW₁ + ΔW₁ᵀW₁ + O(Δ²) adds a factor 2‖W₁‖₂ ≤ 2·max(√Q, 1). Rounding:
     * 16·d·ε per rotation and closed form.
     */
    @Test
    void weightSpaceFlowMatchesPerModeClosedForms() {
        double[][] u = DiffusionTestData.rotation(D, 2026);
        double[] lambda = DiffusionTestData.powerLaw(D, 1);
        double[][] sigma = DiffusionTestData.covariance(u, lambda);
        double eta = 1;
        for (DenoiserModel model : DenoiserModel.values()) {
            for (double q : new double[] {0.1, 2}) {
                DiffusionConfig config = DiffusionConfig.defaults().withInit(q).withEta(eta);
                double start = model == DenoiserModel.ONE_LAYER ? q : Math.sqrt(q);
                double[][] w0 = new double[D][D];
                for (int i = 0; i < D; i++) {
                    w0[i][i] = start;
                }
                for (double noise : new double[] {0.05, 0.5, 2}) {
                    WeightSpaceFlow flow = new WeightSpaceFlow(sigma, noise, model, eta);
                    for (double tau : new double[] {0.05, 0.5, 1}) {
                        WeightSpaceFlow.Trajectory t = flow.train(w0, tau, 1e-11, 1e-14, 200_000);
                        double[][] inBasis = DiffusionTestData.rotateInto(u, t.denoiser());
                        double growth = model == DenoiserModel.ONE_LAYER ? 1
                                : 2 * Math.max(Math.sqrt(q), 1) * Math.exp(4 * eta * lambda[0] * tau);
                        double tol = growth * D * t.localErrorSum() + 16 * D * EPS * Math.max(q, 1);
                        String at = model + " Q=" + q + " σ=" + noise + " τ=" + tau;
                        for (int i = 0; i < D; i++) {
                            for (int j = 0; j < D; j++) {
                                double expected = i == j ? ModeDynamics.weight(model, lambda[i], noise, tau, config) : 0;
                                assertEquals(expected, inBasis[i][j], tol, at + " (" + i + ", " + j + ")");
                            }
                        }
                        // The check has teeth: the weights did move away from Q.
                        assertTrue(Math.abs(inBasis[0][0] - q) > 1e3 * tol, at);
                    }
                }
            }
        }
    }

    @Test
    void zeroTrainingTimeReturnsTheStart() {
        double[][] sigma = DiffusionTestData.covariance(DiffusionTestData.rotation(4, 3), DiffusionTestData.powerLaw(4, 2));
        WeightSpaceFlow flow = new WeightSpaceFlow(sigma, 1, DenoiserModel.TWO_LAYER, 1);
        double[][] w0 = randomMatrix(new SplittableRandom(5), 4, 1);
        WeightSpaceFlow.Trajectory t = flow.train(w0, 0, 1e-10, 0, 10);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(w0[i][j], t.weights()[i][j]);
            }
        }
    }

    /** Σ_ij |(DC)_ij D_ij| + 2|D_ij Σ_ji| + Σ_i |Σ_ii|: the absolute size of the terms the loss adds. */
    private static double lossScale(WeightSpaceFlow flow, double[][] w, double[][] sigma, double noise) {
        double[][] m = flow.denoiser(w);
        int d = m.length;
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            c[i] = sigma[i].clone();
            c[i][i] += noise * noise;
        }
        double[][] mc = WeightSpaceFlow.times(abs(m), abs(c));
        double s = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                s += mc[i][j] * Math.abs(m[i][j]) + 2 * Math.abs(m[i][j] * sigma[j][i]);
            }
            s += Math.abs(sigma[i][i]);
        }
        return s;
    }

    private static double[][] abs(double[][] a) {
        double[][] r = new double[a.length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                r[i][j] = Math.abs(a[i][j]);
            }
        }
        return r;
    }

    private static double[][] shift(double[][] w, double[][] e, double h) {
        double[][] r = new double[w.length][w.length];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w.length; j++) {
                r[i][j] = w[i][j] + h * e[i][j];
            }
        }
        return r;
    }

    private static double[][] randomMatrix(SplittableRandom rng, int d, double scale) {
        double[][] r = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                r[i][j] = scale * (2 * rng.nextDouble() - 1);
            }
        }
        return r;
    }
}
