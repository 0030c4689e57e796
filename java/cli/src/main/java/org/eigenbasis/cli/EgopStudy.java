package org.eigenbasis.cli;

import java.util.Locale;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.egop.EgopComparisonConfig;
import org.eigenbasis.basis.egop.EgopConfig;
import org.eigenbasis.basis.egop.EgopDigitsProblems;
import org.eigenbasis.basis.egop.EgopProblem;
import org.eigenbasis.basis.egop.EgopProblems;

/**
 * The problems of {@code eigenbasis egop compare} with their budgets: the problem, the rule with its defaults, the
 * half-decade lr grid, the step budget, the stated target loss and the EGOP samples (ρ = N(θ₀, I) throughout).
 */
record EgopStudy(String name, String optimizer, EgopProblem problem, EgopComparisonConfig config) {
    static final String PROBLEMS = "quadratic, logsumexp, digits-logreg, digits-mlp";

    /**
     * The study for a problem and optimizer name.
     *
     * @throws IllegalArgumentException naming --problem or --optimizer when the name is unknown
     */
    static EgopStudy of(String problemName, String optimizerName, long seed) {
        String optimizer = optimizerName.toLowerCase(Locale.ROOT);
        DiagonalRule rule = switch (optimizer) {
            case "adagrad" -> DiagonalRule.Adagrad.defaults();
            case "adam" -> DiagonalRule.Adam.defaults();
            default -> throw new IllegalArgumentException("--optimizer: '" + optimizerName
                    + "' is not one of adagrad, adam");
        };
        EgopConfig egop = EgopConfig.defaults().withSeed(seed);
        EgopComparisonConfig base = EgopComparisonConfig.defaults().withRule(rule);
        return switch (problemName) {
            case "quadratic" -> new EgopStudy(problemName, optimizer, EgopProblems.rotatedQuadratic(100, 2, seed),
                    base.withLrMinHalfDecade(-8).withLrMaxHalfDecade(2).withSteps(500).withTargetLoss(1e-6)
                            .withEgop(egop.withSamples(1024)));
            case "logsumexp" -> {
                EgopProblem p = EgopProblems.logSumExp(100, 1000, seed);
                if (!Double.isFinite(p.minimumLoss())) {
                    throw new IllegalArgumentException("--seed: " + seed + " draws a log-sum-exp without a certified "
                            + "minimum (Newton found no positive definite Hessian)");
                }
                yield new EgopStudy(problemName, optimizer, p, base.withLrMinHalfDecade(-8).withLrMaxHalfDecade(2)
                        .withSteps(500).withTargetLoss(p.minimumLoss() + LOGSUMEXP_GAP)
                        .withEgop(egop.withSamples(1024)));
            }
            case "digits-logreg" -> new EgopStudy(problemName, optimizer, EgopDigitsProblems.logisticRegression(),
                    base.withLrMinHalfDecade(-6).withLrMaxHalfDecade(6).withSteps(200).withTargetLoss(1e-3)
                            .withEgop(egop.withSamples(512)));
            case "digits-mlp" -> new EgopStudy(problemName, optimizer, EgopDigitsProblems.mlp(seed),
                    base.withLrMinHalfDecade(-6).withLrMaxHalfDecade(1).withSteps(100).withTargetLoss(0.01)
                            .withEgop(egop.withSamples(128)));
            default -> throw new IllegalArgumentException("--problem: '" + problemName + "' is not one of " + PROBLEMS);
        };
    }

    /** The log-sum-exp target: f − f* ≤ this, f* by Newton (f(0) − f* ≈ 0.15 at seed 0). */
    static final double LOGSUMEXP_GAP = 1e-6;
}
