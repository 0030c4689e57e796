package org.eigenbasis.influence;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * Builds every rung of the curvature ladder from per-layer factors ({@link LayerFactors}: the framework-agnostic
 * entry, any model can supply them) or from Hessian-vector products. Each build is "accumulate symmetric matrices
 * in f64 → eigendecompose → keep the eigenbasis": no per-example gradient of the whole training set is ever held;
 * rows of GGN factors are generated in chunks of at most {@value #CHUNK_BYTES} bytes.
 *
 * <p>Costs with n examples, C output vectors each, P parameters: ggn n·C·P² (one SYRK) + eigh(P); block-ggn
 * Σ_blocks n·C·size² + eigh per block; kfac n·(Σ d_in² + C·Σ d_out²) + eigh of the factors; ekfac that plus
 * 2n·C·Σ d_out² + 2n·Σ d_in² + 2n·Σ d_out·d_in; hessian P products + eigh(P).
 */
public final class Curvatures {
    static final long CHUNK_BYTES = 32L << 20;
    /** Columns of the identity per batch of Hessian-vector products when assembling the dense Hessian. */
    static final int HESSIAN_BLOCK = 64;

    private Curvatures() {
    }

    /**
     * The rung {@code kind} (ggn, block-ggn, kfac, ekfac or identity) of the curvature whose per-layer factors are
     * {@code layers}, in parameter order. All layers must have the same example count and, for ggn, the same
     * number of rows per example (rows c of example i across layers belong to the same output vector u_{i,c}).
     *
     * @throws IllegalArgumentException for hessian (use {@link #hessian}), an empty or inconsistent list, or a
     *                                  dense matrix (ggn, or a block-ggn block) too large for memory, before
     *                                  allocating it
     */
    public static Curvature fromFactors(CurvatureKind kind, List<LayerFactors> layers, Backend backend) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(backend, "backend");
        checkLayers(layers, kind == CurvatureKind.GGN);
        Products products = new Products(backend);
        return switch (kind) {
            case GGN -> ggn(layers, products);
            case BLOCK_GGN -> blockGgn(layers, products);
            case KFAC, EKFAC -> kronecker(kind, layers, products);
            case IDENTITY -> new IdentityCurvature(parameterCount(layers), products);
            case HESSIAN -> throw new IllegalArgumentException(
                    "curvature: hessian needs Hessian-vector products, not layer factors (use Curvatures.hessian)");
        };
    }

    /**
     * The exact Hessian, dense: P products with the identity's columns ({@value #HESSIAN_BLOCK} per call),
     * symmetrised as (H + Hᵀ)/2, then eigendecomposed on {@code backend}. Memory 3·8P² bytes at the peak,
     * checked before allocating.
     */
    public static Curvature hessian(HessianProducts products, int parameters, Backend backend) {
        Objects.requireNonNull(products, "products");
        Objects.requireNonNull(backend, "backend");
        if (parameters < 1) {
            throw new IllegalArgumentException("parameters: " + parameters + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        int p = parameters;
        Checks.denseFits("dense hessian", p, 3);
        double[] h = new double[p * p];
        for (int j0 = 0; j0 < p; j0 += HESSIAN_BLOCK) {
            int k = Math.min(HESSIAN_BLOCK, p - j0);
            double[] e = new double[k * p];
            for (int r = 0; r < k; r++) {
                e[r * p + j0 + r] = 1;
            }
            double[] hv = products.apply(e, k);
            if (hv == null || hv.length != k * p) {
                throw new IllegalStateException("Hessian products returned " + (hv == null ? "null" : hv.length + " values")
                        + ", expected " + k * p);
            }
            System.arraycopy(hv, 0, h, j0 * p, k * p);    // row j0 + r = H e_{j0+r} (H symmetric)
        }
        for (int i = 0; i < p; i++) {
            if (!Double.isFinite(h[i * p + i])) {
                throw new IllegalArgumentException("hessian[" + i + "][" + i + "]: " + h[i * p + i] + " is not finite");
            }
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (h[i * p + j] + h[j * p + i]);
                if (!Double.isFinite(s)) {
                    throw new IllegalArgumentException("hessian[" + i + "][" + j + "]: " + s + " is not finite");
                }
                h[i * p + j] = s;
                h[j * p + i] = s;
            }
        }
        return fromDense(CurvatureKind.HESSIAN, h, p, backend);
    }

    /** The identity baseline for P parameters (C^-1 = I whatever the damping); products run on {@code backend}. */
    public static Curvature identity(int parameters, Backend backend) {
        Objects.requireNonNull(backend, "backend");
        if (parameters < 1) {
            throw new IllegalArgumentException("parameters: " + parameters + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        return new IdentityCurvature(parameters, new Products(backend));
    }

    /** A curvature given densely (P × P row-major, symmetric; the lower triangle is read), eigendecomposed. */
    public static Curvature fromDense(CurvatureKind kind, double[] matrix, int parameters, Backend backend) {
        Objects.requireNonNull(kind, "kind");
        Checks.denseFits("dense " + kind.cliName(), parameters, 2);
        Checks.rows("matrix", matrix, parameters, parameters);
        return new DenseCurvature(kind, Eigenbasis.of(backend, matrix, parameters), new Products(backend));
    }

    /**
     * C dense, from its rotations alone: row j of C is e_jᵀ Q diag(λ) Qᵀ, in blocks of rows, so the peak memory is
     * the result plus O(P·block). Works for any {@link Curvature}; costs two rotations of P vectors (4P³ flops for
     * a dense eigenbasis). The default {@link Curvature#dense()}, and the reference the structured builds are
     * tested against.
     */
    static double[] denseByRotation(Curvature c) {
        int p = c.dimension();
        Checks.denseFits("dense " + c.kind().cliName(), p);
        double[] out = new double[p * p];
        double[] lambda = c.eigenvalues();
        int block = Math.max(1, Math.min(p, 512));
        for (int r0 = 0; r0 < p; r0 += block) {
            int k = Math.min(block, p - r0);
            double[] eye = new double[k * p];
            for (int r = 0; r < k; r++) {
                eye[r * p + r0 + r] = 1;
            }
            double[] rows = c.toEigenbasis(eye, k);          // row r: e_{r0+r}ᵀ Q
            for (int r = 0; r < k; r++) {
                for (int j = 0; j < p; j++) {
                    rows[r * p + j] *= lambda[j];
                }
            }
            System.arraycopy(c.fromEigenbasis(rows, k), 0, out, r0 * p, k * p);
        }
        return out;
    }

    // ---- GGN -----------------------------------------------------------------------------------------------------

    private static Curvature ggn(List<LayerFactors> layers, Products products) {
        int p = parameterCount(layers);
        Checks.denseFits("dense ggn", p, 3);
        LayerFactors first = layers.get(0);
        int n = first.examples();
        int c = first.perExample();
        int examplesPerChunk = (int) Math.max(1, Math.min(n, CHUNK_BYTES / (8L * c * p)));
        try (BatchedMatrix gram = products.zeroFactor(p)) {
            for (int e0 = 0; e0 < n; e0 += examplesPerChunk) {
                int e1 = Math.min(n, e0 + examplesPerChunk);
                double[] rows = factorRows(layers, e0, e1, p);
                products.accumulateGram(rows, (e1 - e0) * c, p, 1.0 / n, gram);
            }
            return new DenseCurvature(CurvatureKind.GGN, Eigenbasis.of(products.backend(), gram), products);
        }
    }

    /**
     * Rows γ_{i,c} = [vec(g^l_{i,c} a^l_iᵀ), g^l_{i,c}]_l of examples [e0, e1): the GGN is (1/n) Σ γγᵀ, and with
     * C = 1 and g = ∂l_i/∂z these are the per-example gradients.
     */
    static double[] factorRows(List<LayerFactors> layers, int e0, int e1, int p) {
        int c = layers.get(0).perExample();
        double[] rows = new double[(e1 - e0) * c * p];
        int offset = 0;
        for (LayerFactors l : layers) {
            int dIn = l.inputs();
            int dOut = l.outputs();
            double[] a = l.a();
            double[] g = l.g();
            for (int i = e0; i < e1; i++) {
                for (int cc = 0; cc < c; cc++) {
                    int row = ((i - e0) * c + cc) * p + offset;
                    int gRow = (i * c + cc) * dOut;
                    for (int o = 0; o < dOut; o++) {
                        double go = g[gRow + o];
                        int base = row + o * dIn;
                        for (int k = 0; k < dIn; k++) {
                            rows[base + k] = go * a[i * dIn + k];
                        }
                    }
                    if (l.bias()) {
                        System.arraycopy(g, gRow, rows, row + dOut * dIn, dOut);
                    }
                }
            }
            offset += l.parameterCount();
        }
        return rows;
    }

    // ---- block-diagonal GGN --------------------------------------------------------------------------------------

    private static Curvature blockGgn(List<LayerFactors> layers, Products products) {
        List<Eigenbasis> blocks = new ArrayList<>();
        for (LayerFactors l : layers) {
            int w = l.outputs() * l.inputs();
            Checks.denseFits("block-ggn block of " + l.outputs() + " x " + l.inputs() + " weights", w, 3);
            int n = l.examples();
            int rowsTotal = n * l.perExample();
            LayerFactors weightOnly = new LayerFactors(l.inputs(), l.outputs(), false, n, l.perExample(), l.a(), l.g());
            int perChunk = (int) Math.max(1, Math.min(n, CHUNK_BYTES / (8L * l.perExample() * w)));
            try (BatchedMatrix gram = products.zeroFactor(w)) {
                for (int e0 = 0; e0 < n; e0 += perChunk) {
                    int e1 = Math.min(n, e0 + perChunk);
                    double[] rows = factorRows(List.of(weightOnly), e0, e1, w);
                    products.accumulateGram(rows, (e1 - e0) * l.perExample(), w, 1.0 / n, gram);
                }
                blocks.add(Eigenbasis.of(products.backend(), gram));
            }
            if (l.bias()) {
                blocks.add(factor(l.g(), rowsTotal, l.outputs(), 1.0 / n, products));   // the bias block is S
            }
        }
        return new BlockCurvature(CurvatureKind.BLOCK_GGN, blocks, products);
    }

    // ---- K-FAC and EK-FAC ----------------------------------------------------------------------------------------

    private static Curvature kronecker(CurvatureKind kind, List<LayerFactors> layers, Products products) {
        List<KroneckerCurvature.Layer> out = new ArrayList<>();
        for (LayerFactors l : layers) {
            int n = l.examples();
            int dOut = l.outputs();
            int dIn = l.inputs();
            int rows = n * l.perExample();
            Eigenbasis a = factor(l.a(), n, dIn, 1.0 / n, products);
            // g is read twice (S, then the EK-FAC eigenvalues): wrapped once where the kernels read it in place
            try (BatchedMatrix g = products.wrap(l.g(), rows, dOut)) {
                Eigenbasis s = factor(g, 1.0 / n, products);
                double[] weightValues;
                double[] biasValues;
                if (kind == CurvatureKind.KFAC) {
                    weightValues = new double[dOut * dIn];
                    for (int p = 0; p < dOut; p++) {
                        for (int k = 0; k < dIn; k++) {
                            weightValues[p * dIn + k] = s.values()[p] * a.values()[k];
                        }
                    }
                    biasValues = l.bias() ? s.values().clone() : null;
                } else if (!l.bias()) {
                    weightValues = products.ekfacEigenvalues(g, l.perExample(), l.a(), n, dIn, s.vectors(),
                            a.vectors(), 1.0 / n);
                    biasValues = null;
                } else {
                    // Weights and bias in one call, so that g Q_S is formed once: the inputs get a constant column
                    // 1 and Q_A the block diag(Q_A, 1), whose rotated square is 1, so that column of the result is
                    // (1/n) Σ_i Σ_c (Q_Sᵀ g_ic)², the bias eigenvalues by definition.
                    int dAug = dIn + 1;
                    double[] lambda = products.ekfacEigenvalues(g, l.perExample(), withOnes(l.a(), n, dIn), n, dAug,
                            s.vectors(), withUnit(a.vectors(), dIn), 1.0 / n);
                    weightValues = new double[dOut * dIn];
                    biasValues = new double[dOut];
                    for (int p = 0; p < dOut; p++) {
                        System.arraycopy(lambda, p * dAug, weightValues, p * dIn, dIn);
                        biasValues[p] = lambda[p * dAug + dIn];
                    }
                }
                out.add(new KroneckerCurvature.Layer(dOut, dIn, l.bias(), s, a, weightValues, biasValues));
            }
        }
        return new KroneckerCurvature(kind, out, products);
    }

    /** x (rows × cols) with a column of ones appended: rows × (cols + 1). */
    static double[] withOnes(double[] x, int rows, int cols) {
        double[] out = new double[rows * (cols + 1)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * cols, out, r * (cols + 1), cols);
            out[r * (cols + 1) + cols] = 1;
        }
        return out;
    }

    /** The (n + 1) × (n + 1) block diagonal diag(q, 1) of the n × n q. */
    static double[] withUnit(double[] q, int n) {
        double[] out = new double[(n + 1) * (n + 1)];
        for (int r = 0; r < n; r++) {
            System.arraycopy(q, r * n, out, r * (n + 1), n);
        }
        out[(n + 1) * (n + 1) - 1] = 1;
        return out;
    }

    /** scale · XᵀX for X rows × cols, eigendecomposed. */
    private static Eigenbasis factor(double[] x, int rows, int cols, double scale, Products products) {
        try (BatchedMatrix xm = products.wrap(x, rows, cols)) {
            return factor(xm, scale, products);
        }
    }

    /** scale · XᵀX for X (1 × rows × cols), eigendecomposed. */
    private static Eigenbasis factor(BatchedMatrix x, double scale, Products products) {
        try (BatchedMatrix f = products.zeroFactor(x.cols())) {
            products.accumulateGram(x, scale, f);
            return Eigenbasis.of(products.backend(), f);
        }
    }

    // ---- checks --------------------------------------------------------------------------------------------------

    static int parameterCount(List<LayerFactors> layers) {
        long p = 0;
        for (LayerFactors l : layers) {
            p += l.parameterCount();
        }
        if (p > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("layers: " + p + " parameters in all, more than one vector can hold");
        }
        return (int) p;
    }

    static void checkLayers(List<LayerFactors> layers, boolean samePerExample) {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("layers: needs at least one layer");
        }
        LayerFactors first = Objects.requireNonNull(layers.get(0), "layers[0]");
        for (int l = 1; l < layers.size(); l++) {
            LayerFactors f = layers.get(l);
            if (f == null) {
                throw new IllegalArgumentException("layers[" + l + "]: null");
            }
            if (f.examples() != first.examples()) {
                throw new IllegalArgumentException("layers[" + l + "].examples: " + f.examples()
                        + ", layer 0 has " + first.examples());
            }
            if (samePerExample && f.perExample() != first.perExample()) {
                throw new IllegalArgumentException("layers[" + l + "].perExample: " + f.perExample()
                        + ", layer 0 has " + first.perExample() + " (the GGN pairs rows across layers)");
            }
        }
    }
}
