package org.eigenbasis.influence;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * EK-FAC's unnormalised eigenvalue sums of a set of examples in given Kronecker eigenbases
 * ({@link KroneckerBases#ekfacSums}): per layer Σ_i Σ_c (Q_Sᵀ g_ic)_p² (Q_Aᵀ a_i)_k² at entry p·(d_in + b) + k,
 * and with a bias (b = 1) the column k = d_in holding Σ_i Σ_c (Q_Sᵀ g_ic)_p². The eigenvalues are these over n
 * ({@link KroneckerBases#curvature}). Sums of disjoint sets of examples add ({@link #plus}; this first, so the
 * caller fixes the order). Serializable.
 *
 * @param examples n ≥ 0, the examples summed
 * @param layers   per layer d_out × (d_in + b) values, row-major
 */
public record EkfacSums(long examples, List<double[]> layers) implements Serializable {
    private static final long serialVersionUID = 1L;

    public EkfacSums {
        if (examples < 0) {
            throw new IllegalArgumentException("examples: " + examples + " is outside [0, " + Long.MAX_VALUE + "]");
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("layers: needs at least one layer");
        }
        for (int l = 0; l < layers.size(); l++) {
            if (layers.get(l) == null) {
                throw new IllegalArgumentException("layers[" + l + "]: null");
            }
        }
        layers = List.copyOf(layers);
    }

    /** This + {@code other} entry by entry (x + y, this first). */
    public EkfacSums plus(EkfacSums other) {
        Objects.requireNonNull(other, "other");
        FactorSums.checkShapes("other", layers.size(), other.layers.size());
        List<double[]> out = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            if (layers.get(l).length != other.layers.get(l).length) {
                throw new IllegalArgumentException("other.layers[" + l + "]: length " + other.layers.get(l).length
                        + ", this has " + layers.get(l).length);
            }
            out.add(FactorSums.add(layers.get(l), other.layers.get(l)));
        }
        return new EkfacSums(examples + other.examples, out);
    }
}
