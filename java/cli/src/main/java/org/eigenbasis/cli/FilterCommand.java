package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.resetting.LawSpec;
import org.eigenbasis.resetting.RenewalLaw;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis filter}: the spectral filter h(μ) = E_A[1 − e^(−μA)] of a renewal reset law and its effective
 * ridge λ_eff(μ) = μ(1 − h)/h, at each curvature μ. Both come from {@code ResetFilter}, so μ = 0 prints the
 * library's limit λ_eff(0⁺) = 2E[τ]/E[τ²] (the rate for exp, 0 when E[τ²] = ∞) rather than 0/0.
 */
@Command(name = "filter", mixinStandardHelpOptions = true, description = {
    "The spectral filter h(mu) of gradient flow reset at renewal epochs, and its effective ridge",
    "lambda_eff(mu) = mu (1 - h) / h, for each curvature mu. exp(rate=R) gives ridge: h = mu / (mu + R).",
    "At mu = 0, lambda_eff is the limit 2 E[tau] / E[tau^2] (R for exp; 0 when E[tau^2] is infinite)."})
final class FilterCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--law", required = true, paramLabel = "LAW", description = "The inter-reset law: one of "
            + "exp(rate=R), det(T=T), gamma(k=K,scale=S), uniform(a=A,b=B), lognormal(mu=M,sigma=S), weibull(k=K,scale=S),"
            + " pareto(xm=X,alpha=A), lomax(scale=S,alpha=A).")
    String law;

    @Option(names = "--mu", required = true, paramLabel = "LIST", description = "Curvatures mu >= 0, comma-separated (e.g. 0.01,0.1,1).")
    String mu;

    @Option(names = "--json", description = "Print {law, mu, h, lambda_eff} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RenewalLaw parsed = ResetArgs.law(law);
        double[] mus = ResetArgs.curvatures("--mu", mu);
        FilterCurve curve = FilterCurve.of(parsed, mus);
        double[] h = curve.h();
        double[] lambda = curve.lambdaEff();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("law", parsed.spec());
            doc.put("mu", ResetArgs.json(mus));
            doc.put("h", ResetArgs.json(h));
            doc.put("lambda_eff", ResetArgs.json(lambda));
            out.println(Json.write(doc));
        } else {
            out.printf(Locale.ROOT, "filter of %s (mean reset time %s)%n", parsed.spec(), LawSpec.format(parsed.mean()));
            out.printf(Locale.ROOT, "%14s %14s %14s%n", "mu", "h(mu)", "lambda_eff");
            for (int i = 0; i < mus.length; i++) {
                out.printf(Locale.ROOT, "%14s %14s %14s%n", ResetArgs.num(mus[i]), ResetArgs.num(h[i]),
                        ResetArgs.num(lambda[i]));
            }
        }
        return EigenbasisCli.OK;
    }
}
