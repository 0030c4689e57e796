package org.eigenbasis.precond;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The optimizer-state file of every {@link Optimizer} here and elsewhere (the format: {@link StateFile}, version 1,
 * CRC32C-checksummed, written atomically), for optimizers outside this package that keep their state as named
 * {@link BatchedMatrix} and {@code long[]} entries. The configuration is fingerprinted by SHA-256 of a string the
 * optimizer chooses: a state is only restored into an optimizer with the same string, the same parameter names,
 * shapes and dtypes, and the same entry keys, kinds and dimensions.
 */
public final class OptimizerStates {
    private OptimizerStates() {
    }

    /** Steps and skipped steps restored by {@link #load}. */
    public record Counters(long steps, long skipped) {
    }

    /**
     * Writes {@code state} (read, not modified; iteration order is the file's order) atomically to {@code file}.
     *
     * @throws IOException when the file cannot be written, or the state exceeds the format's 2 GiB
     */
    public static void save(Path file, String configuration, long steps, long skipped, List<Parameter> parameters,
                            Map<String, Object> state) throws IOException {
        Objects.requireNonNull(file, "file");
        StateFile.write(file, fingerprint(configuration), steps, skipped, parameters, state);
    }

    /**
     * Reads {@code file}, checks it against the configuration, the parameters and every entry of {@code live}, and
     * only then overwrites the live entries (matrices in place, long arrays by copy). On any mismatch nothing is
     * written.
     *
     * @return the saved step counters
     * @throws IOException              for a corrupt, truncated or foreign file
     * @throws IllegalArgumentException for a file of another configuration, other parameters or other entries
     */
    public static Counters load(Path file, String configuration, List<Parameter> parameters,
                                Map<String, Object> live) throws IOException {
        Objects.requireNonNull(file, "file");
        return restore(file, fingerprint(configuration), configuration, parameters, live);
    }

    /** What {@link #inspect} finds in a state file: its counters, parameter count and scalar count. */
    public record Summary(long steps, long skipped, int parameters, long scalars) {
    }

    /**
     * Checks a state file held in memory (magic, version, length, CRC32C, structure) without an optimizer to load
     * it into; reads {@code bytes}, writes nothing.
     *
     * @param where prefix of every error message (e.g. the file name)
     * @throws IOException naming the defect: truncated, bad magic, unsupported version, checksum mismatch, malformed
     */
    public static Summary inspect(byte[] bytes, String where) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        StateFile.Contents c = StateFile.read(bytes, where);
        long scalars = 0;
        for (int[] shape : c.shapes().values()) {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            scalars += n;
        }
        return new Summary(c.step(), c.skipped(), c.shapes().size(), scalars);
    }

    /** SHA-256 of the configuration string (UTF-8). */
    static byte[] fingerprint(String configuration) {
        Objects.requireNonNull(configuration, "configuration");
        try {
            return MessageDigest.getInstance("SHA-256").digest(configuration.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@link #load} with a precomputed fingerprint; {@code describe} names the configuration in errors. */
    static Counters restore(Path file, byte[] fingerprint, String describe, List<Parameter> parameters,
                            Map<String, Object> live) throws IOException {
        StateFile.Contents c = StateFile.read(file);
        if (!Arrays.equals(c.fingerprint(), fingerprint)) {
            throw new IllegalArgumentException("optimizer state " + file + ": written by an optimizer with another "
                    + "configuration (fingerprint differs; this one is " + describe + ")");
        }
        Set<String> names = new LinkedHashSet<>();
        parameters.forEach(p -> names.add(p.name()));
        if (!c.shapes().keySet().equals(names)) {
            throw new IllegalArgumentException("optimizer state " + file + ": holds parameters " + c.shapes().keySet()
                    + ", this optimizer has " + names);
        }
        for (Parameter p : parameters) {
            int[] saved = c.shapes().get(p.name());
            if (!Arrays.equals(saved, p.shape()) || c.dtypes().get(p.name()) != p.dtype()) {
                throw new IllegalArgumentException("optimizer state " + file + ": parameter '" + p.name() + "' was "
                        + Arrays.toString(saved) + " " + c.dtypes().get(p.name()) + " when saved, is "
                        + Arrays.toString(p.shape()) + " " + p.dtype() + " now");
            }
        }
        if (!live.keySet().equals(c.entries().keySet())) {
            throw new IllegalArgumentException("optimizer state " + file + ": holds entries " + c.entries().keySet()
                    + ", this optimizer needs " + live.keySet());
        }
        for (Map.Entry<String, Object> e : live.entrySet()) {
            StateFile.Entry saved = c.entries().get(e.getKey());
            String expected;
            boolean fits;
            if (e.getValue() instanceof BatchedMatrix x) {
                int[] dims = {x.batch(), x.rows(), x.cols()};
                fits = saved.kind() == (x.dtype() == DType.F64 ? 0 : 1) && Arrays.equals(saved.dims(), dims);
                expected = x.dtype().shortName() + " " + Arrays.toString(dims);
            } else {
                long[] values = (long[]) e.getValue();
                fits = saved.kind() == 2 && saved.longs().length == values.length;
                expected = "int64[" + values.length + "]";
            }
            if (!fits) {
                throw new IllegalArgumentException("optimizer state " + file + ": entry '" + e.getKey() + "' is "
                        + saved.describe() + ", expected " + expected);
            }
        }
        // Everything checked: only now is the live state overwritten.
        for (Map.Entry<String, Object> e : live.entrySet()) {
            StateFile.Entry saved = c.entries().get(e.getKey());
            if (e.getValue() instanceof BatchedMatrix x) {
                if (x.dtype() == DType.F64) {
                    x.doubleBuffer().put(saved.doubles());
                } else {
                    x.floatBuffer().put(saved.floats());
                }
            } else {
                long[] values = (long[]) e.getValue();
                System.arraycopy(saved.longs(), 0, values, 0, values.length);
            }
        }
        return new Counters(c.step(), c.skipped());
    }
}
