package org.eigenbasis.value;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.eigenbasis.internal.DirectMemory;

/**
 * A batch of {@code batch} dense matrices of {@code rows × cols}, row-major and contiguous: element (b, i, j) is
 * scalar {@code (b·rows + i)·cols + j}. The scalars are {@link DType#F32} or {@link DType#F64} and live on the
 * Java heap or off-heap ({@link Placement}); off-heap memory is handed to native kernels without a copy and is
 * freed by {@link #close()}, deterministically. A closed matrix refuses every access.
 *
 * <p>Every factory and accessor checks shapes, lengths and indices and names the offending argument. The number
 * of scalars is limited to {@link Integer#MAX_VALUE} on the heap and to 2^31 − 1 bytes off-heap (one direct
 * buffer); before that, a batch larger than the free heap or off-heap memory is refused with a
 * {@link MemoryLimitException} naming its bytes ({@link MemoryBudget}). Not thread-safe for concurrent writes.
 */
public final class BatchedMatrix implements AutoCloseable {
    private final DType dtype;
    private final Placement placement;
    private final int batch;
    private final int rows;
    private final int cols;
    private final ByteBuffer direct;       // off-heap storage, null on the heap
    private final DoubleBuffer f64;        // exactly one of f64 / f32 is non-null
    private final FloatBuffer f32;
    private volatile boolean closed;

    private BatchedMatrix(DType dtype, Placement placement, int batch, int rows, int cols) {
        this(dtype, placement, batch, rows, cols, true);
    }

