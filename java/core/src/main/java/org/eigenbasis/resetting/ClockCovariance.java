package org.eigenbasis.resetting;

/**
 * M_ij = Cov_A(e^(−μ_i A), e^(−μ_j A)) in closed form for the laws whose age transform g(s) = E[e^(−sA)] is closed
 * (det, gamma, uniform, empirical), accurate in every entry although g(μ_i + μ_j) − g(μ_i)g(μ_j) cancels
 * catastrophically when either argument is small. With S the law's age scale (T, b, max t_i, (k + 1)θ) and
 * X = μ_i S, Y = μ_j S:
 *
 * <ul>
 *   <li><b>X + Y ≤ R</b> (R = 1/2 for gamma and det; S/(4E[A]) in [1/2, 8] for uniform and empirical, whose age
 *       may sit well below S): the double Taylor series M = Σ_{m,n≥1} c_mn (−X)^m (−Y)^n,
 *       c_mn = (α_{m+n} − α_m α_n)/(m! n!), α_p = E[A^p]/S^p exact per law. Every law here has an age that is a
 *       mixture of uniforms U(0, τ̃), so α_{m+n} − α_m α_n ≥ α_{m+n}/4 (at most a factor 4 of cancellation in a
 *       coefficient), and each order-N layer is at most (X + Y)^(N−2)·XY: 64 orders reach ε.</li>
 *   <li><b>otherwise</b>, with x = min(μ_i, μ_j), y = max: the exact rearrangement
 *       M = g(y)h(x) + ΔL/(E[τ](x + y)) − x·g(y)/(x + y), ΔL = E[e^(−yτ)(1 − e^(−xτ))] = L(y) − L(x + y)
 *       (L the Laplace transform of τ), each term positive and formed without subtraction (per law below). Since
 *       y·E[A] ≥ 1/8 there the terms cancel by a few hundred at worst (near the switch).</li>
 * </ul>
 *
 * <p>An empirical law whose size-biased mass sits far below its largest observation (S/(4E[A]) &gt; 8, where R
 * would be clamped) takes the law of total covariance over the size-biased τ̃ instead (see
 * {@code totalCovariance}).
 *
 * <p>Measured against 60-digit references: relative error per entry for μ = 1e-10 … 1e8 at most 2.5e-14 (gamma
 * and uniform; det 1.7e-14, empirical 1.8e-14; see the design notes). Cost: O(1) per entry (O(n) for an
 * empirical law of n observations) outside the series region, up to about 2000 flops per entry inside it; O(n)
 * det kernels per entry by the total-covariance route.
 */
final class ClockCovariance {
    static final int ORDERS = 64;
    private static final double[] INV_FACT = new double[ORDERS + 1];

    static {
        INV_FACT[0] = 1;
        for (int i = 1; i <= ORDERS; i++) {
            INV_FACT[i] = INV_FACT[i - 1] / i;
        }
    }

    private final RenewalLaw law;
    private final double scale;
    private final double meanTau;
    /** The series is used while (μ_i + μ_j)·S ≤ switchAt. */
    private final double switchAt;
    /** c[m][n] for m, n ≥ 1, m + n ≤ ORDERS. */
    private final double[][] coef;

    private ClockCovariance(RenewalLaw law) {
        this.law = law;
        this.scale = scale(law);
        this.meanTau = law.mean();
        // 1/2 for gamma (the series' radius is S/(k + 1)·… ≥ 1; 1/2 keeps every layer below half the last). For the
        // bounded laws the series is entire and costs about e^(X+Y) in cancellation, while the rearrangement costs
        // about 1/(y·E[A])²: switch at S/(4E[A]) (1/2 for det), so that y·E[A] ≥ 1/8 in the rearrangement; at
        // most 8, where 64 orders still reach ε (8^64/64! ≈ 1e-31) and e^8·(weight near S) stays modest.
        this.switchAt = law instanceof GammaLaw ? 0.5
                : Math.min(8, Math.max(0.5, scale / (4 * AgeExpectation.meanAge(law))));
        double[] alpha = alpha(law, scale);
        coef = new double[ORDERS][ORDERS];
        for (int m = 1; m < ORDERS; m++) {
            for (int n = 1; m + n <= ORDERS; n++) {
                coef[m][n] = (alpha[m + n] - alpha[m] * alpha[n]) * INV_FACT[m] * INV_FACT[n];
            }
        }
    }

