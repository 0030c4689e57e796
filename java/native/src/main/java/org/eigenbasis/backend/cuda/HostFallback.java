package org.eigenbasis.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host backend (cpu, else java) that runs what the cuda backend does not run on the GPU, and the one log line
 * per kernel family that says so, as {@code auto} logs its choice: a caller who asked for cuda learns where the
 * work went, once per JVM, not once per call.
 */
final class HostFallback {
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);
    private static final Set<String> NOTED = ConcurrentHashMap.newKeySet();
    private static final List<String> LINES = new ArrayList<>();

    private HostFallback() {
    }

    /** The host backend for {@code kernel}, logging "eigenbasis: cuda KERNEL -> HOST (WHY)" the first time. */
    static Backend forKernel(String kernel, String why) {
        Backend host = host();
        if (NOTED.add(kernel)) {
            String line = "eigenbasis: cuda " + kernel + " -> host backend " + host.name() + " (" + why + ")";
            synchronized (LINES) {
                LINES.add(line);
            }
            LOG.info(line);
        }
        return host;
    }

    /** The host backend, without a notice (for descriptions). */
    static Backend host() {
        Backend cpu = Backends.find("cpu");
        return cpu != null && cpu.availability().available() ? cpu : Backends.select("java");
    }

    /** The lines logged so far in this JVM, oldest first. */
    static List<String> lines() {
        synchronized (LINES) {
            return List.copyOf(LINES);
        }
    }
}
