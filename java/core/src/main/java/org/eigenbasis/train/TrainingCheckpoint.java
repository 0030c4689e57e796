package org.eigenbasis.train;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.eigenbasis.io.Npy;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.OptimizerStates;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.value.DType;

/**
 * Everything a {@link Trainer} run needs to continue bit-identically after {@code step} steps: the model's
 * parameters, the optimizer's state file (the {@link OptimizerStates} format, embedded whole), the two random
 * generators' states, the minibatch order and cursor, and the losses recorded so far. The file format, version 1,
 * big-endian, holds no timestamp, so the checkpoint at step N is byte-identical however step N was reached:
 * <pre>
 *   magic     8 bytes "EBCHKPNT";  version int32 1;  length int64 (whole file, checked before anything else)
 *   optimizer, setup    int32 length + UTF-8 each (setup: model name, batch size, statistics, samples)
 *   step int32;  batches, labels int64 (48-bit generator states);  cursor int32
 *   order     int32 count + int32 each;   losses int32 count + IEEE-754 f64 bits each
 *   parameters int32 count, per parameter: name, dtype byte (0 f64, 1 f32), rank int32, dims, raw values
 *   optimizer state int32 length + the bytes of an {@link OptimizerStates} file (its own CRC32C inside)
 *   checksum  int32 CRC32C of every preceding byte
 * </pre>
 * Written with {@link Npy#writeAtomically} (temporary file, fsync, atomic rename), so a crash leaves the old file
 * or the new one. {@link #read} refuses a damaged file with an {@link IOException} that names the defect.
 *
 * <p>Two checkpoints are the same when their {@link #encode()} bytes are; the record's {@code equals} compares the
 * arrays by reference.
 *
 * @param optimizer      the optimizer's label (e.g. {@code adamw:0.01})
 * @param setup          what must match on resume besides the optimizer ({@link #setup})
 * @param step           steps taken
 * @param batchesState   state of the minibatch generator ({@link ReplayableRandom#state()})
 * @param labelsState    state of the sampled-label generator
 * @param cursor         next position in {@code order}
 * @param order          the current epoch's sample order
 * @param losses         training loss before each step taken, {@code step} values
 * @param parameters     copies of the parameters
 * @param optimizerState the bytes of the optimizer's state file
 */
