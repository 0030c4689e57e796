package org.eigenbasis.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * NumPy {@code .npy} files (format versions 1.0 to 3.0) of f32 or f64 arrays in C order, read into and written
 * from {@link BatchedMatrix} or plain doubles, and of int32/int64 class labels. Written by hand: no maintained Java
 * library reads and writes the format with the checks we need, and the format is small (a magic string, a
 * Python-literal header, raw data).
 *
 * <p>Reading accepts {@code <f4}, {@code <f8} and their big-endian forms, C order only, and ranks 1 to 3
 * ({@link #readLabels}: {@code <i4}, {@code <i8} and their big-endian forms, rank 1); it refuses anything else
 * with a message naming the file and the field. Writing emits version 1.0 with little-endian data and a 64-byte
 * aligned header, atomically (a temporary file in the same folder, then a move).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Set<String> FLOAT_DESCRS = Set.of("<f4", "=f4", ">f4", "<f8", "=f8", ">f8");
    private static final Set<String> INT_DESCRS = Set.of("<i4", "=i4", ">i4", "<i8", "=i8", ">i8");

    private Npy() {
    }

    /** An array read from a file: its dtype, its shape as written, and the data. */
    public record Array(DType dtype, long[] shape, ByteBuffer data) {
        /** Number of elements. */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The shape as numpy prints it, e.g. {@code (3, 4)} or {@code (5,)}. */
        public String shapeString() {
            return formatShape(shape);
        }

        /** The values in C order as doubles (f32 widened exactly). */
        public double[] toDoubles() {
            ByteBuffer view = data.duplicate().order(data.order());
            double[] out = new double[(int) size()];
            if (dtype == DType.F64) {
                view.asDoubleBuffer().get(out);
            } else {
                java.nio.FloatBuffer f = view.asFloatBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = f.get(i);
                }
            }
            return out;
        }
    }

    /**
     * An f32 or f64 array of rank 1 or 2 read as doubles: {@code values} in C order, {@code shape} as written.
     * {@link #rows()} is shape[0]; {@link #columns()} is shape[1], or 1 for a rank-1 array.
     */
    public record Doubles(double[] values, long[] shape) {
        public int rows() {
            return (int) shape[0];
        }

        public int columns() {
            return shape.length == 2 ? (int) shape[1] : 1;
        }

        /** The shape as numpy prints it. */
        public String shapeString() {
            return formatShape(shape);
        }
    }

    private record Raw(String descr, int itemSize, long[] shape, ByteBuffer data) {
    }

    /**
     * Reads an f32 or f64 array of rank 1 to 3.
     *
     * @throws IllegalArgumentException naming the file and the reason: another dtype, Fortran order, a rank outside
     *                                  [1, 3], a size beyond 2 GiB or a truncated file
     */
    public static Array read(Path file) throws IOException {
        Array array = readAnyRank(file);
        if (array.shape().length < 1 || array.shape().length > 3) {
            throw new IllegalArgumentException(file + ": rank " + array.shape().length + " arrays are not supported (1 to 3)");
        }
        return array;
    }

    /** An f32 or f64 array of any rank, for the readers below that name the shapes they accept themselves. */
    private static Array readAnyRank(Path file) throws IOException {
        Raw raw = readRaw(file, descr -> FLOAT_DESCRS.contains(descr) ? null : "dtype '" + descr
                + "' is not supported; use float32 (<f4) or float64 (<f8)");
        DType dtype = raw.itemSize() == 4 ? DType.F32 : DType.F64;
        return new Array(dtype, raw.shape(), raw.data());
    }

    /**
     * Reads the f32 or f64 array in {@code file} as doubles in C order, with its shape. {@code expectedShape}, when
     * given, fixes the rank (1 or 2) and each dimension, -1 leaving one free; without it any rank 1 or 2 array is
     * read. Every value must be finite.
     *
     * @throws IllegalArgumentException naming the file and what is wrong: another dtype, rank or dimension (both
     *                                  shapes in the message), or the flat index of the first NaN or infinity
     */
    public static Doubles readDoubles(Path file, long... expectedShape) throws IOException {
        if (expectedShape.length > 2) {
            throw new IllegalArgumentException("expectedShape: rank " + expectedShape.length + " is outside [0, 2]");
        }
        Array array = readAnyRank(file);
        long[] shape = array.shape();
        boolean matches = expectedShape.length == 0 ? shape.length == 1 || shape.length == 2
                : shape.length == expectedShape.length;
        for (int i = 0; matches && i < expectedShape.length; i++) {
            matches = expectedShape[i] < 0 || expectedShape[i] == shape[i];
        }
        if (!matches) {
            String expected = expectedShape.length == 0 ? "(n,) or (n, d)" : formatExpected(expectedShape);
            throw new IllegalArgumentException(file + ": shape " + array.shapeString() + ", expected " + expected);
        }
        double[] values = array.toDoubles();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(file + ": element " + i + " " + position(i, shape) + " is " + values[i]
                        + "; every value must be finite");
            }
        }
        return new Doubles(values, shape.clone());
    }

    /**
     * Reads class labels: a rank-1 array of int32 or int64 ({@code <i4}, {@code <i8}, their big-endian and
     * native-order forms), every value in [0, 2³¹ − 1]. An empty array gives an empty result.
     *
     * @throws IllegalArgumentException naming the file and the reason: another rank; a float array (with the hint to
     *                                  save int32 or int64, also when its values are whole numbers); another
     *                                  dtype; or the index and value of the first negative label or int64 label
     *                                  outside the int range
     */
    public static int[] readLabels(Path file) throws IOException {
        Raw raw = readRaw(file, descr -> INT_DESCRS.contains(descr) || FLOAT_DESCRS.contains(descr) ? null
                : "dtype '" + descr + "' is not supported for labels; save them as int32 or int64 "
                + "(numpy.save(path, y.astype(numpy.int64)))");
        if (raw.shape().length != 1) {
            throw new IllegalArgumentException(file + ": labels have shape " + formatShape(raw.shape())
                    + ", expected (n,); save y.ravel()");
        }
        int n = (int) raw.shape()[0];
        ByteBuffer data = raw.data();
        if (FLOAT_DESCRS.contains(raw.descr())) {
            boolean whole = true;
            for (int i = 0; i < n && whole; i++) {
                double v = raw.itemSize() == 4 ? data.getFloat(4 * i) : data.getDouble(8 * i);
                whole = v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE;
            }
            throw new IllegalArgumentException(file + ": labels are float" + 8 * raw.itemSize() + " ('" + raw.descr()
                    + "')" + (whole ? ", whole numbers but not an integer dtype" : " and not all whole numbers")
                    + "; save them as int32 or int64 (numpy.save(path, y.astype(numpy.int64)))");
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            long v = raw.itemSize() == 4 ? data.getInt(4 * i) : data.getLong(8 * i);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": label " + i + " is " + v + (v < 0 ? ", negative" : "")
                        + "; labels must lie in [0, " + Integer.MAX_VALUE + "]");
            }
            labels[i] = (int) v;
        }
        return labels;
    }

    /** Writes {@code labels} as a rank-1 little-endian int32 ({@code <i4}) array, atomically. */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        java.util.Objects.requireNonNull(labels, "labels");
        ByteBuffer body = ByteBuffer.allocate(4 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
        body.asIntBuffer().put(labels);
        writeAtomically(file, header("<i4", new long[] {labels.length}), body);
    }

    /** The descr, shape and data of a file whose header {@code refusal} accepts (returns null for). */
    private static Raw readRaw(Path file, Function<String, String> refusal) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(8);
            if (magic.length < 8 || !startsWithMagic(magic)) {
                throw new IllegalArgumentException(file + ": not a .npy file (missing the \\x93NUMPY magic)");
            }
            int major = magic[6];
            int headerLength;
            if (major != 1 && major != 2 && major != 3) {
                throw new IllegalArgumentException(file + ": .npy format version " + major + " is not supported (1 to 3)");
            }
            int lengthBytes = major == 1 ? 2 : 4;
            byte[] len = in.readNBytes(lengthBytes);
            if (len.length != lengthBytes) {
                throw new IllegalArgumentException(file + ": truncated: the file ends inside the header length");
            }
            headerLength = major == 1 ? (len[0] & 0xff) | (len[1] & 0xff) << 8
                    : ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (headerLength < 0 || headerLength > 1 << 20) {
                throw new IllegalArgumentException(file + ": header length " + headerLength + " is not plausible");
            }
            String header = new String(in.readNBytes(headerLength), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = field(DESCR, header, "descr", file);
            String fortran = field(FORTRAN, header, "fortran_order", file);
            String shapeText = field(SHAPE, header, "shape", file);
            if (fortran.equals("True")) {
                throw new IllegalArgumentException(file + ": fortran_order is True; save a C-ordered array "
                        + "(numpy.ascontiguousarray)");
            }
            String refused = refusal.apply(descr);
            if (refused != null) {
                throw new IllegalArgumentException(file + ": " + refused);
            }
            // every accepted descr is [<>=] then a kind letter then the item size in bytes
            ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            int itemSize = Integer.parseInt(descr.substring(2));
            long[] shape = parseShape(shapeText, file);
            long bytes = dataBytes(shape, itemSize, file);
            long available = Files.isRegularFile(file) ? Files.size(file) - MAGIC.length - 2 - lengthBytes - headerLength
                    : Long.MAX_VALUE;
            if (bytes > available) {   // refuse before allocating what an untrusted header claims
                throw new IllegalArgumentException(file + ": truncated: the header promises " + bytes + " bytes of data, "
                        + "the file holds " + Math.max(0, available));
            }
            byte[] raw = in.readNBytes((int) bytes);
            if (raw.length != bytes) {
                throw new IllegalArgumentException(file + ": truncated: the header promises " + bytes + " bytes of data, "
                        + "the file holds " + raw.length);
            }
            return new Raw(descr, itemSize, shape, ByteBuffer.wrap(raw).order(order));
        }
    }

    /**
     * Reads a stack of square matrices: shape (n, n) gives a batch of one, (B, n, n) a batch of B.
     * Anything else is an {@link IllegalArgumentException} naming the file and its shape.
     */
    public static BatchedMatrix readMatrices(Path file) throws IOException {
        Array array = readAnyRank(file);
        long[] s = array.shape();
        int batch;
        int rows;
        int cols;
        if (s.length == 2) {
            batch = 1;
            rows = (int) s[0];
            cols = (int) s[1];
        } else if (s.length == 3) {
            batch = (int) s[0];
            rows = (int) s[1];
            cols = (int) s[2];
        } else {
            throw new IllegalArgumentException(file + ": shape " + array.shapeString() + " must be (n, n) or (B, n, n)");
        }
        if (rows != cols) {
            throw new IllegalArgumentException(file + ": shape " + array.shapeString() + " is not square: eigh needs (n, n) or (B, n, n)");
        }
        return toMatrix(array, batch, rows, cols);
    }

    /** Reads any array of rank 1 to 3 as a batch: (m,) → (1, 1, m), (r, c) → (1, r, c), (B, r, c) as is. */
    public static BatchedMatrix readBatch(Path file) throws IOException {
        Array array = readAnyRank(file);
        long[] s = array.shape();
        return switch (s.length) {
            case 1 -> toMatrix(array, 1, 1, (int) s[0]);
            case 2 -> toMatrix(array, 1, (int) s[0], (int) s[1]);
            case 3 -> toMatrix(array, (int) s[0], (int) s[1], (int) s[2]);
            default -> throw new IllegalArgumentException(file + ": rank " + s.length + " arrays are not supported (1 to 3)");
        };
    }

    private static BatchedMatrix toMatrix(Array array, int batch, int rows, int cols) {
        int count = (int) array.size();
        ByteBuffer data = array.data().duplicate().order(array.data().order());
        if (array.dtype() == DType.F64) {
            double[] values = new double[count];
            data.asDoubleBuffer().get(values);
            return BatchedMatrix.of(values, batch, rows, cols);
        }
        float[] values = new float[count];
        data.asFloatBuffer().get(values);
        return BatchedMatrix.of(values, batch, rows, cols);
    }

    /** Writes the scalars of {@code m} with the given shape (whose product must equal m.size()), atomically. */
    public static void write(Path file, BatchedMatrix m, long... shape) throws IOException {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape: " + formatShape(shape) + " has a negative dimension");
            }
            count *= d;
        }
        if (count != m.size()) {
            throw new IllegalArgumentException("shape: " + formatShape(shape) + " holds " + count + " elements, the matrix "
                    + m.shape() + " holds " + m.size());
        }
        ByteBuffer head = header(m.dtype().numpyDescr(), shape);
        ByteBuffer body = ByteBuffer.allocate(m.size() * m.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (m.dtype() == DType.F64) {
            body.asDoubleBuffer().put(m.toDoubleArray());
        } else {
            body.asFloatBuffer().put(m.toFloatArray());
        }
        writeAtomically(file, head, body);
    }

    /** Magic, version 1.0, length and the header dict padded so that the data starts on a 64-byte boundary. */
    private static ByteBuffer header(String descr, long[] shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + formatShape(shape) + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;      // magic, version, length, dict, '\n'
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        head.put(header.getBytes(StandardCharsets.ISO_8859_1)).flip();
        return head;
    }

    /**
     * Writes buffers to a temporary file beside {@code file}, forces it to disk, renames it over {@code file}
     * (atomic on one file system: a reader sees the old file or the new one, never a mix) and forces the directory,
     * so that the rename itself survives a power loss where the platform can sync a directory. A process killed
     * mid-write leaves the old file intact and a hidden {@code .NAME.pidPID.*.tmp} beside it, which the next write
     * of the same file deletes once process PID is gone (a live writer's, this process's included, is left alone).
     *
     * @throws IOException when writing fails or the file system cannot rename atomically (the old file is kept)
     */
    public static void writeAtomically(Path file, ByteBuffer... parts) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        String prefix = "." + target.getFileName() + ".pid";
        sweepOrphans(dir == null ? target.getFileSystem().getPath(".") : dir, prefix);
        Path temp = Files.createTempFile(dir, prefix + ProcessHandle.current().pid() + ".", ".tmp");
        try {
            try {   // temporary files are created 0600; the result should read like any other file
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (ByteBuffer part : parts) {
                    while (part.hasRemaining()) {
                        channel.write(part);
                    }
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system: " + e.getMessage(), e);
            }
            if (dir != null) {
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true);
                } catch (IOException | UnsupportedOperationException ignored) {
                    // not every platform can open a directory for fsync (Windows); the rename itself is atomic
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Deletes {@code PREFIX<pid>.*.tmp} files whose writing process no longer exists: what a kill during
     * {@link #writeAtomically} left. A pid that is alive (ours, another writer's, or a reused one) keeps its file;
     * a file another sweeper deleted first is not an error.
     */
    private static final Pattern ORPHAN = Pattern.compile("([0-9]+)\\.[0-9]+\\.tmp");

    private static void sweepOrphans(Path dir, String prefix) throws IOException {
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".tmp");
        })) {
            for (Path temp : temps) {
                // exactly PREFIX<pid>.<createTempFile's digits>.tmp: another file's temporary never matches
                Matcher m = ORPHAN.matcher(temp.getFileName().toString().substring(prefix.length()));
                if (!m.matches() || m.group(1).length() > 18) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if (pid != self && ProcessHandle.of(pid).isEmpty()) {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String field(Pattern pattern, String header, String name, Path file) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(file + ": the header has no valid '" + name + "' entry: " + header.trim());
        }
        return m.group(1);
    }

    /**
     * The data size of {@code shape}: refuses a dimension or a total beyond what one Java array holds (2 GiB) before
     * anything is allocated, without overflowing on hostile dimensions.
     */
    private static long dataBytes(long[] shape, int itemSize, Path file) {
        long limit = Integer.MAX_VALUE - 8;
        boolean empty = false;
        for (long d : shape) {
            empty |= d == 0;
            if (d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": shape " + formatShape(shape) + ": dimension " + d
                        + " exceeds " + Integer.MAX_VALUE);
            }
        }
        if (empty) {
            return 0;
        }
        long bytes = itemSize;
        for (long d : shape) {
            if (bytes > limit / d) {
                throw new IllegalArgumentException(file + ": shape " + formatShape(shape) + " of " + itemSize
                        + "-byte items exceeds the 2 GiB limit of one array");
            }
            bytes *= d;
        }
        return bytes;
    }

    private static long[] parseShape(String text, Path file) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                long d = Long.parseLong(t.toUpperCase(Locale.ROOT).replace("L", ""));
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": shape (" + text + ") is not a tuple of non-negative integers");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** An expected shape with -1 as a free dimension, e.g. {@code (*, 64)}. */
    private static String formatExpected(long[] shape) {
        return formatShape(shape).replace("-1", "*");
    }

    /** The multi-index of flat index {@code flat} in C order, e.g. {@code [2, 5]}. */
    private static String position(long flat, long[] shape) {
        long[] index = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return java.util.Arrays.toString(index);
    }

    static String formatShape(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]);
            if (shape.length == 1 || i + 1 < shape.length) {
                sb.append(shape.length == 1 ? "," : ", ");
            }
        }
        return sb.append(")").toString();
    }
}
