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

    public static EigenbasisOptimizer adamW(AdamWConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

    public static EigenbasisOptimizer soap(SoapConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

    public static EigenbasisOptimizer shampoo(ShampooConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

    public static EigenbasisOptimizer ecShampoo(EcShampooConfig config, List<Parameter> params, Backend backend) {
        return new EigenbasisOptimizer(config.toSpec(), config.lr(), params, backend);
    }

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
                        r.integer("precondition_frequency", d.precondFrequency()),
                        r.integer("max_precond_dim", d.maxPrecondDim()), r.bool("merge_dims", d.mergeDims()),
                        r.bool("precondition_1d", d.precondition1d()), r.bool("normalize_grads", d.normalizeGrads()),
                        r.bool("correct_bias", d.correctBias()),
                        r.choice("basis_change", BasisChangePolicy.class, d.basisChange())), params, backend);
            }
            case "shampoo" -> {
                ShampooConfig d = ShampooConfig.defaults();
                yield shampoo(new ShampooConfig(r.number("lr", d.lr()), r.betas(d.betas()), r.number("eps", d.eps()),
                        r.number("weight_decay", d.weightDecay()),
                        r.integer("precondition_frequency", d.precondFrequency()),
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
                        r.integer("precondition_frequency", d.precondFrequency()),
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
                        r.integer("precondition_frequency", d.precondFrequency())), params, backend);
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
