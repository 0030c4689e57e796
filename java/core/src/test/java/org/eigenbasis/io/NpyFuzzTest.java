package org.eigenbasis.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes every {@link Npy} reader with arbitrary file contents. The documented failures are
 * IllegalArgumentException (a malformed or unsupported file) and IOException; anything else, an
 * OutOfMemoryError from a header's claimed shape included, is a finding. {@code mvn test} replays the corpus in
 * {@code src/test/resources/org/eigenbasis/io/NpyFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class NpyFuzzTest {
    private static final Path FILE = tempFile();

    @FuzzTest
    void readers(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        expectDocumented(() -> Npy.read(FILE));
        expectDocumented(() -> Npy.readLabels(FILE));
        expectDocumented(() -> Npy.readMatrices(FILE));
        expectDocumented(() -> Npy.readBatch(FILE));
        expectDocumented(() -> Npy.readDoubles(FILE));
        expectDocumented(() -> Npy.readDoubles(FILE, -1, 2));
    }

    interface Reader {
        Object read() throws IOException;
    }

    private static void expectDocumented(Reader reader) {
        try {
            reader.read();
        } catch (IllegalArgumentException | IOException documented) {
            // refused with a message: the contract
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("npy-fuzz", ".npy");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
