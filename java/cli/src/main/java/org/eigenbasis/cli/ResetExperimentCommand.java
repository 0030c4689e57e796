package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eigenbasis.io.Npy;
import org.eigenbasis.resetting.GammaLaw;
import org.eigenbasis.resetting.LawSpec;
import org.eigenbasis.resetting.OuResetMoments;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetFilter;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.resetting.StationaryMean;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.ResetSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis reset experiment}: the predictive comparison of ridge and renewal reset filters (see
 * {@link ResetExperiment} for the model), the filters themselves, and a Monte Carlo check of the exact moments.
 * Writes CSV, PNG and summary.md into the report folder, each file atomically. Exit 1 when a check fails: the
 * stationary means of {@code StationaryMean.of} disagree with the spectral formula, or a Monte Carlo estimate is
 * more than 5 standard errors from theory.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, description = {
    "Ridge (tuned over lambda) against renewal reset filters (each tuned over its mean reset time) on a synthetic",
    "regression with a power-law spectrum (d = 1000, n = 100, eigenvalues i^-2), scored by the exact population",
    "risk; plus the filters h(mu), lambda_eff(mu), and a Monte Carlo check of the stationary moments.",
    "Writes CSV files, PNG plots and summary.md into --out."})
final class ResetExperimentCommand implements Callable<Integer> {
    /** Filter shapes are compared at this mean reset time. */
    static final double FILTER_PLOT_MEAN = 1.0;
    /** Largest |estimate − theory| / stderr accepted in the Monte Carlo check. */
    static final double MC_Z_LIMIT = 5;
    /** Largest relative difference accepted between StationaryMean.of and the spectral formula. */
    static final double CROSS_CHECK_TOLERANCE = 1e-6;

