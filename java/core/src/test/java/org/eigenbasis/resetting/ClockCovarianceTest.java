package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.testing.TestMatrices;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.junit.jupiter.api.Test;

/**
 * The closed-form M_ij = Cov_A(e^(−μ_i A), e^(−μ_j A)) for det, gamma, uniform and empirical laws against
 * g(μ_i + μ_j) − g(μ_i)g(μ_j) evaluated in 60-digit BigDecimal (where the double closed form loses every digit),
 * within {@link Reference#CLOCK_COVARIANCE} in every entry.
 */
class ClockCovarianceTest {
    private static final MathContext MC = Reference.MC;

    /** μ from 1e-10 to 1e8: every decade, and points (in units of 1/S) around the series/rearrangement switch. */
    private static double[] grid(double scale) {
        double[] near = {0.2, 0.24, 0.25, 0.26, 0.3, 0.49, 0.9, 1.5, 1.9, 2.1};
        double[] mu = new double[19 + near.length];
        for (int e = -10; e <= 8; e++) {
            mu[e + 10] = Math.pow(10, e);
        }
        for (int i = 0; i < near.length; i++) {
            mu[19 + i] = near[i] / scale;
        }
        return mu;
    }

    private static BigDecimal em(BigDecimal x) {
        return BigDecimal.ONE.subtract(Reference.expNeg(x), MC);
    }

    /** K(x) = (1 − e^(−x))/x. */
    private static BigDecimal kBig(BigDecimal x) {
        return x.signum() == 0 ? BigDecimal.ONE : em(x).divide(x, MC);
    }

    private static BigDecimal gDet(double t, BigDecimal s) {
        return kBig(s.multiply(Reference.big(t), MC));
    }

    /** Shape k = quarters/4: (1 − (1 + θs)^(−k))/(kθs), the power as a fourth root (BigDecimal.sqrt) raised. */
    private static BigDecimal gGamma(int quarters, double theta, BigDecimal s) {
        BigDecimal u = s.multiply(Reference.big(theta), MC);
        BigDecimal root = BigDecimal.ONE.add(u).sqrt(MC).sqrt(MC);
        BigDecimal p = BigDecimal.ONE.divide(root.pow(quarters, MC), MC);
        BigDecimal k = BigDecimal.valueOf(quarters).divide(BigDecimal.valueOf(4), MC);
        return BigDecimal.ONE.subtract(p, MC).divide(u.multiply(k, MC), MC);
    }

    /** (1 − e^(−sa)K(s(b − a)))/(s·E[τ]). */
    private static BigDecimal gUniform(double a, double b, BigDecimal s) {
        BigDecimal w = Reference.big(b).subtract(Reference.big(a), MC);
        BigDecimal l = Reference.expNeg(s.multiply(Reference.big(a), MC)).multiply(kBig(s.multiply(w, MC)), MC);
        BigDecimal mean = Reference.big(a).add(Reference.big(b), MC).divide(BigDecimal.valueOf(2), MC);
        return BigDecimal.ONE.subtract(l, MC).divide(s.multiply(mean, MC), MC);
    }

