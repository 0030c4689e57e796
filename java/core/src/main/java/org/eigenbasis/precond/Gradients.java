package org.eigenbasis.precond;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eigenbasis.value.DType;

/**
 * The gradients of one step, by parameter name, plus the optional per-layer statistics that K-FAC and EK-FAC
 * build their factors from. A gradient is a {@code double[]} (f64) or {@code float[]} (f32) array of its
 * parameter's dtype and size, row-major; nothing is copied, so the optimizer reads the caller's arrays.
 *
 * <p>Two ways to add one: {@link #put(Parameter, double[])} checks the dtype and length against the parameter at
 * once (the error names the parameter); {@link #put(String, double[])} defers the check to the optimizer's step,
 * which runs {@link #requireFits} before changing anything. Reads are typed: {@link #f64}, {@link #f32},
 * {@link #get(String, int)} (either dtype, widened), with {@link IllegalArgumentException} naming the parameter
 * when it is absent or of the other dtype.
 *
 * <pre>{@code
 * Gradients g = new Gradients().put(w, gw).put(b, gb);                       // w, b: the Parameters
 * g.layer(w, new Gradients.LayerStatistics(inputs, outputGradients, batch));  // K-FAC and EK-FAC only
 * }</pre>
 */
public final class Gradients {
    /**
     * Layer inputs and output gradients of one linear layer W (out × in) for K-FAC, row-major doubles:
     * {@code inputs} is samples × in (the a_n), {@code outputGradients} samples × out (the g_n = ∂ℓ_n/∂z_n), so
     * that the weight gradient is (1/N) Σ_n g_n a_nᵀ.
     */
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

