package org.eigenbasis.influence;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One linear layer's per-example factors, the framework-agnostic input of the Kronecker-structured curvatures and
 * of factored gradients: the layer's inputs a_i (no bias column) and its backpropagated output-space vectors
 * g_{i,c}, c &lt; {@code perExample}, one example's rows together. For the GGN, g_{i,c} = J_{z_l}ᵀ u_{i,c}
 * with Λ_i = Σ_c u_{i,c} u_{i,c}ᵀ; for gradients, perExample = 1 and g_i = ∂l_i/∂z_l, so that the per-example
 * gradient of W is g_i a_iᵀ and that of b is g_i. The layer's parameters are W (outputs × inputs, row-major) then,
 * when {@code bias}, b (outputs), in the model's flat parameter vector.
 *
 * @param inputs     d_in ≥ 1
 * @param outputs    d_out ≥ 1
 * @param bias       whether the layer has a bias
 * @param examples   n ≥ 1
 * @param perExample C ≥ 1
 * @param a          n × d_in, row-major, finite
 * @param g          (n·C) × d_out, row-major, finite
 */
public record LayerFactors(int inputs, int outputs, boolean bias, int examples, int perExample, double[] a,
                           double[] g) implements Serializable {
    public LayerFactors {
        positive("inputs", inputs);
        positive("outputs", outputs);
        positive("examples", examples);
        positive("perExample", perExample);
        finite("a", a, (long) examples * inputs);
        finite("g", g, (long) examples * perExample * outputs);
    }

    /** Number of parameters: d_out·d_in, plus d_out with a bias. */
    public int parameterCount() {
        return outputs * inputs + (bias ? outputs : 0);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
    }

    static void finite(String name, double[] values, long length) {
        if (values == null) {
            throw new IllegalArgumentException(name + ": null");
        }
        if (values.length != length) {
            throw new IllegalArgumentException(name + ": length " + values.length + ", expected " + length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "]: " + values[i] + " is not finite");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerFactors f && inputs == f.inputs && outputs == f.outputs && bias == f.bias
                && examples == f.examples && perExample == f.perExample && Arrays.equals(a, f.a)
                && Arrays.equals(g, f.g);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(a) + Arrays.hashCode(g);
    }

    @Override
    public String toString() {
        return "LayerFactors[" + outputs + "x" + inputs + (bias ? "+b" : "") + ", n=" + examples + ", C=" + perExample + "]";
    }
}
