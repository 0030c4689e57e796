package org.eigenbasis.influence;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eigenbasis.spi.Backend;

/**
 * The curvature ladder of a trained {@link Mlp} on its training set: per-layer factors from
 * {@link Mlp#layerStatistics}, per-example gradients kept factored (δ_i a_iᵀ), and the exact Hessian from the
 * backend's Hessian-vector products, dense up to {@value #DENSE_HESSIAN_MAX} parameters (when memory allows) and
 * matrix-free beyond.
 */
public final class ModelCurvatures {
    /** Largest P for which {@link #build} forms the exact Hessian densely; beyond it, conjugate gradients. */
    public static final int DENSE_HESSIAN_MAX = 10_000;

    private ModelCurvatures() {
    }

    /** The curvature factors (inputs a_i and backpropagated vectors g_ic) of every layer, biases included. */
    public static List<LayerFactors> curvatureFactors(List<LayerStatistics> statistics) {
        List<LayerFactors> out = new ArrayList<>();
        for (LayerStatistics s : statistics) {
            out.add(new LayerFactors(s.inputWidth(), s.outputWidth(), true, s.examples(), s.perExample(), s.inputs(),
                    s.backpropagated()));
        }
        return out;
    }

    /** The gradient factors (a_i and δ_i = ∂l_i/∂z) of every layer: per-example gradients, never expanded whole. */
    public static List<LayerFactors> gradientFactors(List<LayerStatistics> statistics) {
        List<LayerFactors> out = new ArrayList<>();
        for (LayerStatistics s : statistics) {
            out.add(new LayerFactors(s.inputWidth(), s.outputWidth(), true, s.examples(), 1, s.inputs(), s.delta()));
        }
        return out;
    }

    /** Per-example loss gradients of {@code data} under {@code model}, factored per layer. Cost about 4·n·P. */
    public static PerExampleGradients gradients(Mlp model, Examples data) {
        Objects.requireNonNull(model, "model");
        return PerExampleGradients.factored(gradientFactors(model.layerStatistics(data, FisherVariant.EMPIRICAL, 0)));
    }

    /** ∇²L·v through {@code backend}'s {@link org.eigenbasis.spi.MlpKernel#hessianProduct}. */
    public static HessianProducts hessianProducts(Mlp model, Examples train, Backend backend) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(backend, "backend");
        return (v, k) -> model.hessianVectorProduct(train, v, k, backend);
    }

    /**
     * The rung {@code kind} of the model's mean training loss. ggn, block-ggn, kfac and ekfac use the output
     * vectors of {@code variant} ({@link FisherVariant#EXACT} is the definition; the others are the Monte-Carlo and
     * empirical Fishers, labelled as such by the caller); hessian is dense when P ≤ {@value #DENSE_HESSIAN_MAX} and
     * three P × P matrices fit the dense limit, else a {@link HessianFreeInverse}. Too large a dense rung (ggn,
     * block-ggn) fails before allocating, naming the size.
     */
    public static InverseOperator build(CurvatureKind kind, Mlp model, Examples train, FisherVariant variant,
                                        long seed, Backend backend) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(backend, "backend");
        int p = model.parameterCount();
        switch (kind) {
            case HESSIAN:
                HessianProducts products = hessianProducts(model, train, backend);
                return denseHessianFits(p) ? Curvatures.hessian(products, p, backend) : new HessianFreeInverse(products, p);
            case IDENTITY:
                return Curvatures.identity(p, backend);
            default:
                return Curvatures.fromFactors(kind, curvatureFactors(model.layerStatistics(train,
                        Objects.requireNonNull(variant, "variant"), seed)), backend);
        }
    }

    /** Whether the dense exact Hessian of P parameters is formed: P ≤ the cap and 3·8P² bytes within the limit. */
    public static boolean denseHessianFits(int p) {
        return p <= DENSE_HESSIAN_MAX && 24L * p * p <= Checks.denseLimitBytes();
    }
}
