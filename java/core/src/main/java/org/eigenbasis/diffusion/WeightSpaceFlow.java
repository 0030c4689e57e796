package org.eigenbasis.diffusion;

import java.util.Objects;
import org.eigenbasis.internal.DormandPrince;

/**
 * The gradient flow of a linear denoiser at one noise level σ in weight space (the full d × d matrices, no
 * eigenbasis): the check that {@link ModeDynamics#weight}'s per-mode closed forms are the flow's solution for a
 * covariance Σ that is not diagonal, and a helper for simulations that want the exact full-batch trajectory.
 *
 * <p><b>Loss.</b> With x ~ (0, Σ), x_σ = x + σn, n ~ N(0, I) independent, and D the denoiser's matrix (W, or
 * M = W₁ᵀW₁ for the symmetric two layer), E‖Dx_σ − x‖² = tr((D − I)Σ(D − I)ᵀ) + σ²·tr(DDᵀ)
 * = tr(DCDᵀ) − 2tr(DΣ) + tr Σ with C = Σ + σ²I (no ½).
 * <ul>
 * <li>One layer: ∇_W L = 2(WC − Σ); the flow dW/dτ = −η∇L = −2η(W(Σ + σ²I) − Σ).
 * <li>Two layer: dL = tr(dM·(CM + MC − 2Σ)) and dM = dW₁ᵀW₁ + W₁ᵀdW₁ with G = CM + MC − 2Σ symmetric, so
 * ∇_{W₁} L = 2W₁G and dW₁/dτ = −2ηW₁(CM + MC − 2Σ).
 * </ul>
 * From W₀ = Q·I (W₁ = √Q·I) both flows keep D a function of Σ: UᵀDU = diag(ψ_k(τ; σ)) exactly.
 *
 * <p>Cost: O(d³) per evaluation of the gradient (one product for one layer, four for two), times 6 per
 * Dormand–Prince step; memory O(d²). Inputs are copied, never modified.
 */
public final class WeightSpaceFlow {
    private final double[][] sigma;
    private final double noise;
    private final DenoiserModel model;
    private final double eta;
    private final int d;

