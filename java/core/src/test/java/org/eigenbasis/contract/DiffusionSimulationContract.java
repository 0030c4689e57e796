package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.basis.egop.EgopProblems;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DenoiserTraining;
import org.eigenbasis.diffusion.DenoiserTrainingConfig;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.ProbabilityFlowSampler;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DenoiserTraining} and {@link ProbabilityFlowSampler} on every backend against the java reference, on the
 * same seed: the Gaussian draws are made in Java, so both sides see the same data and differ only by the rounding
 * of the backend's products (SYRK, two-sided and plain products of {@code PreconditionerKernel}). Sizes are odd
 * (d = 9, batch 17, 7 noise levels) and Σ is not diagonal.
 * <ul>
 *   <li>Training: each product of a step has inner size at most K = n + 4d and is wrong by at most γ_K times its
 *       absolute scale (Higham), which is below d·(λ_max + σ_max²) times a factor 16 for the sample fluctuation of
 *       Ŝ = X_σX_σᵀ/n around its mean (n ≥ 8 here) and times 3 products in the two-layer step; the step's
 *       linear part W ↦ W(I − 2ηhŜ) contracts (0 ≤ 2ηhŜ ≤ I at these sizes), so discrepancies of the steps add:
 *       tolerance steps·ηh·2·3·16·γ_K·d·(λ_max + σ_max²) per entry.</li>
 *   <li>Sampling with the same denoisers and seed: every Heun step contracts along the flow (Δ &lt; 0) and its two
 *       products add at most 2γ_d·d·max|D|·(1 + |Δ|) relative error to the samples; the covariance's SYRK adds
 *       γ_N of Σ_s |x_j||x_k|/N ≤ max_j Σ̂_jj (Cauchy–Schwarz): tolerance
 *       (γ_N + 2·Σ_steps 2γ_d·d·max|D|·(1 + |Δ|))·max_j Σ̂_jj per entry.</li>
 * </ul>
 */
public abstract class DiffusionSimulationContract extends BackendContract {
    private static final Backend REFERENCE = new JavaBackend();
    private static final int D = 9;
    private static final DiffusionConfig DIFFUSION = DiffusionConfig.defaults().withSigmaMin(0.05).withSigmaMax(4);
    private static final DenoiserTrainingConfig TRAINING = DenoiserTrainingConfig.defaults().withSigmaCount(7)
            .withBatchSize(17).withStep(2e-3).withSteps(60).withSeed(7);

    private static double[] eigenvalues() {
        double[] lambda = new double[D];
        for (int k = 0; k < D; k++) {
            lambda[k] = 2.5 / (k + 1);
        }
        return lambda;
    }

    private static double[] rotation() {
        return EgopProblems.randomRotation(D, new SplittableRandom(13));
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void trainingMatchesTheReference(DenoiserModel model) {
        double[] lambda = eigenvalues();
        double[] u = rotation();
        DenoiserTrainingConfig config = TRAINING.withModel(model);
        double[] expected = DenoiserTraining.train(REFERENCE, lambda, u, DIFFUSION, config).toDoubleArray();
        double[] actual = DenoiserTraining.train(backend(), lambda, u, DIFFUSION, config).toDoubleArray();
        double scale = D * (lambda[0] + DIFFUSION.sigmaMax() * DIFFUSION.sigmaMax());
        double tolerance = config.steps() * DIFFUSION.eta() * config.step() * 2 * 3 * 16
                * ErrorBounds.gamma(config.batchSize() + 4 * D, DType.F64) * scale;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, model + " entry " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void samplingMatchesTheReference(DenoiserModel model) {
        double[] lambda = eigenvalues();
        double[] u = rotation();
        int samples = 1001;
        double[] sigmas = DenoiserTraining.sigmaGrid(DIFFUSION, TRAINING.sigmaCount());
        BatchedMatrix denoisers = DenoiserTraining.train(REFERENCE, lambda, u, DIFFUSION, TRAINING.withModel(model));
        double[] expected = ProbabilityFlowSampler.generatedCovariance(REFERENCE, denoisers, sigmas, samples, 5)
                .toDoubleArray();
        double[] actual = ProbabilityFlowSampler.generatedCovariance(backend(), denoisers, sigmas, samples, 5)
                .toDoubleArray();
        double maxWeight = 0;
        for (double w : denoisers.toDoubleArray()) {
            maxWeight = Math.max(maxWeight, Math.abs(w));
        }
        double maxDiagonal = 0;
        for (int j = 0; j < D; j++) {
            maxDiagonal = Math.max(maxDiagonal, expected[j * D + j]);
        }
        double gammaD = ErrorBounds.gamma(D, DType.F64);
        double relative = ErrorBounds.gamma(samples, DType.F64);
        for (int i = 0; i + 1 < sigmas.length; i++) {
            double delta = Math.abs(Math.log(sigmas[i + 1] / sigmas[i]));
            relative += 2 * 2 * gammaD * D * maxWeight * (1 + delta);
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * maxDiagonal, model + " entry " + i);
        }
    }
}
