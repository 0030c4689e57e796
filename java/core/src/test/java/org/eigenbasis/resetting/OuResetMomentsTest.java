package org.eigenbasis.resetting;

import static org.eigenbasis.resetting.ResetFilterTest.assertBad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.eigenbasis.linalg.SymmetricEigen;
import org.junit.jupiter.api.Test;

class OuResetMomentsTest {

    /** A random symmetric positive definite H = XᵀX/n + shift·I. */
    private static double[][] randomSpd(Random rnd, int d, double shift) {
        double[][] x = Reference.randomMatrix(rnd, 3 * d, d);
        double[][] h = Reference.gram(x);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                h[i][j] /= 3 * d;
            }
            h[i][i] += shift;
        }
        return h;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    @Test
    void poissonSolvesTheLyapunovEquation() {
        Random rnd = new Random(21);
        int d = 6;
        double[][] h = randomSpd(rnd, d, 0.05);
        double[] thetaStar = Reference.randomVector(rnd, d);
        double r = 0.8;
        double sigma = 0.7;
        OuResetMoments mom = OuResetMoments.stationary(h, thetaStar, new double[d], sigma, RenewalLaw.exponential(r));
        double[] m = mom.mean();
        double[] b = new double[d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                b[i] += h[i][j] * thetaStar[j];
            }
        }
        double[] ridge = Reference.plusDiagonalSolve(h, r, b);
        assertTrue(Reference.maxRelDiff(m, ridge) < 1e-13, "mean = (H + rI)⁻¹b");
        // S = C + m mᵀ must solve (H + r/2)S + S(H + r/2) = b mᵀ + m bᵀ + σ²I.
        double[][] s = new double[d][d];
        double[][] shifted = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                s[i][j] = mom.covariance()[i][j] + m[i] * m[j];
                shifted[i][j] = h[i][j] + (i == j ? r / 2 : 0);
            }
        }
        double[][] left = multiply(shifted, s);
        double[][] right = multiply(s, shifted);
        double residual = 0;
        double scale = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double rhs = b[i] * m[j] + m[i] * b[j] + (i == j ? sigma * sigma : 0);
                residual = Math.max(residual, Math.abs(left[i][j] + right[i][j] - rhs));
                scale = Math.max(scale, Math.abs(rhs));
            }
        }
        assertTrue(residual < 1e-13 * scale, "Lyapunov residual " + residual / scale);
        // The covariance is not diagonal in H's eigenbasis: the directions share the reset clock.
        double[][] q = SymmetricEigen.eigh(h).vectorsOf(0);
        double[][] c = mom.covariance();
        double off = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                double cij = 0;
                for (int k = 0; k < d; k++) {
                    for (int l = 0; l < d; l++) {
                        cij += q[k][i] * c[k][l] * q[l][j];
                    }
                }
                off = Math.max(off, Math.abs(cij));
            }
        }
        assertTrue(off > 1e-3 * Reference.maxAbs(c), "off-diagonal eigenbasis covariance " + off);
    }

    @Test
    void generalPathMatchesPoissonForGammaShapeOne() {
        Random rnd = new Random(22);
        int d = 7;
        double[][] h = randomSpd(rnd, d, 0.01);
        double[] thetaStar = Reference.randomVector(rnd, d);
        double[] theta0 = Reference.randomVector(rnd, d);
        double r = 1.3;
        OuResetMoments poisson = OuResetMoments.stationary(h, thetaStar, theta0, 0.4, RenewalLaw.exponential(r));
        OuResetMoments general = OuResetMoments.stationary(h, thetaStar, theta0, 0.4, RenewalLaw.gamma(1, 1 / r));
        assertTrue(Reference.maxRelDiff(general.mean(), poisson.mean()) < 1e-12);
        double worst = 0;
        for (int i = 0; i < d; i++) {
            worst = Math.max(worst, Reference.maxRelDiff(general.covariance()[i], poisson.covariance()[i]));
        }
        double err = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                err = Math.max(err, Math.abs(general.covariance()[i][j] - poisson.covariance()[i][j]));
            }
        }
        assertTrue(err < 1e-10 * Reference.maxAbs(poisson.covariance()), "gamma(1) vs exp covariance " + err);
    }

    /**
     * gamma(1, 1/r) is exp(r) but goes through the gamma closed form ({@link ClockCovariance}): every entry of M,
     * including those where g(μ_i + μ_j) − g(μ_i)g(μ_j) would lose all digits, against the exact Poisson form,
     * over 16 decades.
     */
    @Test
    void gammaShapeOneIsRelativelyAccurateInEveryEntry() {
        double[] mu = {1e-8, 1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6, 1e8};
        double[] a = new double[mu.length];
        java.util.Arrays.fill(a, 1);
        double r = 0.5;
        double[][] c = OuResetMoments.diagonal(mu, a, 0, RenewalLaw.gamma(1, 1 / r)).covariance();
        for (int i = 0; i < mu.length; i++) {
            for (int j = 0; j < mu.length; j++) {
                double exact = mu[i] / (mu[i] + r) * (mu[j] / (mu[j] + r)) * (r / (mu[i] + mu[j] + r));
                assertEquals(1, c[i][j] / exact, 1e-12, "M[" + i + "][" + j + "]");
            }
        }
    }

    /** The age rule (the path of lognormal, Weibull, Pareto, Lomax) on gamma(1, 1/r) = exp(r), every entry. */
    @Test
    void ageRuleIsRelativelyAccurateInEveryEntry() {
        double[] mu = {1e-8, 1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6, 1e8};
        int[] active = java.util.stream.IntStream.range(0, mu.length).toArray();
        double r = 0.5;
        double[][] m = OuResetMoments.ruleCovariance(active, mu, RenewalLaw.gamma(1, 1 / r));
        for (int i = 0; i < mu.length; i++) {
            for (int j = 0; j < mu.length; j++) {
                double exact = mu[i] / (mu[i] + r) * (mu[j] / (mu[j] + r)) * (r / (mu[i] + mu[j] + r));
                assertEquals(1, m[i][j] / exact, 1e-12, "M[" + i + "][" + j + "]");
            }
        }
    }

    /** M_ij against g(μ_i + μ_j) − g(μ_i)g(μ_j) where that closed form does not cancel. */
    @Test
    void clockCovarianceMatchesTheClosedFormWhereItIsWellConditioned() {
        double[] mu = {1e-4, 0.01, 0.3, 1, 3, 10, 100, 1e4};
        double[] a = new double[mu.length];
        java.util.Arrays.fill(a, 1);
        List<RenewalLaw> laws = List.of(RenewalLaw.deterministic(2), RenewalLaw.gamma(5, 0.2), RenewalLaw.gamma(0.3, 2),
                RenewalLaw.uniform(1, 3), RenewalLaw.lognormal(0.3, 0.8), RenewalLaw.weibull(0.7, 2),
                RenewalLaw.pareto(1, 3.5), RenewalLaw.pareto(0.5, 1.5), RenewalLaw.lomax(2, 3), RenewalLaw.lomax(1, 1.2),
                RenewalLaw.empirical(0.5, 1, 7));
        for (RenewalLaw law : laws) {
            ResetFilter f = ResetFilter.of(law);
            double[][] c = OuResetMoments.diagonal(mu, a, 0, law).covariance();
            int checked = 0;
            for (int i = 0; i < mu.length; i++) {
                for (int j = 0; j < mu.length; j++) {
                    double whole = f.complement(mu[i] + mu[j]);
                    double ref = whole - f.complement(mu[i]) * f.complement(mu[j]);
                    if (1e-15 * whole < 1e-12 * Math.abs(ref)) {
                        assertEquals(1, c[i][j] / ref, 1e-8, law.spec() + " M[" + i + "][" + j + "]");
                        checked++;
                    }
                }
            }
            assertTrue(checked >= 20, law.spec() + ": only " + checked + " entries checked");
        }
    }

    /**
     * The law of total covariance over the age, integrated by brute force: given age A each eigen-coordinate is
     * a_k(1 − e^(−μ_k A)) plus independent noise of variance σ²(1 − e^(−2μ_k A))/(2μ_k); rotated by a known Q.
     */
    @Test
    void fullCovarianceMatchesBruteForceOverTheAge() {
        double angle = 0.6;
        double[][] q = {{Math.cos(angle), -Math.sin(angle)}, {Math.sin(angle), Math.cos(angle)}};
        double[] mu = {0.35, 2.2};
        double[][] h = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 2; k++) {
                    h[i][j] += q[i][k] * mu[k] * q[j][k];
                }
            }
        }
        h[1][0] = h[0][1];
        double[] theta0 = {0.2, -0.4};
        double[] thetaStar = {1.5, 0.7};
        double sigma = 0.6;
        double[] a = new double[2];
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < 2; i++) {
                a[k] += q[i][k] * (thetaStar[i] - theta0[i]);
            }
        }
        for (RenewalLaw law : List.of(RenewalLaw.deterministic(1.3), RenewalLaw.lognormal(0, 0.7),
                RenewalLaw.pareto(0.4, 2.5))) {
            double m = law.mean();
            double[] kinks = law instanceof DeterministicLaw d ? new double[] {d.period()}
                    : law instanceof ParetoLaw p ? new double[] {p.xm()} : new double[0];
            java.util.function.BiFunction<Integer, java.util.function.DoubleUnaryOperator, Double> ageMean =
                    (unused, f) -> Reference.integrate(t -> law.survival(t) / m * f.applyAsDouble(t), 1e-12, 1e40, kinks);
            double[] mean = new double[2];
            double[][] cov = new double[2][2];
            for (int k = 0; k < 2; k++) {
                int kk = k;
                mean[k] = a[k] * ageMean.apply(0, t -> -Math.expm1(-mu[kk] * t));
                cov[k][k] = sigma * sigma * ageMean.apply(0, t -> -Math.expm1(-2 * mu[kk] * t) / (2 * mu[kk]));
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    int ii = i;
                    int jj = j;
                    double second = ageMean.apply(0, t -> -Math.expm1(-mu[ii] * t) * -Math.expm1(-mu[jj] * t));
                    cov[i][j] += a[i] * a[j] * second - mean[i] * mean[j];
                }
            }
            OuResetMoments mom = OuResetMoments.stationary(h, thetaStar, theta0, sigma, law);
            for (int i = 0; i < 2; i++) {
                double expectedMean = theta0[i];
                for (int k = 0; k < 2; k++) {
                    expectedMean += q[i][k] * mean[k];
                }
                assertEquals(expectedMean, mom.mean()[i], 1e-12, law.spec() + " mean");
                for (int j = 0; j < 2; j++) {
                    double expected = 0;
                    for (int k = 0; k < 2; k++) {
                        for (int l = 0; l < 2; l++) {
                            expected += q[i][k] * cov[k][l] * q[j][l];
                        }
                    }
                    assertEquals(expected, mom.covariance()[i][j], 1e-10 * Reference.maxAbs(cov),
                            law.spec() + " covariance[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void noiseTermAloneIsDiagonal() {
        double[] mu = {0.5, 2, 9};
        double sigma = 1.5;
        for (RenewalLaw law : List.of(RenewalLaw.exponential(0.4), RenewalLaw.weibull(2, 1))) {
            OuResetMoments mom = OuResetMoments.diagonal(mu, new double[3], sigma, law);
            ResetFilter f = ResetFilter.of(law);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double expected = i == j ? sigma * sigma * f.apply(2 * mu[i]) / (2 * mu[i]) : 0;
                    assertEquals(expected, mom.covariance()[i][j], 1e-15 * sigma * sigma, law.spec());
                }
                assertEquals(0, mom.mean()[i], 0);
            }
        }
        OuResetMoments exp = OuResetMoments.diagonal(mu, new double[3], sigma, RenewalLaw.exponential(0.4));
        assertEquals(sigma * sigma / (2 * 2 + 0.4), exp.covariance()[1][1], 1e-15);
    }

    @Test
    void covarianceIsSymmetricAndPositiveSemidefinite() {
        Random rnd = new Random(23);
        int d = 12;
        double[][] h = randomSpd(rnd, d, 1e-3);
        for (RenewalLaw law : List.of(RenewalLaw.lognormal(0, 1.5), RenewalLaw.pareto(1, 2.5), RenewalLaw.deterministic(3))) {
            OuResetMoments mom = OuResetMoments.stationary(h, Reference.randomVector(rnd, d),
                    Reference.randomVector(rnd, d), 0.3, law);
            double[][] c = mom.covariance();
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(c[i][j], c[j][i], 0, "symmetric");
                }
            }
            double[] w = SymmetricEigen.eigh(c).valuesOf(0);
            assertTrue(w[0] >= -1e-13 * w[d - 1], law.spec() + ": smallest eigenvalue " + w[0] + " of " + w[d - 1]);
        }
    }

    @Test
    void flatDirectionsCarryOnlyTheNoise() {
        double sigma = 0.5;
        RenewalLaw law = RenewalLaw.gamma(2, 0.5);
        OuResetMoments mom = OuResetMoments.diagonal(new double[] {0, 1, 2}, new double[] {5, 1, -1}, sigma, law);
        double meanAge = law.secondMoment() / (2 * law.mean());
        assertEquals(sigma * sigma * meanAge, mom.covariance()[0][0], 1e-15);
        assertEquals(0, mom.covariance()[0][1], 0);
        assertEquals(0, mom.covariance()[0][2], 0);
        assertEquals(0, mom.mean()[0], 0);
        // A general H with a null space: H = v vᵀ (rank one in 3-d), reset to θ₀.
        double[] v = {1, 2, 2};
        double[][] h = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                h[i][j] = v[i] * v[j];
            }
        }
        double[] theta0 = {0.3, -0.2, 0.1};
        OuResetMoments general = OuResetMoments.stationary(h, new double[] {1, 1, 1}, theta0, sigma, law);
        double[] nullVector = {2 / Math.sqrt(5), -1 / Math.sqrt(5), 0};
        double[] cn = new double[3];
        double along = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                cn[i] += general.covariance()[i][j] * nullVector[j];
            }
            along += nullVector[i] * (general.mean()[i] - theta0[i]);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(sigma * sigma * meanAge * nullVector[i], cn[i], 1e-14, "C·n = σ²E[A]·n");
        }
        assertEquals(0, along, 1e-15, "the mean does not move along a flat direction");
    }

    @Test
    void infiniteVarianceIsReported() {
        double[] mu = {0, 1};
        for (RenewalLaw law : List.of(RenewalLaw.pareto(1, 1.5), RenewalLaw.lomax(1, 2))) {
            OuResetMoments mom = OuResetMoments.diagonal(mu, new double[] {1, 1}, 0.1, law);
            assertNull(mom.covariance(), law.spec());
            assertTrue(!mom.finiteVariance());
            assertNotNull(mom.infiniteVarianceReason());
            assertTrue(mom.infiniteVarianceReason().contains("flat direction 0")
                    && mom.infiniteVarianceReason().contains("∞"), mom.infiniteVarianceReason());
            assertEquals(ResetFilter.of(law).apply(1), mom.mean()[1], 1e-15, "the mean is still exact");
            // Without noise, or without a flat direction, the covariance is finite.
            assertNotNull(OuResetMoments.diagonal(mu, new double[] {1, 1}, 0, law).covariance());
            assertNotNull(OuResetMoments.diagonal(new double[] {1e-8, 1}, new double[] {1, 1}, 0.1, law).covariance());
        }
        assertNotNull(OuResetMoments.diagonal(mu, new double[] {1, 1}, 0.1, RenewalLaw.pareto(1, 2.5)).covariance());
    }

    @Test
    void badInputNamesTheParameter() {
        double[][] negative = {{1, 0}, {0, -0.5}};
        assertBad(() -> OuResetMoments.stationary(negative, new double[2], new double[2], 1, RenewalLaw.exponential(1)),
                "eigenvalue", "positive semidefinite");
        double[][] asym = {{1, 0.5}, {0, 1}};
        assertBad(() -> OuResetMoments.stationary(asym, new double[2], new double[2], 1, RenewalLaw.exponential(1)),
                "h[1][0]", "symmetric");
        double[][] ok = {{1, 0}, {0, 2}};
        assertBad(() -> OuResetMoments.stationary(ok, new double[3], new double[2], 1, RenewalLaw.exponential(1)),
                "thetaStar", "[2, 2]");
        assertBad(() -> OuResetMoments.stationary(ok, new double[2], new double[] {0, Double.NaN}, 1,
                RenewalLaw.exponential(1)), "theta0[1]", "finite");
        assertBad(() -> OuResetMoments.stationary(ok, new double[2], new double[2], -1, RenewalLaw.exponential(1)),
                "sigma", "[0, ∞)");
        assertBad(() -> OuResetMoments.stationary(ok, new double[2], new double[2], 1, null), "law", "exp(rate=R)");
        double[][] ragged = {{1, 0}, {0}};
        assertBad(() -> OuResetMoments.stationary(ragged, new double[2], new double[2], 1, RenewalLaw.exponential(1)),
                "h[1]", "square");
        assertBad(() -> OuResetMoments.diagonal(new double[] {1, -1e-9}, new double[2], 1, RenewalLaw.exponential(1)),
                "mu[1]", "[0, ∞)");
        assertBad(() -> OuResetMoments.diagonal(new double[] {1, Double.POSITIVE_INFINITY}, new double[2], 1,
                RenewalLaw.exponential(1)), "mu[1]", "[0, ∞)");
        assertBad(() -> OuResetMoments.diagonal(new double[] {1, 2}, new double[1], Double.NaN,
                RenewalLaw.exponential(1)), "thetaStar", "[2, 2]");
    }
}
