package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code eigenbasis verify --large} at an overridden small size, so CI stays fast; its refusals. */
class VerifyLargeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EigenbasisCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void largeModeOnCpuAtASmallOverrideSize() throws Exception {
        Run r = run("verify", "--large", "--sizes", "300", "--backend", "cpu", "--json");
        assertEquals(EigenbasisCli.OK, r.code(), r.out() + r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertTrue(doc.get("passed").asBoolean());
        Set<String> seen = new HashSet<>();
        for (JsonNode row : doc.get("rows")) {
            assertEquals("cpu", row.get("backend").asText());
            assertEquals(300, row.get("n").asInt());
            assertTrue(row.get("seconds").asDouble() > 0, row.toString());
            assertEquals(60.0, row.get("limits_n_eps").get("residual").asDouble(), row.toString());
            assertTrue(row.get("residual_n_eps").asDouble() <= 60, row.toString());
            assertTrue(row.get("orthogonality_n_eps").asDouble() <= row.get("limits_n_eps").get("orthogonality").asDouble(),
                    row.toString());
            seen.add(row.get("algorithm").asText() + " " + row.get("dtype").asText());
        }
        assertTrue(seen.containsAll(Set.of("auto f64", "auto f32", "syevd f64", "syevd f32")), seen.toString());
        Run table = run("verify", "--large", "--sizes", "200,301", "--backend", "cpu");
        assertEquals(EigenbasisCli.OK, table.code(), table.out() + table.err());
        assertTrue(table.out().contains("verify --large: PASS"), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("cpu    syevd") && l.contains(" 301 ")
                && l.endsWith("pass")), table.out());
    }

    @Test
    void refusals() {
        Run sizesAlone = run("verify", "--sizes", "300");
        assertEquals(EigenbasisCli.BAD_INPUT, sizesAlone.code());
        assertTrue(sizesAlone.err().contains("--sizes: only with --large"), sizesAlone.err());
        Run java = run("verify", "--large", "--backend", "java", "--sizes", "8");
        assertEquals(EigenbasisCli.BAD_INPUT, java.code());
        assertTrue(java.err().contains("native backends only"), java.err());
        Run zero = run("verify", "--large", "--sizes", "0", "--backend", "cpu");
        assertEquals(EigenbasisCli.BAD_INPUT, zero.code());
        assertTrue(zero.err().contains("--sizes: 0"), zero.err());
    }
}
