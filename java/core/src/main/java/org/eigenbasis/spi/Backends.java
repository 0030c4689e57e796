package org.eigenbasis.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of backends and the one place where a backend is chosen.
 *
 * <p>Selection, in order: an explicit name passed to {@link #select(String)} (API or CLI flag); else the system
 * property {@value #PROPERTY}; else {@code auto}. A named backend that cannot run is an error that says why
 * ({@link BackendUnavailableException}); {@code auto} takes the available backend of highest priority
 * (cuda, then cpu, then the java reference) and logs one line, once, naming what it skipped and why.
 */
public final class Backends {
    /** System property that selects the default backend: {@code auto}, {@code java}, {@code cpu} or {@code cuda}. */
    public static final String PROPERTY = "eigenbasis.backend";
    /** The name that asks for the best available backend. */
    public static final String AUTO = "auto";

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
    private static volatile List<Backend> registered;

    private Backends() {
    }

    /** Every registered backend, available or not, highest priority first. */
    public static List<Backend> all() {
        List<Backend> list = registered;
        if (list == null) {
            synchronized (Backends.class) {
                list = registered;
                if (list == null) {
                    List<Backend> found = new ArrayList<>();
                    for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
                        found.add(b);
                    }
                    found.sort(Comparator.comparingInt(Backend::priority).reversed());
                    list = List.copyOf(found);
                    registered = list;
                }
            }
        }
        return list;
    }

    /** The names of every registered backend, highest priority first. */
    public static List<String> names() {
        return all().stream().map(Backend::name).toList();
    }

    /**
     * The backend named {@code name} ({@code auto} for the best available). Unknown names are an
     * {@link IllegalArgumentException} listing the known ones; a known but unavailable backend is a
     * {@link BackendUnavailableException} with the reason.
     */
    public static Backend select(String name) {
        String key = name == null ? AUTO : name.trim().toLowerCase(Locale.ROOT);
        if (key.isEmpty() || key.equals(AUTO)) {
            return best();
        }
        for (Backend b : all()) {
            if (b.name().equals(key)) {
                Availability availability = b.availability();
                if (!availability.available()) {
                    throw new BackendUnavailableException(b.name(), availability.reason());
                }
                return b;
            }
        }
        throw new IllegalArgumentException("backend: '" + name + "' is not one of " + names() + " or auto");
    }

    /** The backend named by the system property {@value #PROPERTY}, or the best available when it is unset. */
    public static Backend defaultBackend() {
        return select(System.getProperty(PROPERTY, AUTO));
    }

    /** The backend named {@code name} whether or not it is available (for reports); null when unknown. */
    public static Backend find(String name) {
        for (Backend b : all()) {
            if (b.name().equalsIgnoreCase(name)) {
                return b;
            }
        }
        return null;
    }

    /** The available backend of highest priority; logs once which preferred backends it skipped, and why. */
    public static Backend best() {
        List<String> skipped = new ArrayList<>();
        for (Backend b : all()) {
            Availability availability = b.availability();
            if (availability.available()) {
                if (!skipped.isEmpty() && FALLBACK_LOGGED.compareAndSet(false, true)) {
                    LOG.info("eigenbasis: backend auto -> {} ({})", b.name(), String.join("; ", skipped));
                }
                return b;
            }
            skipped.add(b.name() + " unavailable: " + availability.reason());
        }
        throw new IllegalStateException("no eigenbasis backend is available: " + String.join("; ", skipped));
    }
}
