package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.binding.CpuKernels;
import org.junit.jupiter.api.Test;

/**
 * The switch -Deigenbasis.cpu.portable: its values, what the backend reports in this JVM (CI runs the whole suite
 * once more with it set to true), and, in JVMs of their own (the property is read when the library loads), that
 * the forced path is reported and taken: the resetting simulator's results are the same bits on both paths and
 * eigh keeps its invariants.
 */
class CpuPortablePathTest {
    private static final String FORCED = "off (forced portable by -D" + CpuBackend.PORTABLE_PROPERTY + "=true";

    @Test
    void onlyTrueAndFalseAreAccepted() {
        assertFalse(CpuKernels.portableSetting(null));
        assertFalse(CpuKernels.portableSetting("false"));
        assertTrue(CpuKernels.portableSetting("true"));
        assertTrue(CpuKernels.portableSetting(" TRUE "));
        for (String bad : new String[] {"", "yes", "1", "on", "tru"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CpuKernels.portableSetting(bad), bad);
            assertTrue(e.getMessage().contains("-Deigenbasis.cpu.portable=" + bad + ":")
                    && e.getMessage().contains("true") && e.getMessage().contains("false"), e.getMessage());
        }
    }

    @Test
    void describeReportsThisJvmsPath() {
        CpuBackend cpu = new CpuBackend();
        assertTrue(cpu.availability().available(), () -> cpu.availability().reason());
        String kernels = cpu.describe().get("avx512_kernels");
        if (CpuKernels.portableSetting(System.getProperty(CpuBackend.PORTABLE_PROPERTY))) {
            // Forced by the property, or already by EB_CPU_AVX512=0 (CI sets both for its second run: the
            // environment variable reaches the C++ self-tests, which the property cannot).
            assertTrue(kernels.startsWith(FORCED)
                    || "0".equals(System.getenv("EB_CPU_AVX512")) && kernels.startsWith("off (forced portable by"),
                    kernels);
            assertTrue(CpuBackend.portableKernelsForced());
        } else if (!"0".equals(System.getenv("EB_CPU_AVX512"))) {
            assertFalse(kernels.contains("forced"), kernels);
            assertFalse(CpuBackend.portableKernelsForced());
        }
    }

    @Test
    void bothPathsGiveTheSameBitsAndEighKeepsItsInvariants() throws Exception {
        Map<String, String> dispatched = probe("false");
        Map<String, String> portable = probe("true");
        assertTrue(portable.get("avx512_kernels").startsWith(FORCED), portable.toString());
        assertEquals("true", portable.get("portable"), portable.toString());
        String wide = dispatched.get("avx512_kernels");
        // on a CPU without AVX-512 both JVMs run the portable paths and the comparison below proves less
        assertTrue(wide.startsWith("used (") || wide.equals("not used (no AVX-512 on this CPU)"), dispatched.toString());
        assertEquals("false", dispatched.get("portable"), dispatched.toString());
        int compared = 0;
        for (Map.Entry<String, String> e : dispatched.entrySet()) {
            if (e.getKey().startsWith("sums.")) {
                assertEquals(e.getValue(), portable.get(e.getKey()), e.getKey() + ": the portable path's results differ");
                compared++;
            }
        }
        assertEquals(6, compared, dispatched.toString());
        assertEquals("ok", portable.get("eigh"), portable.toString());
        assertEquals("ok", dispatched.get("eigh"), dispatched.toString());
    }

    @Test
    void aBadValueIsRefusedByTheFirstCall() throws Exception {
        Map<String, String> out = probe("yes");
        assertTrue(out.getOrDefault("error", "").startsWith(
                "IllegalArgumentException: -Deigenbasis.cpu.portable=yes: the value must be true"), out.toString());
    }

    /** PortablePathProbe's lines in a fresh JVM with -Deigenbasis.cpu.portable=value (EB_CPU_AVX512 cleared). */
    private static Map<String, String> probe(String value) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String output;
        List<String> command = new ArrayList<>(List.of(java, "-D" + CpuBackend.PORTABLE_PROPERTY + "=" + value,
                "-cp", System.getProperty("java.class.path"), PortablePathProbe.class.getName()));
        Path out = Files.createTempFile("portable-probe", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().remove("EB_CPU_AVX512");
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the probe JVM (-D" + CpuBackend.PORTABLE_PROPERTY + "=" + value
                        + ") did not finish in 120 s");
            }
            output = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), output);
        } finally {
            Files.deleteIfExists(out);
        }
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                lines.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return lines;
    }
}