    @CommandLine.Mixin
    Common common;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "reports/reset-experiment", description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the data sets and the Monte Carlo (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "A small run for tests and smoke checks (d = 200, n = 40, 2 data sets, coarse grids).")
    boolean quick;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend of the Monte Carlo check (default: cpu if available, else java).")
    String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " exists and is not a directory");
        }
        Backend mcBackend = backend != null ? BackendOption.one(backend) : defaultMcBackend();
        ResetExperiment.Settings settings = quick ? ResetExperiment.Settings.quick() : ResetExperiment.Settings.full();
        List<ResetExperiment.Family> families = ResetExperiment.families();
        PrintWriter console = spec.commandLine().getOut();
        Files.createDirectories(out);
        console.printf(Locale.ROOT, "eigenbasis reset experiment%s: report in %s%n", quick ? " (quick)" : "", out.toAbsolutePath());
        long start = System.nanoTime();

        // 1. The filters at a common mean reset time.
        double[] muGrid = settings.muGrid();
        StringBuilder filtersCsv = new StringBuilder("law,spec,mu,h\n");
        StringBuilder lambdaCsv = new StringBuilder("law,spec,mu,lambda_eff\n");
        List<ResetCharts.Line> hLines = new ArrayList<>();
        List<ResetCharts.Line> lambdaLines = new ArrayList<>();
        for (ResetExperiment.Family f : families) {
            RenewalLaw law = f.atMean().apply(FILTER_PLOT_MEAN);
            ResetFilter filter = ResetFilter.of(law);
            double[] h = new double[muGrid.length];
            double[] lambda = new double[muGrid.length];
            for (int i = 0; i < muGrid.length; i++) {
                h[i] = filter.apply(muGrid[i]);
                lambda[i] = filter.effectiveRidge(muGrid[i]);
                filtersCsv.append(csvRow(f.name(), law.spec(), muGrid[i], h[i]));
                lambdaCsv.append(csvRow(f.name(), law.spec(), muGrid[i], lambda[i]));
            }
            hLines.add(new ResetCharts.Line(f.name(), muGrid, h, f.name().equals("exp")));
            lambdaLines.add(new ResetCharts.Line(f.name(), muGrid, lambda, f.name().equals("exp")));
        }
        write("filters.csv", filtersCsv.toString());
        write("lambda_eff.csv", lambdaCsv.toString());
        String atMean = "every law at mean reset time m = " + LawSpec.format(FILTER_PLOT_MEAN) + " (exp = ridge, dashed)";
        ResetCharts.lines(out.resolve("filters.png"), "Reset filters h(mu)", atMean, "curvature mu", "h(mu)", hLines, true, false);
        ResetCharts.lines(out.resolve("lambda_eff.png"), "Effective ridge lambda_eff(mu) = mu (1 - h) / h", atMean,
                "curvature mu", "lambda_eff(mu)", lambdaLines, true, true);
        console.printf(Locale.ROOT, "1. filters of %d laws on %d curvatures%n", families.size(), muGrid.length);

        // 2. Population risk against mean reset time, averaged over data sets.
        double[] grid = settings.meanResetTimes();
        int seeds = settings.seeds();
        double[][][] risk = new double[families.size()][grid.length][seeds];
        double[][] ridgeRisk = new double[grid.length][seeds];
        double[] zeroRisk = new double[seeds];
        List<ResetExperiment.Dataset> datasets = new ArrayList<>();
        try (Progress progress = Progress.start("reset experiment", (long) seeds * families.size(), false)) {
            for (int r = 0; r < seeds; r++) {
                ResetExperiment.Dataset ds = new ResetExperiment.Dataset(settings, datasetSeed(r));
                datasets.add(ds);
                zeroRisk[r] = ds.riskOfZero;
                for (int g = 0; g < grid.length; g++) {
                    ridgeRisk[g][r] = ds.risk(ds.ridge(1 / grid[g]));
                }
                for (int f = 0; f < families.size(); f++) {
                    for (int g = 0; g < grid.length; g++) {
                        risk[f][g][r] = ds.risk(ds.filter(families.get(f).atMean().apply(grid[g])));
                    }
                    progress.step(families.get(f).name());
                }
            }
        }
        StringBuilder riskCsv = new StringBuilder("law,mean_reset_time,spec,risk_mean,risk_stderr\n");
        List<ResetCharts.Line> riskLines = new ArrayList<>();
        double[] ridgeMean = new double[grid.length];
        for (int g = 0; g < grid.length; g++) {
            double[] ms = ResetExperiment.meanAndStderr(ridgeRisk[g]);
            ridgeMean[g] = ms[0];
            riskCsv.append(String.join(",", "ridge", num(grid[g]), "ridge(lambda=" + LawSpec.format(1 / grid[g]) + ")",
                    num(ms[0]), num(ms[1]))).append('\n');
        }
        int ridgeIndex = argmin(ridgeMean);
        double ridgeM = refine(grid, ridgeIndex, m -> risks(datasets, ds -> ds.ridge(1 / m)));
        double[] ridgeBestRisks = risks(datasets, ds -> ds.ridge(1 / ridgeM));
        double[] ridgeBestMs = ResetExperiment.meanAndStderr(ridgeBestRisks);
        riskLines.add(new ResetCharts.Line("ridge (lambda = 1/m)", grid, ridgeMean, true));
        List<Best> best = new ArrayList<>();
        for (int f = 0; f < families.size(); f++) {
            ResetExperiment.Family fam = families.get(f);
            double[] mean = new double[grid.length];
            for (int g = 0; g < grid.length; g++) {
                double[] ms = ResetExperiment.meanAndStderr(risk[f][g]);
                mean[g] = ms[0];
                riskCsv.append(String.join(",", csvText(fam.name()), num(grid[g]),
                        csvText(fam.atMean().apply(grid[g]).spec()), num(ms[0]), num(ms[1]))).append('\n');
            }
            riskLines.add(new ResetCharts.Line(fam.name(), grid, mean, false));
            int b = argmin(mean);
            double m = refine(grid, b, t -> risks(datasets, ds -> ds.filter(fam.atMean().apply(t))));
            double[] atBest = risks(datasets, ds -> ds.filter(fam.atMean().apply(m)));
            double[] ms = ResetExperiment.meanAndStderr(atBest);
            double[] paired = new double[seeds];
            for (int r = 0; r < seeds; r++) {
                paired[r] = atBest[r] - ridgeBestRisks[r];
            }
            double[] diff = ResetExperiment.meanAndStderr(paired);
            best.add(new Best(fam, m, fam.atMean().apply(m), ms[0], ms[1], diff[0], diff[1], b == 0 || b == grid.length - 1));
        }
        write("risk.csv", riskCsv.toString());
        double[] zero = ResetExperiment.meanAndStderr(zeroRisk);
        ResetCharts.lines(out.resolve("risk.png"), "Population risk against mean reset time",
                String.format(Locale.ROOT, "d = %d, n = %d, eigenvalues i^-2, theta_true ~ N(0, I), noise sd %s, mean of %d data sets",
                        settings.d(), settings.n(), LawSpec.format(settings.noise()), seeds),
                "mean reset time m (ridge: 1 / lambda)", "population risk E|theta_hat - theta_true|^2_Sigma", riskLines, true, true);
        StringBuilder bestCsv = new StringBuilder("law,shape,best_mean_reset_time,spec,risk,risk_stderr,risk_over_ridge,"
                + "risk_minus_ridge,risk_minus_ridge_paired_stderr,at_grid_edge\n");
        bestCsv.append(String.join(",", "ridge", csvText("lambda = 1/m"), num(ridgeM),
                "ridge(lambda=" + LawSpec.format(1 / ridgeM) + ")", num(ridgeBestMs[0]), num(ridgeBestMs[1]), "1", "0", "0",
                Boolean.toString(ridgeIndex == 0 || ridgeIndex == grid.length - 1))).append('\n');
        for (Best b : best) {
            bestCsv.append(String.join(",", csvText(b.family().name()), csvText(b.family().shape()), num(b.meanResetTime()),
                    csvText(b.law().spec()), num(b.risk()), num(b.stderr()), num(b.risk() / ridgeBestMs[0]),
                    num(b.minusRidge()), num(b.minusRidgeStderr()),
                    Boolean.toString(b.atEdge()))).append('\n');
        }
        write("best.csv", bestCsv.toString());
        String bestTable = bestTable(ridgeM, ridgeBestMs, best);
        console.printf(Locale.ROOT, "2. population risk over %d mean reset times, %d data sets (risk of theta = 0: %.4f)%n",
                grid.length, seeds, zero[0]);
        console.print(bestTable);

        // 3. StationaryMean.of against the spectral formula on the first data set, at each law's best m; and the
        //    spectral formula against a direct ridge solve.
        List<String> crossRows = new ArrayList<>();
        double worst = 0;
        double lambdaBest = 1 / ridgeM;
        ResetExperiment.Dataset first = datasets.get(0);
        double ridgeDirect = ResetExperiment.relativeDifference(first.estimate(first.ridge(lambdaBest)),
                ridgeDual(first.x, first.y, lambdaBest));
        crossRows.add(String.format(Locale.ROOT, "| ridge(lambda=%s): spectral formula vs direct solve X^T (XX^T + lambda I)^-1 y | %.2e |",
                LawSpec.format(lambdaBest), ridgeDirect));
        worst = Math.max(worst, ridgeDirect);
        for (Best b : best) {
            double[] library = StationaryMean.of(first.x, first.y, b.law());
            double diff = ResetExperiment.relativeDifference(library, first.estimate(first.filter(b.law())));
            worst = Math.max(worst, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
            crossRows.add(String.format(Locale.ROOT, "| %s: StationaryMean.of vs spectral formula | %.2e |", b.law().spec(), diff));
        }
        boolean crossPassed = worst <= CROSS_CHECK_TOLERANCE;
        console.printf(Locale.ROOT, "3. StationaryMean.of against the spectral formula: worst relative difference %.2e (%s)%n",
                worst, crossPassed ? "pass" : "FAIL");

        // 4. Monte Carlo against the exact moments, small d.
        McResult mc = monteCarlo(settings, mcBackend);
        console.printf(Locale.ROOT, "4. Monte Carlo (%s backend, %d trajectories) against OuResetMoments: max |z| %.2f (%s)%n",
                mcBackend.name(), settings.mcTrajectories(), mc.maxAbsZ(), mc.passed() ? "pass" : "FAIL");

        double seconds = (System.nanoTime() - start) * 1e-9;
        write("summary.md", summary(settings, families, best, bestTable, zero, crossRows, crossPassed, mc, mcBackend, seconds));
        console.printf(Locale.ROOT, "wrote summary.md, best.csv, risk.csv, filters.csv, lambda_eff.csv, mc.csv and 4 PNGs"
                + " in %.1f s%n", seconds);
        return crossPassed && mc.passed() ? EigenbasisCli.OK : EigenbasisCli.VERIFICATION_FAILED;
    }

    private long datasetSeed(int replicate) {
        return seed * 1_000_003L + replicate;
    }

    /** A law at its best mean reset time, with the mean risk there over data sets. */
    record Best(ResetExperiment.Family family, double meanResetTime, RenewalLaw law, double risk, double stderr,
            double minusRidge, double minusRidgeStderr, boolean atEdge) {
    }

    /** The Monte Carlo check's numbers. */
    record McResult(RenewalLaw law, double[] mu, double[] thetaStar, double sigma, double horizon, double[] theoryMean,
            ResetSimulation sim, double[][] theoryCov, double maxAbsZ, boolean passed, String table) {
    }

    static Backend defaultMcBackend() {
        Backend cpu = Backends.find("cpu");
        if (cpu != null && cpu.availability().available()) {
            return cpu;
        }
        return Backends.select("java");
    }

    private McResult monteCarlo(ResetExperiment.Settings settings, Backend backend) throws IOException {
        double[] mu = {0.1, 0.3, 1, 3, 10};
        double[] thetaStar = {1, -0.5, 2, 0.75, -1.5};
        double sigma = 0.5;
        RenewalLaw law = new GammaLaw(2, 0.5);
        double horizon = 10 * law.mean();
        OuResetMoments theory = OuResetMoments.diagonal(mu, thetaStar, sigma, law);
        ResetSimulation sim = ResetSimulator.diagonal(mu, thetaStar, sigma, law, horizon, settings.mcTrajectories(),
                seed, true, backend);
        int d = mu.length;
        double maxZ = 0;
        StringBuilder csv = new StringBuilder("k,mu,theta_star,theory_mean,mc_mean,mc_mean_stderr,z_mean,"
                + "theory_variance,mc_variance,mc_variance_stderr,z_variance\n");
        StringBuilder table = new StringBuilder("| k | mu | theta* | theory mean | MC mean ± SE | z | theory variance | MC variance ± SE | z |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double[] cov = sim.timeCovariance();
        double[] covSe = sim.timeCovarianceStderr();
        for (int k = 0; k < d; k++) {
            double zMean = z(sim.timeMean()[k], theory.mean()[k], sim.timeMeanStderr()[k]);
            double tv = theory.covariance() == null ? Double.NaN : theory.covariance()[k][k];
            double mv = cov == null ? Double.NaN : cov[k * d + k];
            double mvSe = covSe == null ? Double.NaN : covSe[k * d + k];
            double zVar = Double.isNaN(tv) || Double.isNaN(mv) ? Double.NaN : z(mv, tv, mvSe);
            maxZ = Math.max(maxZ, Math.abs(zMean));
            if (!Double.isNaN(zVar)) {
                maxZ = Math.max(maxZ, Math.abs(zVar));
            }
            csv.append(String.join(",", Integer.toString(k), num(mu[k]), num(thetaStar[k]), num(theory.mean()[k]),
                    num(sim.timeMean()[k]), num(sim.timeMeanStderr()[k]), num(zMean), num(tv), num(mv), num(mvSe),
                    num(zVar))).append('\n');
            table.append(String.format(Locale.ROOT, "| %d | %s | %s | %.5f | %.5f ± %.5f | %.2f | %.5f | %.5f ± %.5f | %.2f |%n",
                    k, LawSpec.format(mu[k]), LawSpec.format(thetaStar[k]), theory.mean()[k], sim.timeMean()[k],
                    sim.timeMeanStderr()[k], zMean, tv, mv, mvSe, zVar));
        }
        write("mc.csv", csv.toString());
        ResetCharts.monteCarlo(out.resolve("mc_vs_theory.png"), "Monte Carlo against exact stationary moments",
                String.format(Locale.ROOT, "%s, sigma %s, %d trajectories over [0, %s] on %s; time-averaged estimates",
                        law.spec(), LawSpec.format(sigma), sim.trajectories(), LawSpec.format(horizon), backend.name()),
                mu, theory.mean(), sim.timeMean(), sim.timeMeanStderr(), diagonal(theory.covariance()),
                diagonal(cov, d), diagonal(covSe, d));
        return new McResult(law, mu, thetaStar, sigma, horizon, theory.mean(), sim, theory.covariance(), maxZ,
                maxZ <= MC_Z_LIMIT, table.toString());
    }

    private static double[] diagonal(double[][] m) {
        if (m == null) {
            return null;
        }
        double[] out = new double[m.length];
        for (int k = 0; k < m.length; k++) {
            out[k] = m[k][k];
        }
        return out;
    }

    private static double[] diagonal(double[] rowMajor, int d) {
        if (rowMajor == null) {
            return null;
        }
        double[] out = new double[d];
        for (int k = 0; k < d; k++) {
            out[k] = rowMajor[k * d + k];
        }
        return out;
    }

    /** (estimate − theory) / stderr; 0 when both agree exactly, infinite when they differ with stderr 0. */
    static double z(double estimate, double theory, double stderr) {
        double diff = estimate - theory;
        if (diff == 0) {
            return 0;
        }
        return stderr > 0 ? diff / stderr : Double.POSITIVE_INFINITY;
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

    private static String bestTable(double ridgeM, double[] ridge, List<Best> best) {
        StringBuilder sb = new StringBuilder();
        sb.append("| law | shape | best mean reset time m | risk (mean ± SE over data sets) | risk / ridge |"
                + " risk − ridge (± paired SE) |\n");
        sb.append("|---|---|---:|---:|---:|---:|\n");
        sb.append(String.format(Locale.ROOT, "| ridge | lambda = 1/m | %.4g (lambda = %.4g) | %.5f ± %.5f | 1.0000 | 0 |%n",
                ridgeM, 1 / ridgeM, ridge[0], ridge[1]));
        for (Best b : best) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.4g%s | %.5f ± %.5f | %.4f | %+.5f ± %.5f |%n",
                    b.family().name(), b.family().shape(), b.meanResetTime(), b.atEdge() ? " (grid edge)" : "", b.risk(),
                    b.stderr(), b.risk() / ridge[0], b.minusRidge(), b.minusRidgeStderr()));
        }
        return sb.toString();
    }

    private static String summary(ResetExperiment.Settings s, List<ResetExperiment.Family> families, List<Best> best,
            String bestTable,
            double[] zero, List<String> crossRows, boolean crossPassed, McResult mc, Backend backend, double seconds) {
        StringBuilder sb = new StringBuilder("# Stochastic resetting: renewal filters against ridge\n\n");
        sb.append(String.format(Locale.ROOT, "Generated by `eigenbasis reset experiment%s` in %.1f s.%n%n",
                s.d() == ResetExperiment.Settings.full().d() ? "" : " --quick", seconds));
        sb.append("## Model\n\n");
        sb.append(String.format(Locale.ROOT, "- d = %d features, n = %d samples; population covariance Sigma = diag(i^-2),"
                + " i = 1..d; rows x = Sigma^(1/2) z, z ~ N(0, I).%n", s.d(), s.n()));
        sb.append(String.format(Locale.ROOT, "- Prior: theta_true,i ~ N(0, 1) i.i.d. (signal E|theta_true|^2_Sigma ="
                + " sum i^-2 ~ %.3f; measured risk of theta = 0: %.4f ± %.4f).%n", sumInverseSquares(s.d()), zero[0], zero[1]));
        sb.append(String.format(Locale.ROOT, "- Noise: y = X theta_true + eps, eps ~ N(0, %s^2).%n", LawSpec.format(s.noise())));
        sb.append("- Score: the exact population risk E_x[(x^T(theta_hat - theta_true))^2] = |theta_hat - theta_true|^2_Sigma.\n");
        sb.append("- Estimators: the stationary mean of gradient flow on 0.5 |X theta - y|^2 reset to the origin at renewal"
                + " epochs, theta_hat = Q h(L) L^+ Q^T X^T y (H = X^T X), evaluated through the thin SVD of X.\n");
        sb.append(String.format(Locale.ROOT, "- Tuning: each law over its mean reset time m on a log grid of %d points from"
                + " %s to %s, shape parameters fixed; ridge over lambda = 1/m on the same grid (exp(rate=1/m) is ridge, a"
                + " check). The best m minimises the risk averaged over %d data sets.%n%n",
                s.meanResetTimes().length, LawSpec.format(s.meanResetTimes()[0]),
                LawSpec.format(s.meanResetTimes()[s.meanResetTimes().length - 1]), s.seeds()));
        sb.append("Laws (m = mean reset time):\n\n");
        for (ResetExperiment.Family f : families) {
            sb.append("- ").append(f.name()).append(": ").append(f.shape()).append('\n');
        }
        sb.append("\n## Best risk per law\n\n").append(bestTable).append('\n');
        sb.append("Tuning is by oracle on the population risk, one parameter per estimator for every law and ridge alike;"
                + " the paired SE is that of the per-data-set difference to tuned ridge.\n\n");
        sb.append(finding(best)).append("\n\n");
        sb.append("![risk](risk.png)\n\n");
        sb.append("## Filters at mean reset time 1\n\n![filters](filters.png)\n\n![lambda_eff](lambda_eff.png)\n\n");
        sb.append("## Checks\n\n| check | relative difference |\n|---|---:|\n");
        crossRows.forEach(r -> sb.append(r).append('\n'));
        sb.append(String.format(Locale.ROOT, "%nStationaryMean.of agrees with the spectral formula to %s: **%s**.%n%n",
                "1e-6", crossPassed ? "pass" : "FAIL"));
        sb.append(String.format(Locale.ROOT, "Monte Carlo: %s, H = diag(%s), theta* = (%s), sigma = %s, %d trajectories over"
                + " [0, %s] on the %s backend (%d trajectory-events, %.3g events/s); time-averaged estimates against"
                + " OuResetMoments. All |z| <= %s: **%s** (max |z| = %.2f).%n%n",
                mc.law().spec(), join(mc.mu()), join(mc.thetaStar()), LawSpec.format(mc.sigma()), mc.sim().trajectories(),
                LawSpec.format(mc.horizon()), backend.name(), mc.sim().events(), mc.sim().eventsPerSecond(),
                LawSpec.format(MC_Z_LIMIT), mc.passed() ? "pass" : "FAIL", mc.maxAbsZ()));
        sb.append(mc.table()).append("\n![Monte Carlo against theory](mc_vs_theory.png)\n\n");
        sb.append("## Files\n\n- filters.csv: law, spec, mu, h (each law at mean reset time 1)\n"
                + "- lambda_eff.csv: law, spec, mu, lambda_eff\n"
                + "- risk.csv: law, mean_reset_time, spec, risk_mean, risk_stderr (ridge rows: m = 1/lambda)\n"
                + "- best.csv: the best mean reset time and risk per law\n"
                + "- mc.csv: the Monte Carlo check, per coordinate\n");
        return sb.toString();
    }

    /** Which laws differ from tuned ridge by more than two paired standard errors, either way. */
    static String finding(List<Best> best) {
        List<String> better = new ArrayList<>();
        List<String> worse = new ArrayList<>();
        for (Best b : best) {
            if (b.family().name().equals("exp") || !(b.minusRidgeStderr() > 0)) {
                continue;
            }
            double z = b.minusRidge() / b.minusRidgeStderr();
            String entry = String.format(Locale.ROOT, "%s (%+.2f%%, %.1f SE)", b.family().name(),
                    100 * b.minusRidge() / (b.risk() - b.minusRidge()), Math.abs(z));
            if (z < -2) {
                better.add(entry);
            } else if (z > 2) {
                worse.add(entry);
            }
        }
        return "Lower risk than tuned ridge by more than 2 paired SE: " + (better.isEmpty() ? "none" : String.join(", ", better))
                + ". Higher by more than 2 paired SE: " + (worse.isEmpty() ? "none" : String.join(", ", worse)) + ".";
    }

    private static double sumInverseSquares(int d) {
        double s = 0;
        for (int i = d; i >= 1; i--) {
            s += 1.0 / ((double) i * i);
        }
        return s;
    }

    private static String join(double[] xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(sb.length() == 0 ? "" : ", ").append(LawSpec.format(x));
        }
        return sb.toString();
    }

    /** The risk of each data set for the filter values {@code h} gives on it. */
    private static double[] risks(List<ResetExperiment.Dataset> datasets,
            java.util.function.Function<ResetExperiment.Dataset, double[]> h) {
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
    static double refine(double[] grid, int b, java.util.function.DoubleFunction<double[]> risksAt) {
        java.util.function.DoubleUnaryOperator f = logM -> ResetExperiment.meanAndStderr(risksAt.apply(Math.exp(logM)))[0];
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

    private static int argmin(double[] xs) {
        int best = 0;
        for (int i = 1; i < xs.length; i++) {
            if (xs[i] < xs[best]) {
                best = i;
            }
        }
        return best;
    }

    private static String csvRow(String law, String spec, double x, double y) {
        return csvText(law) + "," + csvText(spec) + "," + num(x) + "," + num(y) + "\n";
    }

    /** A CSV field, quoted when it holds a comma or a quote. */
    static String csvText(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String num(double x) {
        return Double.toString(x);
    }

    private void write(String name, String text) throws IOException {
        Npy.writeAtomically(out.resolve(name), ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
}
