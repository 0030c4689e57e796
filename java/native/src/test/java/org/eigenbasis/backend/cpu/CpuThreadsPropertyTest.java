package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.binding.CpuKernels;
import org.junit.jupiter.api.Test;

/**
 * -Deigenbasis.cpu.threads sets the batch workers when the library loads (read in a JVM of its own); a bad value is
 * refused by the first call, naming the property and the legal range.
 */
class CpuThreadsPropertyTest {
    /** Prints the worker count in effect, or the first call's refusal. */
    static final class Probe {
        public static void main(String[] args) {
            CpuBackend cpu = new CpuBackend();
            if (!cpu.availability().available()) {
                System.out.println("error=unavailable");
                return;
            }
            try {
                System.out.println("threads=" + CpuKernels.threads());
            } catch (IllegalArgumentException e) {
                System.out.println("error=" + e.getMessage());
            }
        }
    }

    private static String probe(String value) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path out = Files.createTempFile("threads-probe", ".txt");
        try {
            Process p = new ProcessBuilder(List.of(java, "-D" + CpuKernels.THREADS_PROPERTY + "=" + value, "-cp",
                    System.getProperty("java.class.path"), Probe.class.getName()))
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the probe JVM did not finish in 60 s");
            }
            return Files.readString(out, StandardCharsets.UTF_8).strip();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void oneWorkerWhenAskedAndARefusalForNonsense() throws Exception {
        assertEquals("threads=1", probe("1"));
        assertEquals("threads=3", probe(" 3 "));
        String bad = probe("many");
        assertTrue(bad.startsWith("error=-D" + CpuKernels.THREADS_PROPERTY + "=many"), bad);
        assertTrue(bad.contains("[0, 4096]"), bad);
    }
}