    /**
     * @param covariance Σ, d × d, finite, symmetric within {@link GeneratedGaussian#SYMMETRY_TOLERANCE}·max|Σ|
     * @param noise      σ, finite, &gt; 0
     * @param model      one or two layer
     * @param eta        η, finite, &gt; 0
     * @throws IllegalArgumentException naming the argument, the entry and the legal range
     */
    public WeightSpaceFlow(double[][] covariance, double noise, DenoiserModel model, double eta) {
        Objects.requireNonNull(model, "model");
        GeneratedGaussian.requireSymmetric("covariance", covariance);
        if (!(noise > 0) || !Double.isFinite(noise)) {
            throw new IllegalArgumentException("noise: " + noise + " is outside (0, ∞) (finite)");
        }
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("eta: " + eta + " is outside (0, ∞) (finite)");
        }
        this.d = covariance.length;
        this.sigma = new double[d][];
        for (int i = 0; i < d; i++) {
            sigma[i] = covariance[i].clone();
        }
        this.noise = noise;
        this.model = model;
        this.eta = eta;
    }

    /**
     * The trained weights, the denoiser matrix D they make, and the integrator's bookkeeping.
     *
     * @param weights       W (or W₁) at τ
     * @param denoiser      D = W (or W₁ᵀW₁) at τ
     * @param steps         accepted Dormand–Prince steps
     * @param rejected      rejected steps
     * @param localErrorSum the sum over accepted steps of the max-norm local error estimate: for the one-layer flow,
     *                      which contracts, d times it bounds the Frobenius error of W
     */
    public record Trajectory(double[][] weights, double[][] denoiser, int steps, int rejected, double localErrorSum) {
    }

    /** D: W (one layer) or W₁ᵀW₁ (two layer). */
    public double[][] denoiser(double[][] w) {
        requireShape("w", w);
        return model == DenoiserModel.ONE_LAYER ? copy(w) : transposeTimes(w, w);
    }

    /** L_σ = tr(DCDᵀ) − 2tr(DΣ) + tr Σ, the denoising loss E‖Dx_σ − x‖². */
    public double loss(double[][] w) {
        double[][] m = denoiser(w);
        double[][] mc = times(m, noisy());
        double loss = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                loss += mc[i][j] * m[i][j] - 2 * m[i][j] * sigma[j][i];
            }
            loss += sigma[i][i];
        }
        return loss;
    }

    /** ∇L_σ with respect to the weights: 2(WC − Σ), or 2W₁(CM + MC − 2Σ). */
    public double[][] gradient(double[][] w) {
        requireShape("w", w);
        double[] flat = new double[d * d];
        derivative(flatten(w), flat, -1);
        double[][] g = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(flat, i * d, g[i], 0, d);
        }
        return g;
    }

    /**
     * Integrates dW/dτ = −η∇L from {@code w0} over [0, tau] with {@link DormandPrince} at the given tolerances
     * (at most {@code maxSteps} steps, else {@link IllegalStateException}).
     */
    public Trajectory train(double[][] w0, double tau, double rtol, double atol, int maxSteps) {
        requireShape("w0", w0);
        if (!(tau >= 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("tau: " + tau + " is outside [0, ∞) (finite)");
        }
        DormandPrince.Result r = DormandPrince.integrate((t, y, dy) -> derivative(y, dy, eta), flatten(w0), 0, tau,
                rtol, atol, maxSteps);
        double[][] w = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(r.y(), i * d, w[i], 0, d);
        }
        return new Trajectory(w, denoiser(w), r.steps(), r.rejected(), r.localErrorSum());
    }

    /** out = −scale·∇L (scale = η for the flow, −1 for the gradient itself). */
    private void derivative(double[] y, double[] out, double scale) {
        double[][] w = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(y, i * d, w[i], 0, d);
        }
        double[][] c = noisy();
        double[][] g;
        if (model == DenoiserModel.ONE_LAYER) {
            g = times(w, c);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    g[i][j] -= sigma[i][j];
                }
            }
        } else {
            double[][] m = transposeTimes(w, w);
            double[][] cm = times(c, m);
            double[][] inner = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    inner[i][j] = cm[i][j] + cm[j][i] - 2 * sigma[i][j];   // MC = (CM)ᵀ, both symmetric
                }
            }
            g = times(w, inner);
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = -2 * scale * g[i][j];
            }
        }
    }

    private double[][] noisy() {
        double[][] c = copy(sigma);
        for (int i = 0; i < d; i++) {
            c[i][i] += noise * noise;
        }
        return c;
    }

    private void requireShape(String name, double[][] w) {
        Objects.requireNonNull(w, name);
        if (w.length != d) {
            throw new IllegalArgumentException(name + ": " + w.length + " rows, expected " + d);
        }
        for (int i = 0; i < d; i++) {
            if (w[i] == null || w[i].length != d) {
                throw new IllegalArgumentException(name + ": row " + i + " has " + (w[i] == null ? "no" : w[i].length)
                        + " entries, expected " + d);
            }
        }
    }

    private double[] flatten(double[][] w) {
        double[] y = new double[d * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(w[i], 0, y, i * d, d);
        }
        return y;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    static double[][] times(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < k; l++) {
                double ail = a[i][l];
                for (int j = 0; j < m; j++) {
                    c[i][j] += ail * b[l][j];
                }
            }
        }
        return c;
    }

    /** aᵀb. */
    static double[][] transposeTimes(double[][] a, double[][] b) {
        int n = a[0].length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int l = 0; l < a.length; l++) {
            for (int i = 0; i < n; i++) {
                double ali = a[l][i];
                for (int j = 0; j < m; j++) {
                    c[i][j] += ali * b[l][j];
                }
            }
        }
        return c;
    }
}
