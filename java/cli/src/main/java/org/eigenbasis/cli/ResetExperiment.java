package org.eigenbasis.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.eigenbasis.resetting.DeterministicLaw;
import org.eigenbasis.resetting.ExponentialLaw;
import org.eigenbasis.resetting.GammaLaw;
import org.eigenbasis.resetting.LogNormalLaw;
import org.eigenbasis.resetting.LomaxLaw;
import org.eigenbasis.resetting.ParetoLaw;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.StationaryMean;
import org.eigenbasis.resetting.UniformLaw;
import org.eigenbasis.resetting.WeibullLaw;
import org.eigenbasis.train.Sweep;

/**
 * The numbers of {@code reset experiment}: ridge against renewal reset filters on a synthetic regression with a
 * power-law spectrum, scored by the population risk; the computation behind {@link ResetExperimentCommand} (which
 * adds the files and the console lines). The Monte Carlo check is {@link ResetMonteCarloCheck}.
 *
 * <p>Model: Σ = diag(s_i), s_i = i^−2 (i = 1..d); rows x = Σ^½ z, z ~ N(0, I_d); θ_true,i ~ N(0, 1) i.i.d.;
 * y = Xθ_true + ε, ε ~ N(0, noise²). Population risk R(θ̂) = E_x[(xᵀθ̂ − xᵀθ_true)²] = Σ_i s_i(θ̂_i − θ_true,i)²,
 * exact given Σ. The estimators are the stationary means of gradient flow on ½‖Xθ − y‖² reset to the origin,
 * θ̂ = Q h(Λ)Λ⁺Qᵀ Xᵀy (H = XᵀX; h = μ/(μ + λ) is ridge). With n &lt; d they are evaluated through the thin SVD
 * X = U S Vᵀ (from the n × n Gram matrix XXᵀ): θ̂ = Σ_j h(s_j²) (u_jᵀy / s_j) v_j, which is the same formula in
 * O(nd) per estimator; {@code StationaryMean.of} is checked against it on the first data set.
 *
 * <p>Tuning: each law over its mean reset time m (ridge over λ = 1/m) on a log grid, the grid minimiser of the
 * risk averaged over data sets refined by golden-section search between its neighbours.
 */
final class ResetExperiment {
    /** Filter shapes are compared at this mean reset time. */
    static final double FILTER_PLOT_MEAN = 1.0;
    /** Largest relative difference accepted between StationaryMean.of and the spectral formula. */
    static final double CROSS_CHECK_TOLERANCE = 1e-6;
    /** Γ(3/2) = √π / 2: the Weibull(k = 2) mean is scale·Γ(3/2). */
    private static final double GAMMA_THREE_HALVES = 0.5 * Math.sqrt(Math.PI);

    private ResetExperiment() {
    }

    /** The sizes of a run. */
    record Settings(int d, int n, int seeds, double noise, double[] meanResetTimes, double[] muGrid,
            long mcTrajectories) {
        static Settings full() {
            return new Settings(1000, 100, 5, 0.5, Sweep.logGrid(1e-3, 1e4, 36), Sweep.logGrid(1e-2, 1e2, 41), 50_000);
        }

        static Settings quick() {
            return new Settings(200, 40, 2, 0.5, Sweep.logGrid(1e-3, 1e4, 15), Sweep.logGrid(1e-2, 1e2, 17), 4_000);
        }

        boolean isFull() {
            return d == full().d();
        }
    }

    /** A family of laws with fixed shape, indexed by its mean reset time m. */
    record Family(String name, String shape, DoubleFunction<RenewalLaw> atMean) {
        /** exp(rate = 1/m) is ridge with λ = 1/m (drawn dashed, a check of the comparison). */
        boolean isRidge() {
            return name.equals("exp");
        }
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

    /** One family's filter, its law at {@link #FILTER_PLOT_MEAN}. */
    record FamilyFilter(Family family, FilterCurve curve) {
    }

    /** Each family's filter on the curvatures {@code mu}. */
    static List<FamilyFilter> filterCurves(List<Family> families, double[] mu) {
        List<FamilyFilter> curves = new ArrayList<>();
        for (Family f : families) {
            curves.add(new FamilyFilter(f, FilterCurve.of(f.atMean().apply(FILTER_PLOT_MEAN), mu)));
        }
        return curves;
    }

    /**
     * The population risk of every estimator on every data set: {@code ridge[g][r]} at λ = 1/grid[g],
     * {@code laws[f][g][r]} for family f at mean reset time grid[g], {@code zero[r]} of θ̂ = 0.
     */
    record RiskSweep(double[] grid, List<ResetExperimentDataset> datasets, double[] zero, double[][] ridge,
            double[][][] laws) {
    }

