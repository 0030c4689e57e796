package org.eigenbasis.influence;

/**
 * What Kronecker-factored curvatures need of one linear layer l (d_l inputs, d_{l+1} outputs) over n examples, as
 * {@link Mlp#layerStatistics} returns it. Arrays are row-major and held as given, not copied: treat them as
 * read-only (they are the only reference the producer keeps, so sharing them costs nothing and copying could cost
 * tens of megabytes).
 *
 * @param layer          l, in [0, L)
 * @param examples       n
 * @param inputWidth     d_l
 * @param outputWidth    d_{l+1}
 * @param perExample     C, the backpropagated vectors per example ({@link FisherVariant#vectorsPerExample})
 * @param inputs         a_i, the layer's input (n × d_l, no bias column)
 * @param backpropagated g_ic, the output-space vectors u_ic backpropagated to this layer's outputs (n·C × d_{l+1},
 *                       example i's C rows together): S_l = (1/n)Σ_i Σ_c g_ic·g_icᵀ
 * @param delta          δ_i = ∂l_i/∂z_l (n × d_{l+1}), so the per-example gradient of W_l is δ_i·a_iᵀ and of b_l is δ_i
 */
public record LayerStatistics(int layer, int examples, int inputWidth, int outputWidth, int perExample,
                              double[] inputs, double[] backpropagated, double[] delta) {
    public LayerStatistics {
        if (inputs == null || inputs.length != (long) examples * inputWidth) {
            throw new IllegalArgumentException("inputs: length " + (inputs == null ? "null" : inputs.length)
                    + " is not examples·inputWidth = " + (long) examples * inputWidth);
        }
        if (backpropagated == null || backpropagated.length != (long) examples * perExample * outputWidth) {
            throw new IllegalArgumentException("backpropagated: length " + (backpropagated == null ? "null"
                    : backpropagated.length) + " is not examples·perExample·outputWidth = "
                    + (long) examples * perExample * outputWidth);
        }
        if (delta == null || delta.length != (long) examples * outputWidth) {
            throw new IllegalArgumentException("delta: length " + (delta == null ? "null" : delta.length)
                    + " is not examples·outputWidth = " + (long) examples * outputWidth);
        }
    }
}
