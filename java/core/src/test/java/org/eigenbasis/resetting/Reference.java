package org.eigenbasis.resetting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;

/**
 * Independent references for the resetting tests: high-precision exp, brute-force quadrature, Cholesky, Jacobi
 * eigenvalues; and the accuracies the tests judge by, each with its source. Public (in the core test-jar) for the
 * shared {@link org.eigenbasis.contract.ResetContract}.
 */
public final class Reference {
    static final MathContext MC = new MathContext(60);
    private static final double EPS = DType.F64.epsilon();

    /**
     * The relative accuracy of {@link #integrate} for a positive integrand evaluated to a few ulps, when the mass
     * below its first break {@code lo} is negligible (the first panel [0, lo] is not resolved: callers choose lo
     * where it holds less than 1e-20 of the integral). Its rounding: 20 terms a panel summed recursively (γ_19), the
     * panels by compensated summation (2u, whatever their number); its rule: weights from the three-term recurrence
     * and Newton roots, a few n·u relative each (about 60u); its discretisation far below both (20-point
     * Gauss–Legendre is exact to degree 39; on a panel [a, 1.2a] a power or logarithmic singularity at 0 sits 11
     * half-widths from the centre, an error of order 22^(−40), and e^(−sa) varies by e^(0.2·sa) across a panel,
     * which matters only where that panel holds less than e^(−100) of the integral). The integrands' own evaluation
     * adds a few ε (arguments of exp up to about 40 where the mass is: 40u) or the laws' survival functions' 1e-14
     * (SpecialFunctions' erfc and Q). Sum: about 2.5e-14; stated with a factor 2 for the estimates in it.
     */
    static final double QUADRATURE_ACCURACY = 5e-14;

    /**
     * {@link ResetFilter}'s "a few ε" for the laws with closed forms (exp, det, gamma, uniform, empirical: those
     * with {@link RenewalLaw#hasClosedFormLaplace()}), made explicit: each of h, 1 − h, h/μ and λ_eff is formed along
     * at most 32 roundings (expm1, exp, log1p within 1 ulp; sums, products, quotients ½ ulp; uniform's h/μ a
     * 20-point Gauss–Legendre sum of positive terms), from expectations that {@link AgeExpectation} forms with at
     * most a factor 4 of cancellation: γ_128 ≈ 1.4e-14 relative.
     */
    public static final double CLOSED_FORM_FILTER = ErrorBounds.gamma(128, DType.F64);

    /** {@link ResetFilter}'s documented accuracy for the quadrature laws (lognormal, Weibull, Pareto, Lomax). */
    public static final double QUADRATURE_FILTER = 1e-12;

    /**
     * The relative accuracy of M_ij = Cov_A(e^(−μ_i A), e^(−μ_j A)) by {@link ClockCovariance} (det, gamma, uniform,
     * empirical), in every entry. Documented: below 1e-13 measured against 60-digit references (worst 2.5e-14); the
     * a-priori bound is 1e-12: the series' coefficients cancel by at most 4, and the rearrangement's three positive
     * terms, each formed to a few ε, cancel by about 1/(yE[A])² ≤ 64 and by a few hundred at worst near the switch
     * (ClockCovariance's Javadoc): a few hundred × γ_16 ≈ 1e-12.
     */
    public static final double CLOCK_COVARIANCE = 1e-12;

    /**
     * The relative accuracy of M by the age rule ({@link AgeQuadrature}: lognormal, Weibull, Pareto, Lomax): an exact
     * covariance of a discrete age law whose moments converge fast (10-point Gauss–Legendre on panels of half-width
     * 1/4 in ln a, error of order (1/4 ÷ π/2)^20 ≈ 1e-16 for these entire integrands; tails beyond 60/μ_min and
     * below 1e-6/μ_max), formed from about 700 positive weights (γ_700 ≈ 8e-14); documented: 1e-12 relative
     * where g(μ_i + μ_j) − g(μ_i)g(μ_j) is well conditioned.
     */
    public static final double AGE_RULE = 1e-12;

