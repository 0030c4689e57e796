package org.eigenbasis.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the model JSON that {@code train} and the influence commands read, {@link ModelFile#read}: arbitrary
 * bytes either give an architecture or an IllegalArgumentException naming the file (or an IOException); anything
 * else is a finding.
 */
class ModelFileFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest
    void read(byte[] json) throws IOException {
        Path file = dir.resolve("fuzz.json");
        Files.write(file, json);
        try {
            ModelFile.read(file);
        } catch (IllegalArgumentException | IOException documented) {
            // refused with a message
        }
    }
}
