package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.eigenbasis.backend.java.JavaResetSimulator;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig.Scheme;
import org.eigenbasis.value.ResetSimulationConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two halves of the resetting module checked one against the other: the java reference simulator's Monte
 * Carlo estimates against {@link OuResetMoments}, the exact stationary theory written independently (age
 * quadrature), for the laws whose theory needs quadrature and for heavy-ish tails. Snapshot and time-averaged
 * means and every covariance entry (18 estimates per law) must lie within z standard errors, z for a false alarm
 * of 1e-3 per law shared by the 18 (Bonferroni, {@link ErrorBounds#standardErrors}: z = 4.03): the seeds are
 * fixed, so this says how rarely a change of seed or of the sampler would fail a correct simulator. The theory's
 * own error (1e-12 relative) is far below a standard error (about 1e-3 of each value at 50,000 trajectories,
 * so a formula off by 1 % fails).
 */
class MonteCarloVersusTheoryTest {
    private static final double[] MU = {0, 0.4, 1.7};
    private static final double[] THETA_STAR = {0.9, -1.1, 0.6};
    private static final double SIGMA = 0.5;
    /** 3 snapshot and 3 time means, 6 snapshot and 6 time covariance entries (j ≤ i). */
    private static final double Z = ErrorBounds.standardErrors(1e-3, 18);

    static Stream<Arguments> laws() {
        return Stream.of(
                Arguments.of(RenewalLaw.lognormal(-0.3, 0.8), 11L),
                Arguments.of(RenewalLaw.weibull(0.7, 1.2), 12L),
                Arguments.of(RenewalLaw.weibull(3.0, 1.0), 13L),
                Arguments.of(RenewalLaw.pareto(0.5, 3.5), 14L),
                Arguments.of(RenewalLaw.lomax(2.0, 3.5), 15L),
                Arguments.of(RenewalLaw.gamma(0.5, 1.5), 16L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("laws")
    void simulatorAgreesWithExactStationaryMoments(RenewalLaw law, long seed) {
        OuResetMoments theory = OuResetMoments.diagonal(MU, THETA_STAR, SIGMA, law);
        assertNotNull(theory.covariance(), law.spec());
        // H = diag(μ) is its own eigenbasis and the reset point is the origin, so the target a is θ* itself.
        ResetSimulation r = new JavaResetSimulator().simulate(new ResetSimulationConfig(law, MU, THETA_STAR,
                SIGMA, 3 * law.mean(), 50_000, seed, Scheme.EXACT, Double.NaN, true));
        int d = MU.length;
        for (int k = 0; k < d; k++) {
            within(theory.mean()[k], r.snapshotMean()[k], r.snapshotMeanStderr()[k], law, "snapshot mean " + k);
            within(theory.mean()[k], r.timeMean()[k], r.timeMeanStderr()[k], law, "time mean " + k);
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double c = theory.covariance()[i][j];
                within(c, r.snapshotCovariance()[i * d + j], r.snapshotCovarianceStderr()[i * d + j], law,
                        "snapshot covariance " + i + "," + j);
                within(c, r.timeCovariance()[i * d + j], r.timeCovarianceStderr()[i * d + j], law,
                        "time covariance " + i + "," + j);
            }
        }
    }

    private static void within(double expected, double actual, double se, RenewalLaw law, String what) {
        assertTrue(se > 0, law.spec() + " " + what + ": standard error " + se);
        assertTrue(Math.abs(actual - expected) <= Z * se, law.spec() + " " + what + ": " + actual + " vs theory "
                + expected + " (" + (actual - expected) / se + " se)");
    }
}
