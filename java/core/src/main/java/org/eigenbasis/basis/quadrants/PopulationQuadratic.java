package org.eigenbasis.basis.quadrants;

import java.util.SplittableRandom;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.internal.ModelMath;
import org.eigenbasis.spi.Backend;

/**
 * Linear regression in the population limit and its mini-batches: x ∼ N(0, H), y = xᵀθ* + s·ε with ε ∼ N(0, 1).
 * The tracked loss is the excess population loss ½eᵀHe (e = θ − θ*, f* = 0); the full-batch gradient is He and the
 * full-batch GN matrix H itself (so diag(H) is read exactly). A mini-batch of B fresh examples gives
 * g = (1/B) Σ_i x_i(x_iᵀe − s·ε_i) and, from a second, independent batch of B, G = (1/B) Σ_i x_i x_iᵀ. Samples are
 * drawn as x = F z with F = V Λ^½ (H = VΛVᵀ from the backend's eigh), z ∼ N(0, I), then ε, example by example.
 */
final class PopulationQuadratic implements QuadrantObjective {
    private final double[][] h;
    private final double[] optimum;
    private final double[] initial;
    private final double noise;
    private final int batch;
    private final double[][] factor;

    /**
     * @param h       H, symmetric positive semi-definite d × d (copied)
     * @param optimum θ*
     * @param initial θ₀
     * @param noise   s ≥ 0
     * @param batch   B ≥ 1, or 0 for full batch (gradient He, GN matrix H fixed)
     */
    PopulationQuadratic(double[][] h, double[] optimum, double[] initial, double noise, int batch, Backend backend) {
        this.h = ModelMath.copy(h);
        this.optimum = optimum.clone();
        this.initial = initial.clone();
        this.noise = noise;
        this.batch = batch;
        this.factor = batch == 0 ? null : squareRootFactor(h, backend);
    }

    /** F with FFᵀ = H: V Λ^½ from the eigenbasis (negative rounding-level eigenvalues clamped to 0). */
    static double[][] squareRootFactor(double[][] h, Backend backend) {
        int d = h.length;
        Basis v = Basis.eigenbasisOf(h, backend);
        double[] lambda = BasisOptimizer.diagonalInBasis(v, h, backend);
        double[][] f = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                f[i][j] = v.get(i, j) * Math.sqrt(Math.max(lambda[j], 0));
            }
        }
        return f;
    }

    int dimension() {
        return initial.length;
    }

    double[][] hessian() {
        return ModelMath.copy(h);
    }

    double[] optimum() {
        return optimum.clone();
    }

    @Override
    public double[] initial() {
        return initial.clone();
    }

    /** e = θ − θ*. */
    double[] error(double[] theta) {
        double[] e = new double[theta.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = theta[i] - optimum[i];
        }
        return e;
    }

    /** He. */
    double[] hessianTimes(double[] e) {
        double[] out = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            out[i] = ModelMath.dot(h[i], e);
        }
        return out;
    }

    @Override
    public double loss(double[] theta) {
        double[] e = error(theta);
        return 0.5 * ModelMath.dot(e, hessianTimes(e));
    }

    @Override
    public double[] gradient(double[] theta, SplittableRandom random) {
        double[] e = error(theta);
        if (batch == 0) {
            return hessianTimes(e);
        }
        int d = e.length;
        double[] g = new double[d];
        double[] x = new double[d];
        for (int b = 0; b < batch; b++) {
            sample(x, random);
            double r = ModelMath.dot(x, e) - noise * random.nextGaussian();
            for (int j = 0; j < d; j++) {
                g[j] += x[j] * r;
            }
        }
        for (int j = 0; j < d; j++) {
            g[j] /= batch;
        }
        return g;
    }

    @Override
    public double[][] fixedCurvature() {
        return batch == 0 ? ModelMath.copy(h) : null;
    }

    @Override
    public double[][] curvature(double[] theta, SplittableRandom random) {
        int d = initial.length;
        double[][] g = new double[d][d];
        double[] x = new double[d];
        for (int b = 0; b < batch; b++) {
            sample(x, random);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    g[i][j] += x[i] * x[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                g[i][j] /= batch;
            }
        }
        return g;
    }

    /** x = F z, z ∼ N(0, I). */
    private void sample(double[] x, SplittableRandom random) {
        int d = x.length;
        double[] z = new double[d];
        for (int j = 0; j < d; j++) {
            z[j] = random.nextGaussian();
        }
        for (int i = 0; i < d; i++) {
            x[i] = ModelMath.dot(factor[i], z);
        }
    }
}
