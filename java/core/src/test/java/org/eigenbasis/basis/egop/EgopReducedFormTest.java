package org.eigenbasis.basis.egop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.BasisOptimizerConfig;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.GaussNewton;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The reduced top-r form: r = d is the full reparameterisation step for step; for r &lt; d the complement block
 * follows its stated rule, θ⊥ stays in the complement, and plain gradient descent is unchanged by the split.
 */
class EgopReducedFormTest {
    private static final Backend JAVA = Backends.select("java");
    private static final double U = Math.ulp(1.0);

    private static EgopResult estimate(EgopProblem problem, int samples) {
        return EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(samples).withSeed(3))
                .estimate(problem.gradient(), problem.initial());
    }

    @Test
    void rankDIsTheFullReparameterisationStepForStep() {
        int d = 12;
        EgopProblem problem = EgopProblems.rotatedQuadratic(d, 2, 4);
        EgopResult egop = estimate(problem, 200);
        for (DiagonalRule rule : new DiagonalRule[] {DiagonalRule.Adagrad.defaults(), DiagonalRule.Adam.defaults()}) {
            BasisOptimizerConfig config = new BasisOptimizerConfig(0.3, rule);
            EgopReparameterization full = EgopReparameterization.of(egop);
            double[] rotated = full.toRotated(problem.initial());
            try (BasisOptimizer optimizer = new BasisOptimizer(config, Basis.identity(d), JAVA);
                 EgopReducedForm reduced = EgopReducedForm.start(egop, d, config, JAVA, problem.initial())) {
                assertArrayEquals(new double[d], reduced.complement(), 0, "r = d: no complement at all");
                for (int t = 0; t < 60; t++) {
                    double[] theta = full.toOriginal(rotated);
                    assertArrayEquals(theta, reduced.theta(), 1e-12 * EgopFixtures.norm(theta) + Double.MIN_VALUE,
                            rule + " step " + t);
                    optimizer.step(rotated, full.toRotated(problem.gradient().at(theta)));
                    reduced.step(problem.gradient().at(reduced.theta()));
                }
            }
        }
    }

    @Test
    void rankDInTheComparisonGivesTheFullFormsTrials() {
        EgopProblem problem = EgopProblems.rotatedQuadratic(10, 2, 6);
        EgopComparisonConfig config = EgopComparisonConfig.defaults().withSteps(80).withTargetLoss(1e-6)
                .withEgop(EgopConfig.defaults().withSamples(100).withSeed(2));
        for (DiagonalRule rule : new DiagonalRule[] {DiagonalRule.Adagrad.defaults(), DiagonalRule.Adam.defaults()}) {
            EgopComparisonResult full = EgopComparison.on(JAVA, config.withRule(rule)).compare(problem);
            EgopComparisonResult reduced = EgopComparison.on(JAVA, config.withRule(rule).withRank(10)).compare(problem);
            assertEquals(10, reduced.rank());
            assertEquals(full.original().trials(), reduced.original().trials());
            // The same products in the same order and the same rule code: equal to the last bit.
            assertEquals(full.egop().trials(), reduced.egop().trials(), rule.toString());
            assertTrue(reduced.gdEquivarianceError() <= 1e-12, "GD error " + reduced.gdEquivarianceError());
        }
    }

    @Test
    void theComplementBlockFollowsItsSharedScalarRule() {
        int d = 9;
        int r = 3;
        EgopProblem problem = EgopProblems.rotatedQuadratic(d, 1, 8);
        EgopResult egop = estimate(problem, 300);
        double[] vr = egop.leadingVectors(r);
        double lr = 0.05;
        double eps = 1e-10;
        try (EgopReducedForm form = EgopReducedForm.start(egop, r, new BasisOptimizerConfig(lr,
                new DiagonalRule.Adagrad(eps)), JAVA, problem.initial())) {
            double sum = 0;
            for (int t = 0; t < 5; t++) {
                double[] before = form.complement();
                double[] cBefore = form.coordinates();
                double[] g = problem.gradient().at(form.theta());
                double[] coordinates = new double[r];
                for (int k = 0; k < r; k++) {
                    for (int i = 0; i < d; i++) {
                        coordinates[k] += vr[i * r + k] * g[i];
                    }
                }
                double[] perpendicular = g.clone();
                double meanSquare = 0;
                for (int i = 0; i < d; i++) {
                    for (int k = 0; k < r; k++) {
                        perpendicular[i] -= vr[i * r + k] * coordinates[k];
                    }
                    meanSquare += perpendicular[i] * perpendicular[i];
                }
                sum += meanSquare / (d - r);
                form.step(g);
                double[] after = form.complement();
                double scale = EgopFixtures.norm(before) + lr;
                for (int i = 0; i < d; i++) {
                    double expected = before[i] - lr * perpendicular[i] / (Math.sqrt(sum) + eps);
                    assertEquals(expected, after[i], 64 * d * U * scale, "complement " + i + " at step " + t);
                }
                // The top-r block is per-coordinate AdaGrad on c (its first step moves each c_k by lr·|g̃_k|/(|g̃_k| + ε)).
                if (t == 0) {
                    for (int k = 0; k < r; k++) {
                        double expected = cBefore[k] - lr * coordinates[k] / (Math.abs(coordinates[k]) + eps);
                        assertEquals(expected, form.coordinates()[k], 4 * U * (Math.abs(cBefore[k]) + lr), "c_" + k);
                    }
                }
                double[] leak = new double[r];
                for (int k = 0; k < r; k++) {
                    for (int i = 0; i < d; i++) {
                        leak[k] += vr[i * r + k] * after[i];
                    }
                }
                assertTrue(EgopFixtures.norm(leak) <= 64 * d * (t + 1) * U * (EgopFixtures.norm(after) + lr),
                        "θ⊥ stays in the complement: ‖V_rᵀθ⊥‖ = " + EgopFixtures.norm(leak));
            }
        }
    }

    @Test
    void adamComplementUsesBiasCorrectedSharedMoments() {
        int d = 6;
        int r = 2;
        EgopProblem problem = EgopProblems.rotatedQuadratic(d, 1, 12);
        EgopResult egop = estimate(problem, 100);
        double lr = 0.01;
        try (EgopReducedForm form = EgopReducedForm.start(egop, r, new BasisOptimizerConfig(lr,
                new DiagonalRule.Adam(0.9, 0.999, 0)), JAVA, problem.initial())) {
            double[] before = form.complement();
            double[] g = problem.gradient().at(form.theta());
            form.step(g);
            double[] moved = new double[d];
            for (int i = 0; i < d; i++) {
                moved[i] = (before[i] - form.complement()[i]) / lr;
            }
            // Step 1 with ε = 0: m̂ = g⊥ and v̂ = ‖g⊥‖²/(d − r), so the move is g⊥·√(d − r)/‖g⊥‖: norm √(d − r).
            assertEquals(Math.sqrt(d - r), EgopFixtures.norm(moved), 64 * d * U * Math.sqrt(d - r));
        }
    }

    @Test
    void plainGradientDescentIsUnchangedByTheSplit() {
        EgopProblem problem = EgopProblems.logSumExp(15, 200, 5);
        EgopComparisonConfig config = EgopComparisonConfig.defaults().withSteps(100).withRank(4).withGdLr(0.5)
                .withTargetLoss(problem.minimumLoss() + 1e-6)
                .withEgop(EgopConfig.defaults().withSamples(200));
        EgopComparisonResult result = EgopComparison.on(JAVA, config).compare(problem);
        assertTrue(result.gdEquivarianceError() <= 1e-12, "GD error " + result.gdEquivarianceError());
        assertTrue(result.egop().finalLoss() >= problem.minimumLoss() - 1e-12 * Math.abs(problem.minimumLoss()),
                "no run goes below the Newton minimum: " + result.egop().finalLoss() + " vs " + problem.minimumLoss());
    }

    @Test
    void nothingChangesOnABadGradient() {
        EgopProblem problem = EgopProblems.rotatedQuadratic(5, 1, 1);
        EgopResult egop = estimate(problem, 50);
        try (EgopReducedForm form = EgopReducedForm.start(egop, 2, BasisOptimizerConfig.defaults(), JAVA,
                problem.initial())) {
            double[] theta = form.theta();
            refused("gradient", () -> form.step(new double[4]));
            refused("gradient", () -> form.step(new double[] {0, 0, Double.NaN, 0, 0}));
            assertArrayEquals(theta, form.theta(), 0);
            assertEquals(0, form.stepCount());
        }
    }

    @Test
    void badArgumentsAreRefusedByName() {
        EgopProblem problem = EgopProblems.rotatedQuadratic(4, 1, 1);
        EgopResult egop = estimate(problem, 50);
        BasisOptimizerConfig adam = BasisOptimizerConfig.defaults();
        double[] theta0 = problem.initial();
        refused("r", () -> EgopReducedForm.start(egop, 0, adam, JAVA, theta0));
        refused("r", () -> EgopReducedForm.start(egop, 5, adam, JAVA, theta0));
        refused("config", () -> EgopReducedForm.start(egop, 2, adam.withRule(DiagonalRule.GaussNewton.defaults()),
                JAVA, theta0));
        refused("vr", () -> EgopReducedForm.start(new double[7], 4, 2, adam, JAVA, theta0));
        refused("vr", () -> EgopReducedForm.start(new double[] {1, 1, 0, 0, 0, 0, 0, 0}, 4, 2, adam, JAVA, theta0));
        refused("theta0", () -> EgopReducedForm.start(egop, 2, adam, JAVA, new double[3]));
        refused("rank", () -> EgopComparisonConfig.defaults().withRank(-1));
        refused("blocks", () -> new EgopProblem("p", t -> 0, t -> t.clone(), new double[3], 0, new int[] {1, 1}));
        refused("blocks", () -> new EgopProblem("p", t -> 0, t -> t.clone(), new double[3], 0, new int[] {3, 0}));
    }

    @Test
    void perBlockEstimatesAreTheDiagonalBlocksOfTheEgop() {
        // f(θ) = ½θᵀ(A₁ ⊕ A₂)θ from θ₀ = 1: with ρ = N(θ₀, I), g = Aθ ∼ N(μ, Σ), μ = Aθ₀, Σ = A², and EGOP is
        // block-diagonal with blocks E_b = Σ_b + μ_bμ_bᵀ. The block estimate has E‖Ê − E‖_F² = (E‖g‖⁴ − ‖E‖_F²)/M with
        // E‖g‖⁴ = (tr Σ + ‖μ‖²)² + 2 tr Σ² + 4μᵀΣμ (Gaussian moments); the bound is 5 times its square root (Markov:
        // probability ≥ 0.96).
        int d1 = 5;
        int d2 = 3;
        SplittableRandom random = new SplittableRandom(17);
        double[][] matrices = {EgopProblems.rotatedPowerLawMatrix(d1, 1, random),
            EgopProblems.rotatedPowerLawMatrix(d2, 1, random)};
        int[] sizes = {d1, d2};
        EgopGradient gradient = theta -> {
            double[] g = new double[d1 + d2];
            System.arraycopy(EgopFixtures.matVec(matrices[0], java.util.Arrays.copyOfRange(theta, 0, d1)), 0, g, 0, d1);
            System.arraycopy(EgopFixtures.matVec(matrices[1], java.util.Arrays.copyOfRange(theta, d1, d1 + d2)), 0, g,
                    d1, d2);
            return g;
        };
        java.util.function.ToDoubleFunction<double[]> loss = theta -> {
            double[] g = gradient.at(theta);
            double s = 0;
            for (int i = 0; i < theta.length; i++) {
                s += theta[i] * g[i];
            }
            return 0.5 * s;
        };
        double[] theta0 = new double[d1 + d2];
        java.util.Arrays.fill(theta0, 1);
        EgopProblem problem = new EgopProblem("two blocks", loss, gradient, theta0, 0, sizes);
        int m = 4000;
        EgopComparisonConfig config = EgopComparisonConfig.defaults().withSteps(30)
                .withEgop(EgopConfig.defaults().withSamples(m));
        EgopComparisonResult result = EgopComparison.on(JAVA, config).compare(problem);
        assertEquals(2, result.estimates().size());
        for (int b = 0; b < 2; b++) {
            int n = sizes[b];
            double[] a = matrices[b];
            double[] sigma = EgopFixtures.matMul(a, a, n);
            double[] ones = new double[n];
            java.util.Arrays.fill(ones, 1);
            double[] mu = EgopFixtures.matVec(a, ones);
            double[] sigmaMu = EgopFixtures.matVec(sigma, mu);
            double[] exact = sigma.clone();
            double trace = 0;
            double muSquared = 0;
            double muSigmaMu = 0;
            for (int i = 0; i < n; i++) {
                trace += sigma[i * n + i];
                muSquared += mu[i] * mu[i];
                muSigmaMu += mu[i] * sigmaMu[i];
                for (int j = 0; j < n; j++) {
                    exact[i * n + j] += mu[i] * mu[j];
                }
            }
            double sigmaSquares = 0;
            double exactSquares = 0;
            for (int i = 0; i < n * n; i++) {
                sigmaSquares += sigma[i] * sigma[i];
                exactSquares += exact[i] * exact[i];
            }
            double fourth = (trace + muSquared) * (trace + muSquared) + 2 * sigmaSquares + 4 * muSigmaMu;
            double bound = 5 * Math.sqrt((fourth - exactSquares) / m);
            EgopResult e = result.estimates().get(b);
            assertEquals(n, e.dimension());
            double error = EgopFixtures.frobeniusDistance(e.egop(), exact);
            assertTrue(error <= bound, "block " + b + ": ‖Ê − E‖_F = " + error + " > " + bound);
        }
        assertTrue(result.gdEquivarianceError() <= 1e-12, "GD error " + result.gdEquivarianceError());
    }

    private static void refused(String name, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(name + ": ") || e.getMessage().startsWith(name + "["),
                e.getMessage());
    }
}
