package org.eigenbasis.precond;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eigenbasis.spi.Backend;

/**
 * The named optimizers, each an {@link EigenbasisOptimizer} with the spec of its config record, and a factory that
 * reads configs by the reference implementations' key names (for the CLI and JSON configs).
 */
public final class Optimizers {
    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("adamw", "soap", "shampoo", "ecshampoo", "kfac", "ekfac");
    /** Every config key some optimizer reads. */
    public static final Set<String> KEYS = Set.of("lr", "betas", "shampoo_beta", "eps", "weight_decay",
            "precondition_frequency", "max_precond_dim", "merge_dims", "precondition_1d", "normalize_grads",
            "correct_bias", "basis_change", "start_preconditioning_step", "exponent", "grafting", "graft_beta2",
            "graft_eps", "tolerance", "max_iterations", "momentum", "stat_decay", "damping", "damping_mode");

    private Optimizers() {
    }

    /**
     * AdamW (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization") with torch.optim.AdamW's
     * semantics, in the identity basis: per element, p ← p·(1 − lr·wd), then
     * p ← p − lr/(1 − β₁ᵗ)·m/(√(v/(1 − β₂ᵗ)) + ε) with m, v the EMAs of g and g² ({@link AdamWConfig}).
     * Defaults ({@link AdamWConfig#defaults()}): lr 1e-3, betas (0.9, 0.999), ε 1e-8, weight decay 0.01.
     * Legal ranges: lr, ε, weight decay finite and ≥ 0; β₁, β₂ in [0, 1) (checked by the config).
     * State per parameter: two arrays of its size.
     *
     * @param config  the hyper-parameters
     * @param params  the parameters to update in place (unique names)
     * @param backend where the state lives and the kernels run ({@code Backends.select("auto")} for the best)
     * @return an open optimizer; close it to free off-heap state
     * @throws NullPointerException     for a null argument
     * @throws IllegalArgumentException when two parameters share a name
     */
    public static EigenbasisOptimizer adamW(AdamWConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

    /**
     * SOAP (Vyas et al. 2024, "SOAP: Improving and Stabilizing Shampoo using Adam"), bit for bit the step of the
     * reference soap.py: Adam run in the eigenbasis of Shampoo's factors, G̃ = Q_Lᵀ G Q_R, m and v the EMAs of G̃
     * and G̃², p ← p − lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·Q_L (m/(√v + ε)) Q_Rᵀ, then p ← p − lr·wd·p; the factors
     * F ← β_s F + (1 − β_s)·(G Gᵀ, Gᵀ G) after the step, and every f steps one warm-started QR step
     * Q ← qr(F Q) (formula in full: {@link SoapConfig}). The first step only initialises the factors and bases
     * and leaves the parameters unchanged. Defaults ({@link SoapConfig#defaults()}): lr 3e-3, betas
     * (0.95, 0.95), shampoo_beta = β₂, ε 1e-8, weight decay 0.01, precondition frequency 10, max_precond_dim
     * 10000, no merge_dims, no precondition_1d, no normalize_grads, bias correction on, PERMUTE.
     * Legal ranges: lr, ε, weight decay ≥ 0; β₁, β₂ in [0, 1); shampoo_beta in [0, 1) or &lt; 0 for β₂;
     * frequency and max_precond_dim ≥ 1. Dims above max_precond_dim get no factor (identity along them).
     *
     * @param config  the hyper-parameters
     * @param params  the parameters to update in place (unique names)
     * @param backend where the state lives and the kernels run
     * @return an open optimizer; close it to free off-heap state
     * @throws NullPointerException     for a null argument
     * @throws IllegalArgumentException when two parameters share a name
     */
    public static EigenbasisOptimizer soap(SoapConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

    /**
     * Shampoo (Gupta et al. 2018, "Shampoo: Preconditioned Stochastic Tensor Optimization"; Anil et al. 2020)
     * with norm grafting: per tensor block, one factor F_k ← β₂F_k + (1 − β₂)·G_(k) G_(k)ᵀ per dim
     * ≤ max_precond_dim (β₂ = 1: a sum), eigendecomposed every f steps, and the direction
     * P = m ×_k (F_k + εI)^(−e) (e = 1/(2·order) by default: L^(−1/4) m R^(−1/4) for a matrix), rescaled to the
     * norm of the grafting direction ({@link ShampooConfig}). Defaults ({@link ShampooConfig#defaults()},
     * DistributedShampoo's): lr 0.01, betas (0.9, 1.0), ε 1e-12, weight decay 0, frequency 1, start step 1,
     * exponent 1/(2·order), Adam grafting (β₂ 0.999, ε 1e-8), max_precond_dim 1024, precondition_1d true.
     * Legal ranges: lr, ε, weight decay, graft ε ≥ 0; β₁ in [0, 1); β₂ in [0, 1]; graft β₂ in [0, 1);
     * exponent in [0, 4] (0 = 1/(2·order)); frequency, start step and max_precond_dim ≥ 1.
     *
     * @param config  the hyper-parameters
     * @param params  the parameters to update in place (unique names)
     * @param backend where the state lives and the kernels run
     * @return an open optimizer; close it to free off-heap state
     * @throws NullPointerException     for a null argument
     * @throws IllegalArgumentException when two parameters share a name
     */
    public static EigenbasisOptimizer shampoo(ShampooConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

    /**
     * Eigenvalue-corrected Shampoo with the adaptive basis refresh of "Purifying Shampoo" (Eschenhagen et al.
     * 2025): Adam in the eigenbasis of Shampoo's factors (like SOAP), the factors updated after the step, and
     * each factor's basis refreshed only when its off-diagonal error ‖B − diag B‖_F/‖B‖_F, B = QᵀFQ, exceeds τ,
     * by warm-started QR iterations until it is ≤ τ or max_iterations ({@link EcShampooConfig}; counters in
     * {@link EigenbasisOptimizer#refreshReport()}). Defaults ({@link EcShampooConfig#defaults()}): lr 1e-3,
     * betas (0.9, 0.999), shampoo_beta 0.999, ε 1e-8, weight decay 0.01, frequency 10, τ 0.01, 10 iterations,
     * max_precond_dim 10000, precondition_1d true, PERMUTE.
     * Legal ranges: lr, ε, weight decay ≥ 0; β₁, β₂ in [0, 1); shampoo_beta in [0, 1) or &lt; 0 for β₂; τ in
     * [0, 1] (0: a full eigendecomposition every f steps); frequency, iterations, max_precond_dim ≥ 1.
     *
     * @param config  the hyper-parameters
     * @param params  the parameters to update in place (unique names)
     * @param backend where the state lives and the kernels run
     * @return an open optimizer; close it to free off-heap state
     * @throws NullPointerException     for a null argument
     * @throws IllegalArgumentException when two parameters share a name
     */
    public static EigenbasisOptimizer ecShampoo(EcShampooConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

    /**
     * K-FAC (Martens and Grosse 2015, "Optimizing Neural Networks with Kronecker-factored Approximate
     * Curvature") or, with {@code config.ekfac()}, EK-FAC (George et al. 2018, "Fast Approximate Natural
     * Gradient Descent in a Kronecker-factored Eigenbasis"), for linear layers W (out × in): the factors
     * A = E[a aᵀ] and S = E[g gᵀ] come from the {@link Gradients.LayerStatistics} the caller passes with every
     * step, and the update is Q_S (G̃ / d) Q_Aᵀ with d the damped λ_S,i·λ_A,j (K-FAC) or the damped running
     * second moment of the per-sample rotated gradients (EK-FAC), averaged with momentum ({@link KfacConfig}).
     * Every rank-2 parameter is such a layer and needs statistics every step; other parameters (biases) take
     * momentum SGD with the same lr. Defaults ({@link KfacConfig#defaults()}, KFAC-Pytorch's): lr 1e-2,
     * momentum 0.9, stat decay 0.95, automatic damping (0.1 × mean curvature), ADDITIVE, L2 weight decay 0,
     * frequency 100. Legal ranges: lr, weight decay ≥ 0; momentum, stat decay in [0, 1); damping ≥ 0 or NaN for
     * automatic; FACTORED_TIKHONOV for K-FAC only; frequency ≥ 1.
     *
     * @param config  the hyper-parameters
     * @param params  the parameters to update in place (unique names)
     * @param backend where the state lives and the kernels run
     * @return an open optimizer; close it to free off-heap state
     * @throws NullPointerException     for a null argument
     * @throws IllegalArgumentException when two parameters share a name
     */
    public static EigenbasisOptimizer kfac(KfacConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

    /**
     * An optimizer by name ({@link #NAMES}) with the config keys of the reference implementations; absent keys take
     * the config record's defaults. A key that no optimizer here knows is an {@link IllegalArgumentException}
     * listing the known ones (a typo must not pass silently); a key that another optimizer knows is ignored, so one
     * config file can drive a comparison of several optimizers.
     * Values: numbers ({@link Number}), booleans, {@code betas} as a two-element {@link List} of numbers or a
     * {@code double[]}, enums by name (case-insensitive).
     * <ul>
     *   <li>adamw: lr, betas, eps, weight_decay</li>
     *   <li>soap: lr, betas, shampoo_beta, eps, weight_decay, precondition_frequency, max_precond_dim, merge_dims,
     *       precondition_1d, normalize_grads, correct_bias, basis_change</li>
     *   <li>shampoo: lr, betas, eps, weight_decay, precondition_frequency, start_preconditioning_step, exponent,
     *       grafting (none|sgd|adagrad|rmsprop|adam), graft_beta2, graft_eps, max_precond_dim, precondition_1d</li>
     *   <li>ecshampoo: lr, betas, shampoo_beta, eps, weight_decay, precondition_frequency, tolerance,
     *       max_iterations, max_precond_dim, precondition_1d, basis_change</li>
     *   <li>kfac, ekfac: lr, momentum, stat_decay, damping, damping_mode (additive|factored_tikhonov),
     *       weight_decay, precondition_frequency</li>
     * </ul>
     * What each builds, its formula, defaults and legal ranges: {@link #adamW}, {@link #soap}, {@link #shampoo},
     * {@link #ecShampoo}, {@link #kfac} (kfac and ekfac).
     *
     * @param name    one of {@link #NAMES}, case-insensitive, surrounding blanks ignored
     * @param config  keys of the reference implementations; an empty map for the defaults
     * @param params  the parameters to update in place (unique names)
     * @param backend where the state lives and the kernels run
     * @return an open optimizer; close it to free off-heap state
     * @throws NullPointerException     for a null config, params or backend
     * @throws IllegalArgumentException for an unknown name or key, a value of the wrong type (not a number, an
     *                                  integer, a boolean, a list of two numbers or one of the enum's names), a
     *                                  value outside its range (the message names the key and the range), or two
     *                                  parameters sharing a name
     */
    public static EigenbasisOptimizer create(String name, Map<String, Object> config, List<Parameter> params,
                                             Backend backend) {
        Objects.requireNonNull(config, "config");
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Reader r = new Reader(key, config);
        EigenbasisOptimizer optimizer = switch (key) {
            case "adamw" -> {
                AdamWConfig d = AdamWConfig.defaults();
                yield adamW(new AdamWConfig(r.number("lr", d.lr()), r.betas(d.betas()), r.number("eps", d.eps()),
                        r.number("weight_decay", d.weightDecay())), params, backend);
            }
            case "soap" -> {
                SoapConfig d = SoapConfig.defaults();
                yield soap(new SoapConfig(r.number("lr", d.lr()), r.betas(d.betas()),
                        r.number("shampoo_beta", d.shampooBeta()), r.number("eps", d.eps()),
                        r.number("weight_decay", d.weightDecay()),
                        r.integer("precondition_frequency", d.preconditionFrequency()),
                        r.integer("max_precond_dim", d.maxPrecondDim()), r.bool("merge_dims", d.mergeDims()),
                        r.bool("precondition_1d", d.precondition1d()), r.bool("normalize_grads", d.normalizeGrads()),
                        r.bool("correct_bias", d.correctBias()),
                        r.choice("basis_change", BasisChangePolicy.class, d.basisChange())), params, backend);
            }
            case "shampoo" -> {
                ShampooConfig d = ShampooConfig.defaults();
                yield shampoo(new ShampooConfig(r.number("lr", d.lr()), r.betas(d.betas()), r.number("eps", d.eps()),
                        r.number("weight_decay", d.weightDecay()),
                        r.integer("precondition_frequency", d.preconditionFrequency()),
                        r.integer("start_preconditioning_step", d.startPreconditioningStep()),
                        r.number("exponent", d.exponent()), r.choice("grafting", Grafting.class, d.grafting()),
                        r.number("graft_beta2", d.graftBeta2()), r.number("graft_eps", d.graftEps()),
                        r.integer("max_precond_dim", d.maxPrecondDim()),
                        r.bool("precondition_1d", d.precondition1d())), params, backend);
            }
            case "ecshampoo" -> {
                EcShampooConfig d = EcShampooConfig.defaults();
                yield ecShampoo(new EcShampooConfig(r.number("lr", d.lr()), r.betas(d.betas()),
                        r.number("shampoo_beta", d.shampooBeta()), r.number("eps", d.eps()),
                        r.number("weight_decay", d.weightDecay()),
                        r.integer("precondition_frequency", d.preconditionFrequency()),
                        r.number("tolerance", d.tolerance()), r.integer("max_iterations", d.maxIterations()),
                        r.integer("max_precond_dim", d.maxPrecondDim()),
                        r.bool("precondition_1d", d.precondition1d()),
                        r.choice("basis_change", BasisChangePolicy.class, d.basisChange())), params, backend);
            }
            case "kfac", "ekfac" -> {
                KfacConfig d = KfacConfig.defaults(key.equals("ekfac"));
                yield kfac(new KfacConfig(d.ekfac(), r.number("lr", d.lr()), r.number("momentum", d.momentum()),
                        r.number("stat_decay", d.statDecay()), r.number("damping", d.damping()),
                        r.choice("damping_mode", KfacDamping.class, d.dampingMode()),
                        r.number("weight_decay", d.weightDecay()),
                        r.integer("precondition_frequency", d.preconditionFrequency())), params, backend);
            }
            default -> throw new IllegalArgumentException("optimizer: '" + name + "' is not one of " + NAMES);
        };
        r.requireAllUsed();
        return optimizer;
    }

    /** Typed reads from a config map, remembering which keys were read. */
    private static final class Reader {
        private final String optimizer;
        private final Map<String, Object> config;
        private final Set<String> used = new LinkedHashSet<>();

        Reader(String optimizer, Map<String, Object> config) {
            this.optimizer = optimizer;
            this.config = config;
        }

        private Object get(String key) {
            used.add(key);
            return config.get(key);
        }

        double number(String key, double fallback) {
            Object v = get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw new IllegalArgumentException(optimizer + " config '" + key + "': " + v + " is not a number");
        }

        int integer(String key, int fallback) {
            double x = number(key, fallback);
            if (x != Math.rint(x) || x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(optimizer + " config '" + key + "': " + x + " is not an integer");
            }
            return (int) x;
        }

        boolean bool(String key, boolean fallback) {
            Object v = get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException(optimizer + " config '" + key + "': " + v + " is not true or false");
        }

        double[] betas(double[] fallback) {
            Object v = get("betas");
            if (v == null) {
                return fallback;
            }
            List<Object> items = new ArrayList<>();
            if (v instanceof double[] d) {
                for (double x : d) {
                    items.add(x);
                }
            } else if (v instanceof List<?> list) {
                items.addAll(list);
            } else {
                throw new IllegalArgumentException(optimizer + " config 'betas': " + v + " is not a list of two numbers");
            }
            if (items.size() != 2 || !(items.get(0) instanceof Number) || !(items.get(1) instanceof Number)) {
                throw new IllegalArgumentException(optimizer + " config 'betas': " + v + " is not a list of two numbers");
            }
            return new double[] {((Number) items.get(0)).doubleValue(), ((Number) items.get(1)).doubleValue()};
        }

        <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
            Object v = get(key);
            if (v == null) {
                return fallback;
            }
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(String.valueOf(v))) {
                    return e;
                }
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(optimizer + " config '" + key + "': '" + v + "' is not one of " + names);
        }

        void requireAllUsed() {
            for (String key : config.keySet()) {
                if (!used.contains(key) && !KEYS.contains(key)) {
                    throw new IllegalArgumentException(optimizer + " config: unknown key '" + key + "' (" + optimizer
                            + " reads " + used + ")");
                }
            }
        }
    }
}
