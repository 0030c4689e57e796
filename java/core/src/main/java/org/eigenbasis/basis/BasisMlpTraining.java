package org.eigenbasis.basis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.FisherVariant;
import org.eigenbasis.influence.LayerStatistics;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;

/**
 * Trains an influence {@link Mlp} with {@link BasisDiagonalOptimizer} in per-layer Kronecker eigenbases (issue 13,
 * point 1, "through the model module"): each linear layer l has parameters {@code W<l>} (d_{l+1} × d_l) with basis
 * U_S ⊗ U_A and {@code b<l>} (d_{l+1}) with the dense basis U_S, where U_A and U_S are the eigenbases of the K-FAC
 * factors of the layer's {@link LayerStatistics}:
 * <pre>
 *   A = (1/n) Σ_i a_i a_iᵀ   (inputs, d_l × d_l);    S = (1/n) Σ_i Σ_c g_ic g_icᵀ   (backpropagated, d_{l+1} × d_{l+1})
 * </pre>
 * each one backend SYRK and one eigh, as {@code influence.Curvatures} builds them. For a Gauss–Newton rule the
 * diagonal D = diag(UᵀGU) of the GGN G of the batch is, per weight coordinate (p, k),
 * (1/n) Σ_i Σ_c ((U_Sᵀ g_ic)_p)² ((U_Aᵀ a_i)_k)², and per bias coordinate (1/n) Σ_i Σ_c ((U_Sᵀ g_ic)_p)²: exactly EK-FAC's
 * corrected eigenvalues (George et al. 2018), computed by {@code InfluenceKernel.ekfacEigenvalues}. So GN^-1 with
 * ε = δ, lr 1, in the current K-FAC eigenbasis is the EK-FAC damped inverse applied to the gradient.
 *
 * <p>Cost per step with n examples and C vectors each: the statistics (about 4nP + 2nCP), the gradient (6nP),
 * per layer two SYRKs (n·d_l² + nC·d_{l+1}²) and two eighs (~9d³) when the bases are refreshed, the EK-FAC
 * eigenvalues for GN (2nC·d_{l+1}² + 2n·d_l² + 2n·d_l·d_{l+1}), and the optimizer's rotations. Not thread-safe;
 * {@link #close()} frees the optimizer's state.
 */
public final class BasisMlpTraining implements AutoCloseable {
    /**
     * The loop of {@link #train}.
     *
     * @param optimizer    lr and rule (default Adam with lr 1e-2)
     * @param steps        ≥ 0 (default 100)
     * @param batchSize    ≥ 1; at least n means full batch (default 128)
     * @param refreshEvery ≥ 1: recompute the eigenbases every this many steps (default 10)
     * @param variant      the GGN's output vectors for the factors and D (default {@link FisherVariant#EXACT})
     * @param seed         batches (a seeded shuffle per epoch) and {@link FisherVariant#SAMPLED}'s labels
     */
    public record Config(BasisOptimizerConfig optimizer, int steps, int batchSize, int refreshEvery,
                         FisherVariant variant, long seed) {
        public Config {
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(variant, "variant");
            if (steps < 0) {
                throw new IllegalArgumentException("steps: " + steps + " is outside [0, " + Integer.MAX_VALUE + "]");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize: " + batchSize + " is outside [1, " + Integer.MAX_VALUE + "]");
            }
            if (refreshEvery < 1) {
                throw new IllegalArgumentException("refreshEvery: " + refreshEvery + " is outside [1, "
                        + Integer.MAX_VALUE + "]");
            }
        }

        public static Config defaults() {
            return new Config(BasisOptimizerConfig.defaults().withLr(1e-2), 100, 128, 10, FisherVariant.EXACT, 0);
        }

        public Config withOptimizer(BasisOptimizerConfig v) {
            return new Config(v, steps, batchSize, refreshEvery, variant, seed);
        }

        public Config withSteps(int v) {
            return new Config(optimizer, v, batchSize, refreshEvery, variant, seed);
        }

        public Config withBatchSize(int v) {
            return new Config(optimizer, steps, v, refreshEvery, variant, seed);
        }

        public Config withRefreshEvery(int v) {
            return new Config(optimizer, steps, batchSize, v, variant, seed);
        }

        public Config withVariant(FisherVariant v) {
            return new Config(optimizer, steps, batchSize, refreshEvery, v, seed);
        }

        public Config withSeed(long v) {
            return new Config(optimizer, steps, batchSize, refreshEvery, variant, v);
        }
    }

    /**
     * What {@link #train} returns.
     *
     * @param model  the trained model
     * @param losses the mean loss over all of the data before each step and after the last (steps + 1 values)
     */
    public record Result(Mlp model, double[] losses) {
    }

