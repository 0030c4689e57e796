package org.eigenbasis.cli;

import static org.eigenbasis.cli.ResetCommandsTest.assertBadInput;
import static org.eigenbasis.cli.ResetCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eigenbasis soak}, briefly: every call runs, repeats its bits, and the CSV, JSON and PNG are written. */
class SoakCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aShortSoakRunsEveryCallTwiceWithTheSameBitsAndWritesItsFiles() throws Exception {
        String backend = Backends.select("cpu").availability().available() ? "cpu" : "java";
        Path out = dir.resolve("soak");
        ResetCommandsTest.Run r = run("soak", "--seconds", "2", "--window", "1", "--backend", backend, "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode doc = JSON.readTree(Files.readString(out.resolve("soak.json")));
        assertEquals(0, doc.get("failures").asLong());
        assertEquals(0, doc.get("mismatches").asLong());
        JsonNode workloads = doc.get("workloads");
        assertTrue(workloads.size() >= 12, workloads.toString());
        long rounds = doc.get("rounds").asLong();
        assertTrue(rounds >= 2, "a 2 s soak still finishes its rounds: " + rounds);   // the second compares bits
        workloads.forEach(w -> assertEquals(rounds, w.get("calls").asLong()));
        List<String> csv = Files.readAllLines(out.resolve("soak.csv"));
        assertEquals(doc.get("windows").asInt() + 1, csv.size());
        assertEquals(8 + workloads.size(), csv.get(0).split(",").length);
        assertTrue(csv.get(0).startsWith("window,minutes,rss_mib,heap_after_gc_mib,direct_mib,fds,threads,rounds_per_minute"));
        assertTrue(Files.size(out.resolve("soak.png")) > 10_000);
        try (var files = Files.list(out)) {      // the CLI calls' scratch files went to a temporary folder, now gone
            assertEquals(java.util.Set.of("soak.csv", "soak.json", "soak.png"),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void badDurationsAreRefused() throws Exception {
        assertBadInput(run("soak", "--seconds", "0", "--out", dir.toString()), "--seconds");
        assertBadInput(run("soak", "--seconds", "10", "--window", "20", "--out", dir.toString()), "--window");
        assertBadInput(run("soak", "--seconds", "NaN", "--out", dir.toString()), "--seconds");
    }
}