    /** The relative accuracy of the law's M: {@link #CLOCK_COVARIANCE} or {@link #AGE_RULE}; exp: γ_16. */
    public static double clockAccuracy(RenewalLaw law) {
        if (law instanceof ExponentialLaw) {
            return ErrorBounds.gamma(16, DType.F64);
        }
        return ClockCovariance.applies(law) ? CLOCK_COVARIANCE : AGE_RULE;
    }

    /** The relative accuracy ResetFilter documents for the law's h, 1 − h, h/μ and λ_eff. */
    public static double filterAccuracy(RenewalLaw law) {
        return law.hasClosedFormLaplace() ? CLOSED_FORM_FILTER : QUADRATURE_FILTER;
    }

    private Reference() {
    }

    /** e^(−x) to 60 digits for x ≥ 0 (series for e^(x/2^k), then squaring; 0 beyond 300). */
    static BigDecimal expNeg(BigDecimal x) {
        if (x.compareTo(BigDecimal.valueOf(300)) > 0) {
            return BigDecimal.ZERO; // below 1e-130: nothing at 60 digits next to the O(1) terms it meets
        }
        int halvings = 0;
        BigDecimal y = x;
        while (y.compareTo(BigDecimal.valueOf(0.01)) > 0) {
            y = y.divide(BigDecimal.valueOf(2), MC);
            halvings++;
        }
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int n = 1; n < 60; n++) {
            term = term.multiply(y, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
        }
        for (int i = 0; i < halvings; i++) {
            sum = sum.multiply(sum, MC);
        }
        return BigDecimal.ONE.divide(sum, MC);
    }

    static BigDecimal big(double x) {
        return new BigDecimal(x);
    }

    /** 20-point Gauss–Legendre nodes and weights, computed here independently of the library. */
    static final double[][] GL = legendre(20);

