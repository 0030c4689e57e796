package org.eigenbasis.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.io.Npy;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code eigenbasis spark eigh} writes what the single-machine eigh gives, bit for bit; bad input is exit 2. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkCliTest {
    @TempDir
    Path dir;

    @Test
    void sparkEighWritesTheSingleMachineBits() throws Exception {
        int batch = 40;
        int n = 9;
        Random r = new Random(3);
        double[] a = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double v = r.nextGaussian();
                    a[b * n * n + i * n + j] = v;
                    a[b * n * n + j * n + i] = v;
                }
            }
        }
        Path in = dir.resolve("A.npy");
        try (BatchedMatrix m = BatchedMatrix.of(a, batch, n, n)) {
            Npy.write(in, m, batch, n, n);
        }
        int rc = SparkCli.run("eigh", "--master", "local[2]", "--partitions", "3", "--input", in.toString(),
                "--values", dir.resolve("W.npy").toString(), "--vectors", dir.resolve("V.npy").toString());
        assertEquals(SparkCli.OK, rc);
        try (BatchedMatrix m = BatchedMatrix.of(a, batch, n, n);
             EighResult expected = SymmetricEigen.on("cpu").decompose(m, EighOptions.defaults());
             BatchedMatrix w = Npy.readBatch(dir.resolve("W.npy"));
             BatchedMatrix v = Npy.readMatrices(dir.resolve("V.npy"))) {
            assertArrayEquals(expected.values().toDoubleArray(), w.toDoubleArray(), 0.0);
            assertArrayEquals(expected.vectors().toDoubleArray(), v.toDoubleArray(), 0.0);
        }
    }

    @Test
    void badInputIsExitTwo() {
        assertEquals(SparkCli.BAD_INPUT, SparkCli.run("eigh", "--master", "local[1]", "--input",
                dir.resolve("missing.npy").toString(), "--values", dir.resolve("W.npy").toString()));
        assertEquals(SparkCli.BAD_INPUT, SparkCli.run("eigh", "--input", "x.npy", "--values", "w.npy"));
        assertEquals(SparkCli.BAD_INPUT, SparkCli.run("nonsense"));
    }
}
