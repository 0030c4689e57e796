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
import org.eigenbasis.resetting.LawSpec;
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
        writeFilters(ResetExperiment.filterCurves(families, settings.muGrid()));
        console.printf(Locale.ROOT, "1. filters of %d laws on %d curvatures%n", families.size(), settings.muGrid().length);

        // 2. Population risk against mean reset time, averaged over data sets.
        ResetExperiment.RiskSweep sweep;
        try (Progress progress = Progress.start("reset experiment", (long) settings.seeds() * families.size(), false)) {
            sweep = ResetExperiment.riskSweep(settings, seed, families, progress::step);
        }
        ResetExperiment.Tuning tuning = ResetExperiment.tune(sweep, families);
        double[] zero = ResetExperiment.meanAndStderr(sweep.zero());
        writeRisks(settings, families, sweep, tuning);
        String bestTable = bestTable(tuning);
        console.printf(Locale.ROOT, "2. population risk over %d mean reset times, %d data sets (risk of theta = 0: %.4f)%n",
                sweep.grid().length, settings.seeds(), zero[0]);
        console.print(bestTable);

        // 3. StationaryMean.of against the spectral formula on the first data set, at each law's best m; and the
        //    spectral formula against a direct ridge solve.
        ResetExperiment.CrossCheck cross = ResetExperiment.crossCheck(sweep.datasets().get(0), tuning);
        console.printf(Locale.ROOT, "3. StationaryMean.of against the spectral formula: worst relative difference %.2e (%s)%n",
                cross.worst(), cross.passed() ? "pass" : "FAIL");

        // 4. Monte Carlo against the exact moments, small d.
        ResetMonteCarloCheck mc = ResetMonteCarloCheck.run(settings.mcTrajectories(), seed, mcBackend);
        writeMonteCarlo(mc, mcBackend);
        console.printf(Locale.ROOT, "4. Monte Carlo (%s backend, %d trajectories) against OuResetMoments: max |z| %.2f (%s)%n",
                mcBackend.name(), settings.mcTrajectories(), mc.maxAbsZ(), mc.passed() ? "pass" : "FAIL");

        double seconds = (System.nanoTime() - start) * 1e-9;
        write("summary.md", summary(settings, families, tuning, bestTable, zero, cross, mc, mcBackend, seconds));
        console.printf(Locale.ROOT, "wrote summary.md, best.csv, risk.csv, filters.csv, lambda_eff.csv, mc.csv and 4 PNGs"
                + " in %.1f s%n", seconds);
        return cross.passed() && mc.passed() ? EigenbasisCli.OK : EigenbasisCli.VERIFICATION_FAILED;
    }

    static Backend defaultMcBackend() {
        Backend cpu = Backends.find("cpu");
        if (cpu != null && cpu.availability().available()) {
            return cpu;
        }
        return Backends.select("java");
    }

    /** filters.csv, lambda_eff.csv and their charts. */
    private void writeFilters(List<ResetExperiment.FamilyFilter> filters) throws IOException {
        StringBuilder filtersCsv = new StringBuilder("law,spec,mu,h\n");
        StringBuilder lambdaCsv = new StringBuilder("law,spec,mu,lambda_eff\n");
        List<ResetCharts.Line> hLines = new ArrayList<>();
        List<ResetCharts.Line> lambdaLines = new ArrayList<>();
        for (ResetExperiment.FamilyFilter f : filters) {
            String name = f.family().name();
            FilterCurve c = f.curve();
            for (int i = 0; i < c.mu().length; i++) {
                filtersCsv.append(csvRow(name, c.law().spec(), c.mu()[i], c.h()[i]));
                lambdaCsv.append(csvRow(name, c.law().spec(), c.mu()[i], c.lambdaEff()[i]));
            }
            hLines.add(new ResetCharts.Line(name, c.mu(), c.h(), f.family().isRidge()));
            lambdaLines.add(new ResetCharts.Line(name, c.mu(), c.lambdaEff(), f.family().isRidge()));
        }
        write("filters.csv", filtersCsv.toString());
        write("lambda_eff.csv", lambdaCsv.toString());
        String atMean = "every law at mean reset time m = " + LawSpec.format(ResetExperiment.FILTER_PLOT_MEAN)
                + " (exp = ridge, dashed)";
        ResetCharts.lines(out.resolve("filters.png"), "Reset filters h(mu)", atMean, "curvature mu", "h(mu)", hLines, true, false);
        ResetCharts.lines(out.resolve("lambda_eff.png"), "Effective ridge lambda_eff(mu) = mu (1 - h) / h", atMean,
                "curvature mu", "lambda_eff(mu)", lambdaLines, true, true);
    }

    /** risk.csv, best.csv and risk.png. */
    private void writeRisks(ResetExperiment.Settings settings, List<ResetExperiment.Family> families,
            ResetExperiment.RiskSweep sweep, ResetExperiment.Tuning tuning) throws IOException {
        double[] grid = sweep.grid();
        StringBuilder riskCsv = new StringBuilder("law,mean_reset_time,spec,risk_mean,risk_stderr\n");
        List<ResetCharts.Line> riskLines = new ArrayList<>();
        double[] ridgeMean = new double[grid.length];
        for (int g = 0; g < grid.length; g++) {
            double[] ms = ResetExperiment.meanAndStderr(sweep.ridge()[g]);
            ridgeMean[g] = ms[0];
            riskCsv.append(String.join(",", "ridge", num(grid[g]), "ridge(lambda=" + LawSpec.format(1 / grid[g]) + ")",
                    num(ms[0]), num(ms[1]))).append('\n');
        }
        riskLines.add(new ResetCharts.Line("ridge (lambda = 1/m)", grid, ridgeMean, true));
        for (int f = 0; f < families.size(); f++) {
            ResetExperiment.Family fam = families.get(f);
            double[] mean = new double[grid.length];
            for (int g = 0; g < grid.length; g++) {
                double[] ms = ResetExperiment.meanAndStderr(sweep.laws()[f][g]);
                mean[g] = ms[0];
                riskCsv.append(String.join(",", csvText(fam.name()), num(grid[g]),
                        csvText(fam.atMean().apply(grid[g]).spec()), num(ms[0]), num(ms[1]))).append('\n');
            }
            riskLines.add(new ResetCharts.Line(fam.name(), grid, mean, false));
        }
        write("risk.csv", riskCsv.toString());
        ResetCharts.lines(out.resolve("risk.png"), "Population risk against mean reset time",
                String.format(Locale.ROOT, "d = %d, n = %d, eigenvalues i^-2, theta_true ~ N(0, I), noise sd %s, mean of %d data sets",
                        settings.d(), settings.n(), LawSpec.format(settings.noise()), settings.seeds()),
                "mean reset time m (ridge: 1 / lambda)", "population risk E|theta_hat - theta_true|^2_Sigma", riskLines, true, true);
        ResetExperiment.TunedRidge ridge = tuning.ridge();
        StringBuilder bestCsv = new StringBuilder("law,shape,best_mean_reset_time,spec,risk,risk_stderr,risk_over_ridge,"
                + "risk_minus_ridge,risk_minus_ridge_paired_stderr,at_grid_edge\n");
        bestCsv.append(String.join(",", "ridge", csvText("lambda = 1/m"), num(ridge.meanResetTime()),
                "ridge(lambda=" + LawSpec.format(1 / ridge.meanResetTime()) + ")", num(ridge.risk()), num(ridge.stderr()),
                "1", "0", "0", Boolean.toString(ridge.atEdge()))).append('\n');
        for (ResetExperiment.Best b : tuning.best()) {
            bestCsv.append(String.join(",", csvText(b.family().name()), csvText(b.family().shape()), num(b.meanResetTime()),
                    csvText(b.law().spec()), num(b.risk()), num(b.stderr()), num(b.risk() / ridge.risk()),
                    num(b.minusRidge()), num(b.minusRidgeStderr()),
                    Boolean.toString(b.atEdge()))).append('\n');
        }
        write("best.csv", bestCsv.toString());
    }

    /** mc.csv and mc_vs_theory.png. */
    private void writeMonteCarlo(ResetMonteCarloCheck mc, Backend mcBackend) throws IOException {
        StringBuilder csv = new StringBuilder("k,mu,theta_star,theory_mean,mc_mean,mc_mean_stderr,z_mean,"
                + "theory_variance,mc_variance,mc_variance_stderr,z_variance\n");
        ResetSimulation sim = mc.sim();
        for (int k = 0; k < mc.mu().length; k++) {
            csv.append(String.join(",", Integer.toString(k), num(mc.mu()[k]), num(mc.thetaStar()[k]),
                    num(mc.theoryMean()[k]), num(sim.timeMean()[k]), num(sim.timeMeanStderr()[k]), num(mc.zMean()[k]),
                    num(ResetMonteCarloCheck.at(mc.theoryVariance(), k)), num(ResetMonteCarloCheck.at(mc.mcVariance(), k)),
                    num(ResetMonteCarloCheck.at(mc.mcVarianceStderr(), k)), num(mc.zVariance()[k]))).append('\n');
        }
        write("mc.csv", csv.toString());
        ResetCharts.monteCarlo(out.resolve("mc_vs_theory.png"), "Monte Carlo against exact stationary moments",
                String.format(Locale.ROOT, "%s, sigma %s, %d trajectories over [0, %s] on %s; time-averaged estimates",
                        mc.law().spec(), LawSpec.format(mc.sigma()), sim.trajectories(), LawSpec.format(mc.horizon()),
                        mcBackend.name()),
                mc.mu(), mc.theoryMean(), sim.timeMean(), sim.timeMeanStderr(), mc.theoryVariance(), mc.mcVariance(),
                mc.mcVarianceStderr());
    }

    /** The Monte Carlo check per coordinate, as a markdown table. */
    private static String monteCarloTable(ResetMonteCarloCheck mc) {
        StringBuilder table = new StringBuilder("| k | mu | theta* | theory mean | MC mean ± SE | z | theory variance | MC variance ± SE | z |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        ResetSimulation sim = mc.sim();
        for (int k = 0; k < mc.mu().length; k++) {
            table.append(String.format(Locale.ROOT, "| %d | %s | %s | %.5f | %.5f ± %.5f | %.2f | %.5f | %.5f ± %.5f | %.2f |%n",
                    k, LawSpec.format(mc.mu()[k]), LawSpec.format(mc.thetaStar()[k]), mc.theoryMean()[k], sim.timeMean()[k],
                    sim.timeMeanStderr()[k], mc.zMean()[k], ResetMonteCarloCheck.at(mc.theoryVariance(), k),
                    ResetMonteCarloCheck.at(mc.mcVariance(), k), ResetMonteCarloCheck.at(mc.mcVarianceStderr(), k),
                    mc.zVariance()[k]));
        }
        return table.toString();
    }

    /** The cross-checks, one markdown table row each. */
    private static List<String> crossRows(ResetExperiment.CrossCheck cross) {
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "| ridge(lambda=%s): spectral formula vs direct solve X^T (XX^T + lambda I)^-1 y | %.2e |",
                LawSpec.format(cross.lambda()), cross.ridgeVsDirect()));
        for (ResetExperiment.LawAgreement a : cross.laws()) {
            rows.add(String.format(Locale.ROOT, "| %s: StationaryMean.of vs spectral formula | %.2e |", a.law().spec(),
                    a.relativeDifference()));
        }
        return rows;
    }

    private static String bestTable(ResetExperiment.Tuning tuning) {
        ResetExperiment.TunedRidge ridge = tuning.ridge();
        StringBuilder sb = new StringBuilder();
        sb.append("| law | shape | best mean reset time m | risk (mean ± SE over data sets) | risk / ridge |"
                + " risk − ridge (± paired SE) |\n");
        sb.append("|---|---|---:|---:|---:|---:|\n");
        sb.append(String.format(Locale.ROOT, "| ridge | lambda = 1/m | %.4g (lambda = %.4g) | %.5f ± %.5f | 1.0000 | 0 |%n",
                ridge.meanResetTime(), 1 / ridge.meanResetTime(), ridge.risk(), ridge.stderr()));
        for (ResetExperiment.Best b : tuning.best()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.4g%s | %.5f ± %.5f | %.4f | %+.5f ± %.5f |%n",
                    b.family().name(), b.family().shape(), b.meanResetTime(), b.atEdge() ? " (grid edge)" : "", b.risk(),
                    b.stderr(), b.risk() / ridge.risk(), b.minusRidge(), b.minusRidgeStderr()));
        }
        return sb.toString();
    }

    private static String summary(ResetExperiment.Settings s, List<ResetExperiment.Family> families,
            ResetExperiment.Tuning tuning, String bestTable, double[] zero, ResetExperiment.CrossCheck cross,
            ResetMonteCarloCheck mc, Backend backend, double seconds) {
        StringBuilder sb = new StringBuilder("# Stochastic resetting: renewal filters against ridge\n\n");
        sb.append(String.format(Locale.ROOT, "Generated by `eigenbasis reset experiment%s` in %.1f s.%n%n",
                s.isFull() ? "" : " --quick", seconds));
        sb.append("## Model\n\n");
        sb.append(String.format(Locale.ROOT, "- d = %d features, n = %d samples; population covariance Sigma = diag(i^-2),"
                + " i = 1..d; rows x = Sigma^(1/2) z, z ~ N(0, I).%n", s.d(), s.n()));
        sb.append(String.format(Locale.ROOT, "- Prior: theta_true,i ~ N(0, 1) i.i.d. (signal E|theta_true|^2_Sigma ="
                + " sum i^-2 ~ %.3f; measured risk of theta = 0: %.4f ± %.4f).%n",
                ResetExperiment.sumInverseSquares(s.d()), zero[0], zero[1]));
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
        sb.append(finding(tuning.best())).append("\n\n");
        sb.append("![risk](risk.png)\n\n");
        sb.append("## Filters at mean reset time 1\n\n![filters](filters.png)\n\n![lambda_eff](lambda_eff.png)\n\n");
        sb.append("## Checks\n\n| check | relative difference |\n|---|---:|\n");
        crossRows(cross).forEach(r -> sb.append(r).append('\n'));
        sb.append(String.format(Locale.ROOT, "%nStationaryMean.of agrees with the spectral formula to %s: **%s**.%n%n",
                "1e-6", cross.passed() ? "pass" : "FAIL"));
        sb.append(String.format(Locale.ROOT, "Monte Carlo: %s, H = diag(%s), theta* = (%s), sigma = %s, %d trajectories over"
                + " [0, %s] on the %s backend (%d trajectory-events, %.3g events/s); time-averaged estimates against"
                + " OuResetMoments. All |z| <= %s: **%s** (max |z| = %.2f).%n%n",
                mc.law().spec(), join(mc.mu()), join(mc.thetaStar()), LawSpec.format(mc.sigma()), mc.sim().trajectories(),
                LawSpec.format(mc.horizon()), backend.name(), mc.sim().events(), mc.sim().eventsPerSecond(),
                LawSpec.format(ResetMonteCarloCheck.Z_LIMIT), mc.passed() ? "pass" : "FAIL", mc.maxAbsZ()));
        sb.append(monteCarloTable(mc)).append("\n![Monte Carlo against theory](mc_vs_theory.png)\n\n");
        sb.append("## Files\n\n- filters.csv: law, spec, mu, h (each law at mean reset time 1)\n"
                + "- lambda_eff.csv: law, spec, mu, lambda_eff\n"
                + "- risk.csv: law, mean_reset_time, spec, risk_mean, risk_stderr (ridge rows: m = 1/lambda)\n"
                + "- best.csv: the best mean reset time and risk per law\n"
                + "- mc.csv: the Monte Carlo check, per coordinate\n");
        return sb.toString();
    }

    /** Which laws differ from tuned ridge by more than two paired standard errors, either way. */
    static String finding(List<ResetExperiment.Best> best) {
        List<String> better = new ArrayList<>();
        List<String> worse = new ArrayList<>();
        for (ResetExperiment.Best b : best) {
            if (b.family().isRidge() || !(b.minusRidgeStderr() > 0)) {
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

    private static String join(double[] xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(sb.length() == 0 ? "" : ", ").append(LawSpec.format(x));
        }
        return sb.toString();
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
