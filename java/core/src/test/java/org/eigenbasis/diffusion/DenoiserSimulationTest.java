package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.basis.egop.EgopProblems;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Simulation against the closed forms on the java reference (issue 14, point 3), for a non-diagonal Σ = U diag(λ) Uᵀ
 * (d = 8, λ_k = 3·2^−k, U a seeded Haar rotation), σ ∈ [0.05, 4]:
 * <ul>
 *   <li>SGD weights in the eigenbasis: ψ̂_k = u_kᵀ D u_k within z standard errors of {@link SgdMoments}' mean, the
 *       off-diagonals within z standard errors of zero, z for a 1e-3 false alarm shared by every entry
 *       (Bonferroni, {@link ErrorBounds#standardErrors});</li>
 *   <li>the exact one-layer SGD mean within the stated discretisation bound of the gradient flow's ψ(τ; σ);</li>
 *   <li>the predicted variance against the seed-to-seed variance of independent trainings (χ² error);</li>
 *   <li>the sampler with the closed-form weights against the same Heun quadrature within √(2/N) relative
 *       (z standard errors), and that quadrature against {@link ModeDynamics#generatedVariance} with Heun's error
 *       shrinking fourfold when the grid step halves;</li>
 *   <li>trained weights, then sampling: ln λ̃_k within z standard errors of the quadrature of the SGD means,
 *       the error combining √(2/N) with the weights' variance propagated through the quadrature.</li>
 * </ul>
 */
class DenoiserSimulationTest {
    private static final Backend JAVA = new JavaBackend();
    private static final int D = 8;
    private static final double FALSE_ALARM = 1e-3;
    private static final DiffusionConfig DIFFUSION = DiffusionConfig.defaults().withSigmaMin(0.05).withSigmaMax(4);
    private static final DenoiserTrainingConfig TRAINING = DenoiserTrainingConfig.defaults().withSigmaCount(10)
            .withBatchSize(32).withStep(2e-3).withSteps(250);

    static double[] eigenvalues() {
        double[] lambda = new double[D];
        for (int k = 0; k < D; k++) {
            lambda[k] = 3 * Math.pow(0.5, k);
        }
        return lambda;
    }

    static double[] rotation() {
        return EgopProblems.randomRotation(D, new SplittableRandom(5));
    }

    /** u_jᵀ M u_k for every j, k: M in the eigenbasis. */
    static double[][] inEigenbasis(double[][] m, double[] u) {
        int d = m.length;
        double[][] out = new double[d][d];
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < d; k++) {
                double sum = 0;
                for (int p = 0; p < d; p++) {
                    for (int q = 0; q < d; q++) {
                        sum += u[p * d + j] * m[p][q] * u[q * d + k];
                    }
                }
                out[j][k] = sum;
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void learnedWeightsMatchTheSgdMomentsPerMode(DenoiserModel model) {
        double[] lambda = eigenvalues();
        double[] u = rotation();
        DenoiserTrainingConfig config = TRAINING.withModel(model).withSeed(11);
        double[] sigmas = DenoiserTraining.sigmaGrid(DIFFUSION, config.sigmaCount());
        BatchedMatrix denoisers = DenoiserTraining.train(JAVA, lambda, u, DIFFUSION, config);
        double z = ErrorBounds.standardErrors(FALSE_ALARM, sigmas.length * D * D);
        for (int b = 0; b < sigmas.length; b++) {
            double[][] e = inEigenbasis(denoisers.toArray(b), u);
            for (int j = 0; j < D; j++) {
                for (int k = 0; k < D; k++) {
                    double expected;
                    double variance;
                    if (j == k) {
                        expected = SgdMoments.meanWeight(model, lambda[k], sigmas[b], config.step(), config.steps(),
                                DIFFUSION);
                        variance = SgdMoments.weightVariance(model, lambda[k], sigmas[b], config.step(),
                                config.steps(), config.batchSize(), DIFFUSION);
                    } else {
                        expected = 0;
                        variance = SgdMoments.offDiagonalVariance(model, lambda[j], lambda[k], sigmas[b],
                                config.step(), config.steps(), config.batchSize(), DIFFUSION);
                    }
                    double se = Math.sqrt(variance);
                    assertEquals(expected, e[j][k], z * se, model + " σ = " + sigmas[b] + " entry (" + j + ", " + k
                            + "): z = " + (e[j][k] - expected) / se);
                }
            }
        }
    }

    @Test
    void oneLayerSgdMeanIsWithinTheDiscretisationBoundOfTheFlow() {
        double[] lambda = eigenvalues();
        double q = DIFFUSION.init();
        for (double sigma : DenoiserTraining.sigmaGrid(DIFFUSION, TRAINING.sigmaCount())) {
            for (double l : lambda) {
                double r = l + sigma * sigma;
                double x = 2 * DIFFUSION.eta() * TRAINING.step() * r;
                int steps = TRAINING.steps();
                double k = l / r;
                double bound = steps * x * x / 2 * Math.exp(-x * (steps - 1)) * Math.abs(q - k);
                double mean = SgdMoments.meanWeight(DenoiserModel.ONE_LAYER, l, sigma, TRAINING.step(), steps,
                        DIFFUSION);
                double flow = ModeDynamics.weight(DenoiserModel.ONE_LAYER, l, sigma, TRAINING.tau(), DIFFUSION);
                // (1 − x)^T ≤ e^(−xT): the discrete mean runs ahead of the flow, toward K
                double lead = (flow - mean) * Math.signum(q - k);
                double rounding = ErrorBounds.gamma(4 * steps, DType.F64);
                assertTrue(lead >= -rounding && lead <= bound + rounding,
                        "λ = " + l + " σ = " + sigma + ": lead " + lead + " outside [0, " + bound + "]");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void predictedVarianceMatchesTheSpreadOverSeeds(DenoiserModel model) {
        double[] lambda = eigenvalues();
        double[] u = rotation();
        int seeds = 60;
        int levels = 5;
        DenoiserTrainingConfig config = TRAINING.withModel(model).withSigmaCount(levels);
        double[] sigmas = DenoiserTraining.sigmaGrid(DIFFUSION, levels);
        double[][] sum = new double[levels][D];
        double[][] squares = new double[levels][D];
        for (int s = 0; s < seeds; s++) {
            BatchedMatrix denoisers = DenoiserTraining.train(JAVA, lambda, u, DIFFUSION, config.withSeed(100 + s));
            for (int b = 0; b < levels; b++) {
                double[][] e = inEigenbasis(denoisers.toArray(b), u);
                for (int k = 0; k < D; k++) {
                    sum[b][k] += e[k][k];
                    squares[b][k] += e[k][k] * e[k][k];
                }
            }
        }
        // the mean over modes and levels of (sample variance / predicted): each term has relative error √(2/(S−1));
        // the levels train on independent samples, the modes of one level are treated as fully correlated
        double pooled = 0;
        for (int b = 0; b < levels; b++) {
            for (int k = 0; k < D; k++) {
                double mean = sum[b][k] / seeds;
                double sampleVariance = (squares[b][k] - seeds * mean * mean) / (seeds - 1);
                pooled += sampleVariance / SgdMoments.weightVariance(model, lambda[k], sigmas[b], config.step(),
                        config.steps(), config.batchSize(), DIFFUSION);
            }
        }
        pooled /= levels * D;
        double se = Math.sqrt(2.0 / (seeds - 1) / levels);
        assertEquals(1, pooled, ErrorBounds.standardErrors(FALSE_ALARM, 2) * se, model + ": pooled variance ratio");
    }

    /** ψ(τ; σ_i) of every mode at every grid level, from the closed form. */
    private static double[][] closedFormWeights(DenoiserModel model, double[] lambda, double[] sigmas, double tau) {
        double[][] psi = new double[lambda.length][sigmas.length];
        for (int k = 0; k < lambda.length; k++) {
            for (int i = 0; i < sigmas.length; i++) {
                psi[k][i] = ModeDynamics.weight(model, lambda[k], sigmas[i], tau, DIFFUSION);
            }
        }
        return psi;
    }

    /** U diag(ψ_i) Uᵀ for every level i. */
    private static BatchedMatrix denoisersFrom(double[][] psi, double[] u) {
        int levels = psi[0].length;
        double[][][] m = new double[levels][D][D];
        for (int i = 0; i < levels; i++) {
            for (int p = 0; p < D; p++) {
                for (int q = 0; q < D; q++) {
                    double sum = 0;
                    for (int k = 0; k < D; k++) {
                        sum += u[p * D + k] * psi[k][i] * u[q * D + k];
                    }
                    m[i][p][q] = sum;
                }
            }
        }
        return BatchedMatrix.of(m);
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void samplerMatchesItsQuadratureAndTheQuadratureTheClosedForm(DenoiserModel model) {
        double[] lambda = eigenvalues();
        double[] u = rotation();
        double tau = 0.5;
        int samples = 20_000;
        double[] sigmas = DenoiserTraining.sigmaGrid(DIFFUSION, 48);
        double[][] psi = closedFormWeights(model, lambda, sigmas, tau);
        double[][] covariance = inEigenbasis(
                ProbabilityFlowSampler.generatedCovariance(JAVA, denoisersFrom(psi, u), sigmas, samples, 3).toArray(0), u);
        double z = ErrorBounds.standardErrors(FALSE_ALARM, D);
        for (int k = 0; k < D; k++) {
            double quadrature = ProbabilityFlowSampler.quadratureVariance(psi[k], sigmas);
            assertEquals(quadrature, covariance[k][k], z * Math.sqrt(2.0 / samples) * quadrature,
                    model + " mode " + k);
        }
        // Heun is second order: halving the step in ln σ divides the quadrature's error by about 4
        double[] fine = DenoiserTraining.sigmaGrid(DIFFUSION, 2 * sigmas.length - 1);
        double[][] psiFine = closedFormWeights(model, lambda, fine, tau);
        for (int k = 0; k < D; k++) {
            double exact = ModeDynamics.logGeneratedVariance(model, lambda[k], tau, DIFFUSION);
            double coarseError = Math.log(ProbabilityFlowSampler.quadratureVariance(psi[k], sigmas)) - exact;
            double fineError = Math.log(ProbabilityFlowSampler.quadratureVariance(psiFine[k], fine)) - exact;
            double ratio = coarseError / fineError;
            assertTrue(ratio > 3 && ratio < 5, model + " mode " + k + ": error ratio " + ratio
                    + " (coarse " + coarseError + ", fine " + fineError + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void trainedThenSampledVariancesMatchTheQuadratureOfTheSgdMeans(DenoiserModel model) {
        double[] lambda = eigenvalues();
        double[] u = rotation();
        int levels = 40;
        int samples = 20_000;
        DenoiserTrainingConfig config = TRAINING.withModel(model).withSigmaCount(levels).withSeed(21);
        double[] sigmas = DenoiserTraining.sigmaGrid(DIFFUSION, levels);
        BatchedMatrix denoisers = DenoiserTraining.train(JAVA, lambda, u, DIFFUSION, config);
        double[][] covariance = inEigenbasis(
                ProbabilityFlowSampler.generatedCovariance(JAVA, denoisers, sigmas, samples, 4).toArray(0), u);
        double z = ErrorBounds.standardErrors(FALSE_ALARM, D);
        for (int k = 0; k < D; k++) {
            double[] mean = new double[levels];
            double[] variance = new double[levels];
            for (int i = 0; i < levels; i++) {
                mean[i] = SgdMoments.meanWeight(model, lambda[k], sigmas[i], config.step(), config.steps(), DIFFUSION);
                variance[i] = SgdMoments.weightVariance(model, lambda[k], sigmas[i], config.step(), config.steps(),
                        config.batchSize(), DIFFUSION);
            }
            double[] sensitivity = ProbabilityFlowSampler.logSensitivity(mean, sigmas);
            double logVariance = 2.0 / samples;
            for (int i = 0; i < levels; i++) {
                logVariance += sensitivity[i] * sensitivity[i] * variance[i];
            }
            double expected = Math.log(ProbabilityFlowSampler.quadratureVariance(mean, sigmas));
            double observed = Math.log(covariance[k][k]);
            assertEquals(expected, observed, z * Math.sqrt(logVariance), model + " mode " + k + ": z = "
                    + (observed - expected) / Math.sqrt(logVariance));
        }
    }

    @Test
    void badInputIsRefusedNamingTheArgument() {
        double[] lambda = eigenvalues();
        double[] u = rotation();
        double[] negative = lambda.clone();
        negative[3] = -1;
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DenoiserTraining.train(JAVA, negative, u, DIFFUSION, TRAINING)).getMessage()
                .startsWith("eigenvalues[3]"));
        double[] skew = u.clone();
        skew[0] += 1e-3;
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DenoiserTraining.train(JAVA, lambda, skew, DIFFUSION, TRAINING)).getMessage()
                .startsWith("eigenvectors"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DenoiserTraining.train(JAVA, lambda, u, DIFFUSION, TRAINING.withStep(0.1))).getMessage()
                .startsWith("step"));
        assertThrows(IllegalArgumentException.class, () -> TRAINING.withSigmaCount(1));
        assertThrows(IllegalArgumentException.class, () -> TRAINING.withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> TRAINING.withSteps(-1));
        double[] sigmas = {0.1, 0.1};
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ProbabilityFlowSampler.generatedCovariance(JAVA, BatchedMatrix.of(new double[2][D][D]), sigmas,
                        10, 1)).getMessage().startsWith("sigmas[1]"));
        double[] grid = {0.1, 1};
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ProbabilityFlowSampler.generatedCovariance(JAVA, BatchedMatrix.of(new double[3][D][D]), grid,
                        10, 1)).getMessage().startsWith("denoisers"));
    }
}
