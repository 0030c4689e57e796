package org.eigenbasis.precond;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.eigenbasis.io.Npy;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The binary optimizer-state format, version 1, big-endian:
 * <pre>
 *   magic       8 bytes  "EBPRECND"
 *   version     int32    1
 *   length      int64    total file length in bytes (detects truncation before anything else is read)
 *   fingerprint 32 bytes SHA-256 of the optimizer's configuration ({@link PreconditionerSpec#toString()})
 *   step        int64    steps taken;  skipped int64  steps skipped for non-finite gradients
 *   parameters  int32 count, then per parameter: name (int32 length + UTF-8), dtype (byte: 0 f64, 1 f32),
 *               rank int32, dims int32 × rank
 *   entries     int32 count, then per entry: key (int32 length + UTF-8), kind byte (0 f64 matrix, 1 f32 matrix,
 *               2 int64 array); matrices: batch, rows, cols int32 then the scalars row-major; arrays: length
 *               int32 then the values
 *   checksum    int32    CRC32C of every preceding byte
 * </pre>
 * Doubles and floats are stored as their raw IEEE bits, so a load restores the state bit for bit. No RNG state
 * exists to save. Writes are atomic: a temporary file in the target's directory, fsync, then
 * {@link StandardCopyOption#ATOMIC_MOVE} over the target (and an fsync of the directory where the platform
 * allows), so a crash leaves either the old file or the new one.
 */
final class StateFile {
    static final byte[] MAGIC = "EBPRECND".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final byte KIND_F64 = 0;
    private static final byte KIND_F32 = 1;
    private static final byte KIND_LONGS = 2;

    /** What a file holds once parsed and checked against its checksum. */
    record Contents(byte[] fingerprint, long step, long skipped, Map<String, int[]> shapes,
                    Map<String, DType> dtypes, Map<String, Entry> entries) {
    }

    /** One stored tensor: a matrix batch (dims = batch, rows, cols; doubles or floats) or a long array. */
    record Entry(byte kind, int[] dims, double[] doubles, float[] floats, long[] longs) {
        String describe() {
            return switch (kind) {
                case KIND_F64 -> "f64 " + java.util.Arrays.toString(dims);
                case KIND_F32 -> "f32 " + java.util.Arrays.toString(dims);
                default -> "int64[" + longs.length + "]";
            };
        }
    }

    private StateFile() {
    }

