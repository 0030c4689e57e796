package org.eigenbasis.basis.quadrants;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.egop.EgopProblems;
import org.eigenbasis.internal.LeastSquaresLine;
import org.eigenbasis.spi.Backend;

/**
 * Quadrant (c): mini-batch linear regression with Gaussian data (x ∼ N(0, H), label noise s, batch B, fresh examples
 * every step; {@link PopulationQuadratic}). H = S^½ C S^½ in d = {@value #D} dimensions with S_j = 10^(−2j/(d−1))
 * and C_ij = {@value #CORRELATION}^|i−j| (an AR(1) correlation), so diag(H) spreads over two decades in the identity
 * basis while H is not diagonal there. θ* ∼ N(0, I), θ₀ = 0. Draws: θ* from the seed, then the random basis (a Haar
 * rotation), then the Monte Carlo gradients; the runs draw their mini-batches from the runner's stream.
 * <ol>
 *   <li>The four methods in H's eigenbasis, tuned on the grid (the GN matrix of a step comes from its own,
 *       independent batch of B).</li>
 *   <li>The second-moment formula ({@link SecondMomentFormula}) against M mini-batch gradients at θ₀ and at
 *       θ* + (θ₀ − θ*)/10, in the identity, the eigen- and a random basis.</li>
 *   <li>Adam (β₂ = momentBeta2) for momentSteps steps at its tuned lr in the identity and the eigenbasis; its v̂
 *       against diag(UᵀHU): exponent and cosine ({@link MinibatchResult.Alignment}).</li>
 * </ol>
 */
final class MinibatchQuadrant {
    static final int D = 20;
    static final double CORRELATION = 0.5;

    private MinibatchQuadrant() {
    }

    static double[][] hessian() {
        double[][] h = new double[D][D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                h[i][j] = Math.sqrt(scale(i) * scale(j)) * Math.pow(CORRELATION, Math.abs(i - j));
            }
        }
        return h;
    }

    private static double scale(int j) {
        return Math.pow(10, -2.0 * j / (D - 1));
    }

    static PopulationQuadratic objective(QuadrantsConfig config, Backend backend) {
        SplittableRandom random = new SplittableRandom(config.seed());
        double[] optimum = new double[D];
        for (int j = 0; j < D; j++) {
            optimum[j] = random.nextGaussian();
        }
        return new PopulationQuadratic(hessian(), optimum, new double[D], config.noise(), config.batchSize(), backend);
    }

    static MinibatchResult run(QuadrantsConfig config, Backend backend) {
        PopulationQuadratic model = objective(config, backend);
        double[][] h = model.hessian();
        Basis eigen = Basis.eigenbasisOf(h, backend);
        double[] lambda = BasisOptimizer.diagonalInBasis(eigen, h, backend);
        double decades = Math.log10(EigenbasisLinearQuadrant.max(lambda) / EigenbasisLinearQuadrant.min(lambda));
        SplittableRandom random = new SplittableRandom(config.seed() + 1);
        Basis randomBasis = Basis.of(EgopProblems.randomRotation(D, random), D);

        QuadrantRunner runner = new QuadrantRunner(backend, config);
        int tail = Math.max(1, config.minibatchSteps() / 10);
        List<MethodResult> methods = new ArrayList<>();
        for (QuadrantMethod m : QuadrantMethod.values()) {
            methods.add(runner.tune(m, eigen, model, config.minibatchSteps(), config.minibatchTarget(), config.adam(),
                    tail));
        }

        List<MinibatchResult.FormulaCheck> checks = new ArrayList<>();
        double[] start = model.initial();
        double[] near = new double[D];
        double[] optimum = model.optimum();
        for (int j = 0; j < D; j++) {
            near[j] = optimum[j] + (start[j] - optimum[j]) / 10;
        }
        String[] names = {"identity", "eigenbasis", "random"};
        Basis[] bases = {Basis.identity(D), eigen, randomBasis};
        checks.addAll(formulaChecks("start", start, names, bases, model, config, backend, random));
        checks.addAll(formulaChecks("near", near, names, bases, model, config, backend, random));

        double lr = FourQuadrantsResult.find(methods, QuadrantMethod.ADAM).bestLr();
        List<MinibatchResult.Alignment> alignments = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            alignments.add(alignment(names[b], bases[b], model, lr, runner, config, backend));
        }
        return new MinibatchResult(methods, decades, checks, alignments);
    }

    /** M gradients at θ (shared by the bases), rotated into each basis; z-scores against the formula. */
    static List<MinibatchResult.FormulaCheck> formulaChecks(String point, double[] theta, String[] names, Basis[] bases,
                                                            PopulationQuadratic model, QuadrantsConfig config,
                                                            Backend backend, SplittableRandom random) {
        int m = config.monteCarloSamples();
        double[][] sum = new double[bases.length][D];
        double[][] sumSquares = new double[bases.length][D];
        for (int s = 0; s < m; s++) {
            double[] g = model.gradient(theta, random);
            for (int b = 0; b < bases.length; b++) {
                double[] c = bases[b].rotate(g);
                for (int j = 0; j < D; j++) {
                    double q = c[j] * c[j];
                    sum[b][j] += q;
                    sumSquares[b][j] += q * q;
                }
            }
        }
        List<MinibatchResult.FormulaCheck> out = new ArrayList<>();
        for (int b = 0; b < bases.length; b++) {
            double[] diagonal = BasisOptimizer.diagonalInBasis(bases[b], model.hessian(), backend);
            double[] expected = SecondMomentFormula.expected(bases[b], model, diagonal, theta, config.noise(),
                    config.batchSize());
            double[] mean = new double[D];
            double[] se = new double[D];
            double worst = 0;
            for (int j = 0; j < D; j++) {
                mean[j] = sum[b][j] / m;
                double variance = (sumSquares[b][j] - m * mean[j] * mean[j]) / (m - 1);
                se[j] = Math.sqrt(Math.max(variance, 0) / m);
                worst = Math.max(worst, Math.abs(mean[j] - expected[j]) / se[j]);
            }
            out.add(new MinibatchResult.FormulaCheck(names[b], point, m, worst, expected, mean, se));
        }
        return out;
    }

    private static MinibatchResult.Alignment alignment(String name, Basis basis, PopulationQuadratic model, double lr,
                                                       QuadrantRunner runner, QuadrantsConfig config, Backend backend) {
        DiagonalRule.Adam adam = config.adam().withBeta2(config.momentBeta2());
        SecondMomentTracker tracker = new SecondMomentTracker(basis, model, config.momentBeta2(), config.noise(),
                config.batchSize());
        runner.run(QuadrantMethod.ADAM, lr, basis, model, config.momentSteps(), adam, tracker);
        double[] diagonal = BasisOptimizer.diagonalInBasis(basis, model.hessian(), backend);
        double[] v = tracker.corrected();
        double[] signal = tracker.signalPart();
        double n = tracker.noisePart();
        double[] x = new double[D];
        double[] y = new double[D];
        double[] bias = new double[D];
        for (int j = 0; j < D; j++) {
            x[j] = -Math.log(diagonal[j]);
            y[j] = -0.5 * Math.log(v[j]);
            bias[j] = -0.5 * Math.log1p(signal[j] / (n * diagonal[j]));
        }
        LeastSquaresLine fit = LeastSquaresLine.fit(x, y);
        return new MinibatchResult.Alignment(name, lr, (int) tracker.steps(), fit.slope(), fit.slopeStdError(),
                LeastSquaresLine.fit(x, bias).slope(), fit.correlation(), v, diagonal);
    }
}