    /** Draws {@code settings.seeds()} data sets from {@code seed} and scores every estimator on the grid. */
    static RiskSweep riskSweep(Settings settings, long seed, List<Family> families, Consumer<String> afterFamily) {
        double[] grid = settings.meanResetTimes();
        int seeds = settings.seeds();
        double[][][] risk = new double[families.size()][grid.length][seeds];
        double[][] ridgeRisk = new double[grid.length][seeds];
        double[] zeroRisk = new double[seeds];
        List<ResetExperimentDataset> datasets = new ArrayList<>();
        for (int r = 0; r < seeds; r++) {
            ResetExperimentDataset ds = new ResetExperimentDataset(settings, datasetSeed(seed, r));
            datasets.add(ds);
            zeroRisk[r] = ds.riskOfZero;
            for (int g = 0; g < grid.length; g++) {
                ridgeRisk[g][r] = ds.risk(ds.ridge(1 / grid[g]));
            }
            for (int f = 0; f < families.size(); f++) {
                for (int g = 0; g < grid.length; g++) {
                    risk[f][g][r] = ds.risk(ds.filter(families.get(f).atMean().apply(grid[g])));
                }
                afterFamily.accept(families.get(f).name());
            }
        }
        return new RiskSweep(grid, List.copyOf(datasets), zeroRisk, ridgeRisk, risk);
    }

    /** The seed of data set {@code replicate} of a run seeded {@code seed}. */
    static long datasetSeed(long seed, int replicate) {
        return seed * 1_000_003L + replicate;
    }

    /** Tuned ridge: the best mean reset time m = 1/λ, the risk of each data set there, and their mean ± SE. */
    record TunedRidge(double meanResetTime, double[] risks, double risk, double stderr, boolean atEdge) {
    }

    /** A law at its best mean reset time, with the mean risk there over data sets and the paired difference to ridge. */
    record Best(Family family, double meanResetTime, RenewalLaw law, double risk, double stderr, double minusRidge,
            double minusRidgeStderr, boolean atEdge) {
    }

    /** Tuned ridge and every family at its best mean reset time, in the order of the families. */
    record Tuning(TunedRidge ridge, List<Best> best) {
    }

    /** Tunes ridge and each family over the sweep's grid (see the class comment). */
    static Tuning tune(RiskSweep sweep, List<Family> families) {
        double[] grid = sweep.grid();
        List<ResetExperimentDataset> datasets = sweep.datasets();
        int ridgeIndex = argmin(means(sweep.ridge()));
        double ridgeM = refine(grid, ridgeIndex, m -> risks(datasets, ds -> ds.ridge(1 / m)));
        double[] ridgeRisks = risks(datasets, ds -> ds.ridge(1 / ridgeM));
        double[] ridgeMs = meanAndStderr(ridgeRisks);
        TunedRidge ridge = new TunedRidge(ridgeM, ridgeRisks, ridgeMs[0], ridgeMs[1], atEdge(ridgeIndex, grid));
        List<Best> best = new ArrayList<>();
        for (int f = 0; f < families.size(); f++) {
            Family fam = families.get(f);
            int b = argmin(means(sweep.laws()[f]));
            double m = refine(grid, b, t -> risks(datasets, ds -> ds.filter(fam.atMean().apply(t))));
            double[] atBest = risks(datasets, ds -> ds.filter(fam.atMean().apply(m)));
            double[] ms = meanAndStderr(atBest);
            double[] paired = new double[atBest.length];
            for (int r = 0; r < paired.length; r++) {
                paired[r] = atBest[r] - ridgeRisks[r];
            }
            double[] diff = meanAndStderr(paired);
            best.add(new Best(fam, m, fam.atMean().apply(m), ms[0], ms[1], diff[0], diff[1], atEdge(b, grid)));
        }
        return new Tuning(ridge, List.copyOf(best));
    }

    private static boolean atEdge(int index, double[] grid) {
        return index == 0 || index == grid.length - 1;
    }

    /** The mean over data sets at each grid point of {@code risk[g][r]}. */
    private static double[] means(double[][] risk) {
        double[] mean = new double[risk.length];
        for (int g = 0; g < risk.length; g++) {
            mean[g] = meanAndStderr(risk[g])[0];
        }
        return mean;
    }

