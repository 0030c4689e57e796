package org.eigenbasis.cli;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;

/** Resolves --backend values: a name, auto, or (for commands over several backends) all available. */
final class BackendOption {
    private BackendOption() {
    }

    /** The named backend, or the default (system property eigenbasis.backend, else auto) when null. */
    static Backend one(String name) {
        return name == null ? Backends.defaultBackend() : Backends.select(name);
    }

    /** The named backends (comma-separated), or every available backend when null or "all". */
    static List<Backend> many(String names) {
        List<Backend> out = new ArrayList<>();
        if (names == null || names.equalsIgnoreCase("all")) {
            for (Backend b : Backends.all()) {
                if (b.availability().available()) {
                    out.add(b);
                }
            }
            return out;
        }
        for (String name : names.split(",")) {
            Backend b = Backends.select(name.trim());
            if (!out.contains(b)) {
                out.add(b);
            }
        }
        return out;
    }
}
