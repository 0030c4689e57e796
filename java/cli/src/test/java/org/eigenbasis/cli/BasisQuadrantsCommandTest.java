package org.eigenbasis.cli;

import static org.eigenbasis.cli.ResetCommandsTest.assertBadInput;
import static org.eigenbasis.cli.ResetCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eigenbasis.basis.quadrants.FourQuadrants;
import org.eigenbasis.basis.quadrants.FourQuadrantsResult;
import org.eigenbasis.basis.quadrants.MethodResult;
import org.eigenbasis.basis.quadrants.QuadrantsConfig;
import org.eigenbasis.cli.ResetCommandsTest.Run;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eigenbasis basis quadrants}: the JSON and the files against the library's {@link FourQuadrants} on the same
 * (deterministic) config and backend, the table, and bad input (exit 2, nothing written).
 */
class BasisQuadrantsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] QUADRANTS = {"a", "b", "c", "d"};
    private static final String[] METHODS = {"gd", "adam", "gn_inv", "gn_inv_sqrt"};

    @TempDir
    Path dir;

    @Test
    void jsonAndFilesMatchTheLibrary() throws IOException {
        Path out = dir.resolve("q");
        Run r = run("basis", "quadrants", "--json", "--backend", "java", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        FourQuadrantsResult expected = FourQuadrants.on(Backends.select("java"), QuadrantsConfig.defaults()).run();
        List<List<MethodResult>> methods = BasisQuadrantsCommand.methods(expected);
        int rows = 0;
        for (int q = 0; q < QUADRANTS.length; q++) {
            JsonNode quadrant = doc.get(QUADRANTS[q]);
            assertTrue(quadrant != null && quadrant.isObject(), QUADRANTS[q]);
            for (int m = 0; m < METHODS.length; m++) {
                MethodResult want = methods.get(q).get(m);
                assertEquals(METHODS[m], want.method().key());
                JsonNode entry = quadrant.get(METHODS[m]);
                assertEquals(want.bestLr(), entry.get("lr").asDouble(), 0.0, QUADRANTS[q] + " " + METHODS[m]);
                assertEquals(want.finalLoss(), entry.get("final_loss").asDouble(), 0.0);
                if (want.stepsToTarget() < 0) {
                    assertTrue(entry.get("steps").isNull());
                } else {
                    assertEquals(want.stepsToTarget(), entry.get("steps").asInt());
                }
                rows += want.lossCurve().length;
            }
        }
        assertEquals(expected.a().newtonRelativeLoss(), doc.get("a").get("newton_relative_loss").asDouble(), 0.0);
        assertTrue(doc.get("b").get("gn_equals_gd").asBoolean());
        assertEquals(expected.c().alignment("identity").cosine(), doc.get("c").get("cosine").asDouble(), 0.0);
        assertEquals(expected.c().alignment("identity").exponent(), doc.get("c").get("exponent").asDouble(), 0.0);
        assertEquals(expected.d().adamSpeedup(), doc.get("d").get("adam_speedup").asDouble(), 0.0);

        JsonNode file = JSON.readTree(out.resolve("quadrants.json").toFile());
        for (String q : QUADRANTS) {
            assertEquals(doc.get(q), file.get(q), q);
        }
        assertEquals("java", file.get("backend").asText());
        assertEquals(15, file.get("learning_rates").size());
        List<String> csv = Files.readAllLines(out.resolve("quadrants.csv"));
        assertEquals("quadrant,method,lr,step,loss", csv.get(0));
        assertEquals(rows + 1, csv.size());
        TrainCommandTest.assertPng(out.resolve("quadrants.png"));
        try (var files = Files.list(out)) {
            assertEquals(3, files.count(), "only the three outputs, no temporary files left");
        }
        String table = BasisQuadrantsCommand.table(expected);
        for (String q : QUADRANTS) {
            assertTrue(table.contains("(" + q + ")"), table);
        }
        for (String m : METHODS) {
            assertEquals(4, table.lines().filter(l -> l.trim().startsWith(m + " ")).count(), m + " rows:\n" + table);
        }
    }

    @Test
    void badInputExitsTwoAndWritesNothing() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertBadInput(run("basis", "quadrants", "--out", file.toString()), "--out", "not a directory");
        assertEquals("x", Files.readString(file));
        assertBadInput(run("basis", "quadrants", "--backend", "no-such-backend"), "no-such-backend");
        Run none = run("basis");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("quadrants"), none.err());
        assertBadInput(run("basis", "quadrants", "--seed", "x"), "--seed");
        assertFalse(Files.exists(dir.resolve("quadrants.json")));
    }
}
