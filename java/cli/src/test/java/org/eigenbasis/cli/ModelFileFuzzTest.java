package org.eigenbasis.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the model JSON that {@code train} and the influence commands read, {@link ModelFile#read}: arbitrary
 * bytes either give an architecture or an IllegalArgumentException naming the file (or an IOException); anything
 * else is a finding.
 */
class ModelFileFuzzTest {
    private static final Path FILE = tempFile();

    @FuzzTest
    void read(byte[] json) throws IOException {
        Files.write(FILE, json);
        try {
            ModelFile.read(FILE);
        } catch (IllegalArgumentException | IOException documented) {
            // refused with a message
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("model-fuzz", ".json");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
