package org.eigenbasis.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * In a child JVM with -Xmx64m (the pattern of CheckpointKillTest), requests that need far more heap are refused with
 * a MemoryLimitException naming the amount, not an OutOfMemoryError: a 1 GiB matrix batch, and an eigh on the java
 * backend whose input fits but whose vectors and working copies (about 72 MiB) do not.
 */
class HeapLimitChildJvmTest {
    /** Child: prints one line per request, "refused: message" or "ran" or the throwable's class. */
    public static void main(String[] args) {
        run(() -> BatchedMatrix.zeros(DType.F64, 128, 1024, 1024).close());     // 1 GiB
        int n = 1536;                                                             // 18 MiB input
        try (BatchedMatrix a = BatchedMatrix.zeros(DType.F64, 1, n, n)) {
            for (int i = 0; i < n; i++) {
                a.set(0, i, i, i);
            }
            run(() -> SymmetricEigen.on("java").decompose(a).close());
        }
        System.out.flush();
    }

    private static void run(Runnable request) {
        try {
            request.run();
            System.out.println("ran");
        } catch (org.eigenbasis.value.MemoryLimitException e) {
            System.out.println("refused: " + e.getMessage());
        } catch (Throwable t) {
            System.out.println("failed: " + t);
        }
    }

    @Test
    void requestsBeyondASmallHeapAreRefusedNotOutOfMemory() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), HeapLimitChildJvmTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, child.exitValue(), out);
        String[] lines = out.strip().split("\\R");
        assertEquals(2, lines.length, out);
        assertFalse(out.contains("OutOfMemoryError"), out);
        assertTrue(lines[0].startsWith("refused: a matrix batch (128, 1024, 1024) f64 on the heap needs 1073741824 bytes"
                + " (1.000 GiB) of JVM heap"), lines[0]);
        assertTrue(lines[1].startsWith("refused: eigh of (1, 1536, 1536) f64 on the java backend needs "), lines[1]);
        assertTrue(lines[1].contains(" GiB) of JVM heap"), lines[1]);
    }
}
