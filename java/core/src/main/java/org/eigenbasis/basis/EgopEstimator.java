package org.eigenbasis.basis;

import java.util.Objects;
import java.util.SplittableRandom;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

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
 *   <li><b>How</b>: gradients are stacked {@code blockRows} at a time into a block G (rows × d, f64) and added with
 *       the backend's SYRK ({@link org.eigenbasis.spi.PreconditionerKernel#accumulateFactor}), Gram ← Gram +
 *       (1/M)·GᵀG, into a d × d f64 Gram in the backend's state placement; then one {@link SymmetricEigen} eigh.</li>
 *   <li><b>Cost</b> M gradient evaluations + M·d² flops (the SYRKs) + about 9d³ (eigh); memory d² + blockRows·d
 *       doubles.</li>
 *   <li><b>Fails</b> with {@link IllegalArgumentException} (nothing returned) on a gradient of the wrong length or
 *       with a non-finite entry (naming the sample index), a sampler draw that is not finite, or a bad center;
 *       with {@link org.eigenbasis.linalg.EighConvergenceException} when eigh does not converge.</li>
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
        return run((theta, random) -> gradient.at(theta), sampler, dimension);
    }

    /** EGOP with a caller's ρ on R^d and a mini-batch oracle. */
    public EgopResult estimate(EgopStochasticGradient gradient, EgopSampler sampler, int dimension) {
        Objects.requireNonNull(gradient, "gradient");
        return run((theta, random) -> gradient.at(theta, random.nextLong()), sampler, dimension);
    }

    private interface Draw {
        double[] gradient(double[] theta, SplittableRandom random);
    }

    private EgopResult run(Draw draw, EgopSampler sampler, int d) {
        Objects.requireNonNull(sampler, "sampler");
        if (d < 1) {
            throw new IllegalArgumentException("dimension: " + d + " must be at least 1");
        }
        int m = config.samples();
        int block = Math.min(config.blockRows(), m);
        SplittableRandom random = new SplittableRandom(config.seed());
        double[] theta = new double[d];
        double[] rows = new double[block * d];
        double[] gram;
        try (BatchedMatrix factor = BatchedMatrix.zeros(DType.F64, 1, d, d, backend.statePlacement())) {
            for (int start = 0; start < m; start += block) {
                int count = Math.min(block, m - start);
                for (int r = 0; r < count; r++) {
                    int j = start + r;
                    sampler.sample(random, theta);
                    for (int i = 0; i < d; i++) {
                        if (!Double.isFinite(theta[i])) {
                            throw new IllegalArgumentException("sample " + j + ": θ[" + i + "] = " + theta[i]
                                    + " from the sampler is not finite");
                        }
                    }
                    double[] g = draw.gradient(theta.clone(), random);
                    if (g == null || g.length != d) {
                        throw new IllegalArgumentException("sample " + j + ": gradient length "
                                + (g == null ? "null" : g.length) + " != dimension " + d);
                    }
                    for (int i = 0; i < d; i++) {
                        if (!Double.isFinite(g[i])) {
                            throw new IllegalArgumentException("sample " + j + ": gradient[" + i + "] = " + g[i]
                                    + " is not finite");
                        }
                    }
                    System.arraycopy(g, 0, rows, r * d, d);
                }
                try (BatchedMatrix x = BatchedMatrix.of(count == block ? rows : java.util.Arrays.copyOf(rows, count * d),
                        1, count, d, backend.statePlacement())) {
                    backend.preconditioner().accumulateFactor(x, false, 1, 1.0 / m, factor);
                }
            }
            gram = factor.toDoubleArray();
            try (EighResult eig = SymmetricEigen.on(backend).decompose(factor)) {
                return result(d, gram, eig.valuesOf(0), eig.vectors().toDoubleArray());
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
