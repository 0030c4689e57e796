package org.eigenbasis.cli;

import org.eigenbasis.resetting.GammaLaw;
import org.eigenbasis.resetting.OuResetMoments;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.ResetSimulation;

/**
 * The Monte Carlo check of {@code reset experiment}: time-averaged estimates of the simulator against the exact
 * stationary moments of {@link OuResetMoments}, on a small diagonal problem (H = diag(mu), d = 5, gamma(k=2,
 * scale=0.5) resets, horizon 10 mean reset times). Passes when every |z| of the means and variances is at most
 * {@link #Z_LIMIT}.
 *
 * @param law              the inter-reset law
 * @param mu               the curvatures, H = diag(mu)
 * @param thetaStar        the target θ* (b = Hθ*); resets go to the origin
 * @param sigma            the noise σ
 * @param horizon          the simulated time T of each trajectory
 * @param sim              the simulator's estimates
 * @param theoryMean       the exact stationary mean
 * @param theoryVariance   the exact variances, null when infinite
 * @param mcVariance       the estimated variances, null when not estimated
 * @param mcVarianceStderr their standard errors, null when not estimated
 * @param zMean            (estimate − theory) / stderr of each mean
 * @param zVariance        the same for each variance, NaN where either side is missing
 * @param maxAbsZ          the largest |z| of the means and the variances
 */
record ResetMonteCarloCheck(RenewalLaw law, double[] mu, double[] thetaStar, double sigma, double horizon,
        ResetSimulation sim, double[] theoryMean, double[] theoryVariance, double[] mcVariance,
        double[] mcVarianceStderr, double[] zMean, double[] zVariance, double maxAbsZ) {
    /** Largest |estimate − theory| / stderr accepted. */
    static final double Z_LIMIT = 5;

    boolean passed() {
        return maxAbsZ <= Z_LIMIT;
    }

    /** Runs {@code trajectories} trajectories from {@code seed} on {@code backend} and scores them. */
    static ResetMonteCarloCheck run(long trajectories, long seed, Backend backend) {
        double[] mu = {0.1, 0.3, 1, 3, 10};
        double[] thetaStar = {1, -0.5, 2, 0.75, -1.5};
        double sigma = 0.5;
        RenewalLaw law = new GammaLaw(2, 0.5);
        double horizon = 10 * law.mean();
        OuResetMoments theory = OuResetMoments.diagonal(mu, thetaStar, sigma, law);
        ResetSimulation sim = ResetSimulator.diagonal(mu, thetaStar, sigma, law, horizon, trajectories, seed, true,
                backend);
        int d = mu.length;
        double[] theoryVariance = diagonal(theory.covariance());
        double[] mcVariance = diagonal(sim.timeCovariance(), d);
        double[] mcVarianceStderr = diagonal(sim.timeCovarianceStderr(), d);
        double[] zMean = new double[d];
        double[] zVariance = new double[d];
        double maxZ = 0;
        for (int k = 0; k < d; k++) {
            zMean[k] = z(sim.timeMean()[k], theory.mean()[k], sim.timeMeanStderr()[k]);
            double tv = at(theoryVariance, k);
            double mv = at(mcVariance, k);
            zVariance[k] = Double.isNaN(tv) || Double.isNaN(mv) ? Double.NaN : z(mv, tv, at(mcVarianceStderr, k));
            maxZ = Math.max(maxZ, Math.abs(zMean[k]));
            if (!Double.isNaN(zVariance[k])) {
                maxZ = Math.max(maxZ, Math.abs(zVariance[k]));
            }
        }
        return new ResetMonteCarloCheck(law, mu, thetaStar, sigma, horizon, sim, theory.mean(), theoryVariance,
                mcVariance, mcVarianceStderr, zMean, zVariance, maxZ);
    }

    /** Entry k, NaN for a missing array. */
    static double at(double[] values, int k) {
        return values == null ? Double.NaN : values[k];
    }

    /** (estimate − theory) / stderr; 0 when both agree exactly, infinite when they differ with stderr 0. */
    static double z(double estimate, double theory, double stderr) {
        double diff = estimate - theory;
        if (diff == 0) {
            return 0;
        }
        return stderr > 0 ? diff / stderr : Double.POSITIVE_INFINITY;
    }

    private static double[] diagonal(double[][] m) {
        if (m == null) {
            return null;
        }
        double[] out = new double[m.length];
        for (int k = 0; k < m.length; k++) {
            out[k] = m[k][k];
        }
        return out;
    }

    private static double[] diagonal(double[] rowMajor, int d) {
        if (rowMajor == null) {
            return null;
        }
        double[] out = new double[d];
        for (int k = 0; k < d; k++) {
            out[k] = rowMajor[k * d + k];
        }
        return out;
    }
}
