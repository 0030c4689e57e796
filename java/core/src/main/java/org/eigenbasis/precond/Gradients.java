package org.eigenbasis.precond;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The gradients of one step, by parameter name (arrays of the parameter's dtype and size, row-major), plus the
 * optional per-layer statistics that K-FAC and EK-FAC build their factors from: for a linear layer whose weight
 * parameter is {@code name} (out × in), the layer inputs {@code a} (samples × in) and the gradients of the loss with
 * respect to the layer outputs {@code g} (samples × out), both row-major doubles. Nothing is copied.
 */
public final class Gradients {
    /** Layer inputs and output gradients of one linear layer for K-FAC: a is samples × in, g samples × out. */
    public record LayerStatistics(double[] inputs, double[] outputGradients, int samples) {
        public LayerStatistics {
            Objects.requireNonNull(inputs, "inputs");
            Objects.requireNonNull(outputGradients, "outputGradients");
            if (samples < 1) {
                throw new IllegalArgumentException("samples: " + samples + " is outside [1, " + Integer.MAX_VALUE + "]");
            }
            if (inputs.length % samples != 0 || outputGradients.length % samples != 0) {
                throw new IllegalArgumentException("inputs (" + inputs.length + ") and outputGradients ("
                        + outputGradients.length + ") must both be multiples of samples (" + samples + ")");
            }
        }
    }

    private final Map<String, Object> arrays = new LinkedHashMap<>();
    private final Map<String, LayerStatistics> layers = new LinkedHashMap<>();

    public Gradients put(String name, double[] gradient) {
        arrays.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(gradient, "gradient"));
        return this;
    }

    public Gradients put(String name, float[] gradient) {
        arrays.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(gradient, "gradient"));
        return this;
    }

    /** Adds K-FAC statistics for the linear layer whose weight is parameter {@code name}. */
    public Gradients layer(String name, LayerStatistics statistics) {
        layers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(statistics, "statistics"));
        return this;
    }

    /** double[] or float[], or null when absent. */
    public Object get(String name) {
        return arrays.get(name);
    }

    public LayerStatistics layer(String name) {
        return layers.get(name);
    }

    public Map<String, Object> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public Map<String, LayerStatistics> layers() {
        return Collections.unmodifiableMap(layers);
    }
}
