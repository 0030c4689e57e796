package org.eigenbasis.basis.quadrants;

import java.util.Objects;
import org.eigenbasis.spi.Backend;

/**
 * The four quadrants of "Adam or Gauss–Newton?" (Liu, Bansal, Morwani, Vyas, Alvarez-Melis, Kakade; issue 13,
 * point 2): Adam against Gauss–Newton^-1 and ^-1/2 (ε = 0) as diagonal preconditioners in a basis, with plain gradient
 * descent as the reference, every method's learning rate tuned on the config's one half-decade grid (best = fewest
 * steps to the target, then lowest final loss, then lowest lr; a diverging lr is data).
 * <ul>
 *   <li>(a) {@link EigenbasisLinearQuadrant}: eigenbasis, full batch, linear regression. GN^-1 at lr 1 is Newton (one
 *       step); GN^-1/2 has condition number √κ, its measured contraction against the closed form.</li>
 *   <li>(b) {@link BlockCovarianceQuadrant}: identity basis, full batch, 2 × 2 blocks [[1, ρ_k], [ρ_k, 1]]: diag(G) = I,
 *       so GN^-1 and GN^-1/2 are gradient descent bit for bit, while Adam adapts per block.</li>
 *   <li>(c) {@link MinibatchQuadrant}: mini-batch linear regression: E[g̃²] checked by Monte Carlo in three bases, and
 *       Adam's own v against GN^-1/2 in the noise-dominated regime (exponent ≈ 0.5, cosine ≈ 1).</li>
 *   <li>(d) {@link LogisticQuadrant}: eigenbasis, full batch, logistic regression: Adam beats both GN rules at their
 *       best rates, because G's scale s(1 − s) collapses as the fit becomes confident.</li>
 * </ul>
 * <b>Cost</b> (defaults): about 5 s of CPU time with the java backend on the 2-core CI machine (dimension ≤ 20;
 * the mini-batch quadrant's 2·20000-step Adam runs, 2·20000 Monte Carlo gradients and 60 tuning runs of 2000
 * mini-batch steps dominate). Everything is seeded by
 * {@link QuadrantsConfig#seed()}: the same config gives the same numbers on the same backend. <b>Fails</b> only as the
 * config's constructor does; divergence is reported, never thrown. Library code: prints nothing.
 */
public final class FourQuadrants {
    private final Backend backend;
    private final QuadrantsConfig config;

    private FourQuadrants(Backend backend, QuadrantsConfig config) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.config = Objects.requireNonNull(config, "config");
    }

    public static FourQuadrants on(Backend backend, QuadrantsConfig config) {
        return new FourQuadrants(backend, config);
    }

    public QuadrantsConfig config() {
        return config;
    }

    /** Quadrant (a). */
    public EigenbasisLinearResult eigenbasisLinear() {
        return EigenbasisLinearQuadrant.run(config, backend);
    }

    /** Quadrant (b). */
    public BlockCovarianceResult blockCovariance() {
        return BlockCovarianceQuadrant.run(config, backend);
    }

    /** Quadrant (c). */
    public MinibatchResult minibatch() {
        return MinibatchQuadrant.run(config, backend);
    }

    /** Quadrant (d). */
    public LogisticResult logistic() {
        return LogisticQuadrant.run(config, backend);
    }

    /** All four, in order. */
    public FourQuadrantsResult run() {
        return new FourQuadrantsResult(config, eigenbasisLinear(), blockCovariance(), minibatch(), logistic());
    }
}
