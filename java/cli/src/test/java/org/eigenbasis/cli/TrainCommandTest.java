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
import java.util.List;
import org.eigenbasis.cli.ResetCommandsTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eigenbasis train}: outputs, the comparison mode, every optimizer, exit codes; {@code train experiment --quick}. */
class TrainCommandTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    Path dir;

    static double[] column(List<String> rows, String label, int column) {
        return rows.stream().skip(1).map(l -> l.split(",")).filter(c -> c[0].equals(label))
                .mapToDouble(c -> Double.parseDouble(c[column])).toArray();
    }

    static void assertPng(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 1000, file + ": " + bytes.length + " bytes");
        assertArrayEquals(PNG_MAGIC, java.util.Arrays.copyOf(bytes, 4), file + " is a PNG");
    }

    @Test
    void logisticRegressionWithSgdWritesCurvesAndPrintsAccuracy() throws IOException {
        Path out = dir.resolve("logreg");
        Run r = run("train", "--optimizer", "sgd", "--model", "logreg", "--data", "digits", "--steps", "40", "--lr", "1",
                "--out", out.toString(), "--backend", "java", "--target-loss", "0.5");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("final train loss"), r.out());
        assertTrue(r.out().contains("test accuracy"), r.out());
        List<String> loss = Files.readAllLines(out.resolve("loss.csv"));
        assertEquals("optimizer,step,train_loss", loss.get(0));
        double[] curve = column(loss, "sgd", 2);
        assertEquals(41, curve.length, "steps 0..40");
        // Zero weights: the mean over the N = 1438 training samples of the same Math.log(10), within γ_N·ln 10; the
        // CSV holds Double.toString, which reads back exactly (γ as ResetCommandsNumericTest repeats it).
        assertEquals(Math.log(10), curve[0], ResetCommandsNumericTest.gamma(1438) * Math.log(10));
        for (int t = 1; t < curve.length; t++) {
            assertTrue(curve[t] < curve[t - 1], "decreasing at " + t);
        }
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(2, summary.size());
        String[] cells = summary.get(1).split(",");
        assertEquals("sgd", cells[0]);
        assertEquals(curve[40], Double.parseDouble(cells[3]), 0, "final_train_loss is the curve's last point");
        // Not a rounding tolerance: this deterministic run (java backend) reaches a test accuracy of 0.944.
        assertTrue(Double.parseDouble(cells[5]) > 0.85, "test accuracy " + cells[5]);
        int toTarget = Integer.parseInt(cells[7]);
        assertTrue(toTarget > 0 && curve[toTarget] <= 0.5 && curve[toTarget - 1] > 0.5, summary.get(1));
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "test accuracy %.2f%%",
                100 * Double.parseDouble(cells[5]))), r.out());
        assertPng(out.resolve("loss.png"));
        try (var files = Files.list(out)) {
            assertEquals(List.of("loss.csv", "loss.png", "summary.csv"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
    }

    @Test
    void comparisonModePlotsEveryRunFromTheSameStart() throws IOException {
        Path out = dir.resolve("compare");
        Run r = run("train", "--optimizer", "sgd:0.05,sgd:0.5", "--model", "mlp", "--hidden", "8", "--steps", "15",
                "--out", out.toString(), "--backend", "java", "--batch-size", "128", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        List<String> loss = Files.readAllLines(out.resolve("loss.csv"));
        double[] slow = column(loss, "sgd:0.05", 2);
        double[] fast = column(loss, "sgd:0.5", 2);
        assertEquals(16, slow.length);
        assertEquals(16, fast.length);
        assertEquals(slow[0], fast[0], 0, "same initial parameters");
        // This seeded run: 1.56 against 2.26 after 15 steps.
        assertTrue(fast[15] < slow[15], "the larger step learns faster: " + fast[15] + " vs " + slow[15]);
        assertEquals(3, Files.readAllLines(out.resolve("summary.csv")).size());
        assertPng(out.resolve("loss.png"));
        assertTrue(r.out().contains("sgd:0.05") && r.out().contains("sgd:0.5"), r.out());
    }

    @Test
    void divergedRunIsExit1WithItsCurveWritten() throws IOException {
        Path out = dir.resolve("diverged");
        Run r = run("train", "--optimizer", "sgd", "--model", "logreg", "--steps", "20", "--lr", "1e306",
                "--out", out.toString(), "--backend", "java");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("diverged for sgd"), r.err());
        String csv = Files.readString(out.resolve("loss.csv"));
        assertTrue(csv.contains("NaN") || csv.contains("Infinity"), csv);
        assertTrue(Files.readString(out.resolve("summary.csv")).contains(",true,"));
    }

    @Test
    void badInputIsExit2BeforeAnyOutput() {
        Path out = dir.resolve("never");
        String o = out.toString();
        assertBadInput(run("train", "--optimizer", "nope", "--model", "logreg", "--out", o), "unknown optimizer 'nope'",
                "adamw, soap, shampoo, ecshampoo, kfac, ekfac, sgd");
        assertBadInput(run("train", "--optimizer", "sgd,adamw,lion", "--model", "logreg", "--out", o), "'lion'");
        assertBadInput(run("train", "--optimizer", "adamw,kfac", "--model", "mlp", "--statistics", "none", "--out", o),
                "--statistics", "kfac", "not none");
        assertBadInput(run("train", "--optimizer", "sgd,sgd", "--model", "logreg", "--out", o), "listed twice");
        assertBadInput(run("train", "--optimizer", "sgd:fast", "--model", "logreg", "--out", o), "'fast'", "NAME:LR");
        assertBadInput(run("train", "--optimizer", "sgd:-1", "--model", "logreg", "--out", o), "outside (0, ∞)");
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "cnn", "--out", o), "unknown model 'cnn'", "logreg, mlp");
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "mlp", "--data", "mnist", "--out", o), "'mnist'", "digits");
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "mlp", "--steps", "0", "--out", o), "--steps: 0");
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "mlp", "--lr", "-0.1", "--out", o), "--lr: -0.1");
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "mlp", "--activation", "gelu", "--out", o), "'gelu'");
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "mlp", "--statistics", "exact", "--out", o), "'exact'");
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "mlp", "--backend", "tpu", "--out", o), "tpu");
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "mlp", "--config", dir.resolve("missing.json").toString(),
                "--out", o), "missing.json", "no such file");
        assertBadInput(run("train", "--model", "logreg", "--out", o), "--optimizer");
        assertBadInput(run("train", "--optimizer", "soap", "--out", o), "--model");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void helpListsTheNewCommands() {
        Run top = run("--help");
        assertTrue(top.out().contains("train") && top.out().contains("optim"), top.out());
        Run train = run("train", "--help");
        assertEquals(0, train.code());
        for (String option : new String[] {"--optimizer", "--model", "--data", "--steps", "--out", "--backend", "--lr", "--seed"}) {
            assertTrue(train.out().contains(option), option + " in " + train.out());
        }
        Run optim = run("optim", "--help");
        assertEquals(0, optim.code());
        assertTrue(optim.out().contains("replay"), optim.out());
    }

    @Test
    void configFileReachesTheOptimizerAndBadKeysAreRefused() throws IOException {
        Path good = dir.resolve("good.json");
        Files.writeString(good, "{\"lr\": 0.5, \"momentum\": 0.5}");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"lr\": 0.5, \"nesterov\": true}");
        Path plain = dir.resolve("plain");
        Path momentum = dir.resolve("momentum");
        assertEquals(0, run("train", "--optimizer", "sgd", "--model", "logreg", "--steps", "5", "--lr", "0.5",
                "--out", plain.toString(), "--backend", "java").code());
        assertEquals(0, run("train", "--optimizer", "sgd", "--model", "logreg", "--steps", "5", "--config", good.toString(),
                "--out", momentum.toString(), "--backend", "java").code());
        double[] a = column(Files.readAllLines(plain.resolve("loss.csv")), "sgd", 2);
        double[] b = column(Files.readAllLines(momentum.resolve("loss.csv")), "sgd", 2);
        assertEquals(a[1], b[1], 0, "momentum changes nothing at the first step");
        // This deterministic run: 1.64 with momentum, 1.87 without, after 5 steps.
        assertTrue(b[5] < a[5], "momentum speeds up the later steps: " + b[5] + " vs " + a[5]);
        assertBadInput(run("train", "--optimizer", "sgd", "--model", "logreg", "--config", bad.toString(),
                "--out", dir.resolve("x").toString()), "'nesterov'", "lr, momentum, weight_decay");
        Path shared = dir.resolve("shared.json");
        Files.writeString(shared, "{\"lr\": 0.5, \"betas\": [0.9, 0.99]}");
        assertEquals(0, run("train", "--optimizer", "sgd", "--model", "logreg", "--steps", "5", "--config", shared.toString(),
                "--out", dir.resolve("shared").toString(), "--backend", "java").code(), "a key adamw reads is ignored by sgd");
    }

    @Test
    void everyOptimizerTrainsBothModelsAndLowersTheLoss() throws IOException {
        String all = "adamw:0.05,soap:0.1,shampoo:0.1,ecshampoo:0.05,kfac:0.01,ekfac:0.01,sgd:0.5";
        String[] labels = all.split(",");
        for (String model : new String[] {"logreg", "mlp"}) {
            Path out = dir.resolve("all-" + model);
            Run r = run("train", "--optimizer", all, "--model", model, "--hidden", "6", "--steps", "6", "--out", out.toString(),
                    "--backend", "java");
            assertEquals(0, r.code(), r.err());
            List<String> loss = Files.readAllLines(out.resolve("loss.csv"));
            double first = Double.NaN;
            for (String label : labels) {
                double[] curve = column(loss, label, 2);
                assertEquals(7, curve.length, model + " " + label);
                if (Double.isNaN(first)) {
                    first = curve[0];
                }
                assertEquals(first, curve[0], 0, model + " " + label + " starts from the same parameters");
                // Not a rounding tolerance: "lowers the loss" by more than 1e-3, far above rounding (1e-13) and far
                // below the smallest drop of these deterministic runs (0.19: soap on logreg).
                assertTrue(curve[6] < curve[0] - 1e-3, model + " " + label + ": " + java.util.Arrays.toString(curve));
                assertTrue(r.out().contains(label + " "), r.out());
            }
            assertEquals(labels.length + 1, Files.readAllLines(out.resolve("summary.csv")).size());
            assertPng(out.resolve("loss.png"));
            try (var files = Files.list(out)) {
                assertEquals(List.of("loss.csv", "loss.png", "summary.csv"),
                        files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
            }
        }
    }

    @Test
    void kfacWithEmpiricalStatisticsDiffersFromSampledAndBothLearn() throws IOException {
        Path sampled = dir.resolve("sampled");
        Path empirical = dir.resolve("empirical");
        assertEquals(0, run("train", "--optimizer", "kfac", "--model", "mlp", "--hidden", "6", "--steps", "5",
                "--out", sampled.toString(), "--backend", "java").code());
        assertEquals(0, run("train", "--optimizer", "kfac", "--model", "mlp", "--hidden", "6", "--steps", "5",
                "--statistics", "empirical", "--out", empirical.toString(), "--backend", "java").code());
        double[] a = column(Files.readAllLines(sampled.resolve("loss.csv")), "kfac", 2);
        double[] b = column(Files.readAllLines(empirical.resolve("loss.csv")), "kfac", 2);
        assertEquals(a[0], b[0], 0);
        // The two statistics give different curvature, so different steps: after 5 steps the losses differ by
        // 1.2e-3 here, far beyond rounding.
        assertTrue(a[5] != b[5], "auto means sampled statistics, not empirical ones");
        assertTrue(a[5] < a[0] && b[5] < b[0]);
    }

    @Test
    void quickExperimentWritesItsFilesAndTheTableFollowsTheSweep() throws IOException {
        Path out = dir.resolve("experiment");
        Run r = run("train", "experiment", "--quick", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        try (var files = Files.list(out)) {
            assertEquals(List.of("digits-curves.csv", "digits-logreg-loss.png", "digits-logreg-lr-sweep.png", "digits-mlp-loss.png",
                    "digits-mlp-lr-sweep.png", "digits-steps-to-target.csv", "digits-summary.md", "digits-sweep.csv"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String png : new String[] {"digits-logreg-loss.png", "digits-logreg-lr-sweep.png", "digits-mlp-loss.png",
            "digits-mlp-lr-sweep.png"}) {
            assertPng(out.resolve(png));
        }
        // one seed in --quick: the tuned steps must be the fewest steps of any lr in the sweep, at that lr
        List<String> sweep = Files.readAllLines(out.resolve("digits-sweep.csv"));
        String[] header = sweep.get(0).split(",");
        List<String> table = Files.readAllLines(out.resolve("digits-steps-to-target.csv"));
        assertEquals(1 + 2 * 2 * 3, table.size(), "models x targets x optimizers");
        int reached = 0;
        for (String row : table.subList(1, table.size())) {
            String[] c = row.split(",", -1);
            int column = java.util.Arrays.asList(header).indexOf("steps_to_" + c[1]);
            assertTrue(column > 0, row);
            int best = Integer.MAX_VALUE;
            int atTuned = -2;
            for (String s : sweep.subList(1, sweep.size())) {
                String[] d = s.split(",");
                int steps = Integer.parseInt(d[column]);
                if (d[0].equals(c[0]) && d[1].equals(c[2]) && steps >= 0 && steps < best) {
                    best = steps;
                }
                if (d[0].equals(c[0]) && d[1].equals(c[2]) && !c[3].isEmpty() && Double.parseDouble(d[2]) == Double.parseDouble(c[3])) {
                    atTuned = steps;
                }
            }
            if (best == Integer.MAX_VALUE) {
                assertEquals("-1", c[4], row);
            } else {
                reached++;
                assertEquals(best, Integer.parseInt(c[4]), row);
                assertEquals(best, atTuned, "the sweep's run at the tuned lr: " + row);
            }
        }
        assertTrue(reached > 0, "some target is reached in the quick run");
        assertTrue(r.out().contains("| logreg |") && r.out().contains("| mlp |"), r.out());
        assertTrue(Files.readString(out.resolve("digits-summary.md")).contains("| model | target |"));
    }
}
