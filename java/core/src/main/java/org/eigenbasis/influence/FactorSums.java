package org.eigenbasis.influence;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;

/**
 * The unnormalised Kronecker factor sums of a set of examples: per layer Σ_i a_i a_iᵀ (d_in × d_in) and
 * Σ_i Σ_c g_ic g_icᵀ (d_out × d_out), with the example count n, so that K-FAC's factors are A = (Σ a aᵀ)/n and
 * S = (Σ g gᵀ)/n ({@link #eigenbases}). Sums of disjoint sets of examples add ({@link #plus}): a training set split
 * across machines is summed part by part, and the order of the additions decides the rounding, so a caller that
 * wants one answer whatever the scheduling adds the parts in a fixed order. Each part is accumulated in f64 with the
 * backend's preconditioner SYRK (n·Σ d_in² + n·C·Σ d_out² flops). Serializable, to ship between JVMs.
 *
 * <p>Equal to the factors {@link Curvatures#fromFactors} builds on the whole set to rounding: one machine scales
 * inside its one SYRK (α = 1/n), this sums unscaled parts and scales once.
 *
 * @param examples n ≥ 0, the examples summed
 * @param layers   one entry per layer, in parameter order
 */
public record FactorSums(long examples, List<Layer> layers) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One layer's sums.
     *
     * @param inputs     d_in
     * @param outputs    d_out
     * @param bias       whether the layer has a bias (its block is S's)
     * @param inputGram  Σ_i a_i a_iᵀ, d_in × d_in row-major, symmetric
     * @param outputGram Σ_i Σ_c g_ic g_icᵀ, d_out × d_out row-major, symmetric
     */
    public record Layer(int inputs, int outputs, boolean bias, double[] inputGram, double[] outputGram)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public Layer {
            if (inputs < 1 || outputs < 1) {
                throw new IllegalArgumentException("layer: " + outputs + " x " + inputs + " is not at least 1 x 1");
            }
            if (inputGram == null || inputGram.length != inputs * inputs) {
                throw new IllegalArgumentException("inputGram: length " + (inputGram == null ? "null" : inputGram.length)
                        + ", expected " + inputs * inputs);
            }
            if (outputGram == null || outputGram.length != outputs * outputs) {
                throw new IllegalArgumentException("outputGram: length " + (outputGram == null ? "null"
                        : outputGram.length) + ", expected " + outputs * outputs);
            }
        }
    }

    public FactorSums {
        if (examples < 0) {
            throw new IllegalArgumentException("examples: " + examples + " is outside [0, " + Long.MAX_VALUE + "]");
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("layers: needs at least one layer");
        }
        layers = List.copyOf(layers);
    }

    /** The sums of the examples of {@code layers} (curvature factors, {@link LayerFactors}) on {@code backend}. */
    public static FactorSums of(List<LayerFactors> layers, Backend backend) {
        Objects.requireNonNull(backend, "backend");
        Curvatures.checkLayers(layers, false);
        Products products = new Products(backend);
        List<Layer> out = new ArrayList<>();
        for (LayerFactors l : layers) {
            out.add(new Layer(l.inputs(), l.outputs(), l.bias(),
                    gram(l.a(), l.examples(), l.inputs(), products),
                    gram(l.g(), l.examples() * l.perExample(), l.outputs(), products)));
        }
        return new FactorSums(layers.get(0).examples(), out);
    }

    private static double[] gram(double[] x, int rows, int cols, Products products) {
        try (BatchedMatrix f = products.zeroFactor(cols)) {
            products.accumulateGram(x, rows, cols, 1.0, f);
            return f.toDoubleArray();
        }
    }

    /** This + {@code other} entry by entry (this first: x + y, so the caller fixes the order of a chain of sums). */
    public FactorSums plus(FactorSums other) {
        Objects.requireNonNull(other, "other");
        checkShapes("other", layers.size(), other.layers.size());
        List<Layer> out = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            Layer x = layers.get(l);
            Layer y = other.layers.get(l);
            if (x.inputs() != y.inputs() || x.outputs() != y.outputs() || x.bias() != y.bias()) {
                throw new IllegalArgumentException("other.layers[" + l + "]: " + y.outputs() + " x " + y.inputs()
                        + (y.bias() ? "+b" : "") + ", this has " + x.outputs() + " x " + x.inputs() + (x.bias() ? "+b" : ""));
            }
            out.add(new Layer(x.inputs(), x.outputs(), x.bias(), add(x.inputGram(), y.inputGram()),
                    add(x.outputGram(), y.outputGram())));
        }
        return new FactorSums(examples + other.examples, out);
    }

    /**
     * The factors' eigenbases: per layer eigh of A = (Σ a aᵀ)·(1/n) and S = (Σ g gᵀ)·(1/n) on {@code backend}
     * (ascending, canonical signs). Cost Σ eigh(d_in) + eigh(d_out).
     *
     * @throws IllegalArgumentException if no example was summed
     */
    public KroneckerBases eigenbases(Backend backend) {
        Objects.requireNonNull(backend, "backend");
        if (examples < 1) {
            throw new IllegalArgumentException("examples: 0, the factors of an empty set have no eigenbasis");
        }
        double scale = 1.0 / examples;
        List<KroneckerBases.Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            Eigenbasis s = Eigenbasis.of(backend, scaled(l.outputGram(), scale), l.outputs());
            Eigenbasis a = Eigenbasis.of(backend, scaled(l.inputGram(), scale), l.inputs());
            out.add(new KroneckerBases.Layer(l.outputs(), l.inputs(), l.bias(), s, a));
        }
        return new KroneckerBases(examples, out);
    }

    static double[] add(double[] x, double[] y) {
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] + y[i];
        }
        return out;
    }

    static double[] scaled(double[] x, double scale) {
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] * scale;
        }
        return out;
    }

    static void checkShapes(String name, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException(name + ": " + actual + " layers, this has " + expected);
        }
    }
}