    private static double[][] legendre(int n) {
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int it = 0; it < 200; it++) {
                double[] pd = legendreAndDerivative(n, z);
                double dz = pd[0] / pd[1];
                z -= dz;
                if (Math.abs(dz) < 1e-17) {
                    break;
                }
            }
            double[] pd = legendreAndDerivative(n, z);
            x[i] = z;
            w[i] = 2 / ((1 - z * z) * pd[1] * pd[1]);
        }
        return new double[][] {x, w};
    }

    private static double[] legendreAndDerivative(int n, double z) {
        double p0 = 1;
        double p1 = z;
        for (int k = 2; k <= n; k++) {
            double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        return new double[] {p1, n * (z * p1 - p0) / (z * z - 1)};
    }

    /**
     * ∫ f(a) da over [0, ∞) by 20-point Gauss–Legendre panels: linear on [0, lo], then geometric panels of ratio
     * 1.2 (width 0.18 in ln a) up to hi, split at the given kinks; the panels summed with compensation (Neumaier).
     * Brute force: thousands of panels. Accuracy: {@link #QUADRATURE_ACCURACY}.
     */
    static double integrate(DoubleUnaryOperator f, double lo, double hi, double... kinks) {
        TreeSet<Double> edges = new TreeSet<>();
        edges.add(0.0);
        for (double a = lo; a < hi; a *= 1.2) {
            edges.add(a);
        }
        edges.add(hi);
        for (double k : kinks) {
            if (k > 0 && k < hi) {
                edges.add(k);
            }
        }
        Double[] e = edges.toArray(new Double[0]);
        double sum = 0;
        double carry = 0;
        for (int p = 0; p + 1 < e.length; p++) {
            double a = e[p];
            double b = e[p + 1];
            double part = 0;
            for (int i = 0; i < GL[0].length; i++) {
                double t = 0.5 * (a + b) + 0.5 * (b - a) * GL[0][i];
                part += GL[1][i] * f.applyAsDouble(t);
            }
            double term = 0.5 * (b - a) * part;
            double next = sum + term;
            carry += Math.abs(sum) >= Math.abs(term) ? (sum - next) + term : (term - next) + sum;
            sum = next;
        }
        return sum + carry;
    }

    /** Solves A x = b for symmetric positive definite A by Cholesky. */
    static double[] choleskySolve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** XᵀX of an n × d matrix. */
    public static double[][] gram(double[][] x) {
        int d = x[0].length;
        double[][] h = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i][j] += row[i] * row[j];
                }
            }
        }
        return h;
    }

    /** Xᵀy. */
    public static double[] xty(double[][] x, double[] y) {
        double[] b = new double[x[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int i = 0; i < b.length; i++) {
                b[i] += x[r][i] * y[r];
            }
        }
        return b;
    }

    /** n × d standard normal entries. */
    public static double[][] randomMatrix(Random rnd, int n, int d) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return x;
    }

    /** n standard normal entries. */
    public static double[] randomVector(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /**
     * A batch of regression problems for the batched StationaryMean: x[b] is n × d, y[b] is n × 1, standard
     * normal, drawn item by item (x[b], then y[b]).
     */
    public record RegressionBatch(double[][][] x, double[][][] y) {
        public static RegressionBatch random(Random rnd, int batch, int n, int d) {
            double[][][] xs = new double[batch][][];
            double[][][] ys = new double[batch][n][1];
            for (int b = 0; b < batch; b++) {
                xs[b] = randomMatrix(rnd, n, d);
                for (int i = 0; i < n; i++) {
                    ys[b][i][0] = rnd.nextGaussian();
                }
            }
            return new RegressionBatch(xs, ys);
        }

        /** y[b] as a vector of length n. */
        public double[] yOf(int b) {
            double[] v = new double[y[b].length];
            for (int i = 0; i < v.length; i++) {
                v[i] = y[b][i][0];
            }
            return v;
        }
    }

    /** (H + rI)⁻¹ rhs by Cholesky: the ridge solution for rhs = Xᵀy. */
    public static double[] plusDiagonalSolve(double[][] h, double r, double[] rhs) {
        double[][] a = new double[h.length][];
        for (int i = 0; i < h.length; i++) {
            a[i] = h[i].clone();
            a[i][i] += r;
        }
        return choleskySolve(a, rhs);
    }

    /** Eigenvalues, ascending, by cyclic Jacobi rotations (independent of the library's eigensolvers). */
    public static double[] jacobiEigenvalues(double[][] m) {
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
        Arrays.sort(w);
        return w;
    }

    /** ‖A‖₁, the largest column sum of |A|. */
    public static double norm1(double[][] a) {
        double worst = 0;
        for (int j = 0; j < a.length; j++) {
            double col = 0;
            for (double[] row : a) {
                col += Math.abs(row[j]);
            }
            worst = Math.max(worst, col);
        }
        return worst;
    }

    /** ‖v‖₂. */
    public static double norm2(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * How far a result f(H)·v (a matrix function of a d × d symmetric H applied to v) may be from the exact one when
     * it comes from an eigendecomposition within {@link Accuracy}'s limits. The decomposition is, to first order,
     * exact for H + E with ‖E‖₁ ≤ (residual + orthogonality limit)·d·ulp·‖H‖₁, and f(H + E) − f(H) is at most
     * slope·‖E‖_F in the Frobenius norm (Daleckii–Krein: the divided differences of f are bounded by slope = max|f'|
     * on the spectrum), ‖E‖_F ≤ √d·‖E‖₁; its vectors depart from orthonormal by the orthogonality limit·d·ulp, which
     * moves f(H)v by twice that times value·‖v‖ (value = max|f|); and applying Q f(Λ) Qᵀ to v rounds by
     * γ_(2d+1)·√d·value·‖v‖ (Higham §3.5, two products). A bound on the 2-norm, so on every entry.
     */
    public static double oneDecomposition(double[][] h, double slope, double value, double vNorm) {
        int d = h.length;
        EighAlgorithm any = EighAlgorithm.AUTO;
        double backward = Accuracy.eigenvalueLimit(any) * d * EPS * norm1(h) * Math.sqrt(d);
        double orthogonality = 2 * Accuracy.orthogonalityLimit(any) * d * EPS;
        double rounding = ErrorBounds.gamma(2 * d + 1, DType.F64) * Math.sqrt(d);
        return (backward * slope + (orthogonality + rounding) * value) * vNorm;
    }

    /** Two results as {@link #oneDecomposition} (two backends, or a batch and a single call): twice its bound. */
    public static double twoDecompositions(double[][] h, double slope, double value, double vNorm) {
        return 2 * oneDecomposition(h, slope, value, vNorm);
    }

    /**
     * The largest entry of the difference between a ridge solution x = (H + rI)⁻¹b through one eigendecomposition
     * (f(μ) = 1/(μ + r): slope 1/(μ_min + r)², value 1/(μ_min + r); {@link #oneDecomposition}) and through
     * {@link #choleskySolve} (Higham Thm 10.4: exact for A + ΔA with ‖ΔA‖₂ ≤ d·γ_(3d+1)·‖A‖₂, so off by at most
     * κ₂(A)·d·γ_(3d+1)·‖x‖₂), plus {@code rhsRounding}, a bound on how far the two right-hand sides may differ,
     * times ‖(H + rI)⁻¹‖₂. μ_min, μ_max by {@link #jacobiEigenvalues}.
     */
    public static double ridgeTolerance(double[][] h, double r, double bNorm, double rhsRounding) {
        int d = h.length;
        double[] mu = jacobiEigenvalues(h);
        double lo = Math.max(mu[0], 0) + r;
        double hi = mu[d - 1] + r;
        double eigh = oneDecomposition(h, 1 / (lo * lo), 1 / lo, bNorm);
        double cholesky = hi / lo * d * ErrorBounds.gamma(3 * d + 1, DType.F64) * bNorm / lo;
        return eigh + cholesky + rhsRounding / lo;
    }

    /**
     * The bounds {@link #twoDecompositions} needs for the stationary mean θ₀ + F(H)r, F = h/μ the filter's gain on
     * the spectrum [μ_min, μ_max] of H (μ_min &gt; 0): F(μ) = E[A·K(μA)] is completely monotone (K is), so convex
     * and decreasing, and max|F'| = |F'(μ_min)| ≤ 2F(μ_min/2)/μ_min (convexity between μ_min/2 and μ_min);
     * max|F| = F(μ_min). Returns {slope, value}.
     */
    public static double[] gainBounds(ResetFilter f, double muMin) {
        return new double[] {2 * f.hOverMu(muMin / 2) / muMin, f.hOverMu(muMin)};
    }

    /**
     * The bounds for the stationary covariance σ²F(2H) + E_A[e^(−HA)Δe^(−HA)] − g(H)Δg(H), Δ = (θ* − θ₀)(θ* − θ₀)ᵀ,
     * g(H) = E_A[e^(−HA)] (in H's eigenbasis: δ_ij σ²h(2μ_i)/(2μ_i) + a_i a_j M_ij), on H ⪰ μ_min·I: the noise
     * term's slope is 2σ²|F'(2μ_min)| ≤ 2σ²F(μ_min)/μ_min (convexity, as {@link #gainBounds}); the derivative of
     * e^(−tH) is ∫₀¹ e^(−stH)(−tE)e^(−(1−s)tH) ds, of norm at most t·e^(−tμ_min)‖E‖, so each of the clock term's four
     * pieces moves by at most E_A[A·e^(−Aμ_min)]‖E‖‖Δ‖ ≤ min(E[A], 1/(e·μ_min))‖E‖‖Δ‖. Returns {slope, value} with
     * value = ‖C‖ ≤ σ²E[A] + ‖Δ‖/4 (F ≤ E[A], 0 ≤ M ≤ 1/4), for vNorm = 1.
     */
    public static double[] covarianceBounds(ResetFilter f, double muMin, double sigma, double deltaNormSquared) {
        double meanAge = f.meanAge();
        double clock = Math.min(meanAge, 1 / (Math.E * muMin));
        return new double[] {2 * sigma * sigma * f.hOverMu(muMin) / muMin + 4 * clock * deltaNormSquared,
            sigma * sigma * meanAge + deltaNormSquared / 4};
    }

    /** max|a − b| / max|b|. */
    public static double maxRelDiff(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / den;
    }

    /** max|a − b|. */
    public static double maxAbsDiff(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** max|m_ij|. */
    public static double maxAbs(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElse(0);
    }
}
