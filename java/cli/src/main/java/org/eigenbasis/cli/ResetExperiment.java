package org.eigenbasis.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleFunction;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.resetting.DeterministicLaw;
import org.eigenbasis.resetting.ExponentialLaw;
import org.eigenbasis.resetting.GammaLaw;
import org.eigenbasis.resetting.LogNormalLaw;
import org.eigenbasis.resetting.LomaxLaw;
import org.eigenbasis.resetting.ParetoLaw;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetFilter;
import org.eigenbasis.resetting.UniformLaw;
import org.eigenbasis.resetting.WeibullLaw;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.Placement;

/**
 * The numbers of {@code reset experiment}: ridge against renewal reset filters on a synthetic regression with a
 * power-law spectrum, scored by the population risk.
 *
 * <p>Model: Σ = diag(s_i), s_i = i^−2 (i = 1..d); rows x = Σ^½ z, z ~ N(0, I_d); θ_true,i ~ N(0, 1) i.i.d.;
 * y = Xθ_true + ε, ε ~ N(0, noise²). Population risk R(θ̂) = E_x[(xᵀθ̂ − xᵀθ_true)²] = Σ_i s_i(θ̂_i − θ_true,i)²,
 * exact given Σ. The estimators are the stationary means of gradient flow on ½‖Xθ − y‖² reset to the origin,
 * θ̂ = Q h(Λ)Λ⁺Qᵀ Xᵀy (H = XᵀX; h = μ/(μ + λ) is ridge). With n &lt; d they are evaluated through the thin SVD
 * X = U S Vᵀ (from the n × n Gram matrix XXᵀ): θ̂ = Σ_j h(s_j²) (u_jᵀy / s_j) v_j, which is the same formula in
 * O(nd) per estimator; {@code StationaryMean.of} is checked against it on the first data set.
 */
final class ResetExperiment {
    /** Γ(3/2) = √π / 2: the Weibull(k = 2) mean is scale·Γ(3/2). */
    private static final double GAMMA_THREE_HALVES = 0.5 * Math.sqrt(Math.PI);

    private ResetExperiment() {
    }

    /** The sizes of a run. */
    record Settings(int d, int n, int seeds, double noise, double[] meanResetTimes, double[] muGrid,
            long mcTrajectories) {
        static Settings full() {
            return new Settings(1000, 100, 5, 0.5, logGrid(1e-3, 1e4, 36), logGrid(1e-2, 1e2, 41), 50_000);
        }

        static Settings quick() {
            return new Settings(200, 40, 2, 0.5, logGrid(1e-3, 1e4, 15), logGrid(1e-2, 1e2, 17), 4_000);
        }
    }

    /** A family of laws with fixed shape, indexed by its mean reset time m. */
    record Family(String name, String shape, DoubleFunction<RenewalLaw> atMean) {
    }

    /** The laws compared, each with its shape parameters fixed and its mean m as the one tuning parameter. */
    static List<Family> families() {
        return List.of(
                new Family("exp", "exp(rate=1/m): ridge with lambda = 1/m", m -> new ExponentialLaw(1 / m)),
                new Family("det", "det(T=m)", DeterministicLaw::new),
                new Family("gamma(k=2)", "gamma(k=2,scale=m/2)", m -> new GammaLaw(2, m / 2)),
                new Family("gamma(k=0.5)", "gamma(k=0.5,scale=2m)", m -> new GammaLaw(0.5, 2 * m)),
                new Family("uniform(0,2m)", "uniform(a=0,b=2m)", m -> new UniformLaw(0, 2 * m)),
                new Family("lognormal(sigma=1)", "lognormal(mu=ln(m)-1/2,sigma=1)", m -> new LogNormalLaw(Math.log(m) - 0.5, 1)),
                new Family("weibull(k=2)", "weibull(k=2,scale=m/Gamma(3/2))", m -> new WeibullLaw(2, m / GAMMA_THREE_HALVES)),
                new Family("pareto(alpha=3)", "pareto(xm=2m/3,alpha=3)", m -> new ParetoLaw(2 * m / 3, 3)),
                new Family("lomax(alpha=3)", "lomax(scale=2m,alpha=3)", m -> new LomaxLaw(2 * m, 3)));
    }

    /** One synthetic data set and its thin SVD, with the population risk as a quadratic form in the coefficients. */
    static final class Dataset {
        final double[][] x;
        final double[] y;
        final double[] theta;
        final double[] sigma;         // population eigenvalues s_i
        final double[] nu;            // nonzero eigenvalues of XᵀX (= of XXᵀ), length r
        final double[][] v;           // r right singular vectors, each length d
        final double[] c;             // u_jᵀy / √ν_j
        final double[][] riskMatrix;  // A = Vᵀ Σ V  (r × r)
        final double[] riskVector;    // b = Vᵀ Σ θ
        final double riskOfZero;      // θᵀ Σ θ

