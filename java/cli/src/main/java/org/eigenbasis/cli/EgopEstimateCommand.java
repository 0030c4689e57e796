package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.basis.egop.EgopQuadraticCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis egop estimate}: the EGOP estimator on f = ½θᵀAθ, A = R diag(i^-α) Rᵀ, ρ = N(0, I), against the
 * closed form A² ({@link EgopQuadraticCheck}). Bad input (dim &lt; 1, samples &lt; 1, α not positive, an unknown
 * problem) exits 2 before any work.
 */
@Command(name = "estimate", mixinStandardHelpOptions = true, description = {
    "Estimate the EGOP of f = 0.5 theta^T A theta, A = R diag(i^-alpha) R^T (R a seeded random rotation), with",
    "rho = N(0, I) and M samples, and compare with the closed form A^2: relative Frobenius error, stable rank,",
    "decay exponent (about 2 alpha) and the largest principal angle (radians) of the top-10 eigenvectors."})
final class EgopEstimateCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--problem", paramLabel = "NAME", defaultValue = "quadratic", description = "Only quadratic (default).")
    String problem;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "100", description = "Dimension d >= 1 (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "1", description = "Spectrum exponent alpha > 0: A's eigenvalues i^-alpha (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--samples", paramLabel = "M", defaultValue = "1024", description = "Monte Carlo samples M >= 1 (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of R and of the samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend of the SYRK and eigh (default: cpu if available, else java).")
    String backend;

    @Option(names = "--json", description = "Print {relative_error, stable_rank, decay_exponent, principal_angle_max, ...} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!"quadratic".equals(problem)) {
            throw new IllegalArgumentException("--problem: '" + problem + "' is not supported (estimate knows: quadratic)");
        }
        if (dim < 1) {
            throw new IllegalArgumentException("--dim: " + dim + " is outside [1, ∞)");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("--samples: " + samples + " is outside [1, ∞)");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("--alpha: " + alpha + " is outside (0, ∞)");
        }
        EgopQuadraticCheck check = EgopQuadraticCheck.run(dim, alpha, samples, seed, BackendOption.one(backend));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("problem", "quadratic");
            doc.put("dim", dim);
            doc.put("alpha", alpha);
            doc.put("samples", samples);
            doc.put("seed", seed);
            doc.put("relative_error", Json.finite(check.relativeError()));
            doc.put("stable_rank", Json.finite(check.stableRank()));
            doc.put("stable_rank_exact", Json.finite(check.exactStableRank()));
            doc.put("decay_exponent", Json.finite(check.decayExponent()));
            doc.put("decay_exponent_exact", 2 * alpha);
            doc.put("principal_angle_max", Json.finite(check.principalAngleMax()));
            doc.put("principal_angle_unit", "radians");
            doc.put("principal_angle_count", check.principalAngles());
            out.println(Json.write(doc));
            return EigenbasisCli.OK;
        }
        out.printf(Locale.ROOT, "EGOP of f = 0.5 theta^T A theta, A = R diag(i^-%s) R^T, d = %d, rho = N(0, I), M = %d, "
                + "seed %d%n", ResetArgs.num(alpha), dim, samples, seed);
        out.printf(Locale.ROOT, "%-40s %14s %14s%n", "", "estimate", "closed form");
        out.printf(Locale.ROOT, "%-40s %14s %14s%n", "relative Frobenius error vs A^2", ResetArgs.num(check.relativeError()), "0");
        out.printf(Locale.ROOT, "%-40s %14s %14s%n", "stable rank", ResetArgs.num(check.stableRank()),
                ResetArgs.num(check.exactStableRank()));
        out.printf(Locale.ROOT, "%-40s %14s %14s%n", "decay exponent", ResetArgs.num(check.decayExponent()),
                ResetArgs.num(2 * alpha));
        out.printf(Locale.ROOT, "%-40s %14s %14s%n", "largest principal angle, top-" + check.principalAngles()
                + " (rad)", ResetArgs.num(check.principalAngleMax()), "0");
        return EigenbasisCli.OK;
    }
}
