package org.eigenbasis.spark;

import java.io.Serializable;
import java.util.List;
import org.eigenbasis.influence.LayerFactors;

/**
 * A block of training examples in the framework-agnostic form of {@link SparkInfluence#fitFactors}: their training
 * indices and, per layer in parameter order, their curvature factors (inputs a_i and backpropagated output-space
 * vectors g_ic, C per example: what K-FAC and EK-FAC sum) and their gradient factors (a_i and δ_i = ∂l_i/∂z,
 * one row per example: the per-example gradient of W is δ_i a_iᵀ, of b δ_i). Either list may be null where the pass
 * that reads it is not run (fitting reads the curvature factors, scoring the gradient factors).
 *
 * @param indices    the examples' training indices, unique across the whole set, in [0, n)
 * @param curvature  per layer, indices.length examples each, or null
 * @param gradients  per layer, indices.length examples with perExample 1 each, or null
 */
public record FactorBlock(long[] indices, List<LayerFactors> curvature, List<LayerFactors> gradients)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public FactorBlock {
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("indices: " + (indices == null ? "null" : "empty")
                    + ", a block holds at least one example");
        }
        if (curvature != null) {
            curvature = checked("curvature", curvature, indices.length, false);
        }
        if (gradients != null) {
            gradients = checked("gradients", gradients, indices.length, true);
        }
    }

    private static List<LayerFactors> checked(String name, List<LayerFactors> layers, int n, boolean gradient) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(name + ": needs at least one layer");
        }
        for (int l = 0; l < layers.size(); l++) {
            LayerFactors f = layers.get(l);
            if (f == null) {
                throw new IllegalArgumentException(name + "[" + l + "]: null");
            }
            if (f.examples() != n) {
                throw new IllegalArgumentException(name + "[" + l + "].examples: " + f.examples() + ", the block has "
                        + n + " indices");
            }
            if (gradient && f.perExample() != 1) {
                throw new IllegalArgumentException(name + "[" + l + "].perExample: " + f.perExample()
                        + ", gradients have exactly 1 row per example");
            }
        }
        return List.copyOf(layers);
    }
}
