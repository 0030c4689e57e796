package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.eigenbasis.backend.java.JavaResetSimulator;
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
 * means and every covariance entry must lie within 4 standard errors (about 1 in 16,000 per estimate by chance;
 * 36 estimates per law).
 */
class MonteCarloVersusTheoryTest {
    private static final double[] MU = {0, 0.4, 1.7};
    private static final double[] THETA_STAR = {0.9, -1.1, 0.6};
    private static final double SIGMA = 0.5;

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
            within4(theory.mean()[k], r.snapshotMean()[k], r.snapshotMeanStderr()[k], law, "snapshot mean " + k);
            within4(theory.mean()[k], r.timeMean()[k], r.timeMeanStderr()[k], law, "time mean " + k);
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double c = theory.covariance()[i][j];
                within4(c, r.snapshotCovariance()[i * d + j], r.snapshotCovarianceStderr()[i * d + j], law,
                        "snapshot covariance " + i + "," + j);
                within4(c, r.timeCovariance()[i * d + j], r.timeCovarianceStderr()[i * d + j], law,
                        "time covariance " + i + "," + j);
            }
        }
    }

    private static void within4(double expected, double actual, double se, RenewalLaw law, String what) {
        assertTrue(se > 0, law.spec() + " " + what + ": standard error " + se);
        assertTrue(Math.abs(actual - expected) <= 4 * se, law.spec() + " " + what + ": " + actual + " vs theory "
                + expected + " (" + (actual - expected) / se + " se)");
    }
}
