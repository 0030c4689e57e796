package org.eigenbasis.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.io.Npy;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code eigenbasis spark eigh} writes what the single-machine eigh gives, bit for bit; bad input is exit 2. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkCliTest {
    @TempDir
    Path dir;

    @Test
    void sparkEighWritesTheSingleMachineBits() throws Exception {
        int batch = 40;
        int n = 9;
        Random r = new Random(3);
        double[] a = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double v = r.nextGaussian();
                    a[b * n * n + i * n + j] = v;
                    a[b * n * n + j * n + i] = v;
                }
            }
        }
        Path in = dir.resolve("A.npy");
        try (BatchedMatrix m = BatchedMatrix.of(a, batch, n, n)) {
            Npy.write(in, m, batch, n, n);
        }
        int rc = SparkCli.run("eigh", "--master", "local[2]", "--partitions", "3", "--input", in.toString(),
                "--values", dir.resolve("W.npy").toString(), "--vectors", dir.resolve("V.npy").toString());
        assertEquals(SparkCli.OK, rc);
        try (BatchedMatrix m = BatchedMatrix.of(a, batch, n, n);
             EighResult expected = SymmetricEigen.on("cpu").decompose(m, EighOptions.defaults());
             BatchedMatrix w = Npy.readBatch(dir.resolve("W.npy"));
             BatchedMatrix v = Npy.readMatrices(dir.resolve("V.npy"))) {
            assertArrayEquals(expected.values().toDoubleArray(), w.toDoubleArray(), 0.0);
            assertArrayEquals(expected.vectors().toDoubleArray(), v.toDoubleArray(), 0.0);
        }
    }

    @Test
    void badInputIsExitTwo() {
        assertEquals(SparkCli.BAD_INPUT, SparkCli.run("eigh", "--master", "local[1]", "--input",
                dir.resolve("missing.npy").toString(), "--values", dir.resolve("W.npy").toString()));
        assertEquals(SparkCli.BAD_INPUT, SparkCli.run("eigh", "--input", "x.npy", "--values", "w.npy"));
        assertEquals(SparkCli.BAD_INPUT, SparkCli.run("nonsense"));
    }

    private static String[] output(boolean spark, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int rc = spark ? SparkCli.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), args)
                : org.eigenbasis.cli.EigenbasisCli.execute(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        return new String[] {Integer.toString(rc), out.toString(), err.toString()};
    }

    /** The JSON document without the fields that time the run. */
    private static java.util.Map<String, Object> untimed(String json) throws Exception {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> doc = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, java.util.Map.class);
        doc.remove("seconds");
        doc.remove("events_per_second");
        return doc;
    }

    @Test
    void sparkResetSimulatePrintsTheSingleMachineJson() throws Exception {
        String[] args = {"--law", "gamma(k=2,scale=0.5)", "--mu", "1,0.5", "--theta-star", "0.3,-1", "--sigma", "0.7",
            "--trajectories", "70000", "--seed", "5", "--backend", "cpu", "--json"};
        String[] one = output(false, concat(new String[] {"reset", "simulate"}, args));
        String[] many = output(true, concat(new String[] {"reset", "simulate", "--master", "local[2]", "--partitions", "5"}, args));
        assertEquals("0", one[0], one[2]);
        assertEquals("0", many[0], many[2]);
        assertEquals(untimed(one[1]), untimed(many[1]));
    }

    @Test
    void sparkInfluenceScoresWriteTheSingleMachineScores() throws Exception {
        org.eigenbasis.value.MlpArchitecture arch = new org.eigenbasis.value.MlpArchitecture(new int[] {3, 5, 3},
                org.eigenbasis.value.MlpArchitecture.Activation.TANH, org.eigenbasis.value.MlpArchitecture.Loss.CROSS_ENTROPY);
        Random r = new Random(8);
        java.nio.file.Files.writeString(dir.resolve("m.json"), "{\"layers\": [3, 5, 3], \"activation\": \"tanh\", \"loss\": \"cross_entropy\"}");
        double[] theta = org.eigenbasis.influence.Mlp.initialParameters(arch, 3);
        writeVector(dir.resolve("p.npy"), theta);
        for (String set : new String[] {"train", "test"}) {
            int n = set.equals("train") ? 41 : 6;
            double[] x = new double[n * 3];
            int[] y = new int[n];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(3);
            }
            try (BatchedMatrix m = BatchedMatrix.of(x, 1, n, 3)) {
                Npy.write(dir.resolve(set + "-x.npy"), m, n, 3);
            }
            Npy.writeLabels(dir.resolve(set + "-y.npy"), y);
        }
        String[] common = {"--model", dir.resolve("m.json").toString(), "--params", dir.resolve("p.npy").toString(),
            "--train-x", dir.resolve("train-x.npy").toString(), "--train-y", dir.resolve("train-y.npy").toString(),
            "--test-x", dir.resolve("test-x.npy").toString(), "--test-y", dir.resolve("test-y.npy").toString(),
            "--curvature", "ekfac", "--damping", "0.01", "--backend", "cpu"};
        String[] one = output(false, concat(concat(new String[] {"influence", "scores"}, common),
                new String[] {"--out", dir.resolve("s1.npy").toString()}));
        String[] many = output(true, concat(concat(new String[] {"influence", "scores", "--master", "local[2]", "--partitions", "4"},
                common), new String[] {"--out", dir.resolve("s2.npy").toString()}));
        assertEquals("0", one[0], one[2]);
        assertEquals("0", many[0], many[2]);
        try (BatchedMatrix a = Npy.readBatch(dir.resolve("s1.npy")); BatchedMatrix b = Npy.readBatch(dir.resolve("s2.npy"))) {
            double[] x = a.toDoubleArray();
            double[] y = b.toDoubleArray();
            double scale = 0;
            for (double v : x) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < x.length; i++) {
                // the bound: the partitioned sums change only the rounding of the statistics
                assertEquals(x[i], y[i], 1e-12 * scale, "S entry " + i);
            }
        }
        String[] ggn = common.clone();
        ggn[java.util.Arrays.asList(ggn).indexOf("ekfac")] = "ggn";
        String[] refused = output(true, concat(new String[] {"influence", "scores", "--master", "local[1]"},
                concat(ggn, new String[] {"--out", dir.resolve("s3.npy").toString()})));
        assertEquals("2", refused[0], refused[2]);
        org.junit.jupiter.api.Assertions.assertTrue(refused[2].contains("not available on Spark"), refused[2]);
    }

    private static void writeVector(Path file, double[] v) throws Exception {
        try (BatchedMatrix m = BatchedMatrix.of(v, 1, 1, v.length)) {
            Npy.write(file, m, v.length);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
