package org.eigenbasis.spark.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spark.SparkEigh;
import org.eigenbasis.spark.SparkEighConfig;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis spark eigh}: the .npy stack of {@code eigenbasis eigh}, decomposed across the cluster and written
 * in the same layout, bit for bit what {@code eigenbasis eigh} writes on the same backend.
 */
@Command(name = "eigh", description = {
    "Eigenvalues (and eigenvectors) of the symmetric matrices in a .npy file of shape (n, n) or (B, n, n), computed",
    "across a Spark cluster; writes W (n,) or (B, n) and V like the input, as `eigenbasis eigh` does."})
final class SparkEighCommand implements Callable<Integer> {
    @CommandLine.Mixin
    SparkOptions sparkOptions;

    @Option(names = "--input", required = true, paramLabel = "A.npy", description = "float32 or float64, C order, (n, n) or (B, n, n).")
    Path input;

    @Option(names = "--values", required = true, paramLabel = "W.npy", description = "Where to write the eigenvalues.")
    Path values;

    @Option(names = "--vectors", paramLabel = "V.npy", description = "Where to write the eigenvectors (omit for eigenvalues only).")
    Path vectors;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "cpu", description = "The executors' backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long[] shape = Npy.read(input).shape();
        try (BatchedMatrix a = Npy.readMatrices(input)) {
            int batch = a.batch();
            int n = a.rows();
            boolean f32 = a.dtype() == DType.F32;
            SparkSession spark = sparkOptions.session("eigenbasis spark eigh");
            try {
                StructType schema = DataTypes.createStructType(List.of(
                        DataTypes.createStructField("id", DataTypes.IntegerType, false),
                        DataTypes.createStructField("matrix", DataTypes.createArrayType(f32 ? DataTypes.FloatType
                                : DataTypes.DoubleType, false), false)));
                List<Row> rows = new ArrayList<>(batch);
                for (int b = 0; b < batch; b++) {
                    if (f32) {
                        float[] m = new float[n * n];
                        a.floatBuffer().get(b * n * n, m);
                        rows.add(RowFactory.create(b, m));
                    } else {
                        double[] m = new double[n * n];
                        a.copyMatrixTo(b, m, 0);
                        rows.add(RowFactory.create(b, m));
                    }
                }
                Dataset<Row> in = spark.createDataFrame(rows, schema).repartition(sparkOptions.partitions(spark));
                SparkEighConfig config = SparkEighConfig.defaults().withN(n).withBackend(backend)
                        .withVectorsCol(vectors == null ? null : "eigenvectors");
                List<Row> out = new ArrayList<>(SparkEigh.transform(in, config).collectAsList());
                out.sort(Comparator.comparingInt(r -> r.getInt(0)));
                try (BatchedMatrix w = BatchedMatrix.zeros(a.dtype(), batch, 1, n);
                     BatchedMatrix v = vectors == null ? null : BatchedMatrix.zeros(a.dtype(), batch, n, n)) {
                    for (Row r : out) {
                        int b = r.getInt(0);
                        put(w, b, r.getList(2), n);
                        if (v != null) {
                            put(v, b, r.getList(3), n * n);
                        }
                    }
                    boolean stacked = shape.length == 3;
                    Npy.write(values, w, stacked ? new long[] {batch, n} : new long[] {n});
                    if (v != null) {
                        Npy.write(vectors, v, stacked ? new long[] {batch, n, n} : new long[] {n, n});
                    }
                }
                PrintWriter o = spec.commandLine().getOut();
                o.printf("spark eigh: %d matrices of %d x %d %s on %s, %d partitions, backend %s; wrote %s%s%n", batch, n, n,
                        a.dtype().shortName(), sparkOptions.master, sparkOptions.partitions(spark), backend, values,
                        vectors == null ? "" : " and " + vectors);
            } finally {
                spark.stop();
            }
        }
        return SparkCli.OK;
    }

    private static void put(BatchedMatrix m, int b, List<Object> values, int count) {
        int base = b * count;
        for (int i = 0; i < count; i++) {
            Object x = values.get(i);
            if (m.dtype() == DType.F32) {
                m.floatBuffer().put(base + i, (Float) x);
            } else {
                m.doubleBuffer().put(base + i, (Double) x);
            }
        }
    }
}
