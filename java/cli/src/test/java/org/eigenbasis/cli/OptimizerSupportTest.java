package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OptimizerConfig's value types, and SgdOptimizer's state file: resume bit-identically, refuse corruption. */
class OptimizerSupportTest {
    @TempDir
    Path dir;

    @Test
    void configValuesKeepTheirJsonTypes() {
        Map<String, Object> c = OptimizerConfig.parse("{\"lr\": 3e-3, \"precondition_frequency\": 10, \"big\": 10000000000,"
                + " \"correct_bias\": true, \"betas\": [0.95, 0.95], \"grafting\": \"adam\"}", "cfg.json");
        assertEquals(List.of("lr", "precondition_frequency", "big", "correct_bias", "betas", "grafting"), List.copyOf(c.keySet()));
        // Exact: a JSON number is read as the correctly rounded double, the literal's bits.
        assertEquals(3e-3, c.get("lr"));
        assertEquals(10, c.get("precondition_frequency"));
        assertEquals(10_000_000_000L, c.get("big"));
        assertEquals(true, c.get("correct_bias"));
        assertArrayEquals(new double[] {0.95, 0.95}, (double[]) c.get("betas"));
        assertEquals("adam", c.get("grafting"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerConfig.parse("{\"betas\": [0.9, \"x\"]}", "cfg.json"));
        assertTrue(e.getMessage().contains("'betas': item 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.parse("{\"eps\": null}", "cfg.json"));
        assertTrue(e.getMessage().startsWith("cfg.json: 'eps': null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.parse("", "empty.json"));
        assertTrue(e.getMessage().contains("empty.json"), e.getMessage());
    }

    static Gradients gradients(int step, int size) {
        double[] g = new double[size];
        for (int i = 0; i < size; i++) {
            g[i] = Math.sin(1.7 * step + i);
        }
        return new Gradients().put("w", g);
    }

    @Test
    void sgdStateResumesBitIdenticallyAndCorruptFilesAreRefused() throws IOException {
        double[] a = {1, -2, 3, 0.5};
        double[] b = a.clone();
        Optimizer first = OptimizerFactory.create("sgd", Map.of("lr", 0.1, "momentum", 0.8),
                List.of(Parameter.of("w", a, 2, 2)), null);
        Optimizer second = OptimizerFactory.create("sgd", Map.of("lr", 0.1, "momentum", 0.8),
                List.of(Parameter.of("w", b, 2, 2)), null);
        for (int s = 0; s < 3; s++) {
            first.step(gradients(s, 4));
            second.step(gradients(s, 4));
        }
        Path state = dir.resolve("sgd.state");
        first.save(state);
        for (int s = 3; s < 5; s++) {
            first.step(gradients(s, 4));
        }
        double[] expected = a.clone();
        // the second optimizer's own momentum is replaced by a zeroed one, then restored from the file
        Optimizer fresh = OptimizerFactory.create("sgd", Map.of("lr", 0.1, "momentum", 0.8),
                List.of(Parameter.of("w", b, 2, 2)), null);
        fresh.load(state);
        assertEquals(3, fresh.stepCount());
        for (int s = 3; s < 5; s++) {
            fresh.step(gradients(s, 4));
        }
        assertArrayEquals(expected, b, 0, "bit-identical after load");

        byte[] bytes = Files.readAllBytes(state);
        bytes[bytes.length / 2] ^= 1;
        Path corrupt = dir.resolve("corrupt.state");
        Files.write(corrupt, bytes);
        Path truncated = dir.resolve("truncated.state");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(state), 20));
        long before = fresh.stepCount();
        IOException e = assertThrows(IOException.class, () -> fresh.load(corrupt));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertThrows(IOException.class, () -> fresh.load(truncated));
        assertEquals(before, fresh.stepCount(), "state kept");
        Optimizer other = OptimizerFactory.create("sgd", Map.of("momentum", 0.8), List.of(Parameter.of("v", new double[4], 4)), null);
        assertThrows(IllegalArgumentException.class, () -> other.load(state), "another parameter's state");
    }

    @Test
    void sgdRefusesWrongGradientsWithoutChangingAnything() {
        double[] w = {1, 2};
        double[] u = {3};
        Optimizer sgd = OptimizerFactory.create("sgd", Map.of(), List.of(Parameter.of("w", w, 2), Parameter.of("u", u, 1)), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sgd.step(new Gradients().put("w", new double[] {1, 1})));
        assertTrue(e.getMessage().contains("'u' has no gradient"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> sgd.step(new Gradients().put("w", new double[] {1, 1}).put("u", new double[] {1, 1})));
        assertTrue(e.getMessage().contains("'u'"), e.getMessage());
        assertArrayEquals(new double[] {1, 2}, w, 0, "unchanged");
        assertEquals(0, sgd.stepCount());
    }
}