    private final MlpArchitecture architecture;
    private final Backend backend;
    private final double[] flat;
    private final double[][] weights;
    private final double[][] biases;
    private final List<Parameter> parameters = new ArrayList<>();
    private final Basis[] outputBases;
    private final Basis[] inputBases;
    private final BasisDiagonalOptimizer optimizer;

    /**
     * Starts from {@code initial}'s parameters with identity bases (as Kronecker and dense bases, so that the state
     * layout never changes); call {@link #refreshBases} before the first step for the eigenbases.
     */
    public BasisMlpTraining(Mlp initial, BasisOptimizerConfig config, Backend backend) {
        Objects.requireNonNull(initial, "initial");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.architecture = initial.architecture();
        this.flat = initial.parameters();
        int depth = architecture.depth();
        weights = new double[depth][];
        biases = new double[depth][];
        outputBases = new Basis[depth];
        inputBases = new Basis[depth];
        Map<String, ParameterBasis> bases = new LinkedHashMap<>();
        for (int l = 0; l < depth; l++) {
            int out = architecture.width(l + 1);
            int in = architecture.width(l);
            weights[l] = new double[out * in];
            biases[l] = new double[out];
            parameters.add(Parameter.of(weightName(l), weights[l], out, in));
            parameters.add(Parameter.of(biasName(l), biases[l], out));
            outputBases[l] = Basis.identity(out);
            inputBases[l] = Basis.identity(in);
            bases.put(weightName(l), ParameterBasis.kronecker(outputBases[l], inputBases[l]));
            bases.put(biasName(l), ParameterBasis.dense(outputBases[l]));
        }
        scatter();
        this.optimizer = new BasisDiagonalOptimizer(config, parameters, bases, backend);
    }

    /** The name of layer l's weight parameter: {@code W<l>}. */
    public static String weightName(int l) {
        return "W" + l;
    }

    /** The name of layer l's bias parameter: {@code b<l>}. */
    public static String biasName(int l) {
        return "b" + l;
    }

    /** The optimizer (for save, load, step count and inspection). */
    public BasisDiagonalOptimizer optimizer() {
        return optimizer;
    }

    /** The model at the current parameters. */
    public Mlp model() {
        gather();
        return Mlp.of(architecture, flat);
    }

    /**
     * Sets every layer's basis to the eigenbases of its K-FAC factors from {@code statistics} (one per layer, as
     * {@link Mlp#layerStatistics} returns them). The moments are kept.
     */
    public void refreshBases(List<LayerStatistics> statistics) {
        requireLayers(statistics);
        for (int l = 0; l < architecture.depth(); l++) {
            LayerStatistics s = statistics.get(l);
            int n = s.examples();
            outputBases[l] = Basis.eigenbasisOf(factor(s.backpropagated(), n * s.perExample(), s.outputWidth(), n),
                    backend);
            inputBases[l] = Basis.eigenbasisOf(factor(s.inputs(), n, s.inputWidth(), n), backend);
            optimizer.setBasis(weightName(l), ParameterBasis.kronecker(outputBases[l], inputBases[l]));
            optimizer.setBasis(biasName(l), ParameterBasis.dense(outputBases[l]));
        }
    }

    /** (1/n)·XᵀX for X rows × cols, by the backend's SYRK, as rows. */
    private double[][] factor(double[] x, int rows, int cols, int n) {
        try (BatchedMatrix xm = BatchedMatrix.of(x, 1, rows, cols, backend.statePlacement());
             BatchedMatrix f = BatchedMatrix.zeros(DType.F64, 1, cols, cols, backend.statePlacement())) {
            backend.preconditioner().accumulateFactor(xm, false, 1, 1.0 / n, f);
            return f.toArray(0);
        }
    }

    /**
     * D = diag(UᵀGU) of the GGN of {@code statistics}' examples in the current bases, per parameter: EK-FAC's
     * corrected eigenvalues (class comment), as {@link CurvatureDiagonal.InBasis}.
     */
    public Map<String, CurvatureDiagonal> curvatureDiagonals(List<LayerStatistics> statistics) {
        requireLayers(statistics);
        Map<String, CurvatureDiagonal> out = new LinkedHashMap<>();
        for (int l = 0; l < architecture.depth(); l++) {
            LayerStatistics s = statistics.get(l);
            int n = s.examples();
            int dOut = s.outputWidth();
            int dIn = s.inputWidth();
            var placement = backend.statePlacement();
            try (BatchedMatrix g = BatchedMatrix.of(s.backpropagated(), 1, n * s.perExample(), dOut, placement);
                 BatchedMatrix a = BatchedMatrix.of(s.inputs(), 1, n, dIn, placement);
                 BatchedMatrix qs = BatchedMatrix.of(outputBases[l].toRowMajor(), 1, dOut, dOut, placement);
                 BatchedMatrix qa = BatchedMatrix.of(inputBases[l].toRowMajor(), 1, dIn, dIn, placement);
                 BatchedMatrix weight = BatchedMatrix.zeros(DType.F64, 1, dOut, dIn, placement);
                 BatchedMatrix bias = BatchedMatrix.zeros(DType.F64, 1, dOut, 1, placement)) {
                backend.influence().ekfacEigenvalues(g, s.perExample(), a, qs, qa, 1.0 / n, weight);
                backend.influence().ekfacEigenvalues(g, s.perExample(), null, qs, null, 1.0 / n, bias);
                out.put(weightName(l), CurvatureDiagonal.inBasis(weight.toDoubleArray()));
                out.put(biasName(l), CurvatureDiagonal.inBasis(bias.toDoubleArray()));
            }
        }
        return out;
    }

