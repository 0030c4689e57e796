package org.eigenbasis.train;

/** Element-wise activation of a hidden layer, with its derivative expressed through the output where possible. */
public enum Activation {
    /** tanh(z); derivative 1 − tanh(z)². */
    TANH,
    /** max(z, 0); derivative 1 for z > 0, else 0 (0 at the kink). */
    RELU;

    double apply(double z) {
        return this == TANH ? Math.tanh(z) : Math.max(z, 0);
    }

    /** The derivative at the pre-activation z whose activation is h. */
    double derivative(double z, double h) {
        return this == TANH ? 1 - h * h : (z > 0 ? 1 : 0);
    }

    /** Parses {@code tanh} or {@code relu} (any case). */
    public static Activation parse(String text) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation: '" + text + "' is not one of tanh, relu");
    }
}
