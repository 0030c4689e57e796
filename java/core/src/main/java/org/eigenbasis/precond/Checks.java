package org.eigenbasis.precond;

/** Validation of configuration values: {@link IllegalArgumentException} naming the value and its legal range. */
final class Checks {
    private Checks() {
    }

    static double nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, ∞) (must be finite and non-negative)");
        }
        return value;
    }

    static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside (0, ∞) (must be finite and positive)");
        }
        return value;
    }

    /** β in [0, 1). */
    static double beta(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, 1)");
        }
        return value;
    }

    /** β in [0, 1], where 1 means a plain sum. */
    static double betaOrSum(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, 1] (1 = a plain sum)");
        }
        return value;
    }

    static double unit(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [0, 1]");
        }
        return value;
    }

    static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [" + min + ", " + Integer.MAX_VALUE + "]");
        }
        return value;
    }

    static double[] betas(double[] betas) {
        if (betas == null || betas.length != 2) {
            throw new IllegalArgumentException("betas: must be two numbers (beta1, beta2), got "
                    + (betas == null ? "null" : java.util.Arrays.toString(betas)));
        }
        beta("betas[0]", betas[0]);
        beta("betas[1]", betas[1]);
        return betas.clone();
    }
}
