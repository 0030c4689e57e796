package org.eigenbasis.diffusion;

import java.util.Objects;

/**
 * The mean and the variance, per eigen-mode, of the denoiser weights that {@link DenoiserTraining} learns by SGD:
 * the error bars against which simulation meets the closed forms of {@link ModeDynamics}. Coordinates are the
 * eigenbasis of Σ (ψ_k = u_kᵀ D u_k, off-diagonal u_jᵀ D u_k); r = λ + σ², u = σ², h the step, n the batch.
 *
 * <p><b>Mean.</b> The samples of a step are fresh, so they are independent of the weights and E[WŜ] = E[W]·(Σ + σ²I):
 * for the one layer the expected weights obey the population recursion exactly, and stay diagonal in the
 * eigenbasis: E ψ_T = K + (Q − K)(1 − 2ηhr)^T. Against the gradient flow's e^(−2ηrτ), τ = Th, the discretisation
 * error is, for x = 2ηhr ≤ 1, 0 ≤ e^(−xT) − (1 − x)^T ≤ T·(x²/2)·e^(−x(T−1)) (from 0 ≤ e^(−x) − (1 − x) ≤ x²/2 and
 * a^T − b^T ≤ T(a − b)a^(T−1) for 0 ≤ b ≤ a): the SGD mean runs ahead of the flow toward K by about ηhr·(2ηrτ)·e^(−2ηrτ)·|Q − K|, first order in h.
 * For the two layer p = √ψ follows the Euler step p ← p − 4ηh·p(p²r − λ) of the flow dp/dτ = −4ηp(p²r − λ)
 * (whose ψ = p² is the logistic law); the mean of the noisy recursion differs from it by O(variance), which is
 * second order in the noise and far below one standard error.
 *
 * <p><b>Variance</b> (linearised about the mean, per mode; the coupling to the other modes' fluctuations enters at
 * relative order d(ηhr)²/n and is dropped). With P(α) = ((α − 1)²λ + α²u)·r + (αr − λ)², the variance of one
 * sample's (αx_σ − x)x_σ along the mode (a product of jointly Gaussian variables: Var(ab) = E a²·E b² + (E ab)²):
 * <pre>
 *   one layer:  v ← v·[(1 − 2ηhr)² + 8η²h²r²/n] + 4η²h²·P(ψ̄)/n
 *   two layer:  v_p ← v_p·[(1 − 4ηh(3p̄²r − λ))² + 16η²h²·P(3p̄²)/n] + 16η²h²·p̄²·P(p̄²)/n,   Var ψ = 4p̄²·v_p
 * </pre>
 * Off-diagonal entries (j ≠ k) have mean zero (one layer exactly, two layer to second order) and variance
 * <pre>
 *   one layer (row j, column k):  v ← v·[(1 − 2ηhr_k)² + 8η²h²r_k²/n] + 4η²h²·((ψ̄_j − 1)²λ_j + ψ̄_j²u)·r_k/n
 *   two layer (M = W₁ᵀW₁, s = ψ̄_j + ψ̄_k):
 *       v ← v·(1 − ηh[2s(r_j + r_k) + 4(ψ̄_j r_j − λ_j) + 4(ψ̄_k r_k − λ_k)])²
 *           + 4η²h²s²·[(s − 2)²λ_jλ_k + (s − 1)²(λ_j + λ_k)u + s²u²]/n
 * </pre>
 * (the noise of M_jk is that of (s x_σj x_σk − x_j x_σk − x_k x_σj), four uncorrelated products of independent
 * Gaussians). Every method costs O(steps) and refuses what {@link ModeDynamics} refuses, a σ that is not positive and
 * finite, a negative step count and a batch below 1.
 */
public final class SgdMoments {
    private SgdMoments() {
    }

    /** E ψ after {@code steps} SGD steps: exact for the one layer, the noiseless recursion for the two layer. */
    public static double meanWeight(DenoiserModel model, double lambda, double sigma, double step, int steps,
                                    DiffusionConfig config) {
        return trajectory(model, lambda, sigma, step, steps, 1, config)[0];
    }

    /** Var ψ after {@code steps} steps with {@code batch} samples per step (linearised, see the class comment). */
    public static double weightVariance(DenoiserModel model, double lambda, double sigma, double step, int steps,
                                        int batch, DiffusionConfig config) {
        return trajectory(model, lambda, sigma, step, steps, batch, config)[1];
    }

