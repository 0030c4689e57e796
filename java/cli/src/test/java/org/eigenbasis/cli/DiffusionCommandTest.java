package org.eigenbasis.cli;

import static org.eigenbasis.cli.ResetCommandsTest.assertBadInput;
import static org.eigenbasis.cli.ResetCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.EmergenceTimes;
import org.eigenbasis.diffusion.ModeDynamics;
import org.eigenbasis.diffusion.PowerLawFit;
import org.eigenbasis.diffusion.Spectrum;
import org.eigenbasis.io.Npy;
import org.eigenbasis.value.BatchedMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eigenbasis diffusion curves | variance | powerlaw}: keys, agreement with the library, files, exit codes. */
class DiffusionCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void variancePrintsTheClosedForm() throws Exception {
        ResetCommandsTest.Run r = run("diffusion", "variance", "--lambda", "0.5", "--tau", "2", "--init", "0.2",
                "--model", "two-layer", "--sigma-min", "0.01", "--sigma-max", "40", "--eta", "0.5", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(List.of("generated_variance"), iterable(doc));
        double expected = ModeDynamics.generatedVariance(DenoiserModel.TWO_LAYER, 0.5, 2,
                new DiffusionConfig(0.01, 40, 0.5, 0.2));
        assertEquals(expected, doc.get("generated_variance").asDouble(), 0);
        ResetCommandsTest.Run table = run("diffusion", "variance", "--lambda", "1", "--tau", "0", "--init", "0.1",
                "--model", "one-layer");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("generated variance"), table.out());
    }

    @Test
    void powerlawPrintsTheIssuesKeysAndTheLibrarysFit() throws Exception {
        ResetCommandsTest.Run r = run("diffusion", "powerlaw", "--spectrum", "powerlaw(d=16,beta=1)", "--model",
                "one-layer", "--init", "0.1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(List.of("alpha", "alpha_interval", "init", "criterion", "modes"), iterable(doc).subList(0, 5));
        assertEquals("log-midpoint", doc.get("criterion").asText());
        assertEquals(0.1, doc.get("init").asDouble(), 0);
        Spectrum s = Spectrum.powerLaw(16, 1);
        EmergenceTimes.Mode[] modes = EmergenceTimes.of(DenoiserModel.ONE_LAYER, DiffusionConfig.defaults()).of(s);
        PowerLawFit fit = PowerLawFit.of(modes, s);
        assertEquals(fit.alpha(), doc.get("alpha").asDouble(), 0);
        assertEquals(fit.lower(), doc.get("alpha_interval").get(0).asDouble(), 0);
        assertEquals(fit.upper(), doc.get("alpha_interval").get(1).asDouble(), 0);
        assertEquals(16, doc.get("modes").size());
        for (int k = 0; k < 16; k++) {
            assertEquals(Math.pow(k + 1, -1.0), doc.get("modes").get(k).get("lambda").asDouble(), 0);
            assertEquals(modes[k].time(), doc.get("modes").get(k).get("emergence_time").asDouble(), 0);
        }
    }

    @Test
    void powerlawReadsACovarianceFile() throws Exception {
        double[][] c = new double[8][8];
        for (int i = 0; i < 8; i++) {
            c[i][i] = 1.0 / (i + 1);
        }
        Path file = dir.resolve("c.npy");
        try (BatchedMatrix m = BatchedMatrix.of(c)) {
            Npy.write(file, m, 8, 8);
        }
        ResetCommandsTest.Run r = run("diffusion", "powerlaw", "--covariance", file.toString(), "--model", "two-layer",
                "--backend", "java", "--json");
        assertEquals(0, r.code(), r.err());
        ResetCommandsTest.Run same = run("diffusion", "powerlaw", "--spectrum", "powerlaw(d=8,beta=1)", "--model",
                "two-layer", "--json");
        JsonNode a = JSON.readTree(r.out());
        JsonNode b = JSON.readTree(same.out());
        // eigh of a diagonal matrix returns its diagonal to rounding: times agree to the root's 1e-12 and more
        assertEquals(b.get("alpha").asDouble(), a.get("alpha").asDouble(), 1e-9);
    }

    @Test
    void curvesWriteCsvPngAndJsonWithTheClosedForms() throws Exception {
        ResetCommandsTest.Run r = run("diffusion", "curves", "--spectrum", "powerlaw(d=4,beta=2)", "--model",
                "one-layer", "--points", "9", "--out", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        JsonNode tau = doc.get("tau");
        assertEquals(9, tau.size());
        double totalLast = 0;
        for (int k = 0; k < 4; k++) {
            JsonNode mode = doc.get("modes").get(k);
            double lambda = mode.get("lambda").asDouble();
            for (int t = 0; t < 9; t++) {
                double v = ModeDynamics.generatedVariance(DenoiserModel.ONE_LAYER, lambda, tau.get(t).asDouble(),
                        DiffusionConfig.defaults());
                assertEquals(v, mode.get("generated_variance").get(t).asDouble(), 0);
            }
            totalLast += ModeDynamics.klDivergence(mode.get("generated_variance").get(8).asDouble(), lambda);
        }
        assertEquals(totalLast, doc.get("kl").get(8).asDouble(), 1e-15 * totalLast);
        List<String> csv = Files.readAllLines(dir.resolve("curves.csv"));
        assertEquals("tau,kl,lambda_tilde_1,lambda_tilde_2,lambda_tilde_3,lambda_tilde_4", csv.get(0));
        assertEquals(10, csv.size());
        for (String png : new String[] {"curves.png", "kl.png"}) {
            byte[] bytes = Files.readAllBytes(dir.resolve(png));
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4), png);
        }
        assertTrue(Files.exists(dir.resolve("curves.json")));
    }

    @Test
    void badInputExitsWith2AndWritesNothing() {
        Path out = dir.resolve("none");
        assertBadInput(run("diffusion", "curves", "--spectrum", "powerlaw(d=0,beta=1)", "--model", "one-layer",
                "--out", out.toString()), "--spectrum", "d: 0");
        assertFalse(Files.exists(out), "nothing written on failure");
        assertBadInput(run("diffusion", "curves", "--spectrum", "powerlaw(d=4,beta=1)", "--model", "three-layer"),
                "--model", "three-layer");
        assertBadInput(run("diffusion", "curves", "--model", "one-layer"), "--spectrum", "--covariance");
        assertBadInput(run("diffusion", "curves", "--spectrum", "digits", "--covariance", "c.npy", "--model",
                "one-layer"), "mutually exclusive");
        assertBadInput(run("diffusion", "variance", "--lambda", "-1", "--tau", "1", "--init", "0.1", "--model",
                "one-layer"), "--lambda", "-1");
        assertBadInput(run("diffusion", "variance", "--lambda", "1", "--tau", "NaN", "--init", "0.1", "--model",
                "one-layer"), "--tau");
        assertBadInput(run("diffusion", "variance", "--lambda", "1", "--tau", "1", "--init", "0.1", "--model",
                "one-layer", "--sigma-min", "90"), "--sigma-min", "--sigma-max");
        assertBadInput(run("diffusion", "variance", "--lambda", "1", "--tau", "1", "--model", "one-layer"), "--init");
        assertBadInput(run("diffusion", "powerlaw", "--spectrum", "powerlaw(d=2,beta=1)", "--model", "one-layer"),
                "need at least 3");
        assertBadInput(run("diffusion", "powerlaw", "--covariance", dir.resolve("missing.npy").toString(), "--model",
                "one-layer"), "missing.npy");
        assertBadInput(run("diffusion"), "subcommand");
    }

    @Test
    void aNonSymmetricCovarianceIsRefused() throws Exception {
        Path file = dir.resolve("asym.npy");
        try (BatchedMatrix m = BatchedMatrix.of(new double[][] {{2, 1, 0}, {0, 2, 0}, {0, 0, 1}})) {
            Npy.write(file, m, 3, 3);
        }
        assertBadInput(run("diffusion", "powerlaw", "--covariance", file.toString(), "--model", "one-layer",
                "--backend", "java"), "--covariance", "not symmetric");
    }

    private static List<String> iterable(JsonNode doc) {
        List<String> keys = new java.util.ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
