package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.eigenbasis.io.Npy;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.eigenbasis.verify.Invariants;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end, in-process: outputs, JSON shapes and exit codes 0 / 1 / 2. */
class EigenbasisCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EigenbasisCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Path stack(DType dtype, int batch, int n, boolean stacked) throws Exception {
        Random rng = new Random(42);
        double[][] ms = new double[batch][];
        for (int b = 0; b < batch; b++) {
            ms[b] = SeededMatrices.randomSymmetric(n, rng);
        }
        Path file = dir.resolve("A-" + dtype.shortName() + "-" + batch + (stacked ? "s" : "") + ".npy");
        try (BatchedMatrix m = SeededMatrices.batch(dtype, n, ms)) {
            Npy.write(file, m, stacked ? new long[] {batch, n, n} : new long[] {n, n});
        }
        return file;
    }

    @Test
    void backendsListsEveryBackendWithReasons() throws Exception {
        Run r = run("backends", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(3, doc.get("backends").size());
        for (JsonNode b : doc.get("backends")) {
            if (!b.get("available").asBoolean()) {
                assertFalse(b.get("reason").asText().isBlank(), "an unavailable backend says why");
            }
            if (b.get("name").asText().equals("cpu") && b.get("available").asBoolean()) {
                assertTrue(b.get("details").has("openblas_core") && b.get("details").has("openblas_threads"));
            }
        }
        assertEquals(0, run("backends").code());
    }

    @Test
    void eighWritesNumpyLayoutAndTimesRepeats() throws Exception {
        for (DType dtype : DType.values()) {
            Path a = stack(dtype, 3, 7, true);
            Path w = dir.resolve("W.npy");
            Path v = dir.resolve("V.npy");
            Run r = run("eigh", "--input", a.toString(), "--values", w.toString(), "--vectors", v.toString(),
                    "--backend", "java", "--repeat", "3", "--json");
            assertEquals(0, r.code(), r.err());
            JsonNode doc = JSON.readTree(r.out());
            assertEquals("java", doc.get("backend").asText());
            assertEquals(3, doc.get("batch").asInt());
            assertEquals(7, doc.get("n").asInt());
            assertEquals(dtype.shortName(), doc.get("dtype").asText());
            assertTrue(doc.get("seconds").get("min").asDouble() <= doc.get("seconds").get("median").asDouble());
            Npy.Array values = Npy.read(w);
            Npy.Array vectors = Npy.read(v);
            assertEquals("(3, 7)", values.shapeString());
            assertEquals("(3, 7, 7)", vectors.shapeString());
            assertEquals(dtype, values.dtype());
            // A V = V diag(W) on matrix 2, entry (1, 4).
            try (BatchedMatrix am = Npy.readMatrices(a); BatchedMatrix vm = Npy.readMatrices(v); BatchedMatrix wm = Npy.readBatch(w)) {
                double av = 0;
                for (int j = 0; j < 7; j++) {
                    av += am.get(2, 1, j) * vm.get(2, j, 4);
                }
                // One entry of AV − VΛ: within the backward error LAPACK's test threshold allows the java QL,
                // (residual + orthogonality limit)·n·ulp·‖A‖₁ (org.eigenbasis.verify.Accuracy), plus the test's own
                // 7-term sum in double (negligible beside it).
                double tol = Accuracy.eigenvalueLimit(EighAlgorithm.TRIDIAGONAL_QL) * 7 * dtype.epsilon()
                        * Invariants.norm1(am, 2);
                assertEquals(vm.get(2, 1, 4) * wm.get(0, 2, 4), av, tol);
            }
        }
        Path single = stack(DType.F64, 1, 5, false);
        Path w = dir.resolve("w1.npy");
        assertEquals(0, run("eigh", "--input", single.toString(), "--values", w.toString()).code());
        assertEquals("(5,)", Npy.read(w).shapeString());
        assertEquals(0, run("eigh", "--input", single.toString(), "--values", w.toString(), "--dtype", "f32").code());
        assertEquals(DType.F32, Npy.read(w).dtype());
    }

    @Test
    void eighRangeFlagsWriteOnlyTheSelectedEigenpairs() throws Exception {
        Path a = stack(DType.F64, 3, 7, true);
        Path w = dir.resolve("Wr.npy");
        Path v = dir.resolve("Vr.npy");
        Path wAll = dir.resolve("Wall.npy");
        assertEquals(0, run("eigh", "--input", a.toString(), "--values", wAll.toString(), "--backend", "java").code());
        try (BatchedMatrix all = Npy.readBatch(wAll)) {
            Run r = run("eigh", "--input", a.toString(), "--values", w.toString(), "--vectors", v.toString(),
                    "--backend", "java", "--largest", "2", "--json");
            assertEquals(0, r.code(), r.err());
            JsonNode doc = JSON.readTree(r.out());
            assertEquals("largest 2", doc.get("range").asText());
            assertEquals("[2,2,2]", doc.get("counts").toString());
            assertEquals("(3, 2)", Npy.read(w).shapeString());
            assertEquals("(3, 7, 2)", Npy.read(v).shapeString());
            try (BatchedMatrix part = Npy.readBatch(w)) {
                assertEquals(all.get(0, 1, 5), part.get(0, 1, 0), 0, "java slices its own full solve exactly");
                assertEquals(all.get(0, 1, 6), part.get(0, 1, 1), 0);
            }
            assertEquals(0, run("eigh", "--input", a.toString(), "--values", w.toString(), "--backend", "java",
                    "--index", "1:4").code());
            assertEquals("(3, 3)", Npy.read(w).shapeString());
            // An interval from just below matrix 0's smallest eigenvalue to just below its third: two of them.
            double lo = all.get(0, 0, 0) - 1e-6;
            double hi = 0.5 * (all.get(0, 0, 1) + all.get(0, 0, 2));
            r = run("eigh", "--input", a.toString(), "--values", w.toString(), "--backend", "java",
                    "--interval=" + lo + ":" + hi + ":4");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("range: interval"), r.out());
            try (BatchedMatrix part = Npy.readBatch(w)) {
                assertEquals(all.get(0, 0, 0), part.get(0, 0, 0), 0);
                assertEquals(all.get(0, 0, 1), part.get(0, 0, 1), 0);
                assertTrue(Double.isNaN(part.get(0, 0, 2)) && Double.isNaN(part.get(0, 0, 3)), "NaN past the count");
            }
        }
        String[][] bad = {{"--smallest", "0"}, {"--largest", "8"}, {"--index", "3"}, {"--index", "4:2"},
            {"--interval", "1:x"}, {"--interval=2:1"}, {"--smallest", "2", "--largest", "2"}};
        String[] named = {"--smallest: k: 0", "--largest: k: 8 is outside [1, n = 7]", "--index: '3' is not LO:HI",
            "--index: hi: 2", "--interval: 'x' is not a number", "--interval: hi: 1.0", "mutually exclusive"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[6 + bad[i].length];
            System.arraycopy(new String[] {"eigh", "--input", a.toString(), "--values", w.toString(), "--backend=java"}, 0,
                    args, 0, 6);
            System.arraycopy(bad[i], 0, args, 6, bad[i].length);
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", bad[i]));
            assertTrue(r.err().contains(named[i]), String.join(" ", bad[i]) + ": " + r.err());
        }
    }

    @Test
    void badInputIsOneLineOnStderrAndExitCode2() throws Exception {
        Path missing = dir.resolve("missing.npy");
        Run r = run("eigh", "--input", missing.toString(), "--values", dir.resolve("w.npy").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("eigenbasis:")).count(), r.err());
        assertTrue(r.err().contains("no such file"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");

        Path bad = dir.resolve("bad.npy");
        Files.write(bad, new byte[] {1, 2, 3});
        r = run("eigh", "--input", bad.toString(), "--values", dir.resolve("w.npy").toString(), "--verbose");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not a .npy file") && r.err().contains("\tat "), "--verbose adds the stack trace");

        try (BatchedMatrix rect = BatchedMatrix.zeros(DType.F64, 1, 2, 3)) {
            Path file = dir.resolve("rect.npy");
            Npy.write(file, rect, 2, 3);
            r = run("eigh", "--input", file.toString(), "--values", dir.resolve("w.npy").toString());
            assertEquals(2, r.code());
            assertTrue(r.err().contains("not square"), r.err());
        }
        double[] nan = new double[4];
        nan[2] = Double.NaN;
        try (BatchedMatrix m = BatchedMatrix.of(nan, 1, 2, 2)) {
            Path file = dir.resolve("nan.npy");
            Npy.write(file, m, 2, 2);
            r = run("eigh", "--input", file.toString(), "--values", dir.resolve("w.npy").toString());
            assertEquals(2, r.code());
            assertTrue(r.err().contains("matrix 0 has NaN at (1, 0)"), r.err());
        }
        assertEquals(2, run("eigh", "--values", "w.npy").code(), "missing required option");
        assertEquals(2, run("frobnicate").code(), "unknown command");
        assertEquals(2, run("eigh", "--input", stack(DType.F64, 2, 3, true).toString(), "--values", "w.npy",
                "--backend", "tpu").code(), "unknown backend");
        assertEquals(2, run("bench", "--shapes", "12by3").code());
    }

    @Test
    void atFileArgumentsAreOrdinaryArgumentsNotExpanded() throws Exception {
        // picocli's @file expansion is off: "@/" used to escape as an InitializationException (exit 1)
        Path args = dir.resolve("args.txt");
        Files.writeString(args, "backends\n");
        for (String at : new String[] {"@/", "@" + args, "@" + dir.resolve("missing.txt")}) {
            Run r = run(at);
            assertEquals(2, r.code(), at + ": " + r.err());
            assertTrue(r.err().startsWith("eigenbasis: ") && r.err().contains(at), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void verifyPassesOnTheReferenceAndPrintsATable() throws Exception {
        Run r = run("verify", "--backend", "java");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("verify: PASS"));
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("java   eigh") && l.endsWith("pass")));
        JsonNode doc = JSON.readTree(run("verify", "--backend", "java", "--json").out());
        assertTrue(doc.get("passed").asBoolean());
        assertTrue(doc.get("rows").size() >= 8);
        for (JsonNode row : doc.get("rows")) {
            // Every row names the limits its cases were judged by (Accuracy: LAPACK's threshold for eigh residuals).
            JsonNode limits = row.get("limits_n_eps");
            assertTrue(limits.get("residual").isNumber() || limits.get("orthogonality").isNumber(), row.toString());
            if (row.get("kernel").asText().equals("eigh")) {
                assertEquals(60.0, limits.get("residual").asDouble(), row.toString());
                assertTrue(row.get("residual_n_eps").asDouble() <= limits.get("residual").asDouble(), row.toString());
            }
        }
        // The influence and MLP kernels: one f64 row each, judged against closed forms on exact integer inputs
        // (limit 1 in units of Higham's K·eps·B, org.eigenbasis.verify.InfluenceVerifier).
        java.util.Set<String> influence = new java.util.TreeSet<>();
        for (JsonNode row : doc.get("rows")) {
            String kernel = row.get("kernel").asText();
            if (kernel.equals("influence") || kernel.equals("mlp")) {
                influence.add(kernel + " " + row.get("algorithm").asText());
                assertEquals("f64", row.get("dtype").asText());
                assertEquals(1.0, row.get("limits_n_eps").get("residual").asDouble(), row.toString());
                assertTrue(row.get("passed").asBoolean(), row.toString());
            }
        }
        assertEquals(java.util.Set.of("influence ekfac_eigenvalues", "influence kronecker_rotate",
                "influence weighted_product", "influence multiply", "mlp train", "mlp hessian_product"), influence);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("java   mlp") && l.contains("hessian_product")
                && l.endsWith("pass")), r.out());
    }

    @Test
    void benchAndDemoWriteTheirOutputs() throws Exception {
        Run r = run("bench", "--backend", "java", "--shapes", "8x4,2x16", "--seconds", "0.01", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, JSON.readTree(r.out()).get("results").size());
        Path out = dir.resolve("demo");
        r = run("demo", "--out", out.toString(), "--shapes", "16x4,4x8", "--seconds", "0.01");
        assertEquals(0, r.code(), r.out() + r.err());
        for (String f : new String[] {"report.md", "throughput.png", "verify.txt", "verify.json", "bench.csv"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        byte[] png = Files.readAllBytes(out.resolve("throughput.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }
}