        Dataset(Settings settings, long seed) {
            int d = settings.d();
            int n = settings.n();
            SplittableRandom rng = new SplittableRandom(seed);
            sigma = new double[d];
            theta = new double[d];
            for (int i = 0; i < d; i++) {
                sigma[i] = 1.0 / ((i + 1.0) * (i + 1.0));
                theta[i] = rng.nextGaussian();
            }
            x = new double[n][d];
            y = new double[n];
            for (int r = 0; r < n; r++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    x[r][i] = Math.sqrt(sigma[i]) * rng.nextGaussian();
                    dot += x[r][i] * theta[i];
                }
                y[r] = dot + settings.noise() * rng.nextGaussian();
            }
            double[] gram = new double[n * n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b <= a; b++) {
                    double s = 0;
                    for (int i = 0; i < d; i++) {
                        s += x[a][i] * x[b][i];
                    }
                    gram[a * n + b] = s;
                    gram[b * n + a] = s;
                }
            }
            double[] w;
            double[][] u;
            try (BatchedMatrix g = BatchedMatrix.of(gram, 1, n, n);
                    EighResult e = SymmetricEigen.on("java").decompose(g,
                            EighOptions.defaults().withVectors(true).withOutputPlacement(Placement.HEAP))) {
                w = e.valuesOf(0);
                u = e.vectorsOf(0);
            }
            double top = w[n - 1];
            List<Integer> kept = new ArrayList<>();
            for (int j = n - 1; j >= 0; j--) {
                if (w[j] > top * 1e-12) {
                    kept.add(j);
                }
            }
            int r = kept.size();
            nu = new double[r];
            v = new double[r][d];
            c = new double[r];
            for (int k = 0; k < r; k++) {
                int j = kept.get(k);
                nu[k] = w[j];
                double root = Math.sqrt(w[j]);
                double uy = 0;
                for (int a = 0; a < n; a++) {
                    uy += u[a][j] * y[a];
                    for (int i = 0; i < d; i++) {
                        v[k][i] += u[a][j] * x[a][i];
                    }
                }
                for (int i = 0; i < d; i++) {
                    v[k][i] /= root;
                }
                c[k] = uy / root;
            }
            riskMatrix = new double[r][r];
            riskVector = new double[r];
            double zero = 0;
            for (int i = 0; i < d; i++) {
                zero += sigma[i] * theta[i] * theta[i];
            }
            riskOfZero = zero;
            for (int a = 0; a < r; a++) {
                double bv = 0;
                for (int i = 0; i < d; i++) {
                    bv += v[a][i] * sigma[i] * theta[i];
                }
                riskVector[a] = bv;
                for (int b = 0; b <= a; b++) {
                    double s = 0;
                    for (int i = 0; i < d; i++) {
                        s += v[a][i] * sigma[i] * v[b][i];
                    }
                    riskMatrix[a][b] = s;
                    riskMatrix[b][a] = s;
                }
            }
        }

        /** The coefficients w_j = h(ν_j)·c_j of θ̂ = Σ_j w_j v_j. */
        double[] coefficients(double[] h) {
            double[] w = new double[nu.length];
            for (int j = 0; j < nu.length; j++) {
                w[j] = h[j] * c[j];
            }
            return w;
        }

        /** R(θ̂) = wᵀAw − 2wᵀb + θᵀΣθ, clamped at 0 against rounding. */
        double risk(double[] h) {
            double[] w = coefficients(h);
            double quad = 0;
            double lin = 0;
            for (int a = 0; a < w.length; a++) {
                double row = 0;
                for (int b = 0; b < w.length; b++) {
                    row += riskMatrix[a][b] * w[b];
                }
                quad += w[a] * row;
                lin += w[a] * riskVector[a];
            }
            return Math.max(0, quad - 2 * lin + riskOfZero);
        }

        /** θ̂ = Σ_j h(ν_j) c_j v_j, length d. */
        double[] estimate(double[] h) {
            double[] w = coefficients(h);
            double[] out = new double[theta.length];
            for (int j = 0; j < w.length; j++) {
                for (int i = 0; i < out.length; i++) {
                    out[i] += w[j] * v[j][i];
                }
            }
            return out;
        }

        /** h at the eigenvalues for a renewal law. */
        double[] filter(RenewalLaw law) {
            ResetFilter f = ResetFilter.of(law);
            double[] h = new double[nu.length];
            for (int j = 0; j < nu.length; j++) {
                h[j] = f.apply(nu[j]);
            }
            return h;
        }

        /** h at the eigenvalues for ridge with penalty λ. */
        double[] ridge(double lambda) {
            double[] h = new double[nu.length];
            for (int j = 0; j < nu.length; j++) {
                h[j] = nu[j] / (nu[j] + lambda);
            }
            return h;
        }
    }

    /** n points from lo to hi, equally spaced in log scale. */
    static double[] logGrid(double lo, double hi, int n) {
        double[] out = new double[n];
        double a = Math.log10(lo);
        double b = Math.log10(hi);
        for (int i = 0; i < n; i++) {
            out[i] = Math.pow(10, a + (b - a) * i / (n - 1));
        }
        return out;
    }

    /** Mean and standard error of the mean. */
    static double[] meanAndStderr(double[] xs) {
        double mean = 0;
        for (double x : xs) {
            mean += x;
        }
        mean /= xs.length;
        if (xs.length < 2) {
            return new double[] {mean, Double.NaN};
        }
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(ss / (xs.length - 1) / xs.length)};
    }

    /** ‖a − b‖ / ‖b‖ (‖a − b‖ when b = 0). */
    static double relativeDifference(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
    }
}
