package org.eigenbasis.resetting;

/**
 * TEMP skeleton (signatures fixed; replaced by the filter work). The exact stationary mean and covariance of
 * dθ = −(Hθ − b)dt + σ dW, b = Hθ*, reset to θ₀ at renewal epochs.
 *
 * @param mean                  the stationary mean (length d)
 * @param covariance            the stationary covariance (d × d), or null when it is infinite
 * @param infiniteVarianceReason null when the covariance is finite; else why not (flat direction with E[τ²] = ∞)
 */
public record OuResetMoments(double[] mean, double[][] covariance, String infiniteVarianceReason) {

    /** General H (symmetric, positive semidefinite), reset point θ₀. */
    public static OuResetMoments stationary(double[][] h, double[] thetaStar, double[] theta0, double sigma,
            RenewalLaw law) {
        throw new UnsupportedOperationException("TEMP");
    }

    /** H = diag(mu), reset to the origin. */
    public static OuResetMoments diagonal(double[] mu, double[] thetaStar, double sigma, RenewalLaw law) {
        throw new UnsupportedOperationException("TEMP");
    }
}
