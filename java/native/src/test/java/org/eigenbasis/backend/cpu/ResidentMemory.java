package org.eigenbasis.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The process's resident set size, for the soak tests that check native memory stays flat (Linux only). */
final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Skips the calling test, visibly, where /proc/self/status is missing. */
    static void assumeReadable() {
        Assumptions.assumeTrue(Files.isReadable(STATUS), "needs Linux /proc");
    }

    /** VmRSS in KiB. */
    static long kib() throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in " + STATUS);
    }
}
