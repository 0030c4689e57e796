package org.eigenbasis.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;

/**
 * The one place the CLI creates optimizers ({@code train}, {@code optim replay}). For now it knows only
 * {@code sgd} ({@link SgdOptimizer}); the Kronecker-factored optimizers of issue 4 (adamw, shampoo, soap,
 * ecshampoo, kfac, ekfac) will be reached through {@code org.eigenbasis.precond.Optimizers.create} with the same
 * arguments once that library is in, by changing this class only.
 *
 * <p>Config values are as {@link OptimizerConfig} reads them from JSON: {@link Number} (Integer or Long for
 * integral literals, Double otherwise), {@link Boolean}, {@link String}, and {@code double[]} for arrays.
 */
final class OptimizerFactory {
    /** The names {@link #create} accepts. */
    static final List<String> NAMES = List.of("sgd");
    /** Names that are planned but not available in this build: a clearer message than "unknown". */
    static final List<String> PLANNED = List.of("adamw", "shampoo", "soap", "ecshampoo", "kfac", "ekfac");

    private OptimizerFactory() {
    }

    /**
     * An optimizer over {@code params}; an unknown name or a bad config is an {@link IllegalArgumentException}
     * (exit 2) naming the value and what is accepted.
     */
    static Optimizer create(String name, Map<String, Object> config, List<Parameter> params, Backend backend) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(params, "params");
        String key = checkName(name);
        return switch (key) {
            case "sgd" -> SgdOptimizer.create(config, params);
            default -> throw new IllegalStateException("checkName accepted '" + key + "'");
        };
    }

    /**
     * The canonical (trimmed, lower-case) name when {@link #create} knows it; otherwise the same
     * {@link IllegalArgumentException} as create, so commands can refuse a bad name before reading any input.
     */
    static String checkName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (NAMES.contains(key)) {
            return key;
        }
        if (PLANNED.contains(key)) {
            throw new IllegalArgumentException("--optimizer: '" + name + "' is not available in this build yet; available: "
                    + String.join(", ", NAMES));
        }
        throw new IllegalArgumentException("--optimizer: unknown optimizer '" + name + "'; available: " + String.join(", ", NAMES));
    }
}