    /** The risk of each data set for the filter values {@code h} gives on it. */
    private static double[] risks(List<ResetExperimentDataset> datasets, Function<ResetExperimentDataset, double[]> h) {
        double[] out = new double[datasets.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = datasets.get(r).risk(h.apply(datasets.get(r)));
        }
        return out;
    }

    /**
     * Refines the grid minimiser {@code grid[b]} of the mean risk by golden-section search in log m between its
     * neighbours (a local refinement: it assumes the mean risk is unimodal there); never worse than grid[b].
     */
    static double refine(double[] grid, int b, DoubleFunction<double[]> risksAt) {
        DoubleUnaryOperator f = logM -> meanAndStderr(risksAt.apply(Math.exp(logM)))[0];
        double lo = Math.log(grid[Math.max(b - 1, 0)]);
        double hi = Math.log(grid[Math.min(b + 1, grid.length - 1)]);
        double ratio = (Math.sqrt(5) - 1) / 2;
        double x1 = hi - ratio * (hi - lo);
        double x2 = lo + ratio * (hi - lo);
        double f1 = f.applyAsDouble(x1);
        double f2 = f.applyAsDouble(x2);
        for (int it = 0; it < 20 && hi - lo > 5e-3; it++) {
            if (f1 <= f2) {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - ratio * (hi - lo);
                f1 = f.applyAsDouble(x1);
            } else {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + ratio * (hi - lo);
                f2 = f.applyAsDouble(x2);
            }
        }
        double x = f1 <= f2 ? x1 : x2;
        double fx = Math.min(f1, f2);
        return fx <= f.applyAsDouble(Math.log(grid[b])) ? Math.exp(x) : grid[b];
    }

    /** The first index of the smallest value. */
    static int argmin(double[] xs) {
        int best = 0;
        for (int i = 1; i < xs.length; i++) {
            if (xs[i] < xs[best]) {
                best = i;
            }
        }
        return best;
    }

    /** One law's {@code StationaryMean.of} against the spectral formula of the experiment. */
    record LawAgreement(RenewalLaw law, double relativeDifference) {
    }

    /**
     * The cross-checks on one data set: the spectral formula with the ridge filter at λ against a direct ridge
     * solve, and {@code StationaryMean.of} against the spectral formula for each law; {@code worst} is the largest
     * relative difference (a NaN counts as infinite).
     */
    record CrossCheck(double lambda, double ridgeVsDirect, List<LawAgreement> laws, double worst) {
        boolean passed() {
            return worst <= CROSS_CHECK_TOLERANCE;
        }
    }

    /** The cross-checks on {@code data} at tuned ridge's λ and at each law's best mean reset time. */
    static CrossCheck crossCheck(ResetExperimentDataset data, Tuning tuning) {
        double lambda = 1 / tuning.ridge().meanResetTime();
        double ridgeDirect = relativeDifference(data.estimate(data.ridge(lambda)), ridgeDual(data.x, data.y, lambda));
        double worst = Math.max(0, ridgeDirect);
        List<LawAgreement> laws = new ArrayList<>();
        for (Best b : tuning.best()) {
            double[] library = StationaryMean.of(data.x, data.y, b.law());
            double diff = relativeDifference(library, data.estimate(data.filter(b.law())));
            worst = Math.max(worst, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
            laws.add(new LawAgreement(b.law(), diff));
        }
        return new CrossCheck(lambda, ridgeDirect, List.copyOf(laws), worst);
    }

    /** Ridge by the dual formula θ = Xᵀ(XXᵀ + λI)⁻¹y (n × n solve, Gaussian elimination with partial pivoting). */
    static double[] ridgeDual(double[][] x, double[] y, double lambda) {
        int n = x.length;
        int d = x[0].length;
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += x[i][k] * x[j][k];
                }
                a[i][j] = s + (i == j ? lambda : 0);
            }
            a[i][n] = y[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = col + 1; r < n; r++) {
                double factor = a[r][col] / a[col][col];
                for (int c = col; c <= n; c++) {
                    a[r][c] -= factor * a[col][c];
                }
            }
        }
        double[] alpha = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = a[i][n];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * alpha[j];
            }
            alpha[i] = s / a[i][i];
        }
        double[] theta = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                theta[k] += x[i][k] * alpha[i];
            }
        }
        return theta;
    }

    /** Σ_{i ≤ d} i^−2 = tr Σ, the signal E‖θ_true‖²_Σ of the prior (summed from the small terms up). */
    static double sumInverseSquares(int d) {
        double s = 0;
        for (int i = d; i >= 1; i--) {
            s += 1.0 / ((double) i * i);
        }
        return s;
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
