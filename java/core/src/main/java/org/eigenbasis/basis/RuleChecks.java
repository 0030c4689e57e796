package org.eigenbasis.basis;

/** Validation shared by the rules and the optimizer config. */
final class RuleChecks {
    private RuleChecks() {
    }

    static void beta(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, 1)");
        }
    }

    static void nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, ∞) (must be finite and non-negative)");
        }
    }
}
