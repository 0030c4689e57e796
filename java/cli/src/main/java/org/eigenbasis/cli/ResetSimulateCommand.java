package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.resetting.LawSpec;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis reset simulate}: Monte Carlo of the reset dynamics of {@code reset moments} with standard
 * errors and throughput. "mean" and "covariance" are the time-averaged (Rao–Blackwellised) estimates, which have
 * the lower variance; the snapshot estimates (state at the horizon) follow under "snapshot_*". Trajectories start
 * in the stationary state, so both are unbiased at every horizon.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, description = {
    "Monte Carlo estimates (with standard errors) of the stationary mean and covariance of the reset dynamics",
    "of 'reset moments', and the kernel's throughput in trajectory-events per second."})
public class ResetSimulateCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @CommandLine.Mixin
    DiagonalResetOptions problem;

    @Option(names = "--trajectories", required = true, paramLabel = "N", description = "Number of trajectories, N >= 1.")
    long trajectories;

    @Option(names = "--seed", required = true, paramLabel = "S", description = "The random stream's key (same seed, same numbers on java and cpu).")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backend;

    @Option(names = "--horizon", paramLabel = "T", description = "Time each trajectory runs (default: 10 x the mean reset time).")
    Double horizon;

    @Option(names = "--euler-step", paramLabel = "H", description = "Use Euler-Maruyama at step H instead of the exact transitions.")
    Double eulerStep;

    @Option(names = "--json", description = "Print {mean, mean_stderr, covariance, covariance_stderr, events_per_second, ...} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the simulation of the parsed problem (the Spark command runs it across a cluster instead). EXACT uses the
     * diagonal problem's closed-form transitions; EULER the Euler–Maruyama scheme at --euler-step.
     */
    protected ResetSimulation simulate(RenewalLaw law, double[] mus, double[] star, double sigma, double t,
                                       ResetSimulationConfig.Scheme scheme, Backend chosen) {
        if (scheme == ResetSimulationConfig.Scheme.EXACT) {
            return ResetSimulator.diagonal(mus, star, sigma, law, t, trajectories, seed, true, chosen);
        }
        // H = diag(mu) reset to the origin: the eigen-coordinates are θ itself, with target a = θ*.
        return ResetSimulator.run(simulationConfig(law, mus, star, sigma, t, scheme), chosen);
    }

    /** The full configuration of an EULER (or any) run with these options. */
    protected final ResetSimulationConfig simulationConfig(RenewalLaw law, double[] mus, double[] star, double sigma,
                                                           double t, ResetSimulationConfig.Scheme scheme) {
        return new ResetSimulationConfig(law, mus, star, sigma, t, trajectories, seed, scheme,
                scheme == ResetSimulationConfig.Scheme.EULER ? eulerStep : Double.NaN, true);
    }

    /** The backend named in the output. */
    protected String backendName(Backend chosen) {
        return chosen.name();
    }

    protected final long trajectories() {
        return trajectories;
    }

    protected final long seed() {
        return seed;
    }

    @Override
    public Integer call() {
        DiagonalResetOptions.Problem p = problem.parse();
        RenewalLaw parsed = p.law();
        double[] mus = p.mu();
        double[] star = p.thetaStar();
        double sigma = p.sigma();
        if (trajectories < 1) {
            throw new IllegalArgumentException("--trajectories: " + trajectories + " is outside [1, 2^63)");
        }
        if (horizon != null) {
            ResetArgs.positive("--horizon", horizon);
        }
        if (eulerStep != null) {
            ResetArgs.positive("--euler-step", eulerStep);
        }
        Backend chosen = BackendOption.one(backend);
        double t = horizon != null ? horizon : 10 * parsed.mean();
        ResetSimulationConfig.Scheme scheme = eulerStep == null ? ResetSimulationConfig.Scheme.EXACT
                : ResetSimulationConfig.Scheme.EULER;
        ResetSimulation sim = simulate(parsed, mus, star, sigma, t, scheme, chosen);
        int d = mus.length;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mean", ResetArgs.json(sim.timeMean()));
            doc.put("mean_stderr", ResetArgs.json(sim.timeMeanStderr()));
            doc.put("covariance", ResetArgs.json(sim.timeCovariance(), d));
            doc.put("covariance_stderr", ResetArgs.json(sim.timeCovarianceStderr(), d));
            doc.put("events_per_second", Json.finite(sim.eventsPerSecond()));
            doc.put("estimator", "time_average");
            doc.put("backend", backendName(chosen));
            doc.put("law", parsed.spec());
            doc.put("scheme", scheme.name().toLowerCase(Locale.ROOT));
            if (eulerStep != null) {
                doc.put("euler_step", eulerStep);
            }
            doc.put("horizon", t);
            doc.put("trajectories", sim.trajectories());
            doc.put("seed", seed);
            doc.put("events", sim.events());
            doc.put("seconds", sim.seconds());
            doc.put("snapshot_mean", ResetArgs.json(sim.snapshotMean()));
            doc.put("snapshot_mean_stderr", ResetArgs.json(sim.snapshotMeanStderr()));
            doc.put("snapshot_covariance", ResetArgs.json(sim.snapshotCovariance(), d));
            doc.put("snapshot_covariance_stderr", ResetArgs.json(sim.snapshotCovarianceStderr(), d));
            out.println(Json.write(doc));
            return EigenbasisCli.OK;
        }
        out.printf(Locale.ROOT, "reset simulation: %s, %d trajectories over [0, %s], %s scheme%s, seed %d, backend %s%n",
                parsed.spec(), sim.trajectories(), LawSpec.format(t), scheme.name().toLowerCase(Locale.ROOT),
                eulerStep == null ? "" : " (step " + LawSpec.format(eulerStep) + ")", seed, chosen.name());
        out.printf(Locale.ROOT, "%4s %12s %12s %25s %25s %25s%n", "k", "mu", "theta*", "mean (time avg) +- se",
                "mean (snapshot) +- se", "variance (time avg) +- se");
        double[] cov = sim.timeCovariance();
        double[] covSe = sim.timeCovarianceStderr();
        for (int k = 0; k < d; k++) {
            out.printf(Locale.ROOT, "%4d %12s %12s %25s %25s %25s%n", k, ResetArgs.num(mus[k]), ResetArgs.num(star[k]),
                    pm(sim.timeMean()[k], sim.timeMeanStderr()[k]),
                    pm(sim.snapshotMean()[k], sim.snapshotMeanStderr()[k]),
                    cov == null ? "-" : pm(cov[k * d + k], covSe == null ? Double.NaN : covSe[k * d + k]));
        }
        out.printf(Locale.ROOT, "%d trajectory-events in %.3f s: %s events/s%n", sim.events(), sim.seconds(),
                ResetArgs.num(sim.eventsPerSecond()));
        return EigenbasisCli.OK;
    }

    private static String pm(double value, double stderr) {
        return ResetArgs.num(value) + " +- " + ResetArgs.num(stderr);
    }
}
