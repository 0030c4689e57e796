package org.eigenbasis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batched eigh over a Dataset equals the single-machine call bit for bit, whatever the partitioning and batch size;
 * nulls pass through; bad rows fail their task with the row named.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkEighTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("local[2]", "SparkEighTest");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static double[][] matrices(int count, int n, long seed) {
        Random r = new Random(seed);
        double[][] out = new double[count][n * n];
        for (int b = 0; b < count; b++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double v = r.nextGaussian();
                    out[b][i * n + j] = v;
                    out[b][j * n + i] = v;
                }
            }
        }
        return out;
    }

    private static Dataset<Row> frame(double[][] m, boolean asFloat, int nullEvery) {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.IntegerType, false),
                DataTypes.createStructField("matrix", DataTypes.createArrayType(asFloat ? DataTypes.FloatType
                        : DataTypes.DoubleType, false), true)));
        List<Row> rows = new ArrayList<>();
        for (int b = 0; b < m.length; b++) {
            Object value;
            if (nullEvery > 0 && b % nullEvery == 0) {
                value = null;
            } else if (asFloat) {
                float[] f = new float[m[b].length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) m[b][i];
                }
                value = f;
            } else {
                value = m[b];
            }
            rows.add(RowFactory.create(b, value));
        }
        return spark.createDataFrame(rows, schema);
    }

    private static EighResult single(double[][] m, int n, boolean asFloat, EighAlgorithm algorithm) {
        double[] flat = new double[m.length * n * n];
        for (int b = 0; b < m.length; b++) {
            System.arraycopy(m[b], 0, flat, b * n * n, n * n);
        }
        BatchedMatrix a = BatchedMatrix.of(flat, m.length, n, n);
        if (asFloat) {
            a = a.convert(org.eigenbasis.value.DType.F32);
        }
        return SymmetricEigen.on("cpu").decompose(a, EighOptions.defaults().withAlgorithm(algorithm));
    }

    @Test
    void everyPartitioningGivesTheSingleMachineBits() {
        for (int n : new int[] {5, 40}) {
            double[][] m = matrices(300, n, n);
            try (EighResult expected = single(m, n, false, EighAlgorithm.AUTO)) {
                for (int[] layout : new int[][] {{1, 4096}, {3, 7}, {7, 64}}) {
                    Dataset<Row> in = frame(m, false, 0).repartition(layout[0]);
                    List<Row> out = SparkEigh.transform(in, SparkEighConfig.defaults().withMatricesPerCall(layout[1]))
                            .collectAsList();
                    assertEquals(m.length, out.size());
                    for (Row row : out) {
                        int b = row.getInt(0);
                        double[] w = toDoubles(row.getList(2));
                        double[] v = toDoubles(row.getList(3));
                        assertArrayEquals(expected.valuesOf(b), w, 0.0, "n " + n + " layout " + layout[0] + "/" + layout[1] + " matrix " + b);
                        double[] ev = new double[n * n];
                        expected.vectors().copyMatrixTo(b, ev, 0);
                        assertArrayEquals(ev, v, 0.0, "vectors of matrix " + b);
                    }
                }
            }
        }
    }

    /** Rows made by a typed function hold the double[] itself: Spark elides the encoder before the next function. */
    static final class Squares implements org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final double[][] m;

        Squares(double[][] m) {
            this.m = m;
        }

        @Override
        public java.util.Iterator<Row> call(java.util.Iterator<Row> ids) {
            List<Row> out = new ArrayList<>();
            while (ids.hasNext()) {
                int id = (int) ids.next().getLong(0);
                out.add(RowFactory.create(id, m[id]));
            }
            return out.iterator();
        }
    }

    @Test
    void matricesMadeByATypedFunctionUpstream() {
        int n = 7;
        double[][] m = matrices(30, n, 21);
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.IntegerType, false),
                DataTypes.createStructField("matrix", DataTypes.createArrayType(DataTypes.DoubleType, false), false)));
        Dataset<Row> in = spark.range(0, 30, 1, 3).toDF("id").mapPartitions(new Squares(m),
                org.apache.spark.sql.Encoders.row(schema));
        try (EighResult expected = single(m, n, false, EighAlgorithm.AUTO)) {
            for (Row row : SparkEigh.transform(in, SparkEighConfig.defaults()).collectAsList()) {
                int b = row.getInt(0);
                assertArrayEquals(expected.valuesOf(b), toDoubles(row.getList(2)), 0.0, "matrix " + b);
            }
        }
    }

    @Test
    void floatsNullsAndValuesOnly() {
        int n = 6;
        double[][] m = matrices(50, n, 9);
        try (EighResult expected = single(m, n, true, EighAlgorithm.AUTO)) {
            List<Row> out = SparkEigh.transform(frame(m, true, 5).repartition(3),
                    SparkEighConfig.defaults().withVectorsCol(null).withN(n)).collectAsList();
            assertEquals(3, out.get(0).length());
            for (Row row : out) {
                int b = row.getInt(0);
                if (b % 5 == 0) {
                    assertNull(row.get(2));
                    continue;
                }
                List<Object> w = row.getList(2);
                float[] e = expected.values().toFloatArray();
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToIntBits(e[b * n + i]), Float.floatToIntBits((Float) w.get(i)), "matrix " + b);
                }
            }
        }
    }

    @Test
    void badRowsAndColumnsAreRefusedWithTheirPlaceNamed() {
        double[][] m = matrices(10, 4, 11);
        m[7] = new double[15];
        Exception e = assertThrows(Exception.class, () -> SparkEigh.transform(frame(m, false, 0).coalesce(1),
                SparkEighConfig.defaults().withN(4)).collectAsList());
        assertTrue(String.valueOf(e.getMessage()).contains("row 7: length 15, expected n·n = 16"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SparkEigh.transform(frame(matrices(2, 3, 1), false, 0), SparkEighConfig.defaults().withInputCol("nope")));
        assertTrue(missing.getMessage().contains("no column 'nope'"), missing.getMessage());
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                () -> SparkEigh.transform(frame(matrices(2, 3, 1), false, 0), SparkEighConfig.defaults().withValuesCol("id")));
        assertTrue(clash.getMessage().contains("already exists"), clash.getMessage());
        double[][] notSquare = {new double[12]};
        IllegalArgumentException infer = assertThrows(IllegalArgumentException.class,
                () -> SparkEigh.transform(frame(notSquare, false, 0), SparkEighConfig.defaults()));
        assertTrue(infer.getMessage().contains("not a square"), infer.getMessage());
    }

    private static double[] toDoubles(List<Object> list) {
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Double) list.get(i);
        }
        return out;
    }
}
