package org.eigenbasis.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes every {@link Npy} reader with arbitrary file contents. The documented failures are
 * IllegalArgumentException (a malformed or unsupported file) and IOException; anything else, an
 * OutOfMemoryError from a header's claimed shape included, is a finding. {@code mvn test} replays the corpus in
 * {@code src/test/resources/org/eigenbasis/io/NpyFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class NpyFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest
    void readers(byte[] bytes) throws IOException {
        Path file = dir.resolve("fuzz.npy");
        Files.write(file, bytes);
        expectDocumented(() -> Npy.read(file));
        expectDocumented(() -> Npy.readLabels(file));
        expectDocumented(() -> Npy.readMatrices(file));
        expectDocumented(() -> Npy.readBatch(file));
        expectDocumented(() -> Npy.readDoubles(file));
        expectDocumented(() -> Npy.readDoubles(file, -1, 2));
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
}
