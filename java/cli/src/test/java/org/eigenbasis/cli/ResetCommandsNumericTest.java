package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.eigenbasis.io.Npy;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetFilter;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resetting commands' numbers against closed forms (exp law = ridge, det filter, Poisson covariance). */
class ResetCommandsNumericTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode json(String... args) throws Exception {
        ResetCommandsTest.Run r = ResetCommandsTest.run(args);
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static List<String> keys(JsonNode doc) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void exponentialFilterIsRidge() throws Exception {
        JsonNode doc = json("filter", "--law", "exp(rate=1)", "--mu", "1", "--json");
        assertEquals(List.of("law", "mu", "h", "lambda_eff"), keys(doc));
        assertEquals("exp(rate=1)", doc.get("law").asText());
        assertEquals(0.5, doc.get("h").get(0).asDouble(), 1e-14);
        assertEquals(1, doc.get("lambda_eff").get(0).asDouble(), 1e-12);

        doc = json("filter", "--law", "exp(rate=2.5)", "--mu", "0,0.01,1,100", "--json");
        double[] mu = {0, 0.01, 1, 100};
        for (int i = 0; i < mu.length; i++) {
            assertEquals(mu[i] / (mu[i] + 2.5), doc.get("h").get(i).asDouble(), 1e-13);
        }
        assertEquals(2.5, doc.get("lambda_eff").get(0).asDouble(), 0, "lambda_eff(0): the limit, the rate");
        assertEquals(2.5, doc.get("lambda_eff").get(3).asDouble(), 1e-9);

        // det(T): h(μ) = 1 − (1 − e^(−μT))/(μT), the age being uniform on [0, T].
        doc = json("filter", "--law", "det(T=2)", "--mu", "0.5,1,3", "--json");
        double[] m = {0.5, 1, 3};
        for (int i = 0; i < m.length; i++) {
            double h = 1 + Math.expm1(-2 * m[i]) / (2 * m[i]);
            assertEquals(h, doc.get("h").get(i).asDouble(), 1e-12);
            assertEquals(m[i] * (1 - h) / h, doc.get("lambda_eff").get(i).asDouble(), 1e-10);
        }
        ResetCommandsTest.Run text = ResetCommandsTest.run("filter", "--law", "exp(rate=1)", "--mu", "1");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("0.500000"), text.out());
    }

    @Test
    void effectiveRidgeAtZeroIsTheLibrarysLimit() throws Exception {
        // λ_eff(0) = 2E[τ]/E[τ²]: 4/3 for gamma(k=2, scale=0.5); 0 for pareto(α = 1.5), where E[τ²] = ∞.
        String[] laws = {"exp(rate=0.3)", "gamma(k=2,scale=0.5)", "pareto(xm=1,alpha=1.5)", "lomax(scale=1,alpha=2)"};
        double[] limits = {0.3, 4.0 / 3, 0, 0};
        for (int i = 0; i < laws.length; i++) {
            JsonNode doc = json("filter", "--law", laws[i], "--mu", "0,0.01", "--json");
            double library = ResetFilter.of(RenewalLaw.parse(laws[i])).effectiveRidge(0);
            assertEquals(library, doc.get("lambda_eff").get(0).asDouble(), 0, laws[i]);
            assertEquals(limits[i], library, 1e-15, laws[i]);
            assertTrue(doc.get("lambda_eff").get(0).isNumber(), laws[i] + ": a number, not null");
        }
        ResetCommandsTest.Run text = ResetCommandsTest.run("filter", "--law", "gamma(k=2,scale=0.5)", "--mu", "0");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().lines().anyMatch(l -> l.trim().matches("0\\.00000\\s+0\\.00000\\s+1\\.33333")), text.out());
        text = ResetCommandsTest.run("filter", "--law", "pareto(xm=1,alpha=1.5)", "--mu", "0");
        assertTrue(text.out().lines().anyMatch(l -> l.trim().matches("0\\.00000\\s+0\\.00000\\s+0\\.00000")), text.out());
        String help = ResetCommandsTest.run("filter", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("At mu = 0, lambda_eff is the limit 2 E[tau] / E[tau^2]"), help);
    }

    @Test
    void exponentialMomentsAreRidgeWithClosedFormCovariance() throws Exception {
        double r = 0.7;
        double sigma = 0.3;
        double[] mu = {0.2, 1.5, 4};
        double[] a = {1, -2, 0.5};
        JsonNode doc = json("reset", "moments", "--law", "exp(rate=0.7)", "--mu", "0.2,1.5,4", "--theta-star", "1,-2,0.5",
                "--sigma", "0.3", "--json");
        assertEquals(List.of("mean", "covariance"), keys(doc).subList(0, 2));
        double[] mean = doubles(doc.get("mean"));
        for (int i = 0; i < 3; i++) {
            assertEquals(a[i] * mu[i] / (mu[i] + r), mean[i], 1e-12, "the ridge solution");
        }
        // The age A is Exp(r): E[e^(−cA)] = r/(r + c), and the noise is independent across coordinates.
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double second = a[i] * a[j] * (1 - r / (r + mu[i]) - r / (r + mu[j]) + r / (r + mu[i] + mu[j]))
                        + (i == j ? sigma * sigma / (r + 2 * mu[i]) : 0);
                double cov = second - a[i] * mu[i] / (mu[i] + r) * a[j] * mu[j] / (mu[j] + r);
                assertEquals(cov, doc.get("covariance").get(i).get(j).asDouble(), 1e-12 + 1e-10 * Math.abs(cov));
            }
        }
    }

    @Test
    void infiniteVarianceIsReportedNotRefused() throws Exception {
        ResetCommandsTest.Run r = ResetCommandsTest.run("reset", "moments", "--law", "pareto(xm=1,alpha=1.5)", "--mu", "0,1",
                "--theta-star", "1,1", "--sigma", "1", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("eigenbasis: warning:") && r.err().lines().count() == 1, r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(List.of("mean", "covariance", "infinite_variance"), keys(doc).subList(0, 3));
        assertTrue(doc.get("covariance").isNull());
        assertTrue(!doc.get("infinite_variance").asText().isBlank());
    }

    @Test
    void ridgeCommandMatchesARidgeSolve() throws Exception {
        Random rng = new Random(7);
        int n = 6;
        int d = 3;
        double[][] x = new double[n][d];
        double[] xFlat = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = rng.nextGaussian();
                xFlat[i * d + j] = x[i][j];
            }
            y[i] = rng.nextGaussian();
        }
        double[] expected = ResetExperiment.ridgeDual(x, y, 0.4);
        for (DType dtype : DType.values()) {
            Path xf = dir.resolve("X-" + dtype.shortName() + ".npy");
            Path yf = dir.resolve("y-" + dtype.shortName() + ".npy");
            try (BatchedMatrix xm = BatchedMatrix.of(xFlat, 1, n, d).convert(dtype, Placement.HEAP);
                    BatchedMatrix ym = BatchedMatrix.of(y, 1, n, 1).convert(dtype, Placement.HEAP)) {
                Npy.write(xf, xm, n, d);
                Npy.write(yf, ym, dtype == DType.F64 ? new long[] {n} : new long[] {n, 1});
            }
            JsonNode doc = json("reset", "ridge", "--x", xf.toString(), "--y", yf.toString(), "--law", "exp(rate=0.4)",
                    "--json");
            assertEquals("theta", keys(doc).get(0));
            double tolerance = dtype == DType.F64 ? 1e-10 : 1e-5;
            assertArrayEquals(expected, doubles(doc.get("theta")), tolerance, dtype.shortName());
        }
    }

    @Test
    void simulateAgreesWithTheoryAndIsReproducible() throws Exception {
        String[] args = {"reset", "simulate", "--law", "exp(rate=1)", "--mu", "0.5,2", "--theta-star", "1,-1",
            "--sigma", "0.5", "--trajectories", "4000", "--seed", "11", "--backend", "java", "--json"};
        JsonNode doc = json(args);
        assertEquals(List.of("mean", "mean_stderr", "covariance", "covariance_stderr", "events_per_second"),
                keys(doc).subList(0, 5));
        assertEquals("java", doc.get("backend").asText());
        assertEquals("exact", doc.get("scheme").asText());
        assertEquals(10, doc.get("horizon").asDouble(), 0, "10 x the mean reset time");
        assertEquals(4000, doc.get("trajectories").asLong());
        double[] mean = doubles(doc.get("mean"));
        double[] se = doubles(doc.get("mean_stderr"));
        double[] exact = {0.5 / 1.5, -2.0 / 3};
        for (int k = 0; k < 2; k++) {
            assertTrue(se[k] > 0 && Math.abs(mean[k] - exact[k]) < 5 * se[k], k + ": " + mean[k] + " ± " + se[k]);
        }
        assertEquals(2, doc.get("covariance").size());
        assertTrue(doc.has("snapshot_mean") && doc.has("snapshot_covariance"));
        assertEquals(doc.get("mean"), json(args).get("mean"), "same seed, same numbers");

        String[] euler = args.clone();
        euler[euler.length - 1] = "--euler-step";
        JsonNode e = json(concat(euler, "0.01", "--json"));
        assertEquals("euler", e.get("scheme").asText());
    }

    @Test
    void quickExperimentWritesItsReport() throws Exception {
        Path out = dir.resolve("report");
        ResetCommandsTest.Run r = ResetCommandsTest.run("reset", "experiment", "--quick", "--out", out.toString(),
                "--backend", "java");
        assertEquals(0, r.code(), r.out() + r.err());
        for (String name : new String[] {"filters.csv", "lambda_eff.csv", "risk.csv", "best.csv", "mc.csv", "summary.md"}) {
            assertTrue(Files.size(out.resolve(name)) > 0, name);
        }
        for (String name : new String[] {"filters.png", "lambda_eff.png", "risk.png", "mc_vs_theory.png"}) {
            byte[] png = Files.readAllBytes(out.resolve(name));
            assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', name);
        }
        List<String> best = Files.readAllLines(out.resolve("best.csv"));
        assertEquals(1 + 1 + ResetExperiment.families().size(), best.size(), "header, ridge, one row per law");
        // exp(rate = 1/m) is ridge with λ = 1/m: the same tuned risk (up to the refinement's resolution).
        double ridge = Double.parseDouble(field(best.get(1), 4));
        String expRow = best.stream().filter(l -> l.startsWith("exp,")).findFirst().orElseThrow();
        assertEquals(ridge, Double.parseDouble(field(expRow, 4)), 1e-6 * ridge);
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    /** Field i of a CSV row whose quoted fields hold no escaped quotes. */
    private static String field(String row, int i) {
        List<String> fields = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (char c : row.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(c);
            }
        }
        fields.add(sb.toString());
        return fields.get(i);
    }

    private static String[] concat(String[] a, String... b) {
        return ResetCommandsTest.concat(a, b);
    }
}
