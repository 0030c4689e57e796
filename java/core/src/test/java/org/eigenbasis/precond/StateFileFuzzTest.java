package org.eigenbasis.precond;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the optimizer-state decoder, {@link StateFile#read} and {@link OptimizerStates#load}. Half the inputs
 * are raw bytes (magic, version, length and checksum checks); the other half get a valid header, length, fingerprint
 * and CRC32C around fuzzed contents, so the fuzzer reaches the parser behind the checksum. Documented failures:
 * IOException (corrupt, truncated, foreign file) and, from load, IllegalArgumentException (another
 * configuration, other parameters or entries). An OutOfMemoryError from a claimed count is a finding.
 */
class StateFileFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest
    void read(FuzzedDataProvider data) throws IOException {
        boolean framed = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();
        Path file = dir.resolve("fuzz.state");
        Files.write(file, framed ? framed(body) : body);
        try {
            StateFile.read(file);
        } catch (IOException documented) {
            // refused with a message
        }
        List<Parameter> params = List.of(Parameter.of("w", new double[4], 2, 2));
        try {
            OptimizerStates.load(file, "fuzz", params, Map.of("w.m", new long[2]));
        } catch (IOException | IllegalArgumentException documented) {
            // refused with a message, nothing overwritten
        }
    }

    /** Magic, version, the true length, the fingerprint of "fuzz" and the true CRC32C around {@code body}. */
    static byte[] framed(byte[] body) {
        byte[] fingerprint = OptimizerStates.fingerprint("fuzz");
        int length = StateFile.MAGIC.length + 4 + 8 + fingerprint.length + body.length + 4;
        ByteBuffer buf = ByteBuffer.allocate(length);
        buf.put(StateFile.MAGIC).putInt(StateFile.VERSION).putLong(length).put(fingerprint).put(body);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, length - 4);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }
}