public record TrainingCheckpoint(String optimizer, String setup, int step, long batchesState, long labelsState,
                                 int cursor, int[] order, double[] losses, List<Parameter> parameters,
                                 byte[] optimizerState) {
    static final byte[] MAGIC = "EBCHKPNT".getBytes(StandardCharsets.US_ASCII);
    /** The format version this library writes and reads. */
    public static final int VERSION = 1;

    public TrainingCheckpoint {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(setup, "setup");
        if (step < 0 || losses.length != step) {
            throw new IllegalArgumentException("losses: " + losses.length + " values for step " + step + " (one per step)");
        }
        if (cursor < 0 || cursor > order.length) {
            throw new IllegalArgumentException("cursor: " + cursor + " is outside [0, " + order.length + "]");
        }
        order = order.clone();
        losses = losses.clone();
        parameters = List.copyOf(parameters);
        optimizerState = optimizerState.clone();
    }

    @Override
    public int[] order() {
        return order.clone();
    }

    @Override
    public double[] losses() {
        return losses.clone();
    }

    @Override
    public byte[] optimizerState() {
        return optimizerState.clone();
    }

    /** The run settings a resumed run must share: model name, batch size, statistics mode, training samples. */
    public static String setup(Model model, Trainer.Config config, Dataset train) {
        return model.name() + "; batch " + config.batchSize() + "; statistics " + config.statistics() + "; samples "
                + train.samples();
    }

    /** Copies of {@code live} (name, shape, dtype, values), detached from the model. */
    static List<Parameter> snapshot(List<Parameter> live) {
        List<Parameter> copies = new ArrayList<>(live.size());
        for (Parameter p : live) {
            copies.add(p.dtype() == DType.F64 ? Parameter.of(p.name(), p.f64().clone(), p.shape())
                    : Parameter.of(p.name(), p.f32().clone(), p.shape()));
        }
        return copies;
    }

    /** The bytes of {@code optimizer}'s state file, through a temporary file beside {@code near} that is deleted. */
    static byte[] optimizerBytes(Optimizer optimizer, Path near) throws IOException {
        Path tmp = Files.createTempFile(near.toAbsolutePath().getParent(), ".optimizer-", ".tmp");
        try {
            optimizer.save(tmp);
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Checks that this checkpoint fits {@code model} and {@code optimizer} (setup, parameter names, shapes, dtypes;
     * the optimizer's configuration fingerprint and entries), and only then overwrites the optimizer's state and
     * the model's parameters. On any refusal both are left as they were.
     *
     * @throws IllegalArgumentException for a checkpoint of another optimizer, setup or parameters
     * @throws IOException              when the embedded optimizer state cannot be loaded
     */
    public void restoreInto(String label, String expectedSetup, List<Parameter> live, Optimizer optimizer)
            throws IOException {
        if (!optimizer().equals(label)) {
            throw new IllegalArgumentException("checkpoint: written for optimizer '" + optimizer() + "', this run is '"
                    + label + "'");
        }
        if (!setup.equals(expectedSetup)) {
            throw new IllegalArgumentException("checkpoint: written for '" + setup + "', this run is '" + expectedSetup + "'");
        }
        if (live.size() != parameters.size()) {
            throw new IllegalArgumentException("checkpoint: holds " + parameters.size() + " parameters, the model has "
                    + live.size());
        }
        for (int i = 0; i < live.size(); i++) {
            Parameter saved = parameters.get(i);
            Parameter p = live.get(i);
            if (!saved.name().equals(p.name()) || !Arrays.equals(saved.shape(), p.shape()) || saved.dtype() != p.dtype()) {
                throw new IllegalArgumentException("checkpoint: parameter " + i + " is '" + saved.name() + "' "
                        + Arrays.toString(saved.shape()) + " " + saved.dtype() + ", the model's is '" + p.name() + "' "
                        + Arrays.toString(p.shape()) + " " + p.dtype());
            }
        }
        Path tmp = Files.createTempFile(".optimizer-", ".tmp");
        try {
            Files.write(tmp, optimizerState);
            optimizer.load(tmp);   // refuses without changing the optimizer
        } finally {
            Files.deleteIfExists(tmp);
        }
        for (int i = 0; i < live.size(); i++) {
            Parameter saved = parameters.get(i);
            if (saved.dtype() == DType.F64) {
                System.arraycopy(saved.f64(), 0, live.get(i).f64(), 0, saved.size());
            } else {
                System.arraycopy(saved.f32(), 0, live.get(i).f32(), 0, saved.size());
            }
        }
    }

    /** The file's bytes: a pure function of the record's contents. */
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(0);   // the length, patched below
            writeString(out, optimizer);
            writeString(out, setup);
            out.writeInt(step);
            out.writeLong(batchesState);
            out.writeLong(labelsState);
            out.writeInt(cursor);
            out.writeInt(order.length);
            for (int v : order) {
                out.writeInt(v);
            }
            out.writeInt(losses.length);
            for (double v : losses) {
                out.writeLong(Double.doubleToRawLongBits(v));
            }
            out.writeInt(parameters.size());
            for (Parameter p : parameters) {
                writeString(out, p.name());
                out.writeByte(p.dtype() == DType.F64 ? 0 : 1);
                out.writeInt(p.rank());
                for (int d : p.shape()) {
                    out.writeInt(d);
                }
                for (int i = 0; i < p.size(); i++) {
                    if (p.dtype() == DType.F64) {
                        out.writeLong(Double.doubleToRawLongBits(p.f64()[i]));
                    } else {
                        out.writeInt(Float.floatToRawIntBits(p.f32()[i]));
                    }
                }
            }
            out.writeInt(optimizerState.length);
            out.write(optimizerState);
            out.flush();
            byte[] body = bytes.toByteArray();
            ByteBuffer file = ByteBuffer.allocate(body.length + 4);
            file.put(body).putLong(MAGIC.length + 4, body.length + 4L);
            CRC32C crc = new CRC32C();
            crc.update(file.array(), 0, body.length);
            file.putInt(body.length, (int) crc.getValue());
            return file.array();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    /** Writes {@link #encode()} atomically to {@code file} (temporary file, fsync, atomic rename). */
    public void write(Path file) throws IOException {
        Npy.writeAtomically(file, ByteBuffer.wrap(encode()));
    }

    /** Reads and checks {@code file}; see {@link #decode}. */
    public static TrainingCheckpoint read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), "checkpoint " + file + ": ");
    }

    /**
     * Parses a checkpoint after checking, in this order, its magic, version, length and CRC32C, then the embedded
     * optimizer state's own checks. Reads {@code bytes} only.
     *
     * @throws IOException naming the defect: "bad magic", "format version", "truncated", "trailing bytes",
     *                     "checksum mismatch", or "malformed"
     */
    public static TrainingCheckpoint decode(byte[] bytes, String where) throws IOException {
        if (bytes.length < MAGIC.length + 12 + 4) {
            throw new IOException(where + "truncated (" + bytes.length + " bytes, shorter than the header)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[MAGIC.length];
        buf.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(where + "not an eigenbasis training checkpoint (bad magic)");
        }
        int version = buf.getInt();
        if (version != VERSION) {
            throw new IOException(where + "format version " + version + " is not supported (this library reads version "
                    + VERSION + ")");
        }
        long length = buf.getLong();
        if (length != bytes.length) {
            throw new IOException(where + (bytes.length < length ? "truncated" : "has trailing bytes") + ": the header says "
                    + length + " bytes, the file has " + bytes.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new IOException(where + "checksum mismatch (CRC32C stored " + Integer.toHexString(stored) + ", computed "
                    + Integer.toHexString((int) crc.getValue()) + "): the file is corrupt");
        }
        try {
            String optimizer = readString(buf, where);
            String setup = readString(buf, where);
            int step = buf.getInt();
            long batches = buf.getLong();
            long labels = buf.getLong();
            int cursor = buf.getInt();
            int[] order = new int[count(buf, 4, where, "order")];
            for (int i = 0; i < order.length; i++) {
                order[i] = buf.getInt();
            }
            double[] losses = new double[count(buf, 8, where, "losses")];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = Double.longBitsToDouble(buf.getLong());
            }
            int count = count(buf, 1, where, "parameters");
            List<Parameter> parameters = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                parameters.add(readParameter(buf, where));
            }
            byte[] state = new byte[count(buf, 1, where, "optimizer state")];
            buf.get(state);
            if (buf.remaining() != 4) {
                throw new IOException(where + (buf.remaining() - 4) + " unexpected bytes before the checksum");
            }
            OptimizerStates.inspect(state, where + "embedded optimizer state: ");
            return new TrainingCheckpoint(optimizer, setup, step, batches, labels, cursor, order, losses, parameters, state);
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new IOException(where + "malformed (" + e.getMessage() + ")", e);
        }
    }

    private static Parameter readParameter(ByteBuffer buf, String where) throws IOException {
        String name = readString(buf, where);
        byte dtype = buf.get();
        int[] shape = new int[count(buf, 4, where, "rank")];
        long size = 1;
        for (int j = 0; j < shape.length; j++) {
            shape[j] = buf.getInt();
            size *= Math.max(shape[j], 0);
        }
        int width = dtype == 0 ? 8 : 4;
        if (dtype > 1 || size * width > buf.remaining()) {
            throw new IOException(where + "parameter '" + name + "' claims dtype " + dtype + " and " + size
                    + " values, more than the file holds");
        }
        if (dtype == 0) {
            double[] v = new double[(int) size];
            for (int j = 0; j < v.length; j++) {
                v[j] = Double.longBitsToDouble(buf.getLong());
            }
            return Parameter.of(name, v, shape);
        }
        float[] v = new float[(int) size];
        for (int j = 0; j < v.length; j++) {
            v[j] = Float.intBitsToFloat(buf.getInt());
        }
        return Parameter.of(name, v, shape);
    }

    /** A count read from the file, refused when negative or when its items could not fit in what remains. */
    private static int count(ByteBuffer buf, int itemBytes, String where, String what) throws IOException {
        int n = buf.getInt();
        if (n < 0 || (long) n * itemBytes > buf.remaining()) {
            throw new IOException(where + "malformed: " + what + " count " + n + " does not fit the "
                    + buf.remaining() + " bytes left");
        }
        return n;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer buf, String where) throws IOException {
        byte[] b = new byte[count(buf, 1, where, "string")];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
