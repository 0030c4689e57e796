package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.resetting.LawSpec;
import org.eigenbasis.resetting.OuResetMoments;
import org.eigenbasis.resetting.RenewalLaw;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis reset moments}: the exact stationary mean and covariance of dθ = −(Hθ − b)dt + σ dW with
 * H = diag(μ), b = Hθ*, reset to the origin at renewal epochs. An infinite covariance (a flat direction with
 * E[τ²] = ∞) is reported, not refused: covariance null plus the reason, exit 0 and a warning on stderr.
 */
@Command(name = "moments", mixinStandardHelpOptions = true, description = {
    "Exact stationary mean and covariance of d theta = -(H theta - b) dt + sigma dW, H = diag(mu), b = H theta*,",
    "reset to the origin at the epochs of a renewal law."})
final class ResetMomentsCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @CommandLine.Mixin
    DiagonalResetOptions problem;

    @Option(names = "--json", description = "Print {mean, covariance[, infinite_variance], law, mu, theta_star, sigma} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        DiagonalResetOptions.Problem p = problem.parse();
        RenewalLaw parsed = p.law();
        double[] mus = p.mu();
        double[] star = p.thetaStar();
        double sigma = p.sigma();
        OuResetMoments m = OuResetMoments.diagonal(mus, star, sigma, parsed);
        PrintWriter out = spec.commandLine().getOut();
        if (m.covariance() == null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("eigenbasis: warning: the stationary covariance is infinite: " + m.infiniteVarianceReason());
            err.flush();
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mean", ResetArgs.json(m.mean()));
            doc.put("covariance", ResetArgs.json(m.covariance()));
            if (m.covariance() == null) {
                doc.put("infinite_variance", m.infiniteVarianceReason());
            }
            doc.put("law", parsed.spec());
            doc.put("mu", ResetArgs.json(mus));
            doc.put("theta_star", ResetArgs.json(star));
            doc.put("sigma", sigma);
            out.println(Json.write(doc));
            return EigenbasisCli.OK;
        }
        out.printf(Locale.ROOT, "stationary moments under %s (mean reset time %s), sigma %s%n", parsed.spec(),
                LawSpec.format(parsed.mean()), LawSpec.format(sigma));
        out.printf(Locale.ROOT, "%4s %14s %14s %14s %14s%n", "k", "mu", "theta*", "mean", "variance");
        for (int k = 0; k < mus.length; k++) {
            out.printf(Locale.ROOT, "%4d %14s %14s %14s %14s%n", k, ResetArgs.num(mus[k]), ResetArgs.num(star[k]),
                    ResetArgs.num(m.mean()[k]), m.covariance() == null ? "infinite" : ResetArgs.num(m.covariance()[k][k]));
        }
        if (m.covariance() != null && mus.length > 1) {
            out.println("covariance:");
            for (double[] row : m.covariance()) {
                StringBuilder sb = new StringBuilder();
                for (double v : row) {
                    sb.append(String.format(Locale.ROOT, " %14s", ResetArgs.num(v)));
                }
                out.println(sb);
            }
        }
        return EigenbasisCli.OK;
    }
}
