package org.eigenbasis.spark.cli;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spark.SparkEigh;
import org.eigenbasis.spark.SparkEighConfig;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.Placement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis spark bench-eigh}: wall time of a SparkEigh job on generated matrices (the generation, the
 * eigendecompositions and a sum of the smallest eigenvalues, all inside the job) and, with {@code --baseline}, of
 * the same work on one machine without Spark (the same generator, {@link SymmetricEigen} on batches of the same
 * size). Matrix i is the symmetric matrix drawn from {@code SplittableRandom(seed + i)}, so both sides see the same
 * matrices (each eigenvalue is the same bits); the two sums differ only in their summation order. For benchmarks/run-spark-benchmarks.sh; the cpu backend's workers per
 * task come from -Deigenbasis.cpu.threads.
 */
@Command(name = "bench-eigh", description = "Time SparkEigh on generated matrices (and the single-machine baseline).")
final class SparkBenchCommand implements Callable<Integer> {
    @CommandLine.Mixin
    SparkOptions sparkOptions;

    @Option(names = "--count", defaultValue = "200000", description = "Matrices (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--n", defaultValue = "32", description = "Size (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", defaultValue = "1", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--repeat", defaultValue = "3", description = "Timed runs; the minimum is reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--baseline", description = "Also time the single-machine path (no Spark session).")
    boolean baseline;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (count < 1 || n < 1 || n > 4096 || repeat < 1) {
            throw new IllegalArgumentException("--count, --n, --repeat: " + count + ", " + n + ", " + repeat
                    + " must be >= 1 (n <= 4096)");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("master", sparkOptions.master);
        doc.put("count", count);
        doc.put("n", n);
        doc.put("threads_property", System.getProperty("eigenbasis.cpu.threads"));
        if (baseline) {
            double best = Double.POSITIVE_INFINITY;
            double sum = 0;
            for (int r = 0; r < repeat + 1; r++) {           // the first run warms up, untimed, as on the Spark side
                long t0 = System.nanoTime();
                sum = singleMachine();
                if (r > 0) {
                    best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
                }
            }
            doc.put("baseline_seconds", best);
            doc.put("baseline_sum", sum);
        }
        SparkSession spark = sparkOptions.session("eigenbasis spark bench-eigh");
        try {
            int partitions = sparkOptions.partitions(spark);
            double best = Double.POSITIVE_INFINITY;
            double sum = 0;
            for (int r = 0; r < repeat + 1; r++) {           // the first run warms the executors up, untimed
                long t0 = System.nanoTime();
                sum = sparkJob(spark, partitions);
                double s = (System.nanoTime() - t0) * 1e-9;
                if (r > 0) {
                    best = Math.min(best, s);
                }
            }
            doc.put("partitions", partitions);
            doc.put("spark_seconds", best);
            doc.put("spark_sum", sum);
        } finally {
            spark.stop();
        }
        PrintWriter o = spec.commandLine().getOut();
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            if (json.length() > 1) {
                json.append(", ");
            }
            Object v = e.getValue();
            json.append('"').append(e.getKey()).append("\": ").append(v instanceof String s ? "\"" + s + "\"" : v);
        }
        o.println(json.append('}'));
        return SparkCli.OK;
    }

    private double sparkJob(SparkSession spark, int partitions) {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("matrix", DataTypes.createArrayType(DataTypes.DoubleType, false), false)));
        Dataset<Row> ids = spark.range(0, count, 1, partitions).toDF("id");
        Dataset<Row> matrices = ids.mapPartitions(new Generator(seed, n), Encoders.row(schema));
        Dataset<Row> out = SparkEigh.transform(matrices, SparkEighConfig.defaults().withN(n).withVectorsCol(null)
                .withMatricesPerCall(1024));
        Row total = out.agg(functions.sum(functions.element_at(out.col("eigenvalues"), 1))).first();
        return total.getDouble(0);
    }

    private double singleMachine() {
        SymmetricEigen eigen = SymmetricEigen.on("cpu");
        EighOptions options = EighOptions.defaults().withVectors(false).withOutputPlacement(Placement.HEAP);
        double sum = 0;
        int chunk = 1024;
        double[] flat = new double[chunk * n * n];
        for (int first = 0; first < count; first += chunk) {
            int k = Math.min(chunk, count - first);
            for (int b = 0; b < k; b++) {
                System.arraycopy(matrix(seed + first + b, n), 0, flat, b * n * n, n * n);
            }
            try (BatchedMatrix a = BatchedMatrix.allocate(org.eigenbasis.value.DType.F64, k, n, n, Placement.OFF_HEAP)) {
                a.doubleBuffer().put(flat, 0, k * n * n);
                try (EighResult r = eigen.decompose(a, options)) {
                    for (int b = 0; b < k; b++) {
                        sum += r.value(b, 0);
                    }
                }
            }
        }
        return sum;
    }

    /** Rows (id, matrix) from ids, on the executors. */
    static final class Generator implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final long seed;
        private final int n;

        Generator(long seed, int n) {
            this.seed = seed;
            this.n = n;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> ids) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return ids.hasNext();
                }

                @Override
                public Row next() {
                    long id = ids.next().getLong(0);
                    return RowFactory.create(id, matrix(seed + id, n));
                }
            };
        }
    }

    /** The symmetric n × n matrix of stream s: N(0, 1) entries on and below the diagonal, mirrored. */
    static double[] matrix(long s, int n) {
        SplittableRandom r = new SplittableRandom(s);
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = r.nextDouble() * 2 - 1;
                m[i * n + j] = v;
                m[j * n + i] = v;
            }
        }
        return m;
    }
}