    private BatchedMatrix(DType dtype, Placement placement, int batch, int rows, int cols, boolean zeroed) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.placement = Objects.requireNonNull(placement, "placement");
        long count = checkedSize(batch, rows, cols);
        this.batch = batch;
        this.rows = rows;
        this.cols = cols;
        MemoryBudget.require("a matrix batch " + shape() + " " + dtype.shortName() + " on "
                + (placement == Placement.OFF_HEAP ? "off-heap memory" : "the heap"),
                MemoryBudget.bytes("shape " + shape(), dtype.bytes(), count), placement);
        if (placement == Placement.OFF_HEAP) {
            long bytes = count * dtype.bytes();
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape (" + batch + ", " + rows + ", " + cols + ") " + dtype.shortName()
                        + " needs " + bytes + " bytes; one off-heap matrix batch holds at most " + Integer.MAX_VALUE);
            }
            direct = zeroed ? DirectMemory.allocate(bytes) : DirectMemory.allocateUninitialized(bytes);
            f64 = dtype == DType.F64 ? direct.asDoubleBuffer() : null;
            f32 = dtype == DType.F32 ? direct.asFloatBuffer() : null;
        } else {
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape (" + batch + ", " + rows + ", " + cols + ") has " + count
                        + " scalars; a heap matrix batch holds at most " + (Integer.MAX_VALUE - 8));
            }
            direct = null;
            f64 = dtype == DType.F64 ? DoubleBuffer.wrap(new double[(int) count]) : null;
            f32 = dtype == DType.F32 ? FloatBuffer.wrap(new float[(int) count]) : null;
        }
    }

    private static long checkedSize(int batch, int rows, int cols) {
        if (batch < 0) {
            throw new IllegalArgumentException("batch: " + batch + " is negative; legal range [0, " + Integer.MAX_VALUE + "]");
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows: " + rows + " is negative; legal range [0, " + Integer.MAX_VALUE + "]");
        }
        if (cols < 0) {
            throw new IllegalArgumentException("cols: " + cols + " is negative; legal range [0, " + Integer.MAX_VALUE + "]");
        }
        long perMatrix = (long) rows * cols;
        if (perMatrix != 0 && batch > Long.MAX_VALUE / perMatrix) {
            throw new IllegalArgumentException("shape (" + batch + ", " + rows + ", " + cols + ") overflows");
        }
        return perMatrix * batch;
    }

    // ---- factories ---------------------------------------------------------------------------------------------

    /** A zero-filled batch on the heap. */
    public static BatchedMatrix zeros(DType dtype, int batch, int rows, int cols) {
        return new BatchedMatrix(dtype, Placement.HEAP, batch, rows, cols);
    }

    /** A zero-filled batch in the given placement. */
    public static BatchedMatrix zeros(DType dtype, int batch, int rows, int cols, Placement placement) {
        return new BatchedMatrix(dtype, placement, batch, rows, cols);
    }

    /**
     * A batch whose contents are unspecified (zero on the heap; off-heap, possibly reused memory): for outputs a
     * kernel overwrites entirely, saving the zeroing and the page faults of fresh memory.
     */
    public static BatchedMatrix allocate(DType dtype, int batch, int rows, int cols, Placement placement) {
        return new BatchedMatrix(dtype, placement, batch, rows, cols, false);
    }

    /** A heap f64 batch holding a copy of {@code data} (row-major, length batch·rows·cols). */
    public static BatchedMatrix of(double[] data, int batch, int rows, int cols) {
        return of(data, batch, rows, cols, Placement.HEAP);
    }

    /** An f64 batch in the given placement holding a copy of {@code data}. */
    public static BatchedMatrix of(double[] data, int batch, int rows, int cols, Placement placement) {
        Objects.requireNonNull(data, "data");
        BatchedMatrix m = new BatchedMatrix(DType.F64, placement, batch, rows, cols);
        m.requireLength("data", data.length);
        m.f64.duplicate().put(data);
        return m;
    }

    /** A heap f32 batch holding a copy of {@code data} (row-major, length batch·rows·cols). */
    public static BatchedMatrix of(float[] data, int batch, int rows, int cols) {
        return of(data, batch, rows, cols, Placement.HEAP);
    }

    /** An f32 batch in the given placement holding a copy of {@code data}. */
    public static BatchedMatrix of(float[] data, int batch, int rows, int cols, Placement placement) {
        Objects.requireNonNull(data, "data");
        BatchedMatrix m = new BatchedMatrix(DType.F32, placement, batch, rows, cols);
        m.requireLength("data", data.length);
        m.f32.duplicate().put(data);
        return m;
    }

    /** A batch of one f64 matrix copied from a rectangular {@code double[rows][cols]}. */
    public static BatchedMatrix of(double[][] matrix) {
        Objects.requireNonNull(matrix, "matrix");
        return of(new double[][][] {matrix});
    }

    /** An f64 batch copied from a rectangular {@code double[batch][rows][cols]}. */
    public static BatchedMatrix of(double[][][] matrices) {
        Objects.requireNonNull(matrices, "matrices");
        int batch = matrices.length;
        int rows = batch == 0 ? 0 : requireNonNull(matrices[0], "matrices[0]").length;
        int cols = rows == 0 ? 0 : requireNonNull(matrices[0][0], "matrices[0][0]").length;
        BatchedMatrix m = new BatchedMatrix(DType.F64, Placement.HEAP, batch, rows, cols);
        DoubleBuffer out = m.f64.duplicate();
        for (int b = 0; b < batch; b++) {
            double[][] matrix = requireNonNull(matrices[b], "matrices[" + b + "]");
            if (matrix.length != rows) {
                throw new IllegalArgumentException("matrices[" + b + "]: has " + matrix.length + " rows, matrix 0 has " + rows);
            }
            for (int i = 0; i < rows; i++) {
                double[] row = requireNonNull(matrix[i], "matrices[" + b + "][" + i + "]");
                if (row.length != cols) {
                    throw new IllegalArgumentException("matrices[" + b + "][" + i + "]: has " + row.length
                            + " columns, expected " + cols + " (the matrices must be rectangular)");
                }
                out.put(row);
            }
        }
        return m;
    }

    private static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": is null");
        }
        return value;
    }

    private void requireLength(String name, int length) {
        if (length != size()) {
            throw new IllegalArgumentException(name + ": length " + length + " does not match shape " + shape()
                    + " (needs " + size() + ")");
        }
    }

    // ---- shape -------------------------------------------------------------------------------------------------

    public DType dtype() {
        return dtype;
    }

    public Placement placement() {
        return placement;
    }

    public int batch() {
        return batch;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Number of scalars, batch·rows·cols. */
    public int size() {
        return batch * rows * cols;
    }

    /** Scalars per matrix, rows·cols. */
    public int matrixSize() {
        return rows * cols;
    }

    /** True when every matrix is square. */
    public boolean isSquare() {
        return rows == cols;
    }

    /** The shape as {@code (batch, rows, cols)}. */
    public String shape() {
        return "(" + batch + ", " + rows + ", " + cols + ")";
    }

    // ---- element access ----------------------------------------------------------------------------------------

    /** Element (b, i, j) as a double. */
    public double get(int b, int i, int j) {
        int index = index(b, i, j);
        return f64 != null ? f64.get(index) : f32.get(index);
    }

    /** Sets element (b, i, j); f32 storage rounds the value to nearest. */
    public void set(int b, int i, int j, double value) {
        int index = index(b, i, j);
        if (f64 != null) {
            f64.put(index, value);
        } else {
            f32.put(index, (float) value);
        }
    }

    private int index(int b, int i, int j) {
        checkOpen();
        if (b < 0 || b >= batch) {
            throw new IndexOutOfBoundsException("batch index " + b + " is outside [0, " + batch + ")");
        }
        if (i < 0 || i >= rows) {
            throw new IndexOutOfBoundsException("row " + i + " is outside [0, " + rows + ")");
        }
        if (j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("column " + j + " is outside [0, " + cols + ")");
        }
        return (b * rows + i) * cols + j;
    }

    /** Copies matrix b, row-major, into {@code dst[offset ...]} as doubles. */
    public void copyMatrixTo(int b, double[] dst, int offset) {
        checkMatrix(b);
        Objects.checkFromIndexSize(offset, matrixSize(), dst.length);
        int start = b * matrixSize();
        if (f64 != null) {
            f64.get(start, dst, offset, matrixSize());
        } else {
            for (int k = 0; k < matrixSize(); k++) {
                dst[offset + k] = f32.get(start + k);
            }
        }
    }

    /** Overwrites matrix b from {@code src[offset ...]} (row-major); f32 storage rounds to nearest. */
    public void copyMatrixFrom(int b, double[] src, int offset) {
        checkMatrix(b);
        Objects.checkFromIndexSize(offset, matrixSize(), src.length);
        int start = b * matrixSize();
        if (f64 != null) {
            f64.put(start, src, offset, matrixSize());
        } else {
            for (int k = 0; k < matrixSize(); k++) {
                f32.put(start + k, (float) src[offset + k]);
            }
        }
    }

    private void checkMatrix(int b) {
        checkOpen();
        if (b < 0 || b >= batch) {
            throw new IndexOutOfBoundsException("batch index " + b + " is outside [0, " + batch + ")");
        }
    }

    // ---- conversions -------------------------------------------------------------------------------------------

    /** All scalars, row-major, as a new double[]. */
    public double[] toDoubleArray() {
        checkOpen();
        double[] out = new double[size()];
        if (f64 != null) {
            f64.get(0, out);
        } else {
            for (int k = 0; k < out.length; k++) {
                out[k] = f32.get(k);
            }
        }
        return out;
    }

    /** All scalars, row-major, as a new float[] (f64 rounds to nearest). */
    public float[] toFloatArray() {
        checkOpen();
        float[] out = new float[size()];
        if (f32 != null) {
            f32.get(0, out);
        } else {
            for (int k = 0; k < out.length; k++) {
                out[k] = (float) f64.get(k);
            }
        }
        return out;
    }

    /** Matrix b as a new {@code double[rows][cols]}. */
    public double[][] toArray(int b) {
        checkMatrix(b);
        double[] flat = new double[matrixSize()];
        copyMatrixTo(b, flat, 0);
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }

    /** The whole batch as a new {@code double[batch][rows][cols]}. */
    public double[][][] toArray() {
        double[][][] out = new double[batch][][];
        for (int b = 0; b < batch; b++) {
            out[b] = toArray(b);
        }
        return out;
    }

    /** A copy with the same dtype in the given placement. */
    public BatchedMatrix copy(Placement target) {
        return convert(dtype, target);
    }

    /** A copy converted to {@code target} dtype (rounding to nearest when narrowing), same placement. */
    public BatchedMatrix convert(DType target) {
        return convert(target, placement);
    }

    /** A copy converted to the given dtype and placement. */
    public BatchedMatrix convert(DType target, Placement targetPlacement) {
        checkOpen();
        BatchedMatrix out = new BatchedMatrix(target, targetPlacement, batch, rows, cols);
        if (target == dtype) {
            if (f64 != null) {
                out.f64.duplicate().put(f64.duplicate().clear());
            } else {
                out.f32.duplicate().put(f32.duplicate().clear());
            }
        } else if (target == DType.F64) {
            for (int k = 0; k < size(); k++) {
                out.f64.put(k, f32.get(k));
            }
        } else {
            for (int k = 0; k < size(); k++) {
                out.f32.put(k, (float) f64.get(k));
            }
        }
        return out;
    }

    /** Copies every scalar of {@code source} (same shape and dtype) into this matrix. */
    public void copyFrom(BatchedMatrix source) {
        checkOpen();
        source.checkOpen();
        if (source.dtype != dtype || source.batch != batch || source.rows != rows || source.cols != cols) {
            throw new IllegalArgumentException("source: shape " + source.shape() + " " + source.dtype.shortName()
                    + " does not match " + shape() + " " + dtype.shortName());
        }
        if (f64 != null) {
            f64.duplicate().clear().put(source.f64.duplicate().clear());
        } else {
            f32.duplicate().clear().put(source.f32.duplicate().clear());
        }
    }

    // ---- raw views for backends --------------------------------------------------------------------------------

    /**
     * A view of the f64 scalars (position 0, limit size()), sharing this matrix's memory: direct when off-heap.
     * For backends; valid until {@link #close()}.
     */
    public DoubleBuffer doubleBuffer() {
        checkOpen();
        if (f64 == null) {
            throw new IllegalStateException("doubleBuffer: this matrix is " + dtype.shortName() + ", not f64");
        }
        return f64.duplicate().clear();
    }

    /** A view of the f32 scalars, as {@link #doubleBuffer()} for f32. */
    public FloatBuffer floatBuffer() {
        checkOpen();
        if (f32 == null) {
            throw new IllegalStateException("floatBuffer: this matrix is " + dtype.shortName() + ", not f32");
        }
        return f32.duplicate().clear();
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------------

    /** True once {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }

    /** Frees off-heap memory now (heap memory is left to the collector). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (direct != null) {
            DirectMemory.free(direct);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("BatchedMatrix " + shape() + " " + dtype.shortName() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "BatchedMatrix" + shape() + " " + dtype.shortName() + " " + placement + (closed ? " (closed)" : "");
    }
}
