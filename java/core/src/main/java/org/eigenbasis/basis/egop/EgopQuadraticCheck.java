package org.eigenbasis.basis.egop;

import java.util.Objects;
import java.util.SplittableRandom;
import org.eigenbasis.spi.Backend;

/**
 * The estimator against its closed form (issue 13, point 4, {@code eigenbasis egop estimate}): f = ½θᵀAθ with
 * A = R diag(i^-α) Rᵀ ({@link EgopProblems#rotatedPowerLawMatrix}, R a seeded random rotation), ρ = N(0, I) (θ* = 0
 * is the center), so EGOP = E[Aθθᵀ A] = A² exactly, with eigenvalues i^-2α and eigenvectors R's columns.
 *
 * @param dimension         d
 * @param alpha             α
 * @param samples           M
 * @param seed              the seed: R is drawn from {@code SplittableRandom(seed)}, then the estimator's seed is the
 *                          next long of that stream (so the draws of θ_j do not reuse R's normals)
 * @param relativeError     ‖Ê − A²‖_F / ‖A²‖_F
 * @param stableRank        the estimate's trace / λ_max
 * @param exactStableRank   Σ i^-2α / 1, the closed form's
 * @param decayExponent     the estimate's fitted decay exponent ({@link EgopConfig#defaults()}' floor), about 2α
 * @param principalAngles   k = min(10, d)
 * @param principalAngleMax the largest principal angle, in radians, between the estimate's top-k eigenvectors and
 *                          R's first k columns (A's top-k eigenvectors, α &gt; 0)
 */
public record EgopQuadraticCheck(int dimension, double alpha, int samples, long seed, double relativeError,
                                 double stableRank, double exactStableRank, double decayExponent, int principalAngles,
                                 double principalAngleMax) {
    /** The number of leading eigenvectors compared (fewer when d is smaller). */
    public static final int ANGLE_COUNT = 10;

    /**
     * Runs the check: draws A, estimates with M samples on {@code backend}, compares. Cost 2M·d² (gradients and
     * SYRK) + one d × d eigh + about 6d³ in plain Java for R, A and the exact A².
     *
     * @throws IllegalArgumentException when d &lt; 1, M &lt; 1, or α is not finite and positive (α ≤ 0 has no
     *     leading eigenvectors to compare: A = I at α = 0)
     */
    public static EgopQuadraticCheck run(int dimension, double alpha, int samples, long seed, Backend backend) {
        Objects.requireNonNull(backend, "backend");
        if (dimension < 1) {
            throw new IllegalArgumentException("dim: " + dimension + " is outside [1, ∞)");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples: " + samples + " is outside [1, ∞)");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha: " + alpha + " is outside (0, ∞) (finite; the top eigenvectors "
                    + "of A need a decaying spectrum)");
        }
        int d = dimension;
        SplittableRandom random = new SplittableRandom(seed);
        double[] a = EgopProblems.rotatedPowerLawMatrix(d, alpha, random);
        double[] rotation = EgopProblems.randomRotation(d, new SplittableRandom(seed));
        long estimatorSeed = random.nextLong();
        EgopGradient gradient = theta -> {
            double[] g = new double[d];
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += a[i * d + j] * theta[j];
                }
                g[i] = s;
            }
            return g;
        };
        EgopConfig config = EgopConfig.defaults().withSamples(samples).withSeed(estimatorSeed);
        EgopResult estimate = EgopEstimator.on(backend, config).estimate(gradient, new double[d]);
        double[] e = estimate.egop();
        double diff = 0;
        double norm = 0;
        double exactTrace = 0;
        for (int i = 0; i < d; i++) {
            exactTrace += Math.pow(i + 1, -2 * alpha);
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += a[i * d + k] * a[k * d + j];
                }
                diff += (e[i * d + j] - s) * (e[i * d + j] - s);
                norm += s * s;
            }
        }
        int k = Math.min(ANGLE_COUNT, d);
        double angle = PrincipalAngles.largest(estimate.vectors(), d, rotation, d, d, k, backend);
        return new EgopQuadraticCheck(d, alpha, samples, seed, Math.sqrt(diff / norm), estimate.stableRank(),
                exactTrace, estimate.decayExponent(), k, angle);
    }
}
