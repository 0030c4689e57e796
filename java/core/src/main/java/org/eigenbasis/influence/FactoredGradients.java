package org.eigenbasis.influence;

import java.util.List;

/**
 * Per-example gradients held as per-layer factors (one row per example): the gradient of W_l is g_i a_iᵀ, of b_l
 * g_i. {@link #rows} expands them; a {@link KroneckerCurvature} with the same layer shapes rotates the factors
 * instead ({@link KroneckerCurvature#toEigenbasis(FactoredGradients, int, int)}), never forming g_i a_iᵀ.
 */
record FactoredGradients(List<LayerFactors> layers, int count, int dimension) implements PerExampleGradients {
    FactoredGradients(List<LayerFactors> layers) {
        this(layers, layers.get(0).examples(), Curvatures.parameterCount(layers));
    }

    @Override
    public double[] rows(int from, int to) {
        if (from < 0 || to > count || from >= to) {
            throw new IllegalArgumentException("rows: [" + from + ", " + to + ") is not a non-empty range in [0, "
                    + count + ")");
        }
        return Curvatures.factorRows(layers, from, to, dimension);
    }
}
