package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.eigenbasis.influence.Curvature;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.FisherVariant;
import org.eigenbasis.influence.InfluenceScores;
import org.eigenbasis.influence.InverseOperator;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.influence.ModelCurvatures;
import org.eigenbasis.influence.PerExampleGradients;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.MlpArchitecture;
import org.eigenbasis.verify.Accuracy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eigenbasis influence} end to end, in-process (issue 11, points 6 and 8): train, scores under every
 * curvature against the library API on the same inputs, the ladder on tiny settings, and every bad input exiting 2
 * with a message naming the argument. Inputs are seeded and written here as .npy files and a model JSON string.
 */
class InfluenceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DType F64 = DType.F64;
    private static final String MODEL = "{\"layers\": [4, 5, 3], \"activation\": \"gelu\", \"loss\": \"cross_entropy\"}";
    private static final MlpArchitecture ARCH = new MlpArchitecture(new int[] {4, 5, 3},
            MlpArchitecture.Activation.GELU, MlpArchitecture.Loss.CROSS_ENTROPY);
    private static final int N_TRAIN = 14;
    private static final int N_TEST = 6;

    @TempDir
    Path dir;

    /**
     * Higham's γ_k = k·u/(1 − k·u) for doubles (Accuracy and Stability of Numerical Algorithms, §3.1, eq. 3.5), as
     * org.eigenbasis.testing.ErrorBounds.gamma, whose core test-jar is not on this module's test path.
     */
    static double gamma(int k) {
        double ku = k * 0x1p-53;
        return ku / (1 - ku);
    }

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EigenbasisCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    // ---- inputs ----------------------------------------------------------------------------------------------------

    private Path file(String name) {
        return dir.resolve(name);
    }

    private Path text(String name, String content) throws Exception {
        Path p = file(name);
        Files.writeString(p, content);
        return p;
    }

    private Path floats(String name, double[] values, long... shape) throws Exception {
        Path p = file(name);
        try (BatchedMatrix m = BatchedMatrix.of(values, 1, 1, values.length)) {
            Npy.write(p, m, shape);
        }
        return p;
    }

    private Path floats32(String name, double[] values, long... shape) throws Exception {
        Path p = file(name);
        try (BatchedMatrix m = BatchedMatrix.of(values, 1, 1, values.length); BatchedMatrix f = m.convert(DType.F32)) {
            Npy.write(p, f, shape);
        }
        return p;
    }

    private Path labels(String name, int[] values) throws Exception {
        Path p = file(name);
        Npy.writeLabels(p, values);
        return p;
    }

    private static double[] gaussian(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static int[] classes(Random random, int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(classes);
        }
        return y;
    }

    /** The files of a classification problem on {@link #ARCH}: model, params, train and test x and y. */
    private record Problem(Path model, Path params, Path trainX, Path trainY, Path testX, Path testY, double[] theta,
                           Examples train, Examples test) {
        String[] scoresArgs(Path out, String curvature, String damping, String... more) {
            List<String> a = new ArrayList<>(List.of("influence", "scores", "--model", model.toString(), "--params",
                    params.toString(), "--train-x", trainX.toString(), "--train-y", trainY.toString(), "--test-x",
                    testX.toString(), "--test-y", testY.toString(), "--curvature", curvature, "--damping", damping,
                    "--out", out.toString()));
            a.addAll(List.of(more));
            return a.toArray(String[]::new);
        }
    }

    private Problem problem() throws Exception {
        Random random = new Random(2024);
        double[] trainX = gaussian(random, N_TRAIN * 4);
        int[] trainY = classes(random, N_TRAIN, 3);
        double[] testX = gaussian(random, N_TEST * 4);
        int[] testY = classes(random, N_TEST, 3);
        double[] theta = Mlp.initialParameters(ARCH, 7);
        return new Problem(text("model.json", MODEL), floats("P.npy", theta, theta.length),
                floats("X.npy", trainX, N_TRAIN, 4), labels("y.npy", trainY), floats("Xt.npy", testX, N_TEST, 4),
                labels("yt.npy", testY), theta, Examples.classification(trainX, N_TRAIN, 4, trainY),
                Examples.classification(testX, N_TEST, 4, testY));
    }

    private static double[] read(Path file, String shape) throws Exception {
        Npy.Array a = Npy.read(file);
        assertEquals(DType.F64, a.dtype(), file + " dtype");
        assertEquals(shape, a.shapeString(), file + " shape");
        return a.toDoubles();
    }

    // ---- train -----------------------------------------------------------------------------------------------------

    @Test
    void trainWritesParametersThatLowerTheLoss() throws Exception {
        Problem pr = problem();
        Path out = file("trained.npy");
        Run r = run("influence", "train", "--model", pr.model().toString(), "--train-x", pr.trainX().toString(),
                "--train-y", pr.trainY().toString(), "--out", out.toString(), "--epochs", "30", "--lr", "0.1",
                "--batch-size", "4", "--seed", "3", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(Set.of("n_train", "n_params", "loss", "accuracy", "seconds"), keys(doc));
        assertEquals(N_TRAIN, doc.get("n_train").asInt());
        assertEquals(ARCH.parameterCount(), doc.get("n_params").asInt());
        double[] theta = read(out, "(" + ARCH.parameterCount() + ",)");
        Mlp trained = Mlp.of(ARCH, theta);
        double initial = Mlp.initialize(ARCH, 3).meanLoss(pr.train());
        double loss = trained.meanLoss(pr.train());
        // The printed loss is the written parameters' loss, recomputed here by the same code: equal to the last bit.
        assertEquals(loss, doc.get("loss").asDouble(), 0.0);
        assertEquals(trained.accuracy(pr.train()), doc.get("accuracy").asDouble(), 0.0);
        assertTrue(loss < 0.5 * initial, "30 epochs of SGD on 14 points at least halve the loss: " + initial + " -> " + loss);

        Run text = run("influence", "train", "--model", pr.model().toString(), "--train-x", pr.trainX().toString(),
                "--train-y", pr.trainY().toString(), "--out", out.toString(), "--epochs", "1");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("wrote " + out), text.out());
    }

    // ---- scores ----------------------------------------------------------------------------------------------------

    @Test
    void scoresOfEveryCurvatureAreTheLibrarysOnTheReference() throws Exception {
        Problem pr = problem();
        Backend java = Backends.select("java");
        Mlp mlp = Mlp.of(ARCH, pr.theta());
        PerExampleGradients train = ModelCurvatures.gradients(mlp, pr.train());
        PerExampleGradients test = ModelCurvatures.gradients(mlp, pr.test());
        Damping damping = new Damping(0.1, 1e-6, false);
        for (CurvatureKind kind : CurvatureKind.values()) {
            Path out = file("S-" + kind.cliName() + ".npy");
            Run r = run(pr.scoresArgs(out, kind.cliName(), "0.1", "--backend", "java", "--json"));
            assertEquals(0, r.code(), kind + ": " + r.err());
            JsonNode doc = JSON.readTree(r.out());
            assertEquals(Set.of("curvature", "damping", "n_train", "n_test", "n_params", "seconds"), keys(doc));
            assertEquals(kind.cliName(), doc.get("curvature").asText());
            assertEquals(0.1, doc.get("damping").asDouble(), 0.0);
            assertEquals(N_TRAIN, doc.get("n_train").asInt());
            assertEquals(N_TEST, doc.get("n_test").asInt());
            assertEquals(ARCH.parameterCount(), doc.get("n_params").asInt());
            assertTrue(doc.get("seconds").asDouble() >= 0);
            double[] got = read(out, "(" + N_TEST + ", " + N_TRAIN + ")");
            InverseOperator c = ModelCurvatures.build(kind, mlp, pr.train(), FisherVariant.EXACT, 0, java);
            double[] want = InfluenceScores.pairwise(c, damping, test, train);
            // The same calls on the same inputs (f64 .npy round trips are exact) on the java reference, whose sums
            // run in a fixed order (InfluenceKernel's contract): the same bits.
            assertArrayEquals(want, got, 0.0, kind.cliName());
        }
    }

    @Test
    void identityScoresAreMinusGradientProducts() throws Exception {
        Problem pr = problem();
        Path out = file("S.npy");
        assertEquals(0, run(pr.scoresArgs(out, "identity", "5")).code());
        double[] s = read(out, "(" + N_TEST + ", " + N_TRAIN + ")");
        Mlp mlp = Mlp.of(ARCH, pr.theta());
        int p = ARCH.parameterCount();
        double[] gt = mlp.perExampleGradients(pr.test(), 0, N_TEST);
        double[] gi = mlp.perExampleGradients(pr.train(), 0, N_TRAIN);
        for (int t = 0; t < N_TEST; t++) {
            for (int i = 0; i < N_TRAIN; i++) {
                double dot = 0;
                double abs = 0;
                for (int j = 0; j < p; j++) {
                    dot += gt[t * p + j] * gi[i * p + j];
                    abs += Math.abs(gt[t * p + j] * gi[i * p + j]);
                }
                // S[t, i] = −g_tᵀ g_i whatever the damping (C^-1 = I). Both sides sum P products in some order, and
                // the factored gradients (δ aᵀ) carry one more rounding per entry: 2·γ_{P+2}·Σ|terms| (Higham §3.1,
                // gamma).
                double tol = 2 * gamma(p + 2) * abs;
                assertEquals(-dot, s[t * N_TRAIN + i], tol, "S[" + t + ", " + i + "]");
            }
        }
    }

    @Test
    void scoresOnTheDefaultBackendAgreeWithTheReference() throws Exception {
        Problem pr = problem();
        Backend java = Backends.select("java");
        Mlp mlp = Mlp.of(ARCH, pr.theta());
        PerExampleGradients train = ModelCurvatures.gradients(mlp, pr.train());
        PerExampleGradients test = ModelCurvatures.gradients(mlp, pr.test());
        int p = ARCH.parameterCount();
        double[] gt = mlp.perExampleGradients(pr.test(), 0, N_TEST);
        double[] gi = mlp.perExampleGradients(pr.train(), 0, N_TRAIN);
        double delta = 1;
        for (CurvatureKind kind : CurvatureKind.values()) {
            Path out = file("S-default-" + kind.cliName() + ".npy");
            Run r = run(pr.scoresArgs(out, kind.cliName(), "1"));
            assertEquals(0, r.code(), kind + ": " + r.err());
            double[] got = read(out, "(" + N_TEST + ", " + N_TRAIN + ")");
            Curvature c = (Curvature) ModelCurvatures.build(kind, mlp, pr.train(), FisherVariant.EXACT, 0, java);
            double[] want = InfluenceScores.pairwise(c, Damping.of(delta), test, train);
            double norm = 0;
            double minimum = Double.POSITIVE_INFINITY;
            for (double w : c.eigenvalues()) {
                norm = Math.max(norm, Math.abs(w));
                minimum = Math.min(minimum, w);
            }
            assertTrue(minimum > -0.9, kind + ": the bound below assumes no eigenvalue near −δ; smallest " + minimum);
            // Each backend inverts C + δI through a backward-stable eigendecomposition (or exact Kronecker ones):
            // the computed inverse is that of C + E + δI with ‖E‖ ≤ eigenvalueLimit·P·ε·‖C‖ and an eigenbasis
            // orthogonal to eigenvalueLimit·P·ε (org.eigenbasis.verify.Accuracy), so (first order)
            // ‖Δ(C + δI)^-1‖ ≤ eigenvalueLimit·P·ε·(‖C‖/δ + 1)/δ, no eigenvalue being dropped by the floor at
            // δ = 1 (the eigenvalues of these curvatures are ≥ −0.9 here: Hessian's included). The factors and
            // gradients themselves differ by γ_K of their sums (K ≤ n·dL + P), a further perturbation of the same
            // form. Two backends: twice, times ‖g_t‖·‖g_i‖.
            double perturbation = 2 * (Accuracy.eigenvalueLimit(EighAlgorithm.AUTO) * p * F64.epsilon()
                    + gamma(N_TRAIN * 3 + p)) * (norm / delta + 1) / delta;
            for (int t = 0; t < N_TEST; t++) {
                for (int i = 0; i < N_TRAIN; i++) {
                    double tol = perturbation * norm2(gt, t, p) * norm2(gi, i, p);
                    assertEquals(want[t * N_TRAIN + i], got[t * N_TRAIN + i], tol,
                            kind.cliName() + " S[" + t + ", " + i + "] on " + Backends.defaultBackend().name());
                }
            }
        }
    }

    private static double norm2(double[] rows, int r, int p) {
        double s = 0;
        for (int j = 0; j < p; j++) {
            s += rows[r * p + j] * rows[r * p + j];
        }
        return Math.sqrt(s);
    }

    @Test
    void selfInfluenceIsTheDiagonalOfTheTrainingScores() throws Exception {
        Problem pr = problem();
        Path self = file("self.npy");
        Run r = run("influence", "scores", "--model", pr.model().toString(), "--params", pr.params().toString(),
                "--train-x", pr.trainX().toString(), "--train-y", pr.trainY().toString(), "--curvature", "ekfac",
                "--damping", "0.1", "--self", "--backend", "java", "--out", self.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, JSON.readTree(r.out()).get("n_test").asInt());
        double[] s = read(self, "(" + N_TRAIN + ",)");
        // The training set scored against itself: S[i, i] = −(self-influence of i).
        Path pairs = file("SS.npy");
        Run both = run("influence", "scores", "--model", pr.model().toString(), "--params", pr.params().toString(),
                "--train-x", pr.trainX().toString(), "--train-y", pr.trainY().toString(), "--test-x",
                pr.trainX().toString(), "--test-y", pr.trainY().toString(), "--curvature", "ekfac", "--damping", "0.1",
                "--backend", "java", "--out", pairs.toString());
        assertEquals(0, both.code(), both.err());
        double[] full = read(pairs, "(" + N_TRAIN + ", " + N_TRAIN + ")");
        for (int i = 0; i < N_TRAIN; i++) {
            assertTrue(s[i] > 0, "ekfac + δI is positive definite: self-influence " + s[i]);
            // Both are P-term weighted sums of the same rotated coordinates, summed in different orders:
            // γ_{P+1}·Σ|terms| each, Σ|terms| = the self-influence itself (positive weights and squares).
            double tol = 2 * gamma(ARCH.parameterCount() + 1) * s[i];
            assertEquals(-s[i], full[i * N_TRAIN + i], tol, "self-influence of " + i);
        }
    }

    @Test
    void topKNamesTheArgminAndArgmaxOfEachRow() throws Exception {
        Problem pr = problem();
        Path out = file("S.npy");
        Path top = file("top.json");
        Run r = run(pr.scoresArgs(out, "kfac", "0.01", "--top-k", "3", "--top-out", top.toString()));
        assertEquals(0, r.code(), r.err());
        double[] s = read(out, "(" + N_TEST + ", " + N_TRAIN + ")");
        JsonNode doc = JSON.readTree(Files.readString(top));
        assertEquals(3, doc.get("k").asInt());
        assertEquals(N_TEST, doc.get("helpful").size());
        for (int t = 0; t < N_TEST; t++) {
            int argmin = 0;
            int argmax = 0;
            for (int i = 1; i < N_TRAIN; i++) {
                argmin = s[t * N_TRAIN + i] < s[t * N_TRAIN + argmin] ? i : argmin;
                argmax = s[t * N_TRAIN + i] > s[t * N_TRAIN + argmax] ? i : argmax;
            }
            JsonNode helpful = doc.get("helpful").get(t);
            assertEquals(3, helpful.size());
            assertEquals(argmin, helpful.get(0).asInt(), "test point " + t + ": most helpful = most negative score");
            assertEquals(s[t * N_TRAIN + argmin], doc.get("helpful_scores").get(t).get(0).asDouble(), 0.0);
            assertEquals(argmax, doc.get("harmful").get(t).get(0).asInt(), "test point " + t + ": most harmful");
            for (int j = 1; j < 3; j++) {
                assertTrue(doc.get("helpful_scores").get(t).get(j).asDouble()
                        >= doc.get("helpful_scores").get(t).get(j - 1).asDouble(), "helpful scores ascend");
            }
        }
    }

    @Test
    void squaredLossFisherVariantsAndPiDampingRun() throws Exception {
        Random random = new Random(5);
        int dOut = 2;
        Path model = text("sq.json", "{\"layers\": [3, 4, 2], \"activation\": \"tanh\", \"loss\": \"squared\"}");
        MlpArchitecture arch = new MlpArchitecture(new int[] {3, 4, dOut}, MlpArchitecture.Activation.TANH,
                MlpArchitecture.Loss.SQUARED);
        double[] theta = Mlp.initialParameters(arch, 1);
        Path params = floats("sqP.npy", theta, theta.length);
        double[] x = gaussian(random, 10 * 3);
        double[] y = gaussian(random, 10 * dOut);
        // float32 inputs are widened exactly: the library sees the f32 values
        Path xs = floats32("sqX.npy", x, 10, 3);
        Path ys = floats("sqY.npy", y, 10, dOut);
        Path out = file("sqS.npy");
        Run r = run("influence", "scores", "--model", model.toString(), "--params", params.toString(), "--train-x",
                xs.toString(), "--train-y", ys.toString(), "--test-x", xs.toString(), "--test-y", ys.toString(),
                "--curvature", "ggn", "--damping", "0.01", "--backend", "java", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        double[] s = read(out, "(10, 10)");
        double[] x32 = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x32[i] = (float) x[i];
        }
        Examples data = Examples.regression(x32, 10, 3, y, dOut);
        Mlp mlp = Mlp.of(arch, theta);
        PerExampleGradients g = ModelCurvatures.gradients(mlp, data);
        double[] want = InfluenceScores.pairwise(ModelCurvatures.build(CurvatureKind.GGN, mlp, data,
                FisherVariant.EXACT, 0, Backends.select("java")), Damping.of(0.01), g, g);
        assertArrayEquals(want, s, 0.0, "the same calls on the java reference: the same bits");

        Problem pr = problem();
        for (String fisher : new String[] {"sampled", "empirical"}) {
            for (String kind : new String[] {"ggn", "kfac", "ekfac"}) {
                Path o = file("F-" + fisher + kind + ".npy");
                Run f = run(pr.scoresArgs(o, kind, "0.1", "--fisher", fisher, "--seed", "4"));
                assertEquals(0, f.code(), fisher + " " + kind + ": " + f.err());
                for (double v : read(o, "(" + N_TEST + ", " + N_TRAIN + ")")) {
                    assertTrue(Double.isFinite(v));
                }
            }
        }
        // The empirical Fisher differs from the exact GGN (it uses the true label's gradient, not p's expansion).
        Path exact = file("exact.npy");
        assertEquals(0, run(pr.scoresArgs(exact, "kfac", "0.1")).code());
        assertFalse(java.util.Arrays.equals(read(exact, "(" + N_TEST + ", " + N_TRAIN + ")"),
                read(file("F-empiricalkfac.npy"), "(" + N_TEST + ", " + N_TRAIN + ")")));
        Path pi = file("pi.npy");
        Run p = run(pr.scoresArgs(pi, "kfac", "0.1", "--pi-damping"));
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("pi factor damping"), p.out());
        assertFalse(java.util.Arrays.equals(read(exact, "(" + N_TEST + ", " + N_TRAIN + ")"),
                read(pi, "(" + N_TEST + ", " + N_TRAIN + ")")), "factor damping is not exact damping");
    }

    // ---- ladder ----------------------------------------------------------------------------------------------------

    @Test
    void ladderOnTinySettingsPrintsTheDocumentedJsonAndWritesItsFiles() throws Exception {
        // The structured rungs and the baseline only: on the digits MLP (P = 6,570) a dense rung costs more than a
        // minute on a 2-core machine (building the dense GGN measured 75 s on cpu), about 3 s these.
        Path out = file("ladder");
        Run r = run("influence", "ladder", "--epochs", "2", "--subsets", "3", "--alphas", "0.5", "--curvatures",
                "kfac,ekfac,identity", "--dampings", "1e-2,1", "--no-diagnostics", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(Set.of("val_acc", "lds"), keys(doc));
        double acc = doc.get("val_acc").asDouble();
        assertTrue(acc > 0.3 && acc <= 1, "two epochs on digits beat chance (0.1) by far: " + acc);
        assertEquals(List.of("1e-2", "1"), fieldNames(doc.get("lds")), "keys as written in --dampings, in order");
        for (JsonNode row : doc.get("lds")) {
            assertEquals(List.of("kfac", "ekfac", "identity"), fieldNames(row), "the rungs as listed, in order");
            for (JsonNode v : row) {
                assertTrue(v.isNull() || (v.isNumber() && Math.abs(v.asDouble()) <= 1), "an LDS is a correlation: " + v);
            }
        }
        JsonNode full = JSON.readTree(Files.readString(out.resolve("ladder.json")));
        assertEquals(doc.get("lds"), full.get("lds"));
        List<String> csv = Files.readAllLines(out.resolve("ladder.csv"));
        assertEquals("damping,curvature,lds,lower,upper", csv.get(0));
        assertEquals(1 + 2 * 3, csv.size());
        byte[] png = Files.readAllBytes(out.resolve("ladder.png"));
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertArrayEquals(signature, java.util.Arrays.copyOf(png, 8), "ladder.png is a PNG");
        assertTrue(full.has("details") && full.has("seconds") && full.has("backend"), "ladder.json is the full record");

        Run table = run("influence", "ladder", "--epochs", "1", "--subsets", "2", "--alphas", "0.7", "--curvatures",
                "identity", "--dampings", "0", "--no-diagnostics");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().startsWith("validation accuracy "), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("0 ") && l.contains("[")), table.out());
    }

    private static Set<String> keys(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        doc.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> fieldNames(JsonNode doc) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    // ---- bad input (point 8) ---------------------------------------------------------------------------------------

    private static void refused(Run r, String... mustContain) {
        assertEquals(2, r.code(), "exit 2; stderr: " + r.err() + " stdout: " + r.out());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("eigenbasis:")).count(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        for (String s : mustContain) {
            assertTrue(r.err().contains(s), "the message names " + s + ": " + r.err());
        }
    }

    @Test
    void badParametersAreRefusedNamingTheOption() throws Exception {
        Problem pr = problem();
        Path out = file("S.npy");
        int p = ARCH.parameterCount();
        Path shortParams = floats("short.npy", new double[p - 1], p - 1);
        refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--params", shortParams)), "--params",
                (p - 1) + " parameters", "has " + p);
        Path f32 = floats32("f32.npy", pr.theta(), p);
        refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--params", f32)), "--params", "float64");
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            double[] theta = pr.theta().clone();
            theta[7] = bad;
            Path file = floats("badP.npy", theta, p);
            refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--params", file)), "--params", "[7]",
                    "not finite");
        }
        assertFalse(Files.exists(out), "no output on bad input");
    }

    @Test
    void badDataAreRefusedNamingTheOption() throws Exception {
        Problem pr = problem();
        Path out = file("S.npy");
        Random random = new Random(9);
        Path wide = floats("wide.npy", gaussian(random, N_TRAIN * 5), N_TRAIN, 5);
        refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--train-x", wide)), "--train-x", "5 features");
        refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--test-x", wide)), "--test-x", "5 features");
        Path shortY = labels("shortY.npy", classes(random, N_TRAIN - 1, 3));
        refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--train-y", shortY)), "--train-y",
                (N_TRAIN - 1) + " labels");
        refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--test-y", shortY)), "--test-y");
        for (int bad : new int[] {-1, 3}) {
            int[] y = classes(random, N_TRAIN, 3);
            y[4] = bad;
            Path file = labels("badY.npy", y);
            refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--train-y", file)), "--train-y", "4",
                    String.valueOf(bad));
        }
        Path floatLabels = floats("floatY.npy", new double[N_TRAIN], N_TRAIN);
        refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--train-y", floatLabels)), "--train-y",
                "int32 or int64");
        for (double bad : new double[] {Double.NaN, Double.NEGATIVE_INFINITY}) {
            double[] x = gaussian(random, N_TRAIN * 4);
            x[9] = bad;
            Path file = floats("badX.npy", x, N_TRAIN, 4);
            refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--train-x", file)), "--train-x", "[2][1]",
                    "not finite");
            refused(run(withOption(pr.scoresArgs(out, "ggn", "0.1"), "--test-x", file)), "--test-x");
        }
        // squared loss: non-finite and mis-shaped float targets
        Path sq = text("sq.json", "{\"layers\": [4, 5, 2], \"activation\": \"relu\", \"loss\": \"squared\"}");
        MlpArchitecture arch = new MlpArchitecture(new int[] {4, 5, 2}, MlpArchitecture.Activation.RELU,
                MlpArchitecture.Loss.SQUARED);
        double[] theta = Mlp.initialParameters(arch, 0);
        Path params = floats("sqP.npy", theta, theta.length);
        double[] targets = gaussian(random, N_TRAIN * 2);
        targets[3] = Double.NaN;
        Path nanTargets = floats("nanT.npy", targets, N_TRAIN, 2);
        refused(run("influence", "train", "--model", sq.toString(), "--train-x", pr.trainX().toString(), "--train-y",
                nanTargets.toString(), "--out", out.toString()), "--train-y", "[1][1]", "not finite");
        Path narrow = floats("narrowT.npy", gaussian(random, N_TRAIN), N_TRAIN, 1);
        refused(run("influence", "scores", "--model", sq.toString(), "--params", params.toString(), "--train-x",
                pr.trainX().toString(), "--train-y", narrow.toString(), "--curvature", "kfac", "--damping", "1",
                "--self", "--out", out.toString()), "--train-y", "(" + N_TRAIN + ", 2)");
        refused(run("influence", "scores", "--model", sq.toString(), "--params", params.toString(), "--train-x",
                pr.trainX().toString(), "--train-y", pr.trainY().toString(), "--curvature", "kfac", "--damping", "1",
                "--self", "--out", out.toString()), "--train-y", "float32");
        assertFalse(Files.exists(out), "no output on bad input");
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() throws Exception {
        Problem pr = problem();
        Path out = file("S.npy");
        refused(run(pr.scoresArgs(out, "ggn", "-0.5")), "--damping", "-0.5");
        refused(run(pr.scoresArgs(out, "ggn", "NaN")), "--damping");
        refused(run(pr.scoresArgs(out, "ggn", "0.1", "--eigen-floor", "-1e-6")), "--eigen-floor");
        refused(run(pr.scoresArgs(out, "hessain", "0.1")), "--curvature", "hessain", "block-ggn");
        refused(run(pr.scoresArgs(out, "ggn", "0.1", "--fisher", "monte-carlo")), "--fisher", "monte-carlo");
        refused(run(pr.scoresArgs(out, "ekfac", "0.1", "--pi-damping")), "--pi-damping", "ekfac");
        refused(run(pr.scoresArgs(out, "ggn", "0.1", "--top-k", "3")), "--top-out");
        refused(run(pr.scoresArgs(out, "ggn", "0.1", "--top-k", "0", "--top-out", file("t.json").toString())),
                "--top-k", "[1, " + N_TRAIN + "]");
        refused(run("influence", "scores", "--model", pr.model().toString(), "--params", pr.params().toString(),
                "--train-x", pr.trainX().toString(), "--train-y", pr.trainY().toString(), "--curvature", "ggn",
                "--damping", "0.1", "--out", out.toString()), "--test-x", "--self");
        refused(run("influence", "train", "--model", pr.model().toString(), "--train-x", pr.trainX().toString(),
                "--train-y", pr.trainY().toString(), "--out", out.toString(), "--batch-size", "0"), "--batch-size");
        refused(run("influence", "train", "--model", pr.model().toString(), "--train-x", pr.trainX().toString(),
                "--train-y", pr.trainY().toString(), "--out", out.toString(), "--momentum", "1"), "--momentum");
        refused(run("influence", "ladder", "--dampings", "1e-2,abc"), "--dampings", "abc");
        refused(run("influence", "ladder", "--dampings", "1,1"), "--dampings");
        refused(run("influence", "ladder", "--dampings", "-1"), "--dampings");
        refused(run("influence", "ladder", "--curvatures", "ggn,fisher"), "--curvatures", "fisher");
        refused(run("influence", "ladder", "--alphas", "1.5"), "--alphas", "1.5");
        refused(run("influence", "ladder", "--subsets", "1"), "--subsets");
        assertEquals(2, run("influence").code(), "a subcommand is required");
        assertFalse(Files.exists(out), "no output on bad input");
    }

    @Test
    void badModelFilesAreRefusedNamingTheField() throws Exception {
        Problem pr = problem();
        Path out = file("S.npy");
        String[][] cases = {
            {"{\"layers\": [4, 5, 3], \"activation\": \"gelu\", \"loss\": \"cross_entropy\", \"dropout\": 0.1}", "dropout"},
            {"{\"layers\": [4, 5, 3], \"activation\": \"swish\", \"loss\": \"cross_entropy\"}", "swish"},
            {"{\"layers\": [4, 5, 3], \"activation\": \"gelu\", \"loss\": \"hinge\"}", "hinge"},
            {"{\"layers\": [4], \"activation\": \"gelu\", \"loss\": \"cross_entropy\"}", "layers"},
            {"{\"layers\": [4, 5.5, 3], \"activation\": \"gelu\", \"loss\": \"cross_entropy\"}", "layers[1]"},
            {"{\"layers\": [4, \"5\", 3], \"activation\": \"gelu\", \"loss\": \"cross_entropy\"}", "layers[1]"},
            {"{\"layers\": [4, 0, 3], \"activation\": \"gelu\", \"loss\": \"cross_entropy\"}", "layers"},
            {"{\"layers\": [4, 5, 3], \"loss\": \"cross_entropy\"}", "activation"},
            {"[4, 5, 3]", "JSON object"},
            {"{\"layers\": [4, 5, 3], ", "not valid JSON"},
        };
        for (String[] c : cases) {
            Path model = text("bad-model.json", c[0]);
            String[] args = withOption(pr.scoresArgs(out, "ggn", "0.1"), "--model", model);
            refused(run(args), "--model", c[1]);
        }
        assertFalse(Files.exists(out), "no output on bad input");
    }

    @Test
    void aCurvatureTooLargeForMemorySaysSoBeforeAllocating() throws Exception {
        Problem pr = problem();
        Path out = file("S.npy");
        String property = "eigenbasis.influence.denseLimitBytes";
        String before = System.getProperty(property);
        try {
            // P = 43: the dense GGN needs 3·8·43² ≈ 44 kB, over a 1 kB limit.
            System.setProperty(property, "1000");
            refused(run(pr.scoresArgs(out, "ggn", "0.1")), "dense ggn", "MiB", property);
            assertEquals(0, run(pr.scoresArgs(file("kfac.npy"), "kfac", "0.1")).code(),
                    "Kronecker factors are small: no limit hit");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
        // Under the default limit (half the heap): a 200-250-3 model has P = 51,003, whose dense GGN would take
        // 3·8·P² ≈ 58 GiB. Refused before allocating: allocating would end in OutOfMemoryError (exit 3), not 2.
        Path model = text("big.json", "{\"layers\": [200, 250, 3], \"activation\": \"relu\", \"loss\": \"cross_entropy\"}");
        MlpArchitecture big = new MlpArchitecture(new int[] {200, 250, 3}, MlpArchitecture.Activation.RELU,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        double[] theta = Mlp.initialParameters(big, 0);
        Path params = floats("bigP.npy", theta, theta.length);
        Path x = floats("bigX.npy", gaussian(new Random(3), 4 * 200), 4, 200);
        Path y = labels("bigY.npy", new int[] {0, 1, 2, 0});
        for (String kind : new String[] {"ggn", "block-ggn"}) {
            refused(run("influence", "scores", "--model", model.toString(), "--params", params.toString(), "--train-x",
                    x.toString(), "--train-y", y.toString(), "--curvature", kind, "--damping", "1", "--self", "--out",
                    out.toString()), kind, "MiB");
        }
        assertFalse(Files.exists(out), "no output on bad input");
    }

    /** The arguments with {@code option}'s value replaced by {@code value}. */
    private static String[] withOption(String[] args, String option, Path value) {
        String[] out = args.clone();
        for (int i = 0; i + 1 < out.length; i++) {
            if (out[i].equals(option)) {
                out[i + 1] = value.toString();
                return out;
            }
        }
        throw new IllegalArgumentException(option + " is not among the arguments");
    }
}
