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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.cli.ResetCommandsTest.Run;
import org.eigenbasis.io.Npy;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eigenbasis optim replay}: sgd against a hand computation; adamw, soap, shampoo and ecshampoo against the
 * library driven directly (bit for bit, f64 and f32); bad input.
 */
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
                // Exact: SgdOptimizer evaluates v = 0.9·v + g and w − (lr·wd)·w − lr·v, these expressions in this
                // order, and the .npy holds the doubles' bits.
                assertEquals(p[i], got[s * m * n + i], 0, "step " + (s + 1) + " element " + i);
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
        // default lr 0.1: p1 = p0 − 0.1, p2 = p1 − 0.2. Each step is computed in double and stored as f32: within
        // ½ ulp (f32) of the exact step from the stored value (the double's rounding is 2⁻²⁹ of that), and the
        // literals within ½ ulp of the decimals: p1 within 1 ulp, p2 within 1.5 ulp of the value it is compared with.
        float[] expected = {0.9f, 1.9f, 2.9f, 3.9f, 0.7f, 1.7f, 2.7f, 3.7f};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], (i < 4 ? 1 : 1.5f) * Math.ulp(expected[i]), "entry " + i);
        }
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
        assertBadInput(run("optim", "replay", "--optimizer", "soap", "--params", p0.toString(), "--grads", gWrong.toString(),
                "--out", o), "shape mismatch", "(T, 3, 2)");
        assertBadInput(run("optim", "replay", "--optimizer", "kfac", "--params", p0.toString(), "--grads", g.toString(),
                "--out", o), "kfac", "layer statistics");
        assertBadInput(run("optim", "replay", "--optimizer", "lion", "--params", dir.resolve("none.npy").toString(),
                "--grads", g.toString(), "--out", o), "unknown optimizer 'lion'", "adamw, soap, shampoo, ecshampoo, kfac, ekfac, sgd");
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
            {"{\"nesterov\": true}", "sgd config: unknown key 'nesterov'", "lr, momentum, weight_decay"},
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

    /** One config for all four: keys another optimizer reads are ignored, as in the library. */
    static final String SHARED_CONFIG = "{\"lr\": 0.02, \"betas\": [0.9, 0.95], \"shampoo_beta\": 0.9, \"eps\": 1e-8,"
            + " \"weight_decay\": 0.01, \"precondition_frequency\": 2, \"max_precond_dim\": 10000, \"merge_dims\": false,"
            + " \"precondition_1d\": false, \"normalize_grads\": false, \"correct_bias\": true, \"tolerance\": 0.05,"
            + " \"max_iterations\": 3}";

    @Test
    void replayEqualsTheLibraryDrivenDirectlyBitForBit() throws IOException {
        int t = 7;
        int m = 4;
        int n = 3;
        double[] p0 = random(m * n, 11);
        double[] g = random(t * m * n, 12);
        Path cfg = json("shared.json", SHARED_CONFIG);
        Path p0File = npy("P0.npy", p0, m, n);
        Path gFile = npy("G.npy", g, t, m, n);
        float[] p0f = new float[m * n];
        float[] gf = new float[t * m * n];
        for (int i = 0; i < p0f.length; i++) {
            p0f[i] = (float) p0[i];
        }
        for (int i = 0; i < gf.length; i++) {
            gf[i] = (float) g[i];
        }
        Path p0fFile = dir.resolve("P0f.npy");
        Path gfFile = dir.resolve("Gf.npy");
        try (BatchedMatrix pm = BatchedMatrix.of(p0f, 1, m, n); BatchedMatrix gm = BatchedMatrix.of(gf, t, m, n)) {
            Npy.write(p0fFile, pm, m, n);
            Npy.write(gfFile, gm, t, m, n);
        }
        int size = m * n;
        for (String name : new String[] {"adamw", "soap", "shampoo", "ecshampoo"}) {
            Map<String, Object> options = OptimizerConfig.read(cfg);
            double[] expected = libraryTrajectory(name, options, Parameter.of("P", p0.clone(), m, n), t,
                    s -> new Gradients().put("P", Arrays.copyOfRange(g, s * size, (s + 1) * size)));
            double[] got = replay(name, cfg, p0File, gFile, DType.F64, new long[] {t, m, n});
            assertBitsEqual(expected, got, name + " f64", size);
            assertFalse(Arrays.equals(Arrays.copyOfRange(got, (t - 1) * size, t * size), p0), name + " moved P");

            double[] expectedF = libraryTrajectory(name, options, Parameter.of("P", p0f.clone(), m, n), t,
                    s -> new Gradients().put("P", Arrays.copyOfRange(gf, s * size, (s + 1) * size)));
            // float to double is exact, so equal doubles are equal floats
            assertBitsEqual(expectedF, replay(name, cfg, p0fFile, gfFile, DType.F32, new long[] {t, m, n}), name + " f32", size);
        }
    }

    /** The parameter after each of {@code t} steps of the optimizer created by the library itself, as doubles. */
    static double[] libraryTrajectory(String name, Map<String, Object> options, Parameter p, int t,
            java.util.function.IntFunction<Gradients> gradients) {
        double[] history = new double[t * p.size()];
        try (Optimizer opt = Optimizers.create(name, options, List.of(p), Backends.select("java"))) {
            for (int s = 0; s < t; s++) {
                opt.step(gradients.apply(s));
                for (int i = 0; i < p.size(); i++) {
                    history[s * p.size() + i] = p.get(i);
                }
            }
        }
        return history;
    }

    /** Runs {@code optim replay} and returns its output, checked for shape and dtype, as doubles. */
    double[] replay(String name, Path cfg, Path p0, Path g, DType dtype, long[] shape) throws IOException {
        Path out = dir.resolve(name + "-" + dtype.shortName() + ".npy");
        Run r = run("optim", "replay", "--optimizer", name, "--config", cfg.toString(), "--params", p0.toString(),
                "--grads", g.toString(), "--out", out.toString(), "--backend", "java");
        assertEquals(0, r.code(), name + ": " + r.err());
        Npy.Array result = Npy.read(out);
        assertArrayEquals(shape, result.shape(), name);
        assertEquals(dtype, result.dtype(), name);
        double[] got = new double[(int) result.size()];
        if (dtype == DType.F64) {
            result.data().asDoubleBuffer().get(got);
        } else {
            java.nio.FloatBuffer f = result.data().asFloatBuffer();
            for (int i = 0; i < got.length; i++) {
                got[i] = f.get(i);
            }
        }
        return got;
    }

    static void assertBitsEqual(double[] expected, double[] got, String what, int size) {
        assertEquals(expected.length, got.length, what);
        for (int i = 0; i < got.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(got[i]),
                    what + " step " + (i / size + 1) + " element " + i % size + ": " + expected[i] + " vs " + got[i]);
        }
    }

    @Test
    void soapsFirstStepLeavesTheParameterUnchanged() throws IOException {
        int m = 3;
        int n = 5;
        double[] p0 = random(m * n, 21);
        Path out = dir.resolve("soap.npy");
        Run r = run("optim", "replay", "--optimizer", "soap", "--config", json("lr.json", "{\"lr\": 0.1}").toString(),
                "--params", npy("P0.npy", p0, m, n).toString(), "--grads", npy("G.npy", random(3 * m * n, 22), 3, m, n).toString(),
                "--out", out.toString(), "--backend", "java");
        assertEquals(0, r.code(), r.err());
        double[] got = new double[3 * m * n];
        Npy.read(out).data().asDoubleBuffer().get(got);
        assertArrayEquals(p0, Arrays.copyOfRange(got, 0, m * n), 0, "step 1 only initialises the preconditioner");
        double moved = 0;
        for (int i = 0; i < m * n; i++) {
            moved = Math.max(moved, Math.abs(got[m * n + i] - p0[i]));
        }
        assertTrue(moved > 1e-3, "step 2 moves P: " + moved);
    }

    @Test
    void unknownKeysAndBadValuesOfTheLibraryOptimizersAreExit2NamingKeyAndRange() throws IOException {
        Path p0 = npy("P0.npy", random(6, 1), 3, 2);
        Path g = npy("G.npy", random(24, 2), 4, 3, 2);
        Path out = dir.resolve("P.npy");
        String[][] cases = {
            {"soap", "{\"lr\": 0.1, \"precondition_frequncy\": 5}", "unknown key 'precondition_frequncy'", "precondition_frequency"},
            {"adamw", "{\"lr\": -0.5}", "lr: -0.5 is outside [0, ∞)"},
            {"soap", "{\"betas\": [0.9, 1.5]}", "betas[1]: 1.5 is outside [0, 1)"},
            {"soap", "{\"betas\": [0.9]}", "'betas'", "two numbers"},
            {"soap", "{\"precondition_frequency\": 0}", "precondition_frequency: 0 is outside [1, "},
            {"shampoo", "{\"precondition_frequency\": 2.5}", "'precondition_frequency'", "not an integer"},
            {"soap", "{\"merge_dims\": 1}", "'merge_dims'", "not true or false"},
            {"ecshampoo", "{\"max_iterations\": 0}", "max_iterations: 0 is outside [1, "},
        };
        for (String[] c : cases) {
            Path cfg = json(c[0] + "-bad.json", c[1]);
            assertBadInput(run("optim", "replay", "--optimizer", c[0], "--config", cfg.toString(), "--params", p0.toString(),
                    "--grads", g.toString(), "--out", out.toString(), "--backend", "java"), Arrays.copyOfRange(c, 2, c.length));
        }
        assertFalse(Files.exists(out), "nothing written");
    }
}
