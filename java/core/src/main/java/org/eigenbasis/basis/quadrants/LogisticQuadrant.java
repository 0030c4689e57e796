package org.eigenbasis.basis.quadrants;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.GaussNewton;
import org.eigenbasis.basis.LogisticRegression;
import org.eigenbasis.internal.ModelMath;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;

/**
 * Quadrant (d): eigenbasis, full batch, logistic regression. See {@link #data} for the instance; θ₀ = 0, U the
 * eigenbasis of G(θ₀) = XᵀX/(4n) (s = ½ everywhere), GN matrices G(θ) = Xᵀdiag(s(1 − s))X/n recomputed at every
 * step.
 */
final class LogisticQuadrant {
    static final int D = 10;
    static final int N = 200;
    static final double LABEL_SCALE = 30;
    static final double DECADES = 2;

    private LogisticQuadrant() {
    }

    record Data(double[][] x, double[] labels) {
    }

    /**
     * x_i = Q Λ^½ z_i (Λ_k = 10^(−DECADES·k/(d−1)), Q Haar), labels y_i = 1 with probability σ(LABEL_SCALE·x_iᵀw),
     * w a unit vector drawn uniformly. Draws: Q, Z row by row, w, then one uniform per label.
     */
    static Data data(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = EigenbasisLinearQuadrant.gaussianRows(random, N, D, DECADES);
        double[] w = new double[D];
        double norm = 0;
        for (int j = 0; j < D; j++) {
            w[j] = random.nextGaussian();
            norm += w[j] * w[j];
        }
        for (int j = 0; j < D; j++) {
            w[j] /= Math.sqrt(norm);
        }
        double[] labels = new double[N];
        for (int i = 0; i < N; i++) {
            double p = ModelMath.sigmoid(LABEL_SCALE * ModelMath.dot(x[i], w));
            labels[i] = random.nextDouble() < p ? 1 : 0;
        }
        return new Data(x, labels);
    }

    /**
     * The minimum L* by Newton's method with backtracking (θ ← θ − t·G⁻¹∇L, G⁻¹ through the eigenbasis of G(θ), t
     * halved until the loss does not increase), from θ₀ = 0, for at most 100 steps or until the step stops
     * lowering the loss.
     */
    static double[] minimizer(LogisticRegression model, Backend backend) {
        double[][] x = model.data();
        double[] theta = new double[model.dimension()];
        double loss = model.loss(theta);
        for (int it = 0; it < 100; it++) {
            double[][] g = GaussNewton.logisticRegression(x, theta, backend);
            double[] grad = model.gradient(theta);
            Basis basis = Basis.eigenbasisOf(g, backend);
            double[] lambda = BasisOptimizer.diagonalInBasis(basis, g, backend);
            double[] c = basis.rotate(grad);
            for (int j = 0; j < c.length; j++) {
                c[j] /= lambda[j];
            }
            double[] direction = basis.unrotate(c);
            double step = 1;
            double[] next = theta;
            double nextLoss = loss;
            for (int k = 0; k < 60; k++) {
                double[] trial = theta.clone();
                for (int j = 0; j < trial.length; j++) {
                    trial[j] -= step * direction[j];
                }
                double l = model.loss(trial);
                if (l <= loss) {
                    next = trial;
                    nextLoss = l;
                    break;
                }
                step /= 2;
            }
            if (!(nextLoss < loss)) {
                break;
            }
            theta = next;
            loss = nextLoss;
        }
        return theta;
    }

    /** The excess loss L(θ) − L(θ*), gradient, and G(θ) recomputed at every step. */
    static QuadrantObjective objective(LogisticRegression model, double[] optimum, Backend backend) {
        double[][] x = model.data();
        double minimum = model.loss(optimum);
        return FullBatchObjective.withCurvature(model.dimension(), theta -> model.loss(theta) - minimum,
                model::gradient, theta -> GaussNewton.logisticRegression(x, theta, backend));
    }

    static LogisticResult run(QuadrantsConfig config, Backend backend) {
        Data data = data(config.seed());
        LogisticRegression model = new LogisticRegression(data.x(), data.labels());
        double[] optimum = minimizer(model, backend);
        QuadrantObjective objective = objective(model, optimum, backend);
        double[] start = objective.initial();
        double[][] g0 = GaussNewton.logisticRegression(data.x(), start, backend);
        Basis basis = Basis.eigenbasisOf(g0, backend);
        QuadrantRunner runner = new QuadrantRunner(backend, config);
        List<MethodResult> methods = new ArrayList<>();
        for (QuadrantMethod m : QuadrantMethod.values()) {
            methods.add(runner.tune(m, basis, objective, config.logisticSteps(), config.logisticTarget(), config.adam()));
        }
        int adam = FourQuadrantsResult.find(methods, QuadrantMethod.ADAM).stepsToTarget();
        int gn = Integer.MAX_VALUE;
        for (QuadrantMethod m : List.of(QuadrantMethod.GAUSS_NEWTON, QuadrantMethod.GAUSS_NEWTON_SQRT)) {
            int s = FourQuadrantsResult.find(methods, m).stepsToTarget();
            gn = Math.min(gn, s < 0 ? Integer.MAX_VALUE : s);
        }
        double speedup = adam <= 0 ? Double.NaN : gn == Integer.MAX_VALUE ? Double.POSITIVE_INFINITY : (double) gn / adam;
        double[][] gStar = GaussNewton.logisticRegression(data.x(), optimum, backend);
        return new LogisticResult(methods, speedup, model.loss(optimum), curvatureScale(model, start),
                curvatureScale(model, optimum), spectrum(basis, g0, 1, backend), spectrum(basis, gStar, 1, backend),
                spectrum(basis, g0, 0.5, backend), spectrum(basis, gStar, 0.5, backend));
    }

    /** mean_i s_i(1 − s_i) at θ. */
    static double curvatureScale(LogisticRegression model, double[] theta) {
        double sum = 0;
        double[] s = model.probabilities(theta);
        for (double p : s) {
            sum += p * (1 - p);
        }
        return sum / s.length;
    }

    /**
     * The extreme eigenvalues of D^-p·M with M = UᵀGU and D = diag(M) (similar to the symmetric D^(-p/2) M D^(-p/2),
     * whose eigenvalues the backend's eigh gives): near a minimum with curvature G, GN^-p's iteration contracts mode k
     * by 1 − lr·μ_k, stable only for lr &lt; 2/μ_max.
     */
    static LogisticResult.Spectrum spectrum(Basis basis, double[][] g, double p, Backend backend) {
        int d = basis.dimension();
        double[][] m = new double[d][];
        double[][] gu = new double[d][d];
        for (int k = 0; k < d; k++) {
            double[] unit = new double[d];
            unit[k] = 1;
            double[] column = basis.unrotate(unit);
            for (int i = 0; i < d; i++) {
                gu[i][k] = ModelMath.dot(g[i], column);
            }
        }
        for (int k = 0; k < d; k++) {
            double[] column = new double[d];
            for (int i = 0; i < d; i++) {
                column[i] = gu[i][k];
            }
            m[k] = basis.rotate(column);
        }
        double[][] scaled = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                scaled[i][j] = m[j][i] / Math.pow(m[i][i], p / 2) / Math.pow(m[j][j], p / 2);
            }
        }
        // Only the two extremes are read: eigenvalues alone (no eigenvectors, no rotation into their basis).
        try (BatchedMatrix a = BatchedMatrix.of(scaled); EighResult eig = SymmetricEigen.on(backend).values(a)) {
            return new LogisticResult.Spectrum(eig.value(0, 0), eig.value(0, d - 1));
        }
    }
}
