package org.eigenbasis.cli;

import org.eigenbasis.resetting.RenewalLaw;
import picocli.CommandLine.Option;

/**
 * The problem shared by {@code reset moments} and {@code reset simulate}: H = diag(mu), b = H·theta*, noise sigma,
 * reset to the origin at the epochs of a renewal law. {@link #parse()} validates it, naming the offending option.
 */
final class DiagonalResetOptions {
    @Option(names = "--law", required = true, paramLabel = "LAW", description = "The inter-reset law, e.g. exp(rate=1), gamma(k=2,scale=0.5).")
    String law;

    @Option(names = "--mu", required = true, paramLabel = "LIST", description = "Eigenvalues of H, mu >= 0, comma-separated.")
    String mu;

    @Option(names = "--theta-star", required = true, paramLabel = "LIST", description = "The minimiser theta*, as many values as --mu.")
    String thetaStar;

    @Option(names = "--sigma", required = true, paramLabel = "S", description = "Noise scale sigma >= 0.")
    double sigma;

    /** The validated problem. */
    record Problem(RenewalLaw law, double[] mu, double[] thetaStar, double sigma) {
    }

    Problem parse() {
        RenewalLaw parsed = ResetArgs.law(law);
        double[] mus = ResetArgs.curvatures("--mu", mu);
        double[] star = ResetArgs.list("--theta-star", thetaStar);
        ResetArgs.sameLength("--mu", mus, "--theta-star", star);
        ResetArgs.nonNegative("--sigma", sigma);
        return new Problem(parsed, mus, star, sigma);
    }
}
