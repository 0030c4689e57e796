package org.eigenbasis.basis;

import java.util.Objects;
import org.eigenbasis.internal.RuleChecks;

/**
 * What {@link BasisOptimizer} runs: θ ← θ − lr·U·step(Uᵀg) with the {@link DiagonalRule}'s step.
 *
 * @param lr   learning rate, finite, ≥ 0 (default 1e-3)
 * @param rule the diagonal rule, not null (default {@link DiagonalRule.Adam#defaults()})
 */
public record BasisOptimizerConfig(double lr, DiagonalRule rule) {
    public BasisOptimizerConfig {
        RuleChecks.nonNegative("lr", lr);
        Objects.requireNonNull(rule, "rule");
    }

    public static BasisOptimizerConfig defaults() {
        return new BasisOptimizerConfig(1e-3, DiagonalRule.Adam.defaults());
    }

    public BasisOptimizerConfig withLr(double v) {
        return new BasisOptimizerConfig(v, rule);
    }

    public BasisOptimizerConfig withRule(DiagonalRule v) {
        return new BasisOptimizerConfig(lr, v);
    }
}
