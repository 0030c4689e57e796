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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eigenbasis egop estimate} and {@code egop compare}: keys, exit codes, files. */
class EgopCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void estimatePrintsTheIssuesKeysWithinTheirBounds() throws Exception {
        int d = 30;
        int m = 4000;
        double alpha = 1;
        ResetCommandsTest.Run r = run("egop", "estimate", "--problem", "quadratic", "--dim", "" + d, "--alpha", "1",
                "--samples", "" + m, "--seed", "3", "--backend", "java", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        for (String key : new String[] {"relative_error", "stable_rank", "decay_exponent", "principal_angle_max"}) {
            assertTrue(doc.get(key).isNumber(), key + " in " + r.out());
        }
        assertEquals("radians", doc.get("principal_angle_unit").asText());
        // E‖Ê − A²‖_F² = ((tr A²)² + tr A⁴)/M for ρ = N(0, I); five standard deviations.
        double trace = 0;
        double squares = 0;
        for (int i = 1; i <= d; i++) {
            trace += Math.pow(i, -2 * alpha);
            squares += Math.pow(i, -4 * alpha);
        }
        double bound = 5 * Math.sqrt((trace * trace + squares) / m) / Math.sqrt(squares);
        assertTrue(doc.get("relative_error").asDouble() <= bound, r.out());
        assertEquals(trace, doc.get("stable_rank_exact").asDouble(), 1e-12 * trace);
        double angle = doc.get("principal_angle_max").asDouble();
        assertTrue(angle >= 0 && angle <= Math.PI / 2, r.out());

        ResetCommandsTest.Run table = run("egop", "estimate", "--dim", "8", "--alpha", "2", "--samples", "64",
                "--backend", "java");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("decay exponent") && table.out().contains("principal angle"), table.out());
    }

    @Test
    void estimateRefusesBadInputWithExit2() {
        assertBadInput(run("egop", "estimate", "--dim", "0"), "--dim", "[1, ∞)");
        assertBadInput(run("egop", "estimate", "--samples", "0"), "--samples");
        assertBadInput(run("egop", "estimate", "--alpha", "0"), "--alpha");
        assertBadInput(run("egop", "estimate", "--problem", "cubic"), "--problem", "cubic");
        assertBadInput(run("egop", "estimate", "--dim", "x"), "--dim");
    }

    @Test
    void compareOnTheQuadraticPrintsBothSidesAndWritesThePlot() throws Exception {
        ResetCommandsTest.Run r = run("egop", "compare", "--problem", "quadratic", "--optimizer", "adam", "--steps",
                "40", "--samples", "200", "--backend", "java", "--json", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        for (String side : new String[] {"original", "egop"}) {
            JsonNode s = doc.get(side);
            assertTrue(s.has("steps") && (s.get("steps").isNull() || s.get("steps").isInt()), r.out());
            assertTrue(s.get("final_loss").isNumber() && s.get("lr").isNumber(), r.out());
        }
        assertTrue(doc.get("gd_equivariance_error").asDouble() <= 1e-12, r.out());
        assertEquals(40, doc.get("step_budget").asInt());
        Path png = dir.resolve("egop-quadratic-adam.png");
        assertTrue(Files.size(png) > 1000);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(Files.readAllBytes(png), 4));
        JsonNode saved = JSON.readTree(dir.resolve("egop-quadratic-adam.json").toFile());
        assertEquals(41, saved.get("original_curve").size(), "f(θ_0..θ_40) of the best (not diverged) run");
        assertEquals(41, saved.get("egop_curve").size());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary left");
        }
    }

    @Test
    void compareRunsTheReducedFormAndTheDigitsRegression() throws Exception {
        ResetCommandsTest.Run reduced = run("egop", "compare", "--problem", "logsumexp", "--rank", "10", "--steps",
                "20", "--samples", "100", "--backend", "java", "--json");
        assertEquals(0, reduced.code(), reduced.err());
        JsonNode doc = JSON.readTree(reduced.out());
        assertEquals(10, doc.get("rank").asInt());
        assertTrue(doc.get("gd_equivariance_error").asDouble() <= 1e-12, reduced.out());

        ResetCommandsTest.Run digits = run("egop", "compare", "--problem", "digits-logreg", "--steps", "3",
                "--samples", "16");
        assertEquals(0, digits.code(), digits.err());
        assertTrue(digits.out().contains("original") && digits.out().contains("EGOP"), digits.out());
    }

    @Test
    void compareRefusesBadInputWithExit2() {
        assertBadInput(run("egop", "compare", "--problem", "rosenbrock"), "--problem", "rosenbrock",
                "digits-mlp");
        assertBadInput(run("egop", "compare", "--problem", "quadratic", "--optimizer", "sgd"), "--optimizer", "sgd");
        assertBadInput(run("egop", "compare", "--problem", "quadratic", "--rank", "-1"), "--rank");
        assertBadInput(run("egop", "compare", "--problem", "quadratic", "--steps", "0"), "--steps");
        assertBadInput(run("egop", "compare", "--problem", "quadratic", "--samples", "0"), "--samples");
        assertBadInput(run("egop", "compare"), "--problem");
    }

    @Test
    void compareRefusesAFileAsOutputFolderAndWritesNothing() throws Exception {
        Path file = dir.resolve("taken");
        Files.writeString(file, "x");
        assertBadInput(run("egop", "compare", "--problem", "quadratic", "--steps", "2", "--out", file.toString()),
                "--out");
        assertEquals("x", Files.readString(file));
    }
}
