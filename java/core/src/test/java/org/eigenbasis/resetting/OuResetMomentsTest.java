package org.eigenbasis.resetting;

import static org.eigenbasis.resetting.ResetFilterTest.assertBad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.junit.jupiter.api.Test;

/**
 * Exact OU moments under resetting. Tolerances: the eigendecomposition's backward error through the moments'
 * slopes ({@link Reference#oneDecomposition}), the filter's and M's documented accuracies
 * ({@link Reference#filterAccuracy}, {@link Reference#clockAccuracy}), the references' own (Cholesky, brute-force
 * quadrature), and Higham's γ_k for the products formed here.
 */
class OuResetMomentsTest {
    private static final double EPS = DType.F64.epsilon();

    private static double gamma(int k) {
        return ErrorBounds.gamma(k, DType.F64);
    }

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
        // The library applies h(H) = H(H + rI)⁻¹ to θ* (slope r/(μ + r)² ≤ r/(μ_min + r)², size ≤ 1) through one
        // eigendecomposition; Cholesky solves with b = Hθ*, rounded here by γ_d·|H||θ*| (Higham Thm 10.4 for the
        // solve itself: κ₂·d·γ_(3d+1)).
        double[] mu = Reference.jacobiEigenvalues(h);
        double lo = mu[0] + r;
        double bRounding = 0;
        for (int i = 0; i < d; i++) {
            double hx = 0;
            for (int j = 0; j < d; j++) {
                hx += Math.abs(h[i][j] * thetaStar[j]);
            }
            bRounding += Math.pow(gamma(d) * hx, 2);
        }
        double meanTol = Reference.oneDecomposition(h, r / (lo * lo), 1, Reference.norm2(thetaStar))
                + (mu[d - 1] + r) / lo * d * gamma(3 * d + 1) * Reference.norm2(ridge) + Math.sqrt(bRounding) / lo;
        assertTrue(Reference.maxAbsDiff(m, ridge) <= meanTol, "mean = (H + rI)⁻¹b: " + Reference.maxAbsDiff(m, ridge));
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
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double rhs = b[i] * m[j] + m[i] * b[j] + (i == j ? sigma * sigma : 0);
                residual = Math.max(residual, Math.abs(left[i][j] + right[i][j] - rhs));
            }
        }
        // The computed m and C are, to first order, the exact moments for H + E (‖E‖₁ ≤ (residual + orthogonality
        // limit)·d·ulp·‖H‖₁, Accuracy) from vectors orthonormal to the orthogonality limit·d·ulp, with the filter
        // and M of exp to a few ε (γ_16 ≤ CLOSED_FORM_FILTER); in the equation for H every term is at most
        // ‖H + r/2‖₁(‖S‖₁ + ‖θ*‖₂‖m‖₂), so the residual is at most that times twice these relative errors, plus the
        // rounding of the products and sums formed here (γ_(d+2)).
        EighAlgorithm any = EighAlgorithm.AUTO;
        double relative = (Accuracy.eigenvalueLimit(any) + 2 * Accuracy.orthogonalityLimit(any)) * d * EPS
                + Reference.CLOSED_FORM_FILTER + gamma(d + 2);
        double terms = Reference.norm1(shifted) * (Reference.norm1(s) + Reference.norm2(thetaStar) * Reference.norm2(m));
        assertTrue(residual <= 2 * relative * terms, "Lyapunov residual " + residual + " > " + 2 * relative * terms);
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
        // A covariance diagonal in this basis would show off-diagonal entries only from Q's departure from
        // orthonormality (twice, the orthogonality limit·d·ulp) and the rotations' rounding (γ_(2d+1), two of them).
        double noise = (2 * Accuracy.orthogonalityLimit(any) * d * EPS + 2 * gamma(2 * d + 1)) * d * Reference.maxAbs(c);
        assertTrue(off > noise, "off-diagonal eigenbasis covariance " + off + " is at the rounding level " + noise);
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
        RenewalLaw gamma = RenewalLaw.gamma(1, 1 / r);
        OuResetMoments general = OuResetMoments.stationary(h, thetaStar, theta0, 0.4, gamma);
        // The same H on the same backend: the same eigenbasis. The means differ by the two filters' accuracies in
        // h(μ_k) ≤ 1 applied to a = Qᵀ(θ* − θ₀), and by the rounding of the rotation (γ_(d+1) each): at most
        // that times Σ_k |q_ik||a_k| ≤ √d·‖θ* − θ₀‖₂.
        double[] delta = new double[d];
        for (int i = 0; i < d; i++) {
            delta[i] = thetaStar[i] - theta0[i];
        }
        double meanTol = (2 * Reference.CLOSED_FORM_FILTER + 2 * gamma(d + 1)) * Math.sqrt(d) * Reference.norm2(delta);
        assertTrue(Reference.maxAbsDiff(general.mean(), poisson.mean()) <= meanTol, "gamma(1) vs exp mean");
        double err = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                err = Math.max(err, Math.abs(general.covariance()[i][j] - poisson.covariance()[i][j]));
            }
        }
        // Σ differs entrywise by ClockCovariance's accuracy (gamma's M against exp's exact form) and the filters'
        // in the noise term: at most that times |Σ|; rotated, |Q||ΔΣ||Q|ᵀ ≤ ‖ΔΣ‖_F ≤ d·max|ΔΣ|, max|Σ| ≤ ‖C‖₁;
        // the two rotations round by γ_(2d+1) each of the same size.
        double relative = Reference.clockAccuracy(gamma) + 2 * Reference.CLOSED_FORM_FILTER + 2 * gamma(2 * d + 1);
        double covTol = relative * d * Reference.norm1(poisson.covariance());
        assertTrue(err <= covTol, "gamma(1) vs exp covariance " + err + " > " + covTol);
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
                // ClockCovariance's accuracy in every entry; the exact Poisson form here is 9 roundings (γ_9).
                assertEquals(1, c[i][j] / exact, Reference.CLOCK_COVARIANCE + gamma(9), "M[" + i + "][" + j + "]");
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
                // The age rule's accuracy (no cancellation: an exact covariance of a discrete law), γ_9 here.
                assertEquals(1, m[i][j] / exact, Reference.AGE_RULE + gamma(9), "M[" + i + "][" + j + "]");
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
                    double product = f.complement(mu[i]) * f.complement(mu[j]);
                    double ref = whole - product;
                    // Entries where the closed form cancels by less than 1000 (so that it keeps 12 digits or more).
                    if (1e-15 * whole < 1e-12 * Math.abs(ref)) {
                        // The reference: three filter values to the filter's accuracy (the product's two add), one
                        // product and one subtraction (γ_2), all relative to the terms, not to their difference;
                        // the library's M: its own accuracy in every entry.
                        double refError = (Reference.filterAccuracy(law) * (whole + 2 * product)
                                + gamma(2) * (whole + product)) / Math.abs(ref);
                        double tol = refError + Reference.clockAccuracy(law);
                        assertEquals(1, c[i][j] / ref, tol, law.spec() + " M[" + i + "][" + j + "]");
                        checked++;
                    }
                }
            }
            // Not a tolerance: the selection must leave enough entries for the comparison to mean something.
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
            // err[k][l] and errMean[k]: how far the reference cov[k][l] and mean[k] and the library's eigen-coordinate
            // moments may be apart: every integral to the brute force's accuracy, the library's filter and M to
            // theirs, relative to the terms (second − mean·mean may cancel), plus the products' rounding here (γ_3).
            double acc = Reference.QUADRATURE_ACCURACY + Reference.filterAccuracy(law) + Reference.clockAccuracy(law)
                    + gamma(3);
            double[] errMean = new double[2];
            double[][] err = new double[2][2];
            for (int k = 0; k < 2; k++) {
                int kk = k;
                mean[k] = a[k] * ageMean.apply(0, t -> -Math.expm1(-mu[kk] * t));
                cov[k][k] = sigma * sigma * ageMean.apply(0, t -> -Math.expm1(-2 * mu[kk] * t) / (2 * mu[kk]));
                errMean[k] = acc * Math.abs(mean[k]);
                err[k][k] = acc * cov[k][k];
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    int ii = i;
                    int jj = j;
                    double second = ageMean.apply(0, t -> -Math.expm1(-mu[ii] * t) * -Math.expm1(-mu[jj] * t));
                    cov[i][j] += a[i] * a[j] * second - mean[i] * mean[j];
                    err[i][j] += acc * (Math.abs(a[i] * a[j] * second) + Math.abs(mean[i] * mean[j]));
                }
            }
            OuResetMoments mom = OuResetMoments.stationary(h, thetaStar, theta0, sigma, law);
            // The library's own eigendecomposition of H = Q diag(μ) Qᵀ (Reference.oneDecomposition): the mean is
            // θ₀ + h(H)(θ* − θ₀) with h concave, slope ≤ h(μ_min)/μ_min ≤ F(μ_min), size ≤ 1; the covariance's
            // slopes and size as Reference.covarianceBounds.
            ResetFilter f = ResetFilter.of(law);
            double[] delta = {thetaStar[0] - theta0[0], thetaStar[1] - theta0[1]};
            double deltaNorm = Reference.norm2(delta);
            double meanEigh = Reference.oneDecomposition(h, f.hOverMu(mu[0]), 1, deltaNorm);
            double[] cb = Reference.covarianceBounds(f, mu[0], sigma, deltaNorm * deltaNorm);
            double covEigh = Reference.oneDecomposition(h, cb[0], cb[1], 1);
            for (int i = 0; i < 2; i++) {
                double expectedMean = theta0[i];
                double meanTol = meanEigh + ErrorBounds.ulps(theta0[i], 1);
                for (int k = 0; k < 2; k++) {
                    expectedMean += q[i][k] * mean[k];
                    meanTol += Math.abs(q[i][k]) * errMean[k];
                }
                assertEquals(expectedMean, mom.mean()[i], meanTol, law.spec() + " mean");
                for (int j = 0; j < 2; j++) {
                    double expected = 0;
                    double covTol = covEigh;
                    for (int k = 0; k < 2; k++) {
                        for (int l = 0; l < 2; l++) {
                            expected += q[i][k] * cov[k][l] * q[j][l];
                            covTol += Math.abs(q[i][k]) * err[k][l] * Math.abs(q[j][l]);
                        }
                    }
                    assertEquals(expected, mom.covariance()[i][j], covTol, law.spec() + " covariance[" + i + "][" + j + "]");
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
                    // The library: σ²·H(2μ); here σ²·h(2μ)/(2μ) from the same expectation (h = 1 − g or 2μ·H, as
                    // H = (1 − g)/(2μ) or H): at most four roundings between them. Off the diagonal a_i a_j M = 0·M
                    // is exactly 0.
                    double expected = i == j ? sigma * sigma * f.apply(2 * mu[i]) / (2 * mu[i]) : 0;
                    assertEquals(expected, mom.covariance()[i][j], gamma(4) * expected, law.spec());
                }
                assertEquals(0, mom.mean()[i], 0, "a = 0: the mean a·h is exactly 0");
            }
        }
        OuResetMoments exp = OuResetMoments.diagonal(mu, new double[3], sigma, RenewalLaw.exponential(0.4));
        // σ²·(1/(2μ + r)) against σ²/(2μ + r): three and two roundings.
        double noise = sigma * sigma / (2 * 2 + 0.4);
        assertEquals(noise, exp.covariance()[1][1], gamma(5) * noise);
    }

    @Test
    void covarianceIsSymmetricAndPositiveSemidefinite() {
        Random rnd = new Random(23);
        int d = 12;
        double[][] h = randomSpd(rnd, d, 1e-3);
        for (RenewalLaw law : List.of(RenewalLaw.lognormal(0, 1.5), RenewalLaw.pareto(1, 2.5), RenewalLaw.deterministic(3))) {
            double[] thetaStar = Reference.randomVector(rnd, d);
            double[] theta0 = Reference.randomVector(rnd, d);
            OuResetMoments mom = OuResetMoments.stationary(h, thetaStar, theta0, 0.3, law);
            double[][] c = mom.covariance();
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(c[i][j], c[j][i], 0, "symmetric by construction (one triangle, mirrored)");
                }
            }
            double[] w = SymmetricEigen.eigh(c).valuesOf(0);
            // Σ's clock term (aaᵀ)∘M is PSD; M's entrywise relative error δ (Reference.clockAccuracy; the age rule's
            // M is an exact covariance of a discrete law, but take its documented δ too) moves its eigenvalues by at
            // most δ·‖(|a||a|ᵀ)∘M‖_F ≤ δ·‖a‖²/4 (0 ≤ M ≤ 1/4), ‖a‖ = ‖θ* − θ₀‖; the rotation rounds by
            // γ_(2d+1)·d·‖C‖₁; the eigensolver that judges it errs by its eigenvalue limit·d·ulp·‖C‖₁ (Accuracy).
            double[] delta = new double[d];
            for (int i = 0; i < d; i++) {
                delta[i] = thetaStar[i] - theta0[i];
            }
            double aNorm = Reference.norm2(delta);
            double tol = Reference.clockAccuracy(law) * aNorm * aNorm / 4
                    + (gamma(2 * d + 1) * d + Accuracy.eigenvalueLimit(EighAlgorithm.AUTO) * d * EPS) * Reference.norm1(c);
            assertTrue(w[0] >= -tol, law.spec() + ": smallest eigenvalue " + w[0] + " below −" + tol);
        }
    }

    @Test
    void flatDirectionsCarryOnlyTheNoise() {
        double sigma = 0.5;
        RenewalLaw law = RenewalLaw.gamma(2, 0.5);
        OuResetMoments mom = OuResetMoments.diagonal(new double[] {0, 1, 2}, new double[] {5, 1, -1}, sigma, law);
        double meanAge = law.secondMoment() / (2 * law.mean());
        // E[A] = E[τ²]/(2E[τ]) here and (k + 1)θ/2 in the library, both 0.75 exactly; σ² and the product round.
        assertEquals(sigma * sigma * meanAge, mom.covariance()[0][0], gamma(4) * sigma * sigma * meanAge);
        assertEquals(0, mom.covariance()[0][1], 0, "μ = 0 is not an active direction: no clock term, exactly 0");
        assertEquals(0, mom.covariance()[0][2], 0, "μ = 0 is not an active direction: no clock term, exactly 0");
        assertEquals(0, mom.mean()[0], 0, "μ = 0: the mean is set to 0 exactly");
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
        // The null space of H (eigenvalue 0, twice; the other is |v|² = 9) is computed to within an angle of
        // ‖E‖₂/9 (Davis–Kahan), ‖E‖₂ ≤ ‖E‖₁ ≤ (residual + orthogonality limit)·3·ulp·‖H‖₁ (Accuracy): C·n moves by
        // at most twice that angle times ‖C‖, the mean's component along n by that angle times ‖θ̄ − θ₀‖; the
        // rotations, the product C·n and the sums here round by γ_(2d+3) of the same sizes.
        double angle = Accuracy.eigenvalueLimit(EighAlgorithm.AUTO) * 3 * EPS * Reference.norm1(h) / 9;
        double[] moved = new double[3];
        for (int i = 0; i < 3; i++) {
            moved[i] = general.mean()[i] - theta0[i];
        }
        double cTol = (2 * angle + gamma(9)) * Reference.norm1(general.covariance());
        for (int i = 0; i < 3; i++) {
            assertEquals(sigma * sigma * meanAge * nullVector[i], cn[i], cTol, "C·n = σ²E[A]·n");
        }
        double alongTol = (angle + gamma(9)) * (Reference.norm2(moved) + Reference.norm2(theta0));
        assertEquals(0, along, alongTol, "the mean does not move along a flat direction");
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
            assertEquals(ResetFilter.of(law).apply(1), mom.mean()[1], 0, "the mean is still exact: a·h(1) with a = 1");
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