    static void write(Path file, byte[] fingerprint, long step, long skipped, List<Parameter> parameters,
                      Map<String, Object> state) throws IOException {
        long length = 8 + 4 + 8 + 32 + 16 + 4 + 4 + 4;
        for (Parameter p : parameters) {
            length += 4 + utf(p.name()).length + 1 + 4 + 4L * p.rank();
        }
        for (Map.Entry<String, Object> e : state.entrySet()) {
            length += 4 + utf(e.getKey()).length + 1;
            if (e.getValue() instanceof BatchedMatrix x) {
                length += 12 + (long) x.size() * x.dtype().bytes();
            } else {
                length += 4 + 8L * ((long[]) e.getValue()).length;
            }
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("optimizer state of " + length + " bytes exceeds the 2 GiB of format version 1");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length);
        buf.put(MAGIC).putInt(VERSION).putLong(length).put(fingerprint).putLong(step).putLong(skipped);
        buf.putInt(parameters.size());
        for (Parameter p : parameters) {
            putString(buf, p.name());
            buf.put(p.dtype() == DType.F64 ? (byte) 0 : (byte) 1);
            buf.putInt(p.rank());
            for (int d : p.shape()) {
                buf.putInt(d);
            }
        }
        buf.putInt(state.size());
        for (Map.Entry<String, Object> e : state.entrySet()) {
            putString(buf, e.getKey());
            if (e.getValue() instanceof BatchedMatrix x) {
                buf.put(x.dtype() == DType.F64 ? KIND_F64 : KIND_F32);
                buf.putInt(x.batch()).putInt(x.rows()).putInt(x.cols());
                if (x.dtype() == DType.F64) {
                    buf.asDoubleBuffer().put(x.doubleBuffer());
                    buf.position(buf.position() + 8 * x.size());
                } else {
                    buf.asFloatBuffer().put(x.floatBuffer());
                    buf.position(buf.position() + 4 * x.size());
                }
            } else {
                long[] values = (long[]) e.getValue();
                buf.put(KIND_LONGS).putInt(values.length);
                for (long value : values) {
                    buf.putLong(value);
                }
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        writeAtomically(file, buf.array());
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Npy.writeAtomically(file, ByteBuffer.wrap(bytes));
    }

    /** Reads and checks magic, version, length and checksum, then parses; any defect is an IOException. */
    static Contents read(Path file) throws IOException {
        return read(Files.readAllBytes(file), "optimizer state " + file + ": ");
    }

    /** {@link #read(Path)} of bytes already in memory; {@code where} prefixes every error message. */
    static Contents read(byte[] bytes, String where) throws IOException {
        if (bytes.length < MAGIC.length + 12) {
            throw new IOException(where + "truncated (" + bytes.length + " bytes, shorter than the header)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[MAGIC.length];
        buf.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(where + "not an eigenbasis optimizer state (bad magic)");
        }
        int version = buf.getInt();
        if (version != VERSION) {
            throw new IOException(where + "format version " + version + " is not supported (this library reads "
                    + "version " + VERSION + ")");
        }
        long length = buf.getLong();
        if (length != bytes.length) {
            throw new IOException(where + (bytes.length < length ? "truncated" : "has trailing bytes") + ": the header "
                    + "says " + length + " bytes, the file has " + bytes.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new IOException(where + "checksum mismatch (CRC32C stored " + Integer.toHexString(stored)
                    + ", computed " + Integer.toHexString((int) crc.getValue()) + "): the file is corrupt");
        }
        try {
            byte[] fingerprint = new byte[32];
            buf.get(fingerprint);
            long step = buf.getLong();
            long skipped = buf.getLong();
            int count = nonNegative(buf.getInt(), "parameter count");
            Map<String, int[]> shapes = new LinkedHashMap<>();
            Map<String, DType> dtypes = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = getString(buf);
                dtypes.put(name, buf.get() == 0 ? DType.F64 : DType.F32);
                int[] dims = new int[fits(buf, nonNegative(buf.getInt(), "rank"), 4, "parameter '" + name + "'")];
                for (int j = 0; j < dims.length; j++) {
                    dims[j] = buf.getInt();
                }
                shapes.put(name, dims);
            }
            int entries = nonNegative(buf.getInt(), "entry count");
            Map<String, Entry> map = new LinkedHashMap<>();
            for (int i = 0; i < entries; i++) {
                String key = getString(buf);
                byte kind = buf.get();
                if (kind == KIND_LONGS) {
                    long[] values = new long[fits(buf, nonNegative(buf.getInt(), "array length"), 8, "entry '" + key + "'")];
                    for (int j = 0; j < values.length; j++) {
                        values[j] = buf.getLong();
                    }
                    map.put(key, new Entry(kind, new int[] {values.length}, null, null, values));
                } else if (kind == KIND_F64 || kind == KIND_F32) {
                    int[] dims = {buf.getInt(), buf.getInt(), buf.getInt()};
                    int itemSize = kind == KIND_F64 ? 8 : 4;
                    long n = (long) nonNegative(dims[0], "batch") * nonNegative(dims[1], "rows");
                    // checked after each product: three int dimensions can overflow a long
                    if (n > buf.remaining() / itemSize || n * nonNegative(dims[2], "cols") > buf.remaining() / itemSize) {
                        throw new IOException(where + "entry '" + key + "' claims more data than the file holds");
                    }
                    n *= dims[2];
                    if (kind == KIND_F64) {
                        double[] values = new double[(int) n];
                        buf.asDoubleBuffer().get(values);
                        buf.position(buf.position() + 8 * values.length);
                        map.put(key, new Entry(kind, dims, values, null, null));
                    } else {
                        float[] values = new float[(int) n];
                        buf.asFloatBuffer().get(values);
                        buf.position(buf.position() + 4 * values.length);
                        map.put(key, new Entry(kind, dims, null, values, null));
                    }
                } else {
                    throw new IOException(where + "entry '" + key + "' has unknown kind " + kind);
                }
            }
            if (buf.remaining() != 4) {
                throw new IOException(where + (buf.remaining() - 4) + " unexpected bytes before the checksum");
            }
            return new Contents(fingerprint, step, skipped, shapes, dtypes, map);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException(where + "malformed (" + e + ")", e);
        }
    }

    /** {@code count} items of {@code itemSize} bytes, refused unless the rest of the file can hold them. */
    private static int fits(ByteBuffer buf, int count, int itemSize, String what) throws IOException {
        if ((long) count * itemSize > buf.remaining()) {
            throw new IOException("optimizer state: " + what + " claims " + count + " items, more than the file holds");
        }
        return count;
    }

    private static int nonNegative(int value, String what) throws IOException {
        if (value < 0) {
            throw new IOException("optimizer state: negative " + what + " " + value);
        }
        return value;
    }

    private static byte[] utf(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer buf, String s) {
        byte[] b = utf(s);
        buf.putInt(b.length).put(b);
    }

    private static String getString(ByteBuffer buf) throws IOException {
        int n = buf.getInt();
        if (n < 0 || n > buf.remaining()) {
            throw new IOException("optimizer state: string length " + n + " is out of range");
        }
        byte[] b = new byte[n];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
