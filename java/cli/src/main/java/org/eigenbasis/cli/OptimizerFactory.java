package org.eigenbasis.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;

/**
 * The one place the CLI creates optimizers ({@code train}, {@code optim replay}): the six of the library through
 * {@link Optimizers#create} (adamw, soap, shampoo, ecshampoo, kfac, ekfac, with the reference implementations' key
 * names), plus {@code sgd} ({@link SgdOptimizer}), the plain baseline that the library does not have.
 *
 * <p>Config values are as {@link OptimizerConfig} reads them from JSON: {@link Number} (Integer or Long for
 * integral literals, Double otherwise), {@link Boolean}, {@link String}, and {@code double[]} for arrays, which
 * is what {@code Optimizers.create} accepts ({@code betas} as a two-element array, enums by name). Keys follow
 * the library's rule for every optimizer, sgd included: a key that no optimizer knows is refused, naming it; a
 * key that another optimizer reads is ignored, so one config file can drive a comparison.
 */
final class OptimizerFactory {
    /** The names {@link #create} accepts. */
    static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>(Optimizers.NAMES);
        names.add("sgd");
        NAMES = List.copyOf(names);
    }

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
        if (key.equals("sgd")) {
            return SgdOptimizer.create(config, params);
        }
        return Optimizers.create(key, config, params, backend);
    }

    /** Whether the optimizer builds its preconditioner from K-FAC layer statistics (kfac, ekfac). */
    static boolean needsLayerStatistics(String name) {
        String key = checkName(name);
        return key.equals("kfac") || key.equals("ekfac");
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
        throw new IllegalArgumentException("--optimizer: unknown optimizer '" + name + "'; available: " + String.join(", ", NAMES));
    }
}
