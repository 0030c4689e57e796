package org.eigenbasis.cli;

import static org.eigenbasis.cli.ResetCommandsTest.assertBadInput;
import static org.eigenbasis.cli.ResetCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.eigenbasis.cli.ResetCommandsTest.Run;
import org.eigenbasis.io.Npy;
import org.eigenbasis.linalg.BatchedMatrix;
import org.eigenbasis.linalg.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eigenbasis optim replay} with the CLI's sgd: the trajectory against a hand computation, and bad input. */
class OptimReplayCommandTest {
    @TempDir
    Path dir;

    static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    Path npy(String name, double[] data, long... shape) throws IOException {
        Path file = dir.resolve(name);
        int batch = shape.length == 3 ? (int) shape[0] : 1;
        int rows = shape.length >= 2 ? (int) shape[shape.length - 2] : 1;
        int cols = (int) shape[shape.length - 1];
        try (BatchedMatrix m = BatchedMatrix.of(data, batch, rows, cols)) {
            Npy.write(file, m, shape);
        }
        return file;
    }

    Path json(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void sgdWithMomentumReplaysTheHandComputedTrajectory() throws IOException {
        int t = 4;
        int m = 3;
        int n = 2;
        double[] p0 = random(m * n, 1);
        double[] g = random(t * m * n, 2);
        Path out = dir.resolve("P.npy");
        Run r = run("optim", "replay", "--optimizer", "sgd", "--config",
                json("cfg.json", "{\"lr\": 0.5, \"momentum\": 0.9, \"weight_decay\": 0.01}").toString(),
                "--params", npy("P0.npy", p0, m, n).toString(), "--grads", npy("G.npy", g, t, m, n).toString(),
                "--out", out.toString(), "--backend", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("4 steps of a 3 x 2 f64 parameter"), r.out());
        Npy.Array result = Npy.read(out);
        assertArrayEquals(new long[] {t, m, n}, result.shape());
        assertEquals(DType.F64, result.dtype());
        double[] got = new double[t * m * n];
        result.data().asDoubleBuffer().get(got);
        double[] p = p0.clone();
        double[] v = new double[m * n];
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < m * n; i++) {
                v[i] = 0.9 * v[i] + g[s * m * n + i];
                p[i] = p[i] - 0.5 * 0.01 * p[i] - 0.5 * v[i];
                assertEquals(p[i], got[s * m * n + i], 1e-15, "step " + (s + 1) + " element " + i);
            }
        }
    }

    @Test
    void float32ParameterStaysFloat32AndDefaultsNeedNoConfig() throws IOException {
        float[] p0 = {1, 2, 3, 4};
        float[] g = {1, 1, 1, 1, 2, 2, 2, 2};
        Path p0File = dir.resolve("P0f.npy");
        Path gFile = dir.resolve("Gf.npy");
        try (BatchedMatrix pm = BatchedMatrix.of(p0, 1, 2, 2); BatchedMatrix gm = BatchedMatrix.of(g, 2, 2, 2)) {
            Npy.write(p0File, pm, 2, 2);
            Npy.write(gFile, gm, 2, 2, 2);
        }
        Path out = dir.resolve("Pf.npy");
        Run r = run("optim", "replay", "--optimizer", "SGD", "--params", p0File.toString(), "--grads", gFile.toString(),
                "--out", out.toString(), "--backend", "java");
        assertEquals(0, r.code(), r.err());
        Npy.Array result = Npy.read(out);
        assertEquals(DType.F32, result.dtype());
        float[] got = new float[8];
        result.data().asFloatBuffer().get(got);
        // default lr 0.1: p1 = p0 − 0.1, p2 = p1 − 0.2
        assertArrayEquals(new float[] {0.9f, 1.9f, 2.9f, 3.9f, 0.7f, 1.7f, 2.7f, 3.7f}, got, 1e-6f);
    }

    @Test
    void shapeMismatchMissingFilesAndUnknownOptimizersAreExit2() throws IOException {
        Path p0 = npy("P0.npy", random(6, 1), 3, 2);
        Path g = npy("G.npy", random(24, 2), 4, 3, 2);
        Path gWrong = npy("Gwrong.npy", random(24, 2), 4, 2, 3);
        Path g2d = npy("G2d.npy", random(6, 2), 3, 2);
        Path vector = npy("v.npy", random(6, 2), 6);
        Path out = dir.resolve("P.npy");
        String o = out.toString();
        assertBadInput(run("optim", "replay", "--optimizer", "sgd", "--params", p0.toString(), "--grads", gWrong.toString(),
                "--out", o), "shape mismatch", "(4, 2, 3)", "(3, 2)", "(T, 3, 2)");
        assertBadInput(run("optim", "replay", "--optimizer", "sgd", "--params", p0.toString(), "--grads", g2d.toString(),
                "--out", o), "shape mismatch", "G2d.npy");
        assertBadInput(run("optim", "replay", "--optimizer", "sgd", "--params", vector.toString(), "--grads", g.toString(),
                "--out", o), "--params", "(6,)", "(m, n)");
        assertBadInput(run("optim", "replay", "--optimizer", "sgd", "--params", dir.resolve("none.npy").toString(),
                "--grads", g.toString(), "--out", o), "none.npy", "no such file");
        assertBadInput(run("optim", "replay", "--optimizer", "sgd", "--params", p0.toString(),
                "--grads", dir.resolve("nog.npy").toString(), "--out", o), "nog.npy", "no such file");
        assertBadInput(run("optim", "replay", "--optimizer", "sgd", "--config", dir.resolve("nocfg.json").toString(),
                "--params", p0.toString(), "--grads", g.toString(), "--out", o), "nocfg.json", "no such file");
        assertBadInput(run("optim", "replay", "--optimizer", "soap", "--params", p0.toString(), "--grads", g.toString(),
                "--out", o), "'soap'", "not available", "available: sgd");
        assertBadInput(run("optim", "replay", "--optimizer", "lion", "--params", dir.resolve("none.npy").toString(),
                "--grads", g.toString(), "--out", o), "unknown optimizer 'lion'");
        assertBadInput(run("optim", "replay", "--optimizer", "sgd", "--params", p0.toString(), "--grads", g.toString(),
                "--out", o, "--backend", "tpu"), "tpu");
        assertFalse(Files.exists(out), "nothing written");
        assertEquals(2, run("optim").code(), "a subcommand is required");
        assertEquals(2, run("optim", "replay", "--optimizer", "sgd").code(), "missing options");
    }

    @Test
    void badConfigsAreExit2NamingTheKey() throws IOException {
        Path p0 = npy("P0.npy", random(6, 1), 3, 2);
        Path g = npy("G.npy", random(24, 2), 4, 3, 2);
        String[][] cases = {
            {"{\"lr\": -1}", "lr: -1.0 is outside (0, ∞)"},
            {"{\"momentum\": 1}", "momentum: 1.0 is outside [0, 1)"},
            {"{\"lr\": \"fast\"}", "'lr' must be a number"},
            {"{\"shampoo_beta\": 0.9}", "'shampoo_beta' is not an sgd option"},
            {"{\"lr\": 0.1,}", "not valid JSON"},
            {"[0.1]", "must be a JSON object"},
            {"{\"lr\": 0.1, \"lr\": 0.2}", "not valid JSON", "Duplicate field 'lr'"},
            {"{\"lr\": {\"value\": 1}}", "'lr'", "nested object"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path cfg = json("cfg" + i + ".json", cases[i][0]);
            String[] fragments = java.util.Arrays.copyOfRange(cases[i], 1, cases[i].length);
            assertBadInput(run("optim", "replay", "--optimizer", "sgd", "--config", cfg.toString(), "--params", p0.toString(),
                    "--grads", g.toString(), "--out", dir.resolve("P.npy").toString()), fragments);
        }
    }
}
