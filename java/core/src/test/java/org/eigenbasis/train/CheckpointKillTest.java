package org.eigenbasis.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.precond.OptimizerStates;
import org.eigenbasis.precond.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency: a child JVM ({@link #main}) writes checkpoints {@link #state}(k), k = start, start+1, ... in a
 * loop; the parent kills it with SIGKILL ({@link Process#destroyForcibly()}) at a random moment after its first
 * write, then requires the file on disk to decode (magic, length, CRC32C) and to equal, byte for byte, state(k) for
 * the step k it names. {@code -Deigenbasis.killTest.kills=N} sets the number of kills (default 200, about 30 s here; the design notes
 * record a run of 200).
 */
class CheckpointKillTest {
    private static final String CONFIG = "kill-test";

    @TempDir
    Path dir;

    /** The checkpoint the child writes at counter k: every byte a function of k. */
    static TrainingCheckpoint state(int k, Path scratch) throws IOException {
        double[] w = new double[2000];
        float[] b = new float[10];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.sin(k + 0.001 * i);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = k * 0.5f + i;
        }
        List<Parameter> params = List.of(Parameter.of("w", w, 20, 100), Parameter.of("b", b, 10));
        Path tmp = Files.createTempFile(scratch, ".opt-", ".tmp");
        try {
            OptimizerStates.save(tmp, CONFIG, k, 0, params, Map.of("count", new long[] {k, 2L * k}));
            double[] losses = new double[k];
            for (int i = 0; i < k; i++) {
                losses[i] = 1.0 / (i + 1);
            }
            return new TrainingCheckpoint(CONFIG, "synthetic", k, k, 3L * k, 0, new int[] {k}, losses,
                    params, Files.readAllBytes(tmp));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The child: args = checkpoint file, first counter. Prints one line after its first write, then loops. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        Path scratch = Files.createDirectories(file.resolveSibling("scratch"));
        for (int k = Integer.parseInt(args[1]); ; k++) {
            state(k, scratch).write(file);
            if (k == Integer.parseInt(args[1])) {
                System.out.println("written");
                System.out.flush();
            }
        }
    }

    @Test
    void everyKillLeavesAWholeCheckpointOfAStateBeingSaved() throws Exception {
        int kills = Integer.getInteger("eigenbasis.killTest.kills", 200);
        Path file = dir.resolve("loop.ckpt");
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random random = new Random(20261207);
        int start = 0;
        int midWrite = 0;
        for (int kill = 0; kill < kills; kill++) {
            Process child = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), CheckpointKillTest.class.getName(), file.toString(),
                    Integer.toString(start)).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("written", line, "child " + kill + " did not start");
            Thread.sleep(random.nextInt(30));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child " + kill + " did not die");
            try (var leftovers = Files.list(dir)) {
                // SIGKILL skips writeAtomically's finally block; the next child's first write sweeps the orphan
                long temps = leftovers.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
                assertTrue(temps <= 1, "after kill " + kill + ": " + temps + " temporary files, earlier orphans not swept");
                midWrite += temps;
            }
            byte[] onDisk = Files.readAllBytes(file);
            TrainingCheckpoint c = TrainingCheckpoint.decode(onDisk, "after kill " + kill + ": ");
            assertTrue(c.step() >= 0 && c.step() < start + 1_000_000, "step " + c.step());
            assertArrayEquals(state(c.step(), scratch).encode(), onDisk, "after kill " + kill + ": step " + c.step());
            start = c.step() + 1;
        }
        if (System.getProperty("eigenbasis.killTest.kills") != null) {
            System.out.printf("CheckpointKillTest: %d kills, %d in the middle of a write (temporary file left), last step %d%n",
                    kills, midWrite, start - 1);
        }
    }
}