    /**
     * Var of the off-diagonal u_jᵀ D u_k (j ≠ k, modes of variances λ_j and λ_k) after {@code steps} steps; the
     * one layer's entry in row j, column k (not symmetric), the two layer's symmetric one.
     */
    public static double offDiagonalVariance(DenoiserModel model, double lambdaJ, double lambdaK, double sigma,
                                             double step, int steps, int batch, DiffusionConfig config) {
        check(model, lambdaJ, sigma, step, steps, batch, config);
        check(model, lambdaK, sigma, step, steps, batch, config);
        double u = sigma * sigma;
        double rj = lambdaJ + u;
        double rk = lambdaK + u;
        double lr = config.eta() * step;
        double q = config.init();
        boolean two = model == DenoiserModel.TWO_LAYER;
        double mj = two ? Math.sqrt(q) : q;
        double mk = mj;
        double v = 0;
        for (int t = 0; t < steps; t++) {
            if (!two) {
                double a = 1 - 2 * lr * rk;
                double noise = ((mj - 1) * (mj - 1) * lambdaJ + mj * mj * u) * rk;
                v = v * (a * a + 8 * lr * lr * rk * rk / batch) + 4 * lr * lr * noise / batch;
                mj -= 2 * lr * (mj * rj - lambdaJ);
            } else {
                double pj = mj * mj;
                double pk = mk * mk;
                double s = pj + pk;
                double a = 1 - lr * (2 * s * (rj + rk) + 4 * (pj * rj - lambdaJ) + 4 * (pk * rk - lambdaK));
                double noise = (s - 2) * (s - 2) * lambdaJ * lambdaK + (s - 1) * (s - 1) * (lambdaJ + lambdaK) * u
                        + s * s * u * u;
                v = v * a * a + 4 * lr * lr * s * s * noise / batch;
                mj -= 4 * lr * mj * (pj * rj - lambdaJ);
                mk -= 4 * lr * mk * (pk * rk - lambdaK);
            }
        }
        return v;
    }

    /** {mean ψ, Var ψ}. */
    private static double[] trajectory(DenoiserModel model, double lambda, double sigma, double step, int steps,
                                       int batch, DiffusionConfig config) {
        check(model, lambda, sigma, step, steps, batch, config);
        double u = sigma * sigma;
        double r = lambda + u;
        double lr = config.eta() * step;
        double q = config.init();
        if (model == DenoiserModel.ONE_LAYER) {
            double psi = q;
            double v = 0;
            for (int t = 0; t < steps; t++) {
                double a = 1 - 2 * lr * r;
                v = v * (a * a + 8 * lr * lr * r * r / batch) + 4 * lr * lr * sampleVariance(psi, lambda, u) / batch;
                psi -= 2 * lr * (psi * r - lambda);
            }
            return new double[] {psi, v};
        }
        double p = Math.sqrt(q);
        double vp = 0;
        for (int t = 0; t < steps; t++) {
            double psi = p * p;
            double a = 1 - 4 * lr * (3 * psi * r - lambda);
            vp = vp * (a * a + 16 * lr * lr * sampleVariance(3 * psi, lambda, u) / batch)
                    + 16 * lr * lr * psi * sampleVariance(psi, lambda, u) / batch;
            p -= 4 * lr * p * (psi * r - lambda);
        }
        return new double[] {p * p, 4 * p * p * vp};
    }

    /** P(α) = Var((αx_σ − x)·x_σ) for one sample along a mode of variance λ at noise variance u. */
    static double sampleVariance(double alpha, double lambda, double u) {
        double r = lambda + u;
        double residual = (alpha - 1) * (alpha - 1) * lambda + alpha * alpha * u;
        double correlation = alpha * r - lambda;
        return residual * r + correlation * correlation;
    }

    private static void check(DenoiserModel model, double lambda, double sigma, double step, int steps, int batch,
                              DiffusionConfig config) {
        ModeDynamics.check(model, lambda, 0, config);
        Objects.requireNonNull(config, "config");
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma: " + sigma + " is outside (0, ∞) (finite)");
        }
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: " + step + " is outside (0, ∞) (finite)");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps: " + steps + " is outside [0, " + Integer.MAX_VALUE + "]");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch: " + batch + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
    }
}
