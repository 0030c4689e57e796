package org.eigenbasis.spark;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.eigenbasis.linalg.EighConvergenceException;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/** One partition of {@link SparkEigh}: rows in, the same rows with eigen columns out, a batch at a time. */
final class PartitionEigh implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final SparkEighConfig config;
    private final int n;
    private final DType dtype;
    private final int column;

    PartitionEigh(SparkEighConfig config, int n, DType dtype, int column) {
        this.config = config;
        this.n = n;
        this.dtype = dtype;
        this.column = column;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        SymmetricEigen eigen = SymmetricEigen.on(Backends.select(config.backend()));
        EighOptions options = EighOptions.defaults().withAlgorithm(config.algorithm())
                .withVectors(config.vectorsCol() != null).withMaxIterations(config.maxIterations())
                .withOutputPlacement(Placement.HEAP);
        int partition = TaskContext.get() == null ? -1 : TaskContext.getPartitionId();
        return new Iterator<>() {
            private final List<Row> pending = new ArrayList<>();
            private int next;
            private long consumed;

            @Override
            public boolean hasNext() {
                if (next < pending.size()) {
                    return true;
                }
                pending.clear();
                next = 0;
                List<Row> chunk = new ArrayList<>();
                while (rows.hasNext() && chunk.size() < config.matricesPerCall()) {
                    chunk.add(rows.next());
                }
                if (chunk.isEmpty()) {
                    return false;
                }
                pending.addAll(solve(chunk, eigen, options, partition, consumed));
                consumed += chunk.size();
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.get(next++);
            }
        };
    }

    private List<Row> solve(List<Row> chunk, SymmetricEigen eigen, EighOptions options, int partition, long first) {
        int nn = n * n;
        List<Integer> present = new ArrayList<>();
        for (int r = 0; r < chunk.size(); r++) {
            if (!chunk.get(r).isNullAt(column)) {
                present.add(r);
            }
        }
        Object[][] values = new Object[chunk.size()][];
        if (!present.isEmpty()) {
            try (BatchedMatrix a = BatchedMatrix.allocate(dtype, present.size(), n, n, Placement.OFF_HEAP)) {
                DoubleBuffer d = dtype == DType.F64 ? a.doubleBuffer() : null;
                FloatBuffer f = dtype == DType.F32 ? a.floatBuffer() : null;
                for (int b = 0; b < present.size(); b++) {
                    Object m = chunk.get(present.get(b)).get(column);
                    int length = ArrayColumns.length(m);
                    if (length != nn) {
                        throw new IllegalArgumentException(where(partition, first + present.get(b)) + ": length "
                                + length + ", expected n·n = " + nn);
                    }
                    for (int i = 0; i < nn; i++) {
                        double v = ArrayColumns.get(m, i);
                        if (!Double.isFinite(v) && i % n <= i / n) {
                            throw new IllegalArgumentException(where(partition, first + present.get(b)) + ": entry ["
                                    + i / n + "][" + i % n + "] = " + v + " is not finite (the lower triangle is read)");
                        }
                        if (d != null) {
                            d.put(b * nn + i, v);
                        } else {
                            f.put(b * nn + i, (float) v);
                        }
                    }
                }
                try (EighResult r = decompose(eigen, a, options, partition, first, present)) {
                    for (int b = 0; b < present.size(); b++) {
                        values[present.get(b)] = new Object[] {extract(r.values(), b, n),
                            r.vectors() == null ? null : extract(r.vectors(), b, nn)};
                    }
                }
            }
        }
        List<Row> out = new ArrayList<>(chunk.size());
        int extra = config.vectorsCol() == null ? 1 : 2;
        for (int r = 0; r < chunk.size(); r++) {
            Row row = chunk.get(r);
            Object[] fields = new Object[row.length() + extra];
            for (int i = 0; i < row.length(); i++) {
                fields[i] = row.get(i);
            }
            if (values[r] != null) {
                fields[row.length()] = values[r][0];
                if (extra == 2) {
                    fields[row.length() + 1] = values[r][1];
                }
            }
            out.add(RowFactory.create(fields));
        }
        return out;
    }

    /**
     * The batch's eigh; a convergence failure fails the task naming the partition and the rows within it (the batch
     * indices alone mean nothing to the caller), after closing the partial result the exception carries.
     */
    private EighResult decompose(SymmetricEigen eigen, BatchedMatrix a, EighOptions options, int partition, long first,
                                 List<Integer> present) {
        try {
            return eigen.decompose(a, options);
        } catch (EighConvergenceException e) {
            e.result().close();
            int[] failed = e.failedIndices();
            List<Long> rows = new ArrayList<>();
            for (int i = 0; i < Math.min(failed.length, 20); i++) {
                rows.add(first + present.get(failed[i]));
            }
            ArithmeticException failure = new ArithmeticException(place(partition) + ", rows " + rows
                    + (failed.length > 20 ? " …" : "") + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    /** Matrix b's count scalars as double[] or float[] (the input's type). */
    private Object extract(BatchedMatrix m, int b, int count) {
        if (dtype == DType.F64) {
            double[] out = new double[count];
            m.doubleBuffer().get(b * count, out);
            return out;
        }
        float[] out = new float[count];
        m.floatBuffer().get(b * count, out);
        return out;
    }

    private String where(int partition, long row) {
        return place(partition) + ", row " + row;
    }

    private String place(int partition) {
        return "inputCol '" + config.inputCol() + "', partition " + partition;
    }
}
