package org.eigenbasis.internal;

/**
 * Scalar checks shared by the diagonal rules, the optimizer config of org.eigenbasis.basis and the study configs
 * built on them. Each reads one value, costs O(1), writes nothing, and throws IllegalArgumentException naming the
 * argument, its value and the legal range.
 */
public final class RuleChecks {
    private RuleChecks() {
    }

    /** Requires {@code value} in [0, 1) (a moment decay rate β). */
    public static void beta(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, 1)");
        }
    }

    /** Requires {@code value} finite and ≥ 0 (a learning rate, an ε). */
    public static void nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, ∞) (must be finite and non-negative)");
        }
    }
}