    /** Σ (t_i/Σt)·K(s t_i), over the distinct values with their counts. */
    private static BigDecimal gEmpirical(double[] t, BigDecimal s) {
        java.util.TreeMap<Double, Integer> counts = new java.util.TreeMap<>();
        BigDecimal total = BigDecimal.ZERO;
        for (double ti : t) {
            total = total.add(Reference.big(ti), MC);
            counts.merge(ti, 1, Integer::sum);
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (java.util.Map.Entry<Double, Integer> e : counts.entrySet()) {
            BigDecimal bt = Reference.big(e.getKey());
            BigDecimal w = bt.multiply(BigDecimal.valueOf(e.getValue()), MC).divide(total, MC);
            sum = sum.add(w.multiply(kBig(s.multiply(bt, MC)), MC), MC);
        }
        return sum;
    }

    private static double worst(RenewalLaw law, double scale, Function<BigDecimal, BigDecimal> g) {
        double[] mu = grid(scale);
        int d = mu.length;
        double[] a = new double[d];
        java.util.Arrays.fill(a, 1);
        double[][] c = OuResetMoments.diagonal(mu, a, 0, law).covariance();
        double worst = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                BigDecimal bi = Reference.big(mu[i]);
                BigDecimal bj = Reference.big(mu[j]);
                BigDecimal ref = g.apply(bi.add(bj, MC)).subtract(g.apply(bi).multiply(g.apply(bj), MC), MC);
                double exact = ref.doubleValue();
                // A covariance of two decreasing functions of A: positive (Chebyshev's sum inequality).
                assertTrue(exact > 0, law.spec() + " reference M[" + i + "][" + j + "] = " + exact);
                // ClockCovariance's accuracy in every entry; the reference, 60 digits, rounds once to double and
                // the ratio once more (2u).
                double rel = Math.abs(c[i][j] / exact - 1);
                double tol = Reference.CLOCK_COVARIANCE + DType.F64.epsilon();
                assertTrue(rel < tol, law.spec() + " M(" + mu[i] + ", " + mu[j] + ") = " + c[i][j] + " vs " + exact
                        + ": relative error " + rel);
                worst = Math.max(worst, rel);
            }
        }
        return worst;
    }

    @Test
    void deterministicMatchesHighPrecisionInEveryEntry() {
        for (double t : new double[] {1, 2.5, 1e-3}) {
            worst(RenewalLaw.deterministic(t), t, s -> gDet(t, s));
        }
    }

    @Test
    void gammaMatchesHighPrecisionInEveryEntry() {
        // k = 0.25, 0.5, 1, 2.5, 5, 30 (in quarters), two scales.
        for (int q : new int[] {1, 2, 4, 10, 20, 120}) {
            for (double theta : new double[] {0.7, 0.01}) {
                double k = q / 4.0;
                worst(RenewalLaw.gamma(k, theta), (k + 1) * theta, s -> gGamma(q, theta, s));
            }
        }
    }

    @Test
    void uniformMatchesHighPrecisionInEveryEntry() {
        double[][] ends = {{0, 1}, {1, 3}, {2, 2.001}, {1e-3, 10}};
        for (double[] e : ends) {
            worst(RenewalLaw.uniform(e[0], e[1]), e[1], s -> gUniform(e[0], e[1], s));
        }
    }

    @Test
    void empiricalMatchesHighPrecisionInEveryEntry() {
        Random rnd = new Random(31);
        double[] skewed = new double[40];
        for (int i = 0; i < skewed.length; i++) {
            skewed[i] = i == 0 ? 5 : 1e-3 * (1 + rnd.nextDouble());
        }
        // Most of the size-biased mass far below the largest observation, and the reverse.
        double[] low = new double[51];
        java.util.Arrays.fill(low, 1);
        low[50] = 20;
        double[] high = low.clone();
        high[50] = 1000;
        // The size-biased mass far below S = max t_i (S/(4E[A]) > 8): the law of total covariance over τ̃.
        double[] skewed1 = new double[1001];
        java.util.Arrays.fill(skewed1, 1);
        skewed1[1000] = 30;
        double[] skewed2 = new double[10001];
        java.util.Arrays.fill(skewed2, 1);
        skewed2[10000] = 100;
        List<double[]> samples = List.of(skewed1, skewed2, low, high, new double[] {0.5, 1, 7}, new double[] {3}, new double[] {1, 1.0000001, 1.2},
                skewed);
        for (double[] t : samples) {
            RenewalLaw law = RenewalLaw.empirical(t);
            double max = java.util.Arrays.stream(t).max().getAsDouble();
            worst(law, max, s -> gEmpirical(t, s));
        }
    }

    /** Parameters and curvatures at the ends of the doubles: finite, 0 ≤ M ≤ 1/4, M_ij² ≤ M_ii·M_jj. */
    @Test
    void extremeParametersStayFiniteAndConsistent() {
        List<RenewalLaw> laws = List.of(RenewalLaw.deterministic(1e-300), RenewalLaw.deterministic(1e300),
                RenewalLaw.gamma(1e8, 1), RenewalLaw.gamma(1e-8, 1), RenewalLaw.gamma(2, 1e-300), RenewalLaw.gamma(2, 1e300),
                RenewalLaw.gamma(1e8, 1e-300), RenewalLaw.uniform(0, 1e-300), RenewalLaw.uniform(1, 1 + 1e-15),
                RenewalLaw.uniform(0, 1e300), RenewalLaw.uniform(1e-300, 1), RenewalLaw.empirical(1e-300, 1, 1e300),
                RenewalLaw.empirical(1e-200, 2e-200));
        double[] mu = {1e-300, 1e-200, 1e-100, 1e-20, 1e-5, 1, 1e5, 1e20, 1e100, 1e200, 1e300, Double.MAX_VALUE / 2};
        int[] active = java.util.stream.IntStream.range(0, mu.length).toArray();
        for (RenewalLaw law : laws) {
            double[][] m = ClockCovariance.of(law, active, mu);
            for (int i = 0; i < mu.length; i++) {
                for (int j = 0; j < mu.length; j++) {
                    String where = law.spec() + " M(" + mu[i] + ", " + mu[j] + ") = " + m[i][j];
                    // Exact bounds, no tolerance: M ≥ 0 (a relative error below 1 keeps the sign of a positive
                    // covariance) and M ≤ 1/4 (a covariance of [0, 1]-valued variables; 1/4 only for a two-point law
                    // on {0, ∞}, far from these).
                    assertTrue(m[i][j] >= 0 && m[i][j] <= 0.25, where);
                    // M_ij² ≤ M_ii·M_jj, each side with the relative error δ of every entry (twice) and two products.
                    double slack = 4 * Reference.CLOCK_COVARIANCE + ErrorBounds.gamma(2, DType.F64);
                    assertTrue(m[i][j] * m[i][j] <= m[i][i] * m[j][j] * (1 + slack), where + ": Cauchy–Schwarz");
                }
            }
        }
    }

    /** Columns of a Gaussian matrix, modified Gram–Schmidt twice. */
    static double[][] orthonormal(Random rnd, int d) {
        return TestMatrices.orthonormalizeColumns(Reference.randomMatrix(rnd, d, d));
    }

    @Test
    void fullCovarianceIsSymmetricAndPositiveSemidefinite() {
        Random rnd = new Random(32);
        int d = 40;
        // Spread the spectrum over 12 decades: H = Q diag(10^(−10 … 2)) Qᵀ, Q orthonormalised Gaussian columns.
        double[][] q = orthonormal(rnd, d);
        double[][] hs = new double[d][d];
        for (int k = 0; k < d; k++) {
            double lam = Math.pow(10, -10 + 12.0 * k / (d - 1));
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    hs[i][j] += q[i][k] * lam * q[j][k];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                hs[i][j] = hs[j][i];
            }
        }
        double eps = DType.F64.epsilon();
        for (RenewalLaw law : List.of(RenewalLaw.deterministic(3), RenewalLaw.gamma(0.4, 2), RenewalLaw.uniform(0.5, 2),
                RenewalLaw.empirical(0.2, 1, 4, 4.5))) {
            double[] thetaStar = Reference.randomVector(rnd, d);
            double[] theta0 = Reference.randomVector(rnd, d);
            OuResetMoments mom = OuResetMoments.stationary(hs, thetaStar, theta0, 0, law);
            double[][] c = mom.covariance();
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    assertTrue(Double.isFinite(c[i][j]), law.spec() + " C[" + i + "][" + j + "] = " + c[i][j]);
                    assertEquals(c[i][j], c[j][i], 0, "symmetric by construction (one triangle, mirrored)");
                }
            }
            // An independent cyclic Jacobi, not our eigh: this matrix is EighContract's rank-deficient regression case.
            double[] w = Reference.jacobiEigenvalues(c);
            double norm = Math.max(Math.abs(w[0]), Math.abs(w[d - 1]));
            assertTrue(w[d - 1] > 0, law.spec());
            // σ = 0: C = Q((aaᵀ)∘M)Qᵀ, PSD up to M's relative error δ in every entry, which moves the eigenvalues by
            // at most δ·‖(|a||a|ᵀ)∘M‖_F ≤ δ·‖a‖²/4 (0 ≤ M ≤ 1/4), ‖a‖ = ‖θ* − θ₀‖; the rotation rounds by
            // γ_(2d+1)·d·‖C‖₁; cyclic Jacobi is backward stable, judged like the library's solvers (Accuracy's
            // eigenvalue limit·d·ulp·‖C‖₁).
            double[] delta = new double[d];
            for (int i = 0; i < d; i++) {
                delta[i] = thetaStar[i] - theta0[i];
            }
            double aNorm = Reference.norm2(delta);
            double tol = Reference.CLOCK_COVARIANCE * aNorm * aNorm / 4 + (ErrorBounds.gamma(2 * d + 1, DType.F64) * d
                    + Accuracy.eigenvalueLimit(EighAlgorithm.AUTO) * d * eps) * Reference.norm1(c);
            assertTrue(w[0] >= -tol, law.spec() + ": smallest eigenvalue " + w[0] + " of " + norm + " below −" + tol);
        }
    }
}
