package org.eigenbasis.basis.egop;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * Monte Carlo estimate of the expected gradient outer product EGOP(f) = E_{θ∼ρ}[∇f(θ)∇f(θ)ᵀ] and its
 * eigendecomposition (DePavia, Charisopoulos, Willett, "Faster Adaptive Optimization via Expected Gradient Outer
 * Product Reparameterization").
 *
 * <ul>
 *   <li><b>Computes</b> Ê = (1/M) Σ_{j=1..M} g_j g_jᵀ, g_j = ∇f(θ_j), θ_j ∼ ρ i.i.d. (default ρ = N(θ_c, s²I)),
 *       then Ê = V diag(λ) Vᵀ → {@link EgopResult} (eigenvalues descending, stable rank, decay exponent).</li>
 *   <li><b>Randomness</b>: one {@link SplittableRandom} seeded with {@link EgopConfig#seed()}; draws are taken in
 *       sample order (θ_1, then its mini-batch seed when the oracle is stochastic, then θ_2, …), so the estimate
 *       does not depend on {@link EgopConfig#blockRows()} except by rounding.</li>
 *   <li><b>How</b>: samples are taken {@code blockRows} at a time into a block Θ (rows × d); the oracle fills the
 *       block's gradients G (rows × d, f64): a {@link EgopBatchGradient} in one call (for the quadratic, {@link
 *       EgopQuadraticGradient}: one GEMM), a per-sample oracle once per row. G is checked entry by entry and added
 *       with the backend's SYRK ({@link org.eigenbasis.spi.PreconditionerKernel#accumulateFactor}), Gram ← Gram +
 *       (1/M)·GᵀG, into a d × d f64 Gram in the backend's state placement (the block buffer reused); then one
 *       {@link SymmetricEigen} eigh. The oracle kind changes only who computes G, not the draws.</li>
 *   <li><b>Cost</b> M gradient evaluations (a batched quadratic: 2·M·d² flops at the GEMM rate) + M·d² flops (the
 *       SYRKs) + about 9d³ (eigh) + M·d Gaussian draws; memory d² + 3·blockRows·d doubles.</li>
 *   <li><b>Fails</b> with {@link IllegalArgumentException} (nothing returned, no oracle call after the failing
 *       block) on a dimension below 1, a gradient of the wrong length (per-sample oracles) or with a non-finite
 *       entry (naming the sample index and the entry), a sampler draw that is not finite, a center that is empty or
 *       not finite, or an oracle's own refusal of the dimension; M &lt; 1 is refused by {@link EgopConfig}; with
 *       {@link org.eigenbasis.linalg.EighConvergenceException} when eigh does not converge.</li>
 * </ul>
 * Thread-safe when the oracle is: instances hold only the backend and the config.
 */
public final class EgopEstimator {
    private final Backend backend;
    private final EgopConfig config;

    private EgopEstimator(Backend backend, EgopConfig config) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** An estimator on {@code backend} with the given settings. */
    public static EgopEstimator on(Backend backend, EgopConfig config) {
        return new EgopEstimator(backend, config);
    }

    /** An estimator on {@code backend} with {@link EgopConfig#defaults()}. */
    public static EgopEstimator on(Backend backend) {
        return new EgopEstimator(backend, EgopConfig.defaults());
    }

    public EgopConfig config() {
        return config;
    }

    public Backend backend() {
        return backend;
    }

    /** EGOP with ρ = N(center, s²I), s = {@link EgopConfig#scale()}, and a full-batch oracle. */
    public EgopResult estimate(EgopGradient gradient, double[] center) {
        Objects.requireNonNull(gradient, "gradient");
        return estimate(gradient, EgopSampler.gaussian(center, config.scale()), center.length);
    }

    /** EGOP with ρ = N(center, s²I) and a mini-batch oracle (each sample gets its own batch seed). */
    public EgopResult estimate(EgopStochasticGradient gradient, double[] center) {
        Objects.requireNonNull(gradient, "gradient");
        return estimate(gradient, EgopSampler.gaussian(center, config.scale()), center.length);
    }

    /** EGOP with a caller's ρ on R^d and a full-batch oracle. */
    public EgopResult estimate(EgopGradient gradient, EgopSampler sampler, int dimension) {
        Objects.requireNonNull(gradient, "gradient");
        return run((thetas, seeds, first, rows, d, out) -> evaluateEach(gradient, thetas, rows, out, first),
                sampler, dimension, false);
    }

    /** EGOP with a caller's ρ on R^d and a mini-batch oracle. */
    public EgopResult estimate(EgopStochasticGradient gradient, EgopSampler sampler, int dimension) {
        Objects.requireNonNull(gradient, "gradient");
        return run((thetas, seeds, first, rows, d, out) -> {
            for (int r = 0; r < rows; r++) {
                double[] g = gradient.at(Arrays.copyOfRange(thetas, r * d, (r + 1) * d), seeds[r]);
                copyRow(g, d, first + r, out, r);
            }
        }, sampler, dimension, true);
    }

    /**
     * EGOP with ρ = N(center, s²I) and a batched oracle, called once per block of up to {@link
     * EgopConfig#blockRows()} samples: the same draws in the same order as the per-sample oracles, so the estimate
     * agrees with {@link #estimate(EgopGradient, double[])} on the same f to rounding.
     */
    public EgopResult estimate(EgopBatchGradient gradient, double[] center) {
        Objects.requireNonNull(gradient, "gradient");
        return estimate(gradient, EgopSampler.gaussian(center, config.scale()), center.length);
    }

    /** EGOP with a caller's ρ on R^d and a batched oracle (see {@link #estimate(EgopBatchGradient, double[])}). */
    public EgopResult estimate(EgopBatchGradient gradient, EgopSampler sampler, int dimension) {
        Objects.requireNonNull(gradient, "gradient");
        return run((thetas, seeds, first, rows, d, out) -> gradient.at(thetas, rows, out), sampler, dimension, false);
    }

    /**
     * Calls {@code gradient} once per row of {@code thetas} (rows × d; a fresh copy each) and copies the results into
     * {@code out}, naming sample {@code first + r} when one is null or not of length d.
     */
    static void evaluateEach(EgopGradient gradient, double[] thetas, int rows, double[] out, int first) {
        int d = thetas.length / rows;
        for (int r = 0; r < rows; r++) {
            copyRow(gradient.at(Arrays.copyOfRange(thetas, r * d, (r + 1) * d)), d, first + r, out, r);
        }
    }

    private static void copyRow(double[] g, int d, int sample, double[] out, int row) {
        if (g == null || g.length != d) {
            throw new IllegalArgumentException("sample " + sample + ": gradient length "
                    + (g == null ? "null" : g.length) + " != dimension " + d);
        }
        System.arraycopy(g, 0, out, row * d, d);
    }

    /** Fills the gradients of one block: samples first..first+rows−1, rows × d, with their mini-batch seeds. */
    private interface Block {
        void fill(double[] thetas, long[] seeds, int first, int rows, int d, double[] out);
    }

    private EgopResult run(Block oracle, EgopSampler sampler, int d, boolean seeded) {
        Objects.requireNonNull(sampler, "sampler");
        if (d < 1) {
            throw new IllegalArgumentException("dimension: " + d + " must be at least 1");
        }
        int m = config.samples();
        int block = Math.min(config.blockRows(), m);
        SplittableRandom random = new SplittableRandom(config.seed());
        double[] theta = new double[d];
        long[] seeds = new long[block];
        Placement placement = backend.statePlacement();
        try (BatchedMatrix factor = BatchedMatrix.zeros(DType.F64, 1, d, d, placement)) {
            BatchedMatrix rows = null;
            try {
                for (int start = 0; start < m; start += block) {
                    int count = Math.min(block, m - start);
                    double[] thetas = new double[count * d];
                    for (int r = 0; r < count; r++) {
                        sampler.sample(random, theta);
                        requireFiniteDraw(theta, start + r);
                        System.arraycopy(theta, 0, thetas, r * d, d);
                        if (seeded) {
                            seeds[r] = random.nextLong();
                        }
                    }
                    double[] gradients = new double[count * d];
                    oracle.fill(thetas, seeds, start, count, d, gradients);
                    for (int r = 0; r < count; r++) {
                        requireFiniteGradient(gradients, r * d, d, start + r);
                    }
                    if (rows == null || rows.rows() != count) {
                        if (rows != null) {
                            rows.close();
                        }
                        rows = BatchedMatrix.allocate(DType.F64, 1, count, d, placement);
                    }
                    rows.copyMatrixFrom(0, gradients, 0);
                    backend.preconditioner().accumulateFactor(rows, false, 1, 1.0 / m, factor);
                }
            } finally {
                if (rows != null) {
                    rows.close();
                }
            }
            double[] gram = factor.toDoubleArray();
            try (EighResult eig = SymmetricEigen.on(backend).decompose(factor)) {
                return result(d, gram, eig.valuesOf(0), eig.vectors().toDoubleArray());
            }
        }
    }

    private static void requireFiniteDraw(double[] theta, int sample) {
        for (int i = 0; i < theta.length; i++) {
            if (!Double.isFinite(theta[i])) {
                throw new IllegalArgumentException("sample " + sample + ": θ[" + i + "] = " + theta[i]
                        + " from the sampler is not finite");
            }
        }
    }

    private static void requireFiniteGradient(double[] gradients, int offset, int d, int sample) {
        for (int i = 0; i < d; i++) {
            double g = gradients[offset + i];
            if (!Double.isFinite(g)) {
                throw new IllegalArgumentException("sample " + sample + ": gradient[" + i + "] = " + g
                        + " is not finite");
            }
        }
    }

    private EgopResult result(int d, double[] gram, double[] ascending, double[] vectorsAscending) {
        double[] values = new double[d];
        double[] vectors = new double[d * d];
        for (int c = 0; c < d; c++) {
            int from = d - 1 - c;
            values[c] = ascending[from];
            for (int i = 0; i < d; i++) {
                vectors[i * d + c] = vectorsAscending[i * d + from];
            }
        }
        double trace = 0;
        for (int i = 0; i < d; i++) {
            trace += gram[i * d + i];
        }
        int k = EgopResult.decayFitCount(values, config.decayFloor(), config.decayFitCount());
        double alpha = EgopResult.decayExponent(values, config.decayFloor(), config.decayFitCount());
        return new EgopResult(d, config.samples(), gram, values, vectors,
                EgopResult.stableRank(trace, values), alpha, k);
    }
}