    /** Whether M has a closed form here (else the age rule; exp has its own closed form). */
    static boolean applies(RenewalLaw law) {
        return law instanceof DeterministicLaw || law instanceof GammaLaw || law instanceof UniformLaw
                || law instanceof EmpiricalLaw;
    }

    /** M for the directions active[x] (μ &gt; 0), symmetric by construction. */
    static double[][] of(RenewalLaw law, int[] active, double[] mu) {
        ClockCovariance cc = new ClockCovariance(law);
        if (law instanceof EmpiricalLaw emp && cc.switchAt < cc.scale / (4 * AgeExpectation.meanAge(law))) {
            return totalCovariance(emp, active, mu);
        }
        int p = active.length;
        double[] u = new double[p];
        double[] g = new double[p];
        double[] h = new double[p];
        double[][] pow = new double[p][ORDERS + 1];
        for (int x = 0; x < p; x++) {
            u[x] = mu[active[x]];
            g[x] = AgeExpectation.complement(law, u[x]);
            h[x] = u[x] * AgeExpectation.hOverMu(law, u[x]);
            double s = -u[x] * cc.scale;
            if (s >= -cc.switchAt) {
                pow[x][0] = 1;
                for (int m = 1; m <= ORDERS; m++) {
                    pow[x][m] = pow[x][m - 1] * s;
                }
            }
        }
        double[][] out = new double[p][p];
        for (int x = 0; x < p; x++) {
            for (int y = 0; y <= x; y++) {
                double v;
                if ((u[x] + u[y]) * cc.scale <= cc.switchAt) {
                    v = cc.series(pow[x], pow[y]);
                } else if (u[x] <= u[y]) {
                    v = cc.mixed(u[x], u[y], g[y], h[x]);
                } else {
                    v = cc.mixed(u[y], u[x], g[x], h[y]);
                }
                out[x][y] = v;
                out[y][x] = v;
            }
        }
        return out;
    }

    private static final ClockCovariance DET = new ClockCovariance(new DeterministicLaw(1));