    /**
     * One step on {@code batch}: the gradient of its mean loss and, for a Gauss–Newton rule, D from
     * {@code statistics} (of the same batch, at the current parameters) in the current bases.
     */
    public void step(Examples batch, List<LayerStatistics> statistics) {
        Objects.requireNonNull(batch, "batch");
        double[] gradient = model().gradient(batch);
        Gradients g = new Gradients();
        for (int l = 0; l < architecture.depth(); l++) {
            int wo = architecture.weightOffset(l);
            int bo = architecture.biasOffset(l);
            g.put(parameters.get(2 * l), java.util.Arrays.copyOfRange(gradient, wo, wo + weights[l].length));
            g.put(parameters.get(2 * l + 1), java.util.Arrays.copyOfRange(gradient, bo, bo + biases[l].length));
        }
        if (optimizer.config().rule() instanceof DiagonalRule.GaussNewton) {
            optimizer.step(g, curvatureDiagonals(statistics));
        } else {
            optimizer.step(g);
        }
        gather();
    }

    /**
     * Trains {@code initial} on {@code data}: per step a batch (a seeded shuffle per epoch, or all of it), its
     * statistics under {@code config.variant()}, the eigenbases refreshed on steps 0, f, 2f, …, then {@link #step}.
     */
    public static Result train(Mlp initial, Examples data, Config config, Backend backend) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(config, "config");
        data.validate(initial.architecture());
        int n = data.n();
        int batch = Math.min(config.batchSize(), n);
        Random rng = new Random(config.seed());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int cursor = n;
        double[] losses = new double[config.steps() + 1];
        try (BasisMlpTraining training = new BasisMlpTraining(initial, config.optimizer(), backend)) {
            for (int t = 0; t < config.steps(); t++) {
                Mlp model = training.model();
                losses[t] = model.meanLoss(data);
                Examples b = data;
                if (batch < n) {
                    if (cursor + batch > n) {
                        for (int i = n - 1; i > 0; i--) {
                            int j = rng.nextInt(i + 1);
                            int tmp = order[i];
                            order[i] = order[j];
                            order[j] = tmp;
                        }
                        cursor = 0;
                    }
                    b = data.subset(java.util.Arrays.copyOfRange(order, cursor, cursor + batch));
                    cursor += batch;
                }
                List<LayerStatistics> statistics = model.layerStatistics(b, config.variant(), rng.nextLong());
                if (t % config.refreshEvery() == 0) {
                    training.refreshBases(statistics);
                }
                training.step(b, statistics);
            }
            Mlp trained = training.model();
            losses[config.steps()] = trained.meanLoss(data);
            return new Result(trained, losses);
        }
    }

    private void requireLayers(List<LayerStatistics> statistics) {
        Objects.requireNonNull(statistics, "statistics");
        if (statistics.size() != architecture.depth()) {
            throw new IllegalArgumentException("statistics: " + statistics.size() + " layers for a model of "
                    + architecture.depth());
        }
        for (int l = 0; l < statistics.size(); l++) {
            LayerStatistics s = statistics.get(l);
            if (s.inputWidth() != architecture.width(l) || s.outputWidth() != architecture.width(l + 1)) {
                throw new IllegalArgumentException("statistics[" + l + "]: " + s.outputWidth() + " × " + s.inputWidth()
                        + ", the layer is " + architecture.width(l + 1) + " × " + architecture.width(l));
            }
        }
    }

    /** flat → per-parameter arrays. */
    private void scatter() {
        for (int l = 0; l < architecture.depth(); l++) {
            System.arraycopy(flat, architecture.weightOffset(l), weights[l], 0, weights[l].length);
            System.arraycopy(flat, architecture.biasOffset(l), biases[l], 0, biases[l].length);
        }
    }

    /** per-parameter arrays → flat. */
    private void gather() {
        for (int l = 0; l < architecture.depth(); l++) {
            System.arraycopy(weights[l], 0, flat, architecture.weightOffset(l), weights[l].length);
            System.arraycopy(biases[l], 0, flat, architecture.biasOffset(l), biases[l].length);
        }
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
