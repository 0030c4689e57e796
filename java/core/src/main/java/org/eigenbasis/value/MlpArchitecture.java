package org.eigenbasis.value;

import java.util.Arrays;
import java.util.Locale;

/**
 * A multilayer perceptron's shape: layer widths d0 (inputs), d1, ..., dL (outputs), the activation after every
 * layer but the last, and the per-example loss. Layer l maps h to W_l h + b_l with W_l of d_{l+1} × d_l. The
 * parameters are one flat f64 vector, layer by layer, W_l row-major then b_l (PyTorch's nn.Linear order); see
 * {@link #weightOffset(int)} and {@link #biasOffset(int)}.
 *
 * @param layers     widths, at least two, each in [1, 2^20]
 * @param activation the hidden activation
 * @param loss       the per-example loss on the last layer's outputs z
 */
public record MlpArchitecture(int[] layers, Activation activation, Loss loss) {
    /** Largest width accepted: keeps every offset and P within int range for the models this library targets. */
    public static final int MAX_WIDTH = 1 << 20;

    /** Hidden activation. gelu is the exact erf form z·Φ(z). */
    public enum Activation {
        GELU, RELU, TANH, IDENTITY;

        /** The lower-case name used in model files and on the command line. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses gelu, relu, tanh or identity (exact lower case, as in the model file). */
        public static Activation parse(String text) {
            for (Activation a : values()) {
                if (a.jsonName().equals(text)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("activation: '" + text + "' is not one of gelu, relu, tanh, identity");
        }
    }

    /** Per-example loss l_i on the outputs z_i. */
    public enum Loss {
        /** −log softmax(z)_y with an integer label y in [0, dL). */
        CROSS_ENTROPY,
        /** 0.5·‖z − y‖² with a float target y of length dL. */
        SQUARED;

        /** cross_entropy or squared. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Loss parse(String text) {
            for (Loss l : values()) {
                if (l.jsonName().equals(text)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("loss: '" + text + "' is not one of cross_entropy, squared");
        }
    }

    public MlpArchitecture {
        if (layers == null || layers.length < 2) {
            throw new IllegalArgumentException("layers: needs at least 2 widths (inputs and outputs), got "
                    + (layers == null ? "null" : layers.length));
        }
        layers = layers.clone();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] < 1 || layers[i] > MAX_WIDTH) {
                throw new IllegalArgumentException("layers[" + i + "]: " + layers[i] + " is outside [1, " + MAX_WIDTH + "]");
            }
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation: null");
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss: null");
        }
        if (loss == Loss.CROSS_ENTROPY && layers[layers.length - 1] < 2) {
            throw new IllegalArgumentException("layers[" + (layers.length - 1) + "]: cross_entropy needs at least 2 outputs, got "
                    + layers[layers.length - 1]);
        }
        long p = 0;
        for (int l = 0; l + 1 < layers.length; l++) {
            p += (long) layers[l + 1] * layers[l] + layers[l + 1];
        }
        if (p > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("layers: " + p + " parameters, more than the " + (Integer.MAX_VALUE - 8)
                    + " one flat vector can hold");
        }
    }

    /** The widths (a copy). */
    @Override
    public int[] layers() {
        return layers.clone();
    }

    /** d_l. */
    public int width(int l) {
        return layers[l];
    }

    /** Number of linear layers L. */
    public int depth() {
        return layers.length - 1;
    }

    /** d0. */
    public int inputs() {
        return layers[0];
    }

    /** dL. */
    public int outputs() {
        return layers[layers.length - 1];
    }

    /** P = Σ_l d_{l+1}·d_l + d_{l+1}. */
    public int parameterCount() {
        return biasOffset(depth() - 1) + layers[depth()];
    }

    /** Offset of W_l in the flat parameter vector. */
    public int weightOffset(int l) {
        int offset = 0;
        for (int k = 0; k < l; k++) {
            offset += layers[k + 1] * layers[k] + layers[k + 1];
        }
        return offset;
    }

    /** Offset of b_l in the flat parameter vector. */
    public int biasOffset(int l) {
        return weightOffset(l) + layers[l + 1] * layers[l];
    }

    /** Width of a {@link Loss#SQUARED} target row, or 1 (the label) for {@link Loss#CROSS_ENTROPY}. */
    public int targetWidth() {
        return loss == Loss.SQUARED ? outputs() : 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlpArchitecture m && Arrays.equals(layers, m.layers) && activation == m.activation
                && loss == m.loss;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(layers) + activation.hashCode()) + loss.hashCode();
    }

    @Override
    public String toString() {
        return "mlp" + Arrays.toString(layers) + " " + activation.jsonName() + " " + loss.jsonName();
    }
}
