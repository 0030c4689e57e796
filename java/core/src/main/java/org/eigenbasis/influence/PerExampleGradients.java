package org.eigenbasis.influence;

import java.util.List;

/**
 * Per-example loss gradients ∇l_i (P each) read in row blocks, so scores never hold a whole training set's
 * gradients: either given densely, or factored per layer ({@link LayerFactors} with one row per example, g_i =
 * ∂l_i/∂z_l), where the gradient of W_l is g_i a_iᵀ and is expanded only for the rows asked.
 */
public interface PerExampleGradients {
    /** n, the number of examples. */
    int count();

    /** P, the number of parameters. */
    int dimension();

    /** The gradients of examples [from, to) as a new (to − from) × P row-major array. */
    double[] rows(int from, int to);

    /** Dense gradients: {@code rows} is n × P row-major (kept, not copied; must not change while in use). */
    static PerExampleGradients dense(double[] rows, int n, int p) {
        Checks.rows("gradients", rows, n, p);
        return new PerExampleGradients() {
            @Override
            public int count() {
                return n;
            }

            @Override
            public int dimension() {
                return p;
            }

            @Override
            public double[] rows(int from, int to) {
                checkRange(from, to, n);
                return java.util.Arrays.copyOfRange(rows, from * p, to * p);
            }
        };
    }

    /** Factored gradients, one {@link LayerFactors} per layer in parameter order, each with perExample = 1. */
    static PerExampleGradients factored(List<LayerFactors> layers) {
        Curvatures.checkLayers(layers, true);
        for (int l = 0; l < layers.size(); l++) {
            if (layers.get(l).perExample() != 1) {
                throw new IllegalArgumentException("layers[" + l + "].perExample: " + layers.get(l).perExample()
                        + ", gradients have exactly 1 row per example");
            }
        }
        return new FactoredGradients(List.copyOf(layers));
    }

    private static void checkRange(int from, int to, int n) {
        if (from < 0 || to > n || from >= to) {
            throw new IllegalArgumentException("rows: [" + from + ", " + to + ") is not a non-empty range in [0, " + n + ")");
        }
    }
}
