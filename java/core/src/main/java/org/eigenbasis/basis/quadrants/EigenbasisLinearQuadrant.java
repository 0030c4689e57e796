package org.eigenbasis.basis.quadrants;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.GaussNewton;
import org.eigenbasis.basis.LinearRegression;
import org.eigenbasis.basis.egop.EgopProblems;
import org.eigenbasis.internal.ModelMath;
import org.eigenbasis.spi.Backend;

/**
 * Quadrant (a): eigenbasis, full batch, linear regression. n = {@value #N} examples x_i = Q Λ^½ z_i in d = {@value #D}
 * dimensions with Λ_i = 10^(−2i/(d−1)) (population condition number 100) and Q a Haar rotation, y = Xθ* noise-free
 * (so f* = 0), θ₀ = 0. U is the eigenbasis of G = XᵀX/n, so D = diag(UᵀGU) holds G's eigenvalues and:
 * <ul>
 *   <li>GN^-1 (ε = 0) at lr 1 is Newton's method: θ₁ = θ* up to rounding, one step;</li>
 *   <li>GN^-1/2 multiplies the j-th eigen-coordinate of the error by 1 − lr·√λ_j: condition number √κ, rate at
 *       best (√κ − 1)/(√κ + 1), against κ and (κ − 1)/(κ + 1) for gradient descent.</li>
 * </ul>
 * Draws (one {@link SplittableRandom} from the seed): Q, then Z row by row, then θ*.
 */
final class EigenbasisLinearQuadrant {
    static final int D = 20;
    static final int N = 400;
    private static final double FROM = 1e-4;
    private static final double TO = 1e-12;

    private EigenbasisLinearQuadrant() {
    }

    /** The data matrix, its targets and θ*; see the class comment. */
    record Data(double[][] x, double[] y, double[] optimum) {
    }

    static Data data(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = gaussianRows(random, N, D, 2);
        double[] optimum = new double[D];
        for (int j = 0; j < D; j++) {
            optimum[j] = random.nextGaussian();
        }
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            y[i] = ModelMath.dot(x[i], optimum);
        }
        return new Data(x, y, optimum);
    }

    /**
     * n rows x_i = Q Λ^½ z_i in d dimensions, Λ_k = 10^(−decades·k/(d−1)), Q a Haar rotation
     * ({@link EgopProblems#randomRotation}), z_i ∼ N(0, I): covariance QΛQᵀ. Draws Q, then the z_i row by row.
     */
    static double[][] gaussianRows(SplittableRandom random, int n, int d, double decades) {
        double[] q = EgopProblems.randomRotation(d, random);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int k = 0; k < d; k++) {
                z[k] = random.nextGaussian() * Math.sqrt(Math.pow(10, -decades * k / (d - 1)));
            }
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += q[j * d + k] * z[k];
                }
                x[i][j] = s;
            }
        }
        return x;
    }

    static EigenbasisLinearResult run(QuadrantsConfig config, Backend backend) {
        Data data = data(config.seed());
        LinearRegression model = new LinearRegression(data.x(), data.y());
        double[][] g = GaussNewton.linearRegression(data.x(), backend);
        Basis basis = Basis.eigenbasisOf(g, backend);
        double[] lambda = BasisOptimizer.diagonalInBasis(basis, g, backend);
        QuadrantObjective objective = objective(model, g);
        QuadrantRunner runner = new QuadrantRunner(backend, config);
        List<MethodResult> methods = new ArrayList<>();
        for (QuadrantMethod m : QuadrantMethod.values()) {
            methods.add(runner.tune(m, basis, objective, config.linearSteps(), config.linearTarget(), config.adam()));
        }
        double[] newton = runner.run(QuadrantMethod.GAUSS_NEWTON, 1, basis, objective, 1, config.adam(), null);
        double newtonRelative = newton.length > 1 ? newton[1] / newton[0] : Double.POSITIVE_INFINITY;
        double[] e0 = basis.rotate(subtract(objective.initial(), data.optimum()));
        double kappa = max(lambda) / min(lambda);
        RateCheck sqrt = rate(FourQuadrantsResult.find(methods, QuadrantMethod.GAUSS_NEWTON_SQRT), lambda, e0, 0.5,
                Math.sqrt(kappa));
        RateCheck gd = rate(FourQuadrantsResult.find(methods, QuadrantMethod.GRADIENT_DESCENT), lambda, e0, 0, kappa);
        return new EigenbasisLinearResult(methods, kappa, newtonRelative, sqrt, gd);
    }

    static QuadrantObjective objective(LinearRegression model, double[][] g) {
        return FullBatchObjective.withFixedCurvature(model.dimension(), model::loss, model::gradient, g);
    }

    /**
     * The run's mean contraction over the window [t₀, t₁] (see {@link RateCheck}) against the closed form with
     * multipliers 1 − lr·λ_j^(1−p); NaN fields when the best run never reaches 1e-4·L₀ or has no later step.
     */
    static RateCheck rate(MethodResult result, double[] lambda, double[] e0, double p, double condition) {
        double lr = result.bestLr();
        double[] curve = result.lossCurve();
        int from = first(curve, FROM * curve[0]);
        int to = first(curve, TO * curve[0]);
        if (to < 0) {
            to = curve.length - 1;
        }
        double[] multiplier = new double[lambda.length];
        double asymptotic = 0;
        for (int j = 0; j < lambda.length; j++) {
            multiplier[j] = 1 - lr * Math.pow(lambda[j], 1 - p);
            asymptotic = Math.max(asymptotic, Math.abs(multiplier[j]));
        }
        double optimal = (condition - 1) / (condition + 1);
        if (from < 0 || to <= from) {
            return new RateCheck(lr, from, to, Double.NaN, Double.NaN, asymptotic, optimal);
        }
        double measured = Math.pow(curve[to] / curve[from], 1.0 / (2 * (to - from)));
        double predicted = Math.pow(closedForm(lambda, e0, multiplier, to) / closedForm(lambda, e0, multiplier, from),
                1.0 / (2 * (to - from)));
        return new RateCheck(lr, from, to, measured, predicted, asymptotic, optimal);
    }

    /** ½ Σ_j λ_j ẽ_{0,j}² m_j^(2t). */
    static double closedForm(double[] lambda, double[] e0, double[] multiplier, int t) {
        double s = 0;
        for (int j = 0; j < lambda.length; j++) {
            s += lambda[j] * e0[j] * e0[j] * Math.pow(multiplier[j], 2.0 * t);
        }
        return 0.5 * s;
    }

    private static int first(double[] curve, double threshold) {
        for (int t = 0; t < curve.length; t++) {
            if (curve[t] <= threshold) {
                return t;
            }
        }
        return -1;
    }

    static double[] subtract(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    static double max(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        return m;
    }

    static double min(double[] x) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : x) {
            m = Math.min(m, v);
        }
        return m;
    }
}
