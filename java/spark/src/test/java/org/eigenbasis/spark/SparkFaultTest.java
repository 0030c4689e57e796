package org.eigenbasis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bytedeco.javacpp.Loader;
import org.eigenbasis.linalg.EighConvergenceException;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a real (local) cluster, {@code local-cluster[2,1,1024]}: executors are separate JVMs that load the
 * native libraries themselves; an executor killed in the middle of a SparkEigh job loses its task, Spark runs it
 * again elsewhere and the result is still bit for bit the single-machine one; a native failure inside a task fails
 * that task with the eigenbasis message and leaves the executor JVMs alive for the next job.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SparkFaultTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.IntegerType, false),
            DataTypes.createStructField("matrix", DataTypes.createArrayType(DataTypes.DoubleType, false), true)));

    private static LocalCluster cluster;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static final Events events = new Events();

    @TempDir
    Path scratch;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.start("SparkFaultTest");
        spark = cluster.spark();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.sparkContext().addSparkListener(events);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Every test starts on two registered executors (a killed one is replaced by its worker). */
    @BeforeEach
    void twoExecutors() {
        cluster.awaitExecutors(2, DEADLINE);
    }

    @Test
    void executorsAreSeparateJvmsThatExtractAndLoadTheNativeLibrariesThemselves() throws IOException {
        Set<Long> executorPids = pids();
        assertEquals(2, executorPids.size(), "executor JVMs: " + cluster.executorProcesses());
        long[] expected = smallEigenvalues();
        // Which executor runs a task is the scheduler's choice: run small jobs until both have answered.
        Map<Long, NativeReport> reports = new HashMap<>();
        LocalCluster.await("a task on each executor JVM " + executorPids + " (seen " + reports.keySet() + ")", DEADLINE,
                () -> {
                    for (NativeReport r : jsc.parallelize(List.of(0, 1, 2, 3), 4).map(i -> NativeReport.here()).collect()) {
                        reports.put(r.pid(), r);
                    }
                    return reports.keySet().containsAll(executorPids) ? Boolean.TRUE : null;
                });
        assertFalse(reports.containsKey(ProcessHandle.current().pid()), "a task ran in the driver JVM");
        Path cache = cluster.javacppCache().toRealPath();
        for (long pid : executorPids) {
            NativeReport report = reports.get(pid);
            assertEquals(cache, Path.of(report.cacheDir()).toRealPath(), "JavaCPP cache of executor pid " + pid);
            assertTrue(report.libraries().keySet().stream().anyMatch(name -> name.contains("jniEbCpuLibrary")),
                    "executor pid " + pid + " loaded " + report.libraries());
            // A library packed in a jar (OpenBLAS; the eigenbasis glue too once packaged) is extracted into the
            // executor's cache; one in a classpath directory (the glue under target/classes) is loaded in place.
            int extracted = 0;
            for (Map.Entry<String, String> library : report.libraries().entrySet()) {
                Path where = Path.of(library.getValue()).toRealPath();
                if (where.startsWith(cache)) {
                    extracted++;
                } else {
                    assertTrue(classpathDirectories().stream().anyMatch(where::startsWith), "executor pid " + pid
                            + " loaded " + library + " from outside its cache and the classpath directories");
                }
            }
            assertTrue(report.libraries().keySet().stream().anyMatch(name -> name.contains("openblas"))
                    && extracted > 0, "executor pid " + pid + " extracted nothing into " + cache + ": " + report.libraries());
            assertArrayEquals(expected, report.eigenvalueBits(), "eigenvalues computed by executor pid " + pid);
        }
    }

    /** The classpath's directories (real paths), where JavaCPP loads libraries in place. */
    private static List<Path> classpathDirectories() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String entry : LocalCluster.testClassPath().split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                out.add(p.toRealPath());
            }
        }
        return out;
    }

    /** The eigenvalue bits of one 12 × 12 matrix on the cpu backend, in whichever JVM runs this. */
    private static long[] smallEigenvalues() {
        try (EighResult r = SymmetricEigen.on("cpu").decompose(BatchedMatrix.of(matrix(7, 12), 1, 12, 12),
                EighOptions.defaults())) {
            return bits(r.valuesOf(0));
        }
    }

    /** What one executor JVM says about itself after an eigh: pid, JavaCPP cache, loaded libraries (name to path). */
    private record NativeReport(long pid, String cacheDir, Map<String, String> libraries, long[] eigenvalueBits)
            implements Serializable {
        static NativeReport here() throws IOException {
            long[] w = smallEigenvalues();
            return new NativeReport(ProcessHandle.current().pid(), Loader.getCacheDir().toString(),
                    new HashMap<>(Loader.getLoadedLibraries()), w);
        }
    }

    @Test
    void anExecutorKilledMidJobHasItsTaskRetriedAndTheResultIsBitIdentical() throws Exception {
        int count = 1200;
        int n = 32;
        int partitions = 8;
        int gated = 1;
        Path pidFile = scratch.resolve("gated-executor.pid");
        events.clear();
        Dataset<Row> input = spark.createDataFrame(ids(count, partitions)
                .mapPartitions(new KillGate(gated, 100, n, pidFile.toString(), DEADLINE.toMillis())), SCHEMA);
        SparkEighConfig config = SparkEighConfig.defaults().withN(n).withMatricesPerCall(40);
        CompletableFuture<List<Row>> job = CompletableFuture.supplyAsync(
                () -> SparkEigh.transform(input, config).collectAsList());

        // Partition `gated` has solved two batches in its executor and now waits there to be killed.
        long pid = LocalCluster.await("the gated task to record its executor pid in " + pidFile, DEADLINE,
                () -> Files.exists(pidFile) ? readPid(pidFile) : null);
        assertNotEquals(ProcessHandle.current().pid(), pid, "the gated task ran in the driver JVM");
        assertFalse(job.isDone(), "the job finished before its executor was killed");
        cluster.killExecutor(pid, Duration.ofSeconds(10));

        List<Row> out = job.get(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS);
        SparkListenerTaskEnd lost = LocalCluster.await("the gated task's end as an executor loss", DEADLINE,
                () -> events.taskEnds.stream().filter(e -> e.taskInfo().index() == gated
                        && e.reason() instanceof ExecutorLostFailure).findFirst().orElse(null));
        assertEquals(0, lost.taskInfo().attemptNumber(), "the first attempt is the one lost");
        assertTrue(events.taskEnds.stream().anyMatch(e -> e.taskInfo().index() == gated
                && e.taskInfo().attemptNumber() > 0 && e.taskInfo().successful()), "the lost task was run again");
        LocalCluster.await("the killed executor's removal", DEADLINE, () -> events.removed.isEmpty() ? null : true);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "executor pid " + pid + " lives");

        assertEquals(count, out.size());
        assertBitIdentical(out, count, n, EighOptions.defaults());
        // the worker replaces the lost executor
        cluster.awaitExecutors(2, DEADLINE);
    }

    @Test
    void aNativeFailureFailsItsTaskWithTheEigenbasisMessageAndTheExecutorLivesOn() throws Exception {
        int count = 20;
        int n = 24;
        Set<Long> before = pids();
        EighOptions oneSweep = EighOptions.defaults().withAlgorithm(EighAlgorithm.TRIDIAGONAL_QL).withMaxIterations(1);
        // the same batch on one machine: the QL kernel gives up after n iterations and reports it per matrix
        EighConvergenceException single = assertThrows(EighConvergenceException.class,
                () -> SymmetricEigen.on("cpu").decompose(batch(count, n), oneSweep));
        single.result().close();
        events.clear();
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> SparkEighConfig.defaults().withMaxIterations(10_001));
        assertEquals("maxIterations: 10001 is outside [0, 10000]", range.getMessage());
        SparkEighConfig failing = SparkEighConfig.defaults().withN(n).withAlgorithm(EighAlgorithm.TRIDIAGONAL_QL)
                .withMaxIterations(1);
        Dataset<Row> one = spark.createDataFrame(ids(count, 1).map(i -> RowFactory.create(i, matrix(i, n))), SCHEMA);
        Exception e = assertThrows(Exception.class, () -> SparkEigh.transform(one, failing).collectAsList());
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains("java.lang.ArithmeticException: inputCol 'matrix', partition 0, rows ["), message);
        assertTrue(message.contains(single.getMessage()), "the eigenbasis message «" + single.getMessage()
                + "» is not in: " + message);

        List<SparkListenerTaskEnd> failures = LocalCluster.await("4 failed attempts of the task", DEADLINE, () -> {
            List<SparkListenerTaskEnd> ends = events.taskEnds.stream().filter(end -> !end.taskInfo().successful()).toList();
            return ends.size() >= 4 ? ends : null;
        });
        for (SparkListenerTaskEnd end : failures) {
            assertTrue(end.reason() instanceof ExceptionFailure f && f.className().equals("java.lang.ArithmeticException"),
                    "attempt " + end.taskInfo().attemptNumber() + " ended with " + end.reason());
        }
        assertTrue(events.removed.isEmpty(), "executors lost: " + events.removed);
        assertEquals(before, pids(), "the executor JVMs");

        // the same session, the same executor JVMs, the next job
        Dataset<Row> good = spark.createDataFrame(ids(200, 4).map(i -> RowFactory.create(i, matrix(i, n))), SCHEMA);
        List<Row> out = SparkEigh.transform(good, SparkEighConfig.defaults().withN(n).withMatricesPerCall(16))
                .collectAsList();
        assertBitIdentical(out, 200, n, EighOptions.defaults());
        assertEquals(before, pids(), "the executor JVMs after the next job");
        assertTrue(events.removed.isEmpty(), "executors lost: " + events.removed);
    }

    private static Set<Long> pids() {
        return cluster.executorProcesses().values().stream().map(ProcessHandle::pid)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static JavaRDD<Integer> ids(int count, int partitions) {
        return jsc.parallelize(IntStream.range(0, count).boxed().toList(), partitions);
    }

    /** Rows id, matrix(id), bit for bit the single-machine eigh of matrices 0..count-1 (every row present). */
    private static void assertBitIdentical(List<Row> out, int count, int n, EighOptions options) {
        assertEquals(count, out.size());
        boolean[] seen = new boolean[count];
        try (EighResult expected = SymmetricEigen.on("cpu").decompose(batch(count, n), options)) {
            for (Row row : out) {
                int b = row.getInt(0);
                assertFalse(seen[b], "row " + b + " twice");
                seen[b] = true;
                assertArrayEquals(bits(expected.valuesOf(b)), bits(doubles(row.getList(2))), "eigenvalues of " + b);
                double[] v = new double[n * n];
                expected.vectors().copyMatrixTo(b, v, 0);
                assertArrayEquals(bits(v), bits(doubles(row.getList(3))), "eigenvectors of " + b);
            }
        }
    }

    /** Symmetric matrix number id, the same in every JVM (a Random seeded by id). */
    static double[] matrix(int id, int n) {
        Random r = new Random(1_000_003L * id + n);
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = r.nextGaussian();
                m[i * n + j] = v;
                m[j * n + i] = v;
            }
        }
        return m;
    }

    private static BatchedMatrix batch(int count, int n) {
        double[] flat = new double[count * n * n];
        for (int b = 0; b < count; b++) {
            System.arraycopy(matrix(b, n), 0, flat, b * n * n, n * n);
        }
        return BatchedMatrix.of(flat, count, n, n);
    }

    private static double[] doubles(List<Object> list) {
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Double) list.get(i);
        }
        return out;
    }

    private static long[] bits(double[] x) {
        long[] out = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Double.doubleToRawLongBits(x[i]);
        }
        return out;
    }

    private static Long readPid(Path file) {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rows (id, matrix(id)) of a partition, made lazily. In partition {@code gated}, the first time it runs, after
     * {@code before} rows the task writes its JVM's pid to pidFile and waits there to be killed (SparkEigh has by then
     * solved the batches those rows filled); were it not killed within the deadline it fails instead of hanging.
     */
    private record KillGate(int gated, int before, int n, String pidFile, long deadlineMillis)
            implements FlatMapFunction<Iterator<Integer>, Row>, Serializable {
        @Override
        public Iterator<Row> call(Iterator<Integer> ids) {
            Path file = Path.of(pidFile);
            boolean gate = TaskContext.getPartitionId() == gated && !Files.exists(file);
            return new Iterator<>() {
                private int emitted;

                @Override
                public boolean hasNext() {
                    if (gate && emitted == before) {
                        waitToBeKilled(file);
                    }
                    return ids.hasNext();
                }

                @Override
                public Row next() {
                    emitted++;
                    int id = ids.next();
                    return RowFactory.create(id, matrix(id, n));
                }
            };
        }

        private void waitToBeKilled(Path file) {
            try {
                Path tmp = Files.createTempFile(file.getParent(), "pid", ".tmp");
                Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
                while (System.nanoTime() < until) {
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("executor pid " + ProcessHandle.current().pid() + " was not killed within "
                    + deadlineMillis + " ms");
        }
    }

    /** What the driver's listener bus reports: task ends and executor removals. */
    private static final class Events extends SparkListener {
        final ConcurrentLinkedQueue<SparkListenerTaskEnd> taskEnds = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> removed = new ConcurrentLinkedQueue<>();

        void clear() {
            taskEnds.clear();
            removed.clear();
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            taskEnds.add(end);
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
            removed.add(e.executorId() + " (" + e.reason() + ")");
        }
    }
}
