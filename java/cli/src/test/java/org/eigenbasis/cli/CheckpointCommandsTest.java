package org.eigenbasis.cli;

import static org.eigenbasis.cli.ResetCommandsTest.assertBadInput;
import static org.eigenbasis.cli.ResetCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eigenbasis.cli.ResetCommandsTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --checkpoint/--resume} and {@code optim check-state}. */
class CheckpointCommandsTest {
    @TempDir
    Path dir;

    private Run train(int steps, Path checkpoint, Path resume, String out) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--optimizer", "adamw:0.01",
                "--model", "mlp", "--hidden", "6", "--batch-size", "200", "--seed", "4", "--steps", Integer.toString(steps),
                "--backend", "java", "--out", dir.resolve(out).toString(), "--checkpoint", checkpoint.toString(),
                "--checkpoint-every", "4"));
        if (resume != null) {
            args.add("--resume");
            args.add(resume.toString());
        }
        return run(args.toArray(String[]::new));
    }

    @Test
    void resumedTrainingEndsWithTheBytesOfAnUninterruptedRun() throws IOException {
        Path whole = dir.resolve("whole.ckpt");
        Path half = dir.resolve("half.ckpt");
        Path resumed = dir.resolve("resumed.ckpt");
        Run a = train(10, whole, null, "a");
        assertEquals(0, a.code(), a.err());
        assertEquals(0, train(6, half, null, "b").code());
        Run c = train(10, resumed, half, "c");
        assertEquals(0, c.code(), c.err());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed), "checkpoint at step 10");
        assertEquals(Files.readAllLines(dir.resolve("a/loss.csv")), Files.readAllLines(dir.resolve("c/loss.csv")));

        Run check = run("optim", "check-state", resumed.toString(), "--json");
        assertEquals(0, check.code(), check.err());
        JsonNode json = new ObjectMapper().readTree(check.out());
        assertEquals("adamw:0.01", json.get("optimizer").asText());
        assertEquals(10, json.get("step").asInt());
        assertEquals(4, json.get("parameters").asInt(), "weight and bias of two layers");
        assertEquals("ok", json.get("checksum").asText());
    }

    @Test
    void resumeRefusesAnotherSetupAndSeveralOptimizers() {
        Path half = dir.resolve("half.ckpt");
        assertEquals(0, train(4, half, null, "b").code());
        Run other = run("train", "--optimizer", "adamw:0.01", "--model", "mlp", "--hidden", "7", "--batch-size", "200",
                "--steps", "8", "--backend", "java", "--out", dir.resolve("x").toString(), "--resume", half.toString());
        assertBadInput(other, "checkpoint");
        Run two = run("train", "--optimizer", "sgd,adamw", "--model", "logreg", "--steps", "8", "--backend", "java",
                "--out", dir.resolve("y").toString(), "--checkpoint", dir.resolve("z.ckpt").toString());
        assertBadInput(two, "one --optimizer only");
    }

    @Test
    void checkStateRefusesEachKindOfDamageByName() throws IOException {
        Path good = dir.resolve("good.ckpt");
        assertEquals(0, train(4, good, null, "b").code());
        byte[] bytes = Files.readAllBytes(good);
        damaged(java.util.Arrays.copyOf(bytes, bytes.length / 2), "truncated");
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10;
        damaged(flipped, "checksum mismatch");
        byte[] version = bytes.clone();
        ByteBuffer.wrap(version).putInt(8, 9);
        damaged(version, "format version 9");
        byte[] magic = bytes.clone();
        magic[3] = 'Z';
        damaged(magic, "bad magic");
        Run text = run("optim", "check-state", good.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("step 4") && text.out().contains("checksum ok"), text.out());
    }

    @Test
    void checkStateReadsABareOptimizerStateFile() throws IOException {
        Path file = dir.resolve("adamw.state");
        java.util.List<org.eigenbasis.precond.Parameter> params =
                java.util.List.of(org.eigenbasis.precond.Parameter.of("w", new double[] {1, 2, 3}, 3));
        try (var opt = org.eigenbasis.precond.Optimizers.create("adamw", java.util.Map.of(), params,
                org.eigenbasis.spi.Backends.select("java"))) {
            opt.save(file);
        }
        Run check = run("optim", "check-state", file.toString(), "--json");
        assertEquals(0, check.code(), check.err());
        JsonNode json = new ObjectMapper().readTree(check.out());
        assertEquals(0, json.get("step").asInt());
        assertEquals(1, json.get("parameters").asInt());
        assertEquals(3, json.get("scalars").asInt());
        byte[] bytes = Files.readAllBytes(file);
        damaged(java.util.Arrays.copyOf(bytes, bytes.length - 1), "truncated");
    }

    private void damaged(byte[] bytes, String defect) throws IOException {
        Path file = Files.write(dir.resolve("bad.ckpt"), bytes);
        assertBadInput(run("optim", "check-state", file.toString(), "--json"), defect);
    }
}
