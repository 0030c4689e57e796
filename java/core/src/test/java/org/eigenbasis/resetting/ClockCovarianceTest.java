package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The closed-form M_ij = Cov_A(e^(−μ_i A), e^(−μ_j A)) for det, gamma, uniform and empirical laws against
 * g(μ_i + μ_j) − g(μ_i)g(μ_j) evaluated in 60-digit BigDecimal (where the double closed form loses every digit).
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
                assertTrue(exact > 0, law.spec() + " reference M[" + i + "][" + j + "] = " + exact);
                double rel = Math.abs(c[i][j] / exact - 1);
                assertTrue(rel < 1e-12, law.spec() + " M(" + mu[i] + ", " + mu[j] + ") = " + c[i][j] + " vs " + exact
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
                    assertTrue(m[i][j] >= 0 && m[i][j] <= 0.25, where);
                    assertTrue(m[i][j] * m[i][j] <= m[i][i] * m[j][j] * (1 + 1e-12), where + ": Cauchy–Schwarz");
                }
            }
        }
    }

    /** Eigenvalues, ascending, by cyclic Jacobi rotations (independent of the library's eigensolvers). */
    static double[] jacobiEigenvalues(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = 0; j < i; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-34 * diag) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = a[i][i];
        }
        java.util.Arrays.sort(w);
        return w;
    }

    /** Columns of a Gaussian matrix, modified Gram–Schmidt twice. */
    static double[][] orthonormal(Random rnd, int d) {
        double[][] q = Reference.randomMatrix(rnd, d, d);
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < d; k++) {
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[i][j] * q[i][k];
                    }
                    for (int i = 0; i < d; i++) {
                        q[i][k] -= dot * q[i][j];
                    }
                }
                double norm = 0;
                for (int i = 0; i < d; i++) {
                    norm += q[i][k] * q[i][k];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < d; i++) {
                    q[i][k] /= norm;
                }
            }
        }
        return q;
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
        double eps = Math.ulp(1.0);
        for (RenewalLaw law : List.of(RenewalLaw.deterministic(3), RenewalLaw.gamma(0.4, 2), RenewalLaw.uniform(0.5, 2),
                RenewalLaw.empirical(0.2, 1, 4, 4.5))) {
            OuResetMoments mom = OuResetMoments.stationary(hs, Reference.randomVector(rnd, d),
                    Reference.randomVector(rnd, d), 0, law);
            double[][] c = mom.covariance();
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    assertTrue(Double.isFinite(c[i][j]), law.spec() + " C[" + i + "][" + j + "] = " + c[i][j]);
                    assertEquals(c[i][j], c[j][i], 0, "symmetric");
                }
            }
            // An independent cyclic Jacobi, not our eigh: this matrix is EighContract's rank-deficient regression case.
            double[] w = jacobiEigenvalues(c);
            double norm = Math.max(Math.abs(w[0]), Math.abs(w[d - 1]));
            assertTrue(w[d - 1] > 0, law.spec());
            assertTrue(w[0] >= -4 * d * eps * norm, law.spec() + ": smallest eigenvalue " + w[0] + " of " + norm);
        }
    }
}