        /** {@link IllegalArgumentException} unless these are samples × in and samples × out of a weight out × in. */
        public void requireFits(Parameter weight) {
            if (weight.rank() != 2) {
                throw new IllegalArgumentException("layer statistics of '" + weight.name() + "': the parameter has "
                        + "shape " + Arrays.toString(weight.shape()) + "; K-FAC layers are matrices (out × in)");
            }
            int out = weight.dim(0);
            int in = weight.dim(1);
            if (inputs.length != samples * in || outputGradients.length != samples * out) {
                throw new IllegalArgumentException("layer statistics of '" + weight.name() + "': inputs "
                        + inputs.length + " and outputGradients " + outputGradients.length
                        + " must be samples × in = " + samples + " × " + in + " and samples × out = "
                        + samples + " × " + out + " for a weight of shape " + Arrays.toString(weight.shape()));
            }
        }
    }

    /** One gradient: exactly one of the arrays is set. */
    private record Entry(double[] f64, float[] f32) {
        DType dtype() {
            return f64 != null ? DType.F64 : DType.F32;
        }

        int length() {
            return f64 != null ? f64.length : f32.length;
        }
    }

    private final Map<String, Entry> arrays = new LinkedHashMap<>();
    private final Map<String, LayerStatistics> layers = new LinkedHashMap<>();

    /** The f64 gradient of parameter {@code name}, checked by the optimizer's step (replaces an earlier one). */
    public Gradients put(String name, double[] gradient) {
        arrays.put(Objects.requireNonNull(name, "name"), new Entry(Objects.requireNonNull(gradient, "gradient"), null));
        return this;
    }

    /** The f32 gradient of parameter {@code name}, checked by the optimizer's step (replaces an earlier one). */
    public Gradients put(String name, float[] gradient) {
        arrays.put(Objects.requireNonNull(name, "name"), new Entry(null, Objects.requireNonNull(gradient, "gradient")));
        return this;
    }

    /**
     * The gradient of an f64 parameter, checked now: {@link IllegalArgumentException} naming the parameter when
     * it is f32 or the length is not its size.
     */
    public Gradients put(Parameter parameter, double[] gradient) {
        Entry e = new Entry(Objects.requireNonNull(gradient, "gradient"), null);
        requireFits(Objects.requireNonNull(parameter, "parameter"), e);
        arrays.put(parameter.name(), e);
        return this;
    }

    /**
     * The gradient of an f32 parameter, checked now: {@link IllegalArgumentException} naming the parameter when
     * it is f64 or the length is not its size.
     */
    public Gradients put(Parameter parameter, float[] gradient) {
        Entry e = new Entry(null, Objects.requireNonNull(gradient, "gradient"));
        requireFits(Objects.requireNonNull(parameter, "parameter"), e);
        arrays.put(parameter.name(), e);
        return this;
    }

    /** K-FAC statistics for the linear layer whose weight is parameter {@code name}, checked by the step. */
    public Gradients layer(String name, LayerStatistics statistics) {
        layers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(statistics, "statistics"));
        return this;
    }

    /** K-FAC statistics for the linear layer {@code weight}, checked now ({@link LayerStatistics#requireFits}). */
    public Gradients layer(Parameter weight, LayerStatistics statistics) {
        Objects.requireNonNull(statistics, "statistics").requireFits(Objects.requireNonNull(weight, "weight"));
        layers.put(weight.name(), statistics);
        return this;
    }

    /** The names with a gradient, in the order first put. */
    public Set<String> names() {
        return Collections.unmodifiableSet(arrays.keySet());
    }

    public boolean contains(String name) {
        return arrays.containsKey(name);
    }

    /** The dtype of the gradient of {@code name}; {@link IllegalArgumentException} when there is none. */
    public DType dtype(String name) {
        return entry(name).dtype();
    }

    /** The number of elements of the gradient of {@code name}; {@link IllegalArgumentException} when there is none. */
    public int length(String name) {
        return entry(name).length();
    }

    /** The live f64 array of {@code name}; {@link IllegalArgumentException} when absent or f32. */
    public double[] f64(String name) {
        Entry e = entry(name);
        if (e.f64() == null) {
            throw new IllegalArgumentException("gradient of '" + name + "' is f32 (float[]); read it with f32(name)");
        }
        return e.f64();
    }

    /** The live f32 array of {@code name}; {@link IllegalArgumentException} when absent or f64. */
    public float[] f32(String name) {
        Entry e = entry(name);
        if (e.f32() == null) {
            throw new IllegalArgumentException("gradient of '" + name + "' is f64 (double[]); read it with f64(name)");
        }
        return e.f32();
    }

    /**
     * Element {@code index} of the gradient of {@code name}, either dtype, as a double;
     * {@link IllegalArgumentException} when absent, {@link IndexOutOfBoundsException} naming both when out of range.
     */
    public double get(String name, int index) {
        Entry e = entry(name);
        Objects.checkIndex(index, e.length());
        return e.f64() != null ? e.f64()[index] : e.f32()[index];
    }

    /** The K-FAC statistics of the layer whose weight is {@code name}, or null when none were given. */
    public LayerStatistics layer(String name) {
        return layers.get(name);
    }

    public Map<String, LayerStatistics> layers() {
        return Collections.unmodifiableMap(layers);
    }

    /**
     * {@link IllegalArgumentException}, naming the parameter, unless every parameter has a gradient of its dtype
     * and size and every gradient belongs to a parameter. Optimizers call this before changing anything.
     */
    public void requireFits(List<Parameter> parameters) {
        Set<String> known = new java.util.LinkedHashSet<>();
        for (Parameter p : parameters) {
            known.add(p.name());
        }
        for (String name : arrays.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("gradients: '" + name + "' is not a parameter of this optimizer "
                        + "(parameters: " + known + ")");
            }
        }
        for (Parameter p : parameters) {
            Entry e = arrays.get(p.name());
            if (e == null) {
                throw new IllegalArgumentException("gradients: parameter '" + p.name() + "' has no gradient");
            }
            requireFits(p, e);
        }
    }

    private static void requireFits(Parameter p, Entry e) {
        if (e.dtype() != p.dtype()) {
            throw new IllegalArgumentException("gradient of '" + p.name() + "': "
                    + (e.dtype() == DType.F64 ? "double[]" : "float[]") + " for an " + p.dtype().shortName()
                    + " parameter");
        }
        if (e.length() != p.size()) {
            throw new IllegalArgumentException("gradient of '" + p.name() + "': length " + e.length()
                    + " does not match the parameter's shape " + Arrays.toString(p.shape()) + " (" + p.size()
                    + " elements)");
        }
    }

    private Entry entry(String name) {
        Entry e = arrays.get(name);
        if (e == null) {
            throw new IllegalArgumentException("gradients: no gradient for '" + name + "' (have " + arrays.keySet() + ")");
        }
        return e;
    }
}
