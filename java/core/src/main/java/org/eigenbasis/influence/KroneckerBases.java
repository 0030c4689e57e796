package org.eigenbasis.influence;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;

/**
 * The Kronecker eigenbases Q_S, Q_A of every layer's K-FAC factors, from {@link FactorSums#eigenbases}, with the
 * example count they were normalised by: what K-FAC needs whole, and what EK-FAC needs before its eigenvalue pass.
 * The pieces of {@link Curvatures#fromFactors} for kfac and ekfac taken apart, so that the sums over examples can
 * be formed elsewhere (part by part, on other machines) and the curvature built from them:
 * {@code FactorSums → eigenbases → (ekfacSums, summed) → curvature}. Immutable and Serializable (heap arrays only);
 * a curvature is rebuilt from it on any JVM with {@link #curvature}, the same bits wherever it runs.
 */
public final class KroneckerBases implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One layer: d_out, d_in, bias, and the eigenbases of S (d_out) and A (d_in). */
    record Layer(int dOut, int dIn, boolean bias, Eigenbasis s, Eigenbasis a) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final long examples;
    private final List<Layer> layers;

    KroneckerBases(long examples, List<Layer> layers) {
        this.examples = examples;
        this.layers = List.copyOf(layers);
    }

    /** n, the examples the factors were averaged over. */
    public long examples() {
        return examples;
    }

    /** P, the parameters of the curvature built from these bases. */
    public int dimension() {
        long p = 0;
        for (Layer l : layers) {
            p += (long) l.dOut() * l.dIn() + (l.bias() ? l.dOut() : 0);
        }
        return Math.toIntExact(p);
    }

    /**
     * EK-FAC's eigenvalue sums of the examples of {@code layers} (curvature factors with these bases' shapes) in
     * these bases, unnormalised (α = 1 in the backend's EK-FAC kernel; weights and bias in one call per layer, as
     * {@link Curvatures#fromFactors} does). Cost 2n·C·Σ d_out² + 2n·Σ d_in² + 2n·C·Σ d_out·d_in.
     */
    public EkfacSums ekfacSums(List<LayerFactors> factors, Backend backend) {
        Objects.requireNonNull(backend, "backend");
        Curvatures.checkLayers(factors, false);
        FactorSums.checkShapes("factors", layers.size(), factors.size());
        Products products = new Products(backend);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            LayerFactors f = factors.get(i);
            if (f.outputs() != l.dOut() || f.inputs() != l.dIn() || f.bias() != l.bias()) {
                throw new IllegalArgumentException("factors[" + i + "]: " + f.outputs() + " x " + f.inputs()
                        + (f.bias() ? "+b" : "") + ", the bases have " + l.dOut() + " x " + l.dIn() + (l.bias() ? "+b" : ""));
            }
            int n = f.examples();
            try (BatchedMatrix g = products.wrap(f.g(), n * f.perExample(), l.dOut())) {
                out.add(l.bias()
                        ? products.ekfacEigenvalues(g, f.perExample(), Curvatures.withOnes(f.a(), n, l.dIn()), n,
                                l.dIn() + 1, l.s().vectors(), Curvatures.withUnit(l.a().vectors(), l.dIn()), 1.0)
                        : products.ekfacEigenvalues(g, f.perExample(), f.a(), n, l.dIn(), l.s().vectors(),
                                l.a().vectors(), 1.0));
            }
        }
        return new EkfacSums(n(factors), out);
    }

    private static long n(List<LayerFactors> factors) {
        return factors.get(0).examples();
    }

    /**
     * The curvature on {@code backend}: kfac with eigenvalues s_p·a_k (bias s_p), or ekfac with the eigenvalues
     * {@code ekfac}·(1/n) ({@code ekfac} summed over the same n examples these bases were averaged over; null for
     * kfac). Cost O(P).
     *
     * @throws IllegalArgumentException for another kind, missing or mismatched ekfac sums
     */
    public Curvature curvature(CurvatureKind kind, EkfacSums ekfac, Backend backend) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(backend, "backend");
        if (kind != CurvatureKind.KFAC && kind != CurvatureKind.EKFAC) {
            throw new IllegalArgumentException("curvature: " + kind.cliName() + " is not Kronecker-factored (kfac, ekfac)");
        }
        if (kind == CurvatureKind.EKFAC) {
            if (ekfac == null) {
                throw new IllegalArgumentException("ekfac: null, ekfac needs its eigenvalue sums");
            }
            if (ekfac.examples() != examples) {
                throw new IllegalArgumentException("ekfac.examples: " + ekfac.examples() + ", the bases were fitted on "
                        + examples);
            }
            FactorSums.checkShapes("ekfac", layers.size(), ekfac.layers().size());
        }
        double scale = 1.0 / examples;
        List<KroneckerCurvature.Layer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            int dOut = l.dOut();
            int dIn = l.dIn();
            double[] weightValues = new double[dOut * dIn];
            double[] biasValues = l.bias() ? new double[dOut] : null;
            if (kind == CurvatureKind.KFAC) {
                for (int p = 0; p < dOut; p++) {
                    for (int k = 0; k < dIn; k++) {
                        weightValues[p * dIn + k] = l.s().values()[p] * l.a().values()[k];
                    }
                }
                if (biasValues != null) {
                    System.arraycopy(l.s().values(), 0, biasValues, 0, dOut);
                }
            } else {
                int width = dIn + (l.bias() ? 1 : 0);
                double[] sums = ekfac.layers().get(i);
                if (sums.length != dOut * width) {
                    throw new IllegalArgumentException("ekfac.layers[" + i + "]: length " + sums.length + ", expected "
                            + dOut + " x " + width);
                }
                for (int p = 0; p < dOut; p++) {
                    for (int k = 0; k < dIn; k++) {
                        weightValues[p * dIn + k] = sums[p * width + k] * scale;
                    }
                    if (biasValues != null) {
                        biasValues[p] = sums[p * width + dIn] * scale;
                    }
                }
            }
            out.add(new KroneckerCurvature.Layer(dOut, dIn, l.bias(), l.s(), l.a(), weightValues, biasValues));
        }
        return new KroneckerCurvature(kind, out, new Products(backend));
    }
}
