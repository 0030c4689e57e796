package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.GeneratedVariances;
import org.eigenbasis.diffusion.ModeDynamics;
import org.eigenbasis.internal.DiffusionFlow;
import org.eigenbasis.internal.ExponentialIntegral;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The diffusion kernel ({@link org.eigenbasis.spi.DiffusionKernel}) on every backend, against
 * {@link ModeDynamics} pair by pair, through {@link GeneratedVariances}: both models, λ̃ and ln λ̃, heap and
 * off-heap outputs, on a grid with the edges (λ = 0, τ = 0, λ beside σ_min² and σ_max², τ where e^(−2ητσ_max²)
 * underflows, τ = 1e250) and on seeded log-uniform draws, for three settings (the EDM default, a narrow σ range
 * whose arguments straddle the cells of a table E₁, and Q &gt; 1 with η ≠ 1); sizes that are not multiples of a
 * vector width; refusals that name the argument and write nothing.
 *
 * <p>Tolerance (a bound, per pair, derived from the formulas): a backend evaluates each E₁(x) within relative
 * {@link #e1RelativeError()} (the reference: a few ulp) and forms e^(−x) from a rounded x, relative eps·x more;
 * every other operation rounds a few times. So with the terms of {@code DiffusionFlow.flowIntegral},
 * |ΔI| ≤ 8eps·|½ ln(w₂/w₁)| + ½|1 − Q|e^(−aλ)·[Σ_{x = au₁, au₂} e(x)·E₁(x) + 8eps(1 + aλ)·|D|]
 * + ½ Σ_{x = aw₁, aw₂} e(x)·E₁(x), e(x) = δ + 8eps(1 + x), for the one layer, and 32eps(1 + 8ηλτ)·(|½L| +
 * |Q/(2A)|(|L| + |ln(1 + B(u₂ − u₁)/(A + Bu₁))|)) for the two layer (no E₁). ln λ̃ = 2 ln σ_max − 2I then differs by
 * at most 2|ΔI| + 4eps(|2 ln σ_max| + 2|I|), and λ̃ relatively by that plus its own exp's 4eps.
 */
public abstract class DiffusionContract extends BackendContract {
    private static final double EPS = Math.ulp(1.0);
    private static final DiffusionConfig[] SETTINGS = {DiffusionConfig.defaults(),
        new DiffusionConfig(0.5, 2, 1, 0.1), new DiffusionConfig(0.01, 10, 0.3, 2.5)};
    private static final double[] EDGE_LAMBDAS = {0, 1e-300, 1e-12, 3.9e-6, 4e-6, 4.1e-6, 1e-3, 0.37, 1, 3.3, 100,
        6399, 6400, 6401, 1e8, 1e12};
    private static final double[] EDGE_TAUS = {0, 1e-300, 1e-12, 1e-6, 1e-3, 0.01, 0.058, 0.0582, 0.1, 0.5, 1, 3,
        10, 1e3, 1e6, 1e12, 1e250};

    /** The largest relative error of the backend's E₁ (δ above); the java reference's own is a few ulp. */
    protected double e1RelativeError() {
        return 8 * EPS;
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void edgeGridMatchesModeDynamics(DenoiserModel model) {
        for (DiffusionConfig config : SETTINGS) {
            check(model, EDGE_LAMBDAS, EDGE_TAUS, config, Placement.HEAP);
            check(model, EDGE_LAMBDAS, EDGE_TAUS, config, Placement.OFF_HEAP);
        }
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void logUniformDrawsMatchModeDynamics(DenoiserModel model) {
        Random random = new Random(20261207L + model.ordinal());
        double[] lambdas = new double[61];
        double[] taus = new double[37];
        for (int i = 0; i < lambdas.length; i++) {
            lambdas[i] = Math.pow(10, -8 + 16 * random.nextDouble());
        }
        for (int j = 0; j < taus.length; j++) {
            taus[j] = Math.pow(10, -8 + 14 * random.nextDouble());
        }
        for (DiffusionConfig config : SETTINGS) {
            check(model, lambdas, taus, config, Placement.HEAP);
        }
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void everyShapeUpToTwoVectorsIsWrittenWhole(DenoiserModel model) {
        DiffusionConfig config = DiffusionConfig.defaults();
        for (int n = 0; n <= 3; n++) {
            for (int t = 0; t <= 17; t++) {
                double[] lambdas = new double[n];
                double[] taus = new double[t];
                for (int i = 0; i < n; i++) {
                    lambdas[i] = 0.5 + i;
                }
                for (int j = 0; j < t; j++) {
                    taus[j] = 0.01 * j;
                }
                check(model, lambdas, taus, config, Placement.HEAP);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void refusesBadValuesNamingThemAndWritesNothing(DenoiserModel model) {
        DiffusionConfig config = DiffusionConfig.defaults();
        double[] taus = {0, 1, 2};
        try (BatchedMatrix out = BatchedMatrix.zeros(DType.F64, 1, 3, 3, Placement.OFF_HEAP)) {
            double[][] badLambdas = {{1, -1e-300, 2}, {1, 2, Double.NaN}, {Double.POSITIVE_INFINITY, 1, 2}};
            for (double[] bad : badLambdas) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> GeneratedVariances.fill(backend(), model, bad, taus, config, false, out));
                assertTrue(e.getMessage().startsWith("lambdas["), e.getMessage());
                // the kernel itself refuses too (a caller of the spi that skipped the facade)
                assertThrows(IllegalArgumentException.class, () -> backend().diffusion().generatedVariances(
                        model == DenoiserModel.TWO_LAYER, bad, taus, 0.002, 80, 1, 0.1, false, out));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeneratedVariances.fill(
                    backend(), model, new double[] {1, 2, 3}, new double[] {0, -1, 2}, config, false, out));
            assertTrue(e.getMessage().startsWith("taus[1]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> backend().diffusion().generatedVariances(false,
                    new double[] {1, 2, 3}, taus, 80, 0.002, 1, 0.1, false, out));
            assertThrows(IllegalArgumentException.class, () -> GeneratedVariances.fill(backend(), model,
                    new double[] {1, 2}, taus, config, false, out));
            for (double v : out.toDoubleArray()) {
                assertEquals(0.0, v, "a refused call wrote its output");
            }
        }
    }

    private void check(DenoiserModel model, double[] lambdas, double[] taus, DiffusionConfig config,
                       Placement placement) {
        for (boolean log : new boolean[] {false, true}) {
            try (BatchedMatrix out = GeneratedVariances.compute(backend(), model, lambdas, taus, config, log,
                    placement)) {
                for (int i = 0; i < lambdas.length; i++) {
                    for (int j = 0; j < taus.length; j++) {
                        double want = log ? ModeDynamics.logGeneratedVariance(model, lambdas[i], taus[j], config)
                                : ModeDynamics.generatedVariance(model, lambdas[i], taus[j], config);
                        double logBound = logBound(model, lambdas[i], taus[j], config);
                        double bound = log ? logBound : (logBound + 4 * EPS) * Math.abs(want);
                        double got = out.get(0, i, j);
                        double lambda = lambdas[i];
                        double tau = taus[j];
                        assertTrue(Math.abs(got - want) <= bound, () -> model.label() + (log ? " ln" : "")
                                + " λ̃ at λ = " + lambda + ", τ = " + tau + ", " + config + ": got " + got + ", want "
                                + want + ", bound " + bound);
                    }
                }
            }
        }
    }

    /** The bound on |Δ ln λ̃| of the class comment. */
    private double logBound(DenoiserModel model, double lambda, double tau, DiffusionConfig config) {
        double u1 = config.sigmaMin() * config.sigmaMin();
        double u2 = config.sigmaMax() * config.sigmaMax();
        double q = config.init();
        double integral = ModeDynamics.flowIntegral(model, lambda, tau, config);
        double rest = 4 * EPS * (Math.abs(2 * Math.log(config.sigmaMax())) + 2 * Math.abs(integral));
        if (tau == 0) {
            return 2 * 8 * EPS * Math.abs(integral) + rest;
        }
        double bound;
        if (model == DenoiserModel.ONE_LAYER) {
            double a = 2 * config.eta() * tau;
            double settled = 0.5 * Math.log((lambda + u2) / (lambda + u1));
            double noise = ExponentialIntegral.difference(a * u1, a * u2);
            bound = 8 * EPS * Math.abs(settled)
                    + 0.5 * Math.abs(1 - q) * Math.exp(-a * lambda) * (e1Error(a * u1) + e1Error(a * u2)
                    + 8 * EPS * (1 + a * lambda) * Math.abs(noise))
                    + 0.5 * (e1Error(a * (lambda + u1)) + e1Error(a * (lambda + u2)));
        } else {
            double logRatio = Math.log(u2 / u1);
            double rate = 8 * config.eta() * lambda * tau;
            double g = DiffusionFlow.growth(lambda, tau, config.eta());
            double bigA = Math.exp(-rate) + q * lambda * g;
            double bigB = q * g;
            double logDen = Math.log1p(bigB * (u2 - u1) / (bigA + bigB * u1));
            bound = 32 * EPS * (1 + rate) * (0.5 * logRatio + q / (2 * bigA) * (logRatio + Math.abs(logDen)));
        }
        return 2 * bound + rest;
    }

    /** e(x)·E₁(x): the absolute error a backend may make in E₁(x) and its e^(−x). */
    private double e1Error(double x) {
        double e1 = ExponentialIntegral.e1(x);
        return e1 == 0 ? 0 : (e1RelativeError() + 8 * EPS * (1 + x)) * e1;
    }
}
