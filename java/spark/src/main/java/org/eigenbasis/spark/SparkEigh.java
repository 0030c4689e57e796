package org.eigenbasis.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.eigenbasis.value.DType;

/**
 * Batched symmetric eigendecomposition of a Dataset column of flattened n × n matrices. Each partition is packed into
 * off-heap batches of {@link SparkEighConfig#matricesPerCall()} matrices, each one native call (never one JNI call
 * per row), and every input row comes out with its eigenvalue (and eigenvector) columns appended, in the same
 * order. A matrix's result does not depend on the other matrices of its batch, so the output is bit for bit what
 * {@link org.eigenbasis.linalg.SymmetricEigen} gives on one machine for the same backend and algorithm, whatever the
 * partitioning.
 *
 * <p>Nulls in the input column give nulls in both output columns. A row of the wrong length or with a non-finite
 * entry in its lower triangle fails its task with an IllegalArgumentException naming the column, the partition,
 * the row within it and the legal length (Spark then retries and fails the job with that message). A matrix that does
 * not converge within {@link SparkEighConfig#maxIterations()} fails its task with an ArithmeticException naming the
 * partition, its rows within it and the eigenbasis message; the executor lives on. Cost per
 * matrix that of the backend's eigh (about 9n³ flops with vectors); memory per task two batches of
 * matricesPerCall·n² scalars off-heap.
 */
public final class SparkEigh {
    private SparkEigh() {
    }

    /** The input with the eigenvalue (and eigenvector) columns appended; lazy, like any Dataset transformation. */
    public static Dataset<Row> transform(Dataset<Row> input, SparkEighConfig config) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(config, "config");
        StructType schema = input.schema();
        int column = fieldIndex(schema, config.inputCol());
        DataType type = schema.fields()[column].dataType();
        DType dtype = elementType(config.inputCol(), type);
        for (String out : config.vectorsCol() == null ? List.of(config.valuesCol())
                : List.of(config.valuesCol(), config.vectorsCol())) {
            if (Arrays.asList(schema.fieldNames()).contains(out)) {
                throw new IllegalArgumentException("output column '" + out + "' already exists in the input; choose another name");
            }
        }
        if (config.vectorsCol() != null && config.vectorsCol().equals(config.valuesCol())) {
            throw new IllegalArgumentException("vectorsCol: '" + config.vectorsCol() + "' is also valuesCol");
        }
        int n = config.n() > 0 ? config.n() : inferN(input, config.inputCol());
        DataType element = dtype == DType.F64 ? DataTypes.DoubleType : DataTypes.FloatType;
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        fields.add(DataTypes.createStructField(config.valuesCol(), DataTypes.createArrayType(element, false), true));
        if (config.vectorsCol() != null) {
            fields.add(DataTypes.createStructField(config.vectorsCol(), DataTypes.createArrayType(element, false), true));
        }
        StructType outSchema = DataTypes.createStructType(fields);
        return input.mapPartitions(new PartitionEigh(config, n, dtype, column), Encoders.row(outSchema));
    }

    static int fieldIndex(StructType schema, String name) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("inputCol: no column '" + name + "' in " + Arrays.toString(schema.fieldNames()));
    }

    static DType elementType(String name, DataType type) {
        if (type instanceof ArrayType a) {
            if (a.elementType().equals(DataTypes.DoubleType)) {
                return DType.F64;
            }
            if (a.elementType().equals(DataTypes.FloatType)) {
                return DType.F32;
            }
        }
        throw new IllegalArgumentException("inputCol '" + name + "': type " + type.simpleString()
                + ", expected array<double> or array<float>");
    }

    /** n from the first non-null row's length, which must be a square. */
    static int inferN(Dataset<Row> input, String name) {
        List<Row> first = input.select(name).where(input.col(name).isNotNull()).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("inputCol '" + name + "': no non-null row to infer n from; give n");
        }
        int length = ArrayColumns.length(first.get(0).get(0));
        int n = (int) Math.round(Math.sqrt(length));
        if (n < 1 || (long) n * n != length) {
            throw new IllegalArgumentException("inputCol '" + name + "': the first row has " + length
                    + " entries, not a square n·n");
        }
        return n;
    }
}