    /**
     * An empirical law whose size-biased mass sits far below its largest observation (S/(4E[A]) &gt; 8): the law of
     * total covariance over τ̃ (weights w_k ∝ count·t_k over the distinct observations),
     * M = Σ_k w_k M_det(μ_i t_k, μ_j t_k) + Σ_k w_k c_k(μ_i) c_k(μ_j), c_k(μ) = K(μt_k) − Σ_l w_l K(μt_l) formed as
     * Kh̄ − Kh(μt_k) while K̄ ≥ 1/2 (no subtraction of two numbers near 1). Both sums are of non-negative
     * definite terms; cost O(n) det kernels per entry.
     */
    private static double[][] totalCovariance(EmpiricalLaw emp, int[] active, double[] mu) {
        double[] t = emp.observations();
        int n0 = t.length;
        double total = 0;
        for (double ti : t) {
            total += ti;
        }
        double[] v = new double[n0];
        double[] w = new double[n0];
        int n = 0;
        for (int i = 0; i < n0; i++) {
            if (n > 0 && v[n - 1] == t[i]) {
                w[n - 1] += t[i] / total;
            } else {
                v[n] = t[i];
                w[n] = t[i] / total;
                n++;
            }
        }
        int p = active.length;
        double[] u = new double[p];
        double[][] c = new double[p][n];
        for (int x = 0; x < p; x++) {
            u[x] = mu[active[x]];
            double kBar = 0;
            double khBar = 0;
            for (int k = 0; k < n; k++) {
                kBar += w[k] * SpecialFunctions.k(u[x] * v[k]);
                khBar += w[k] * SpecialFunctions.kh(u[x] * v[k]);
            }
            for (int k = 0; k < n; k++) {
                double z = u[x] * v[k];
                c[x][k] = kBar >= 0.5 ? khBar - SpecialFunctions.kh(z) : SpecialFunctions.k(z) - kBar;
            }
        }
        double[][] out = new double[p][p];
        for (int x = 0; x < p; x++) {
            for (int y = 0; y <= x; y++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += w[k] * (detKernel(u[x] * v[k], u[y] * v[k]) + c[x][k] * c[y][k]);
                }
                out[x][y] = s;
                out[y][x] = s;
            }
        }
        return out;
    }

    /** K(X + Y) − K(X)K(Y) (the det law with T = 1), accurate for all X, Y ≥ 0. */
    static double detKernel(double bx, double by) {
        double lo = Math.min(bx, by);
        double hi = Math.max(bx, by);
        if (lo + hi <= 0.5) {
            double[] px = new double[ORDERS + 1];
            double[] py = new double[ORDERS + 1];
            px[0] = 1;
            py[0] = 1;
            for (int m = 1; m <= ORDERS; m++) {
                px[m] = px[m - 1] * -lo;
                py[m] = py[m - 1] * -hi;
            }
            return DET.series(px, py);
        }
        double z = lo + hi;
        double kh = SpecialFunctions.k(hi);
        return kh * SpecialFunctions.kh(lo) + Math.exp(-hi) * (SpecialFunctions.em(lo) / z) - lo / z * kh;
    }

    /** One entry (for tests): M(μ_i, μ_j). */
    static double entry(RenewalLaw law, double mi, double mj) {
        return of(law, new int[] {0, 1}, new double[] {mi, mj})[0][1];
    }

    private double series(double[] px, double[] py) {
        double sum = 0;
        for (int order = 2; order <= ORDERS; order++) {
            double layer = 0;
            double abs = 0;
            for (int m = 1; m < order; m++) {
                double t = coef[m][order - m] * px[m] * py[order - m];
                layer += t;
                abs += Math.abs(t);
            }
            sum += layer;
            if (abs <= 0x1p-60 * Math.abs(sum)) {
                break;
            }
        }
        return sum;
    }

    /** x ≤ y, (x + y)·S &gt; R: g(y)h(x) + ΔL/(E[τ](x + y)) − x·g(y)/(x + y). */
    private double mixed(double x, double y, double gy, double hx) {
        double xy = x + y;
        return gy * hx + deltaL(x, y) / (meanTau * xy) - x / xy * gy;
    }

    /** ΔL = E[e^(−yτ)(1 − e^(−xτ))], as a sum of positive terms. */
    private double deltaL(double x, double y) {
        if (law instanceof DeterministicLaw d) {
            double t = d.period();
            return Math.exp(-y * t) * SpecialFunctions.em(x * t);
        }
        if (law instanceof GammaLaw gl) {
            double th = gl.scale();
            double k = gl.shape();
            double ly = Math.log1p(th * y);
            // θx/(1 + θy) as x/(1/θ + y): no ∞/∞ when θ·y overflows.
            return Math.exp(-k * ly) * SpecialFunctions.em(k * Math.log1p(x / (1 / th + y)));
        }
        if (law instanceof UniformLaw un) {
            double a = un.a();
            double w = un.b() - a;
            // L(s) = e^(−sa)K(sw): ΔL = e^(−ya)[K(yw) − K((x+y)w) + (1 − e^(−xa))K((x+y)w)].
            return Math.exp(-y * a) * (kDiff(x * w, y * w) + SpecialFunctions.em(x * a) * SpecialFunctions.k((x + y) * w));
        }
        if (law instanceof EmpiricalLaw emp) {
            double[] t = emp.observations();
            double s = 0;
            for (double ti : t) {
                s += Math.exp(-y * ti) * SpecialFunctions.em(x * ti);
            }
            return s / t.length;
        }
        throw new AssertionError(law);
    }

    /** K(Y) − K(X + Y) = ∫₀¹ e^(−Yu)(1 − e^(−Xu)) du ≥ 0, for 0 ≤ X ≤ Y. */
    static double kDiff(double bx, double by) {
        double z = bx + by;
        if (z <= 0.5) {
            // Σ_{n≥1} (−1)^(n+1) (zⁿ − Yⁿ)/(n+1)!, zⁿ − Yⁿ = z(z^(n−1) − Y^(n−1)) + X·Y^(n−1) ≥ 0.
            double diff = bx;
            double yPow = 1;
            double sum = 0;
            double fact = 2;
            double sign = 1;
            for (int n = 1; n < 40; n++) {
                double term = sign * diff / fact;
                sum += term;
                if (Math.abs(term) <= 0x1p-60 * sum) {
                    break;
                }
                yPow *= by;
                diff = z * diff + bx * yPow;
                fact *= n + 2;
                sign = -sign;
            }
            return sum;
        }
        if (by == Double.POSITIVE_INFINITY) {
            return 0;
        }
        // (X(1 − e^(−Y)) − Y e^(−Y)(1 − e^(−X))) / (Y(X + Y)), written without overflowing products; the second
        // term is below 0.88 of the first for Y ≥ 1/4 (the callers have X ≤ Y, X + Y > 1/2).
        return bx / z * SpecialFunctions.k(by) - Math.exp(-by) * SpecialFunctions.em(bx) / z;
    }

    private static double scale(RenewalLaw law) {
        if (law instanceof DeterministicLaw d) {
            return d.period();
        }
        if (law instanceof GammaLaw gl) {
            return (gl.shape() + 1) * gl.scale();
        }
        if (law instanceof UniformLaw un) {
            return un.b();
        }
        if (law instanceof EmpiricalLaw emp) {
            double[] t = emp.observations();
            return t[t.length - 1];
        }
        throw new AssertionError(law);
    }

    /** α_p = E[A^p]/S^p, p = 0 … ORDERS, with A = U·τ̃ (τ̃ size-biased): E[A^p] = E[τ^(p+1)]/((p+1)E[τ]). */
    private static double[] alpha(RenewalLaw law, double s) {
        double[] al = new double[ORDERS + 1];
        if (law instanceof DeterministicLaw) {
            for (int p = 0; p <= ORDERS; p++) {
                al[p] = 1.0 / (p + 1);
            }
        } else if (law instanceof GammaLaw gl) {
            // E[A^p] = θ^p (k+1)_p/(p+1); over ((k+1)θ)^p: Π_{j<p} (1 + j/(k+1)) / (p+1).
            double k1 = gl.shape() + 1;
            double rho = 1;
            for (int p = 0; p <= ORDERS; p++) {
                al[p] = rho / (p + 1);
                rho *= 1 + p / k1;
            }
        } else if (law instanceof UniformLaw un) {
            // E[τ^q]/b^q = Σ_{j=0}^{q} r^j/(q+1), r = a/b; α_p = (E[τ^(p+1)]/b^(p+1)) / ((p+1)·E[τ]/b).
            double r = un.a() / un.b();
            double m = 0.5 * (1 + r);
            double geo = 1; // Σ_{j=0}^{q} r^j for q = p + 1
            double rp = 1;
            rp *= r;
            geo += rp;
            for (int p = 0; p <= ORDERS; p++) {
                al[p] = geo / (p + 2) / ((p + 1) * m);
                rp *= r;
                geo += rp;
            }
        } else if (law instanceof EmpiricalLaw emp) {
            double[] t = emp.observations();
            double total = 0;
            for (double ti : t) {
                total += ti;
            }
            for (double ti : t) {
                double w = ti / total;
                double z = ti / s;
                double zp = 1;
                for (int p = 0; p <= ORDERS; p++) {
                    al[p] += w * zp / (p + 1);
                    zp *= z;
                }
            }
        } else {
            throw new AssertionError(law);
        }
        return al;
    }
}
