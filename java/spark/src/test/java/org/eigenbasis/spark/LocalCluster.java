package org.eigenbasis.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark standalone cluster inside the test JVM: {@code local-cluster[executors,cores,memoryMb]} starts a master and
 * workers in this JVM, and each worker launches its executor as a separate JVM (a child process of this one), as a
 * real cluster does: tasks, closures and results cross process boundaries, and every executor loads the JavaCPP
 * native libraries itself.
 *
 * <p>What the workers need, set up here: SPARK_HOME (set by the module's surefire configuration to
 * target/spark-home) holding an empty {@code jars/} folder, since the worker builds the executor command from it;
 * SPARK_SCALA_VERSION (surefire); the test classpath as {@code spark.executor.extraClassPath}; Spark's JVM options
 * (the root pom's spark.jvm.options, handed over as the system property {@value #EXECUTOR_OPTIONS}) as
 * {@code spark.executor.extraJavaOptions}; and a fresh JavaCPP cache shared by the executors (not the driver's), so
 * each run proves that executors extract the native libraries themselves. The driver listens on the loopback
 * interface, without UI. Executor logs land in SPARK_HOME/work/app-…/N/stderr.
 *
 * <p>{@link #start} returns once every executor has registered, or fails (never hangs) after a deadline with the
 * tail of the newest executor log. {@link #close} stops the session and waits for the executor JVMs to exit,
 * killing leftovers. Test classes using it still need a JUnit {@code @Timeout}.
 */
final class LocalCluster implements AutoCloseable {
    /** The system property that carries Spark's JVM options for the executor JVMs. */
    static final String EXECUTOR_OPTIONS = "eigenbasis.spark.executorJavaOptions";
    /** How long start waits for the executors to register (JVM start, classpath scan, native extraction). */
    static final Duration REGISTRATION = Duration.ofSeconds(60);
    private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    private final SparkSession spark;
    private final int executors;
    private final Path sparkHome;
    private final Path javacppCache;

    private LocalCluster(SparkSession spark, int executors, Path sparkHome, Path javacppCache) {
        this.spark = spark;
        this.executors = executors;
        this.sparkHome = sparkHome;
        this.javacppCache = javacppCache;
    }

    /** Two executors of one core and 1024 MB each: {@code local-cluster[2,1,1024]}. */
    static LocalCluster start(String appName) {
        return start(appName, 2, Map.of());
    }

    /**
     * {@code local-cluster[executors,1,1024]} with the extra Spark settings given (they override the defaults here:
     * spark.task.maxFailures 4, spark.sql.shuffle.partitions 4). Returns once all executors have registered.
     */
    static LocalCluster start(String appName, int executors, Map<String, String> conf) {
        if (executors < 1 || executors > 8) {
            throw new IllegalArgumentException("executors: " + executors + " is outside [1, 8]");
        }
        Path home = sparkHome();
        Path cache;
        try {
            cache = Files.createTempDirectory(home, "javacpp-cache-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String master = "local-cluster[" + executors + ",1,1024]";
        SparkSession.Builder builder = SparkSession.builder().master(master).appName(appName)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.task.maxFailures", "4")
                .config("spark.executor.extraClassPath", testClassPath())
                .config("spark.executor.extraJavaOptions", executorJavaOptions()
                        + " -Dorg.bytedeco.javacpp.cachedir=" + cache);
        conf.forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        if (!master.equals(spark.sparkContext().master())) {
            throw new IllegalStateException("a SparkSession on " + spark.sparkContext().master() + " is still running in"
                    + " this JVM: the test class that started it must stop it (@AfterAll)");
        }
        LocalCluster cluster = new LocalCluster(spark, executors, home, cache);
        try {
            cluster.awaitExecutors(executors, REGISTRATION);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    SparkSession spark() {
        return spark;
    }

    /** The JavaCPP cache the executors extract into (the driver keeps its own). */
    Path javacppCache() {
        return javacppCache;
    }

    /** Executors registered with the driver now (the driver itself not counted). */
    int registeredExecutors() {
        return spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
    }

    /** Waits until exactly count executors are registered; fails after the deadline with the newest executor log. */
    void awaitExecutors(int count, Duration deadline) {
        await(count + " registered executors (now " + registeredExecutors() + ")", deadline,
                () -> registeredExecutors() == count ? Boolean.TRUE : null, this::newestExecutorLog);
    }

    /**
     * The live executor JVMs by executor id ("0", "1", …): this JVM's descendants running CoarseGrainedExecutorBackend.
     * An executor the worker is starting may be listed before it registers.
     */
    Map<String, ProcessHandle> executorProcesses() {
        Map<String, ProcessHandle> out = new TreeMap<>();
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(p -> {
            List<String> args = arguments(p);
            int at = args.indexOf("--executor-id");
            if (args.contains(EXECUTOR_MAIN) && at >= 0 && at + 1 < args.size()) {
                out.put(args.get(at + 1), p);
            }
        });
        return out;
    }

    /**
     * Kills one executor JVM (SIGKILL, as a machine loss) and waits for it to exit. Only a JVM that is one of this
     * cluster's executors, a descendant of this JVM, is killed.
     */
    void killExecutor(long pid, Duration deadline) {
        ProcessHandle victim = executorProcesses().values().stream().filter(p -> p.pid() == pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("pid " + pid + " is not a live executor of this cluster: "
                        + executorProcesses()));
        victim.destroyForcibly();
        try {
            victim.onExit().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing executor pid " + pid, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("executor pid " + pid + " still alive " + deadline + " after SIGKILL", e);
        }
    }

    /**
     * A process's command line. ProcessHandle.Info reads only the first 4 KiB of /proc/PID/cmdline on Linux and gives
     * no arguments for a longer one, as an executor's (its classpath is the test classpath): read the file whole.
     */
    private static List<String> arguments(ProcessHandle p) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | UncheckedIOException e) {
            return p.info().arguments().map(Arrays::asList).orElse(List.of());
        }
    }

    /** Stops the session, then waits for the executor JVMs to exit, killing any still there after 20 s. */
    @Override
    public void close() {
        List<ProcessHandle> children = new ArrayList<>(executorProcesses().values());
        try {
            spark.stop();
        } finally {
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            for (ProcessHandle p : children) {
                try {
                    p.onExit().get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                } catch (ExecutionException | TimeoutException e) {
                    p.destroyForcibly();
                }
            }
            deleteTree(javacppCache);
        }
    }

    /**
     * Polls probe (every 50 ms) until it returns non-null and returns that; after the deadline fails with what was
     * awaited. The tests' only way to wait: no sleep that assumes a speed.
     */
    static <T> T await(String what, Duration deadline, Supplier<T> probe) {
        return await(what, deadline, probe, () -> "");
    }

    private static <T> T await(String what, Duration deadline, Supplier<T> probe, Supplier<String> detail) {
        long until = System.nanoTime() + deadline.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("waited " + deadline + " for " + what + detail.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Spark's JVM options for the executors, from the surefire configuration. */
    static String executorJavaOptions() {
        String options = System.getProperty(EXECUTOR_OPTIONS);
        if (options == null || options.isBlank()) {
            throw new IllegalStateException("system property " + EXECUTOR_OPTIONS + " is not set: the executor JVMs"
                    + " need Spark's --add-opens options (the eigenbasis-spark surefire configuration sets it)");
        }
        return options.trim();
    }

    /** The test classpath in full (surefire runs the tests from a manifest-only jar). */
    static String testClassPath() {
        return Optional.ofNullable(System.getProperty("surefire.test.class.path"))
                .orElse(System.getProperty("java.class.path"));
    }

    /** SPARK_HOME with an empty jars/ folder: the workers put its (absent) jars before the executor classpath. */
    private static Path sparkHome() {
        String env = System.getenv("SPARK_HOME");
        if (env == null || env.isBlank()) {
            throw new IllegalStateException("SPARK_HOME is not set: local-cluster's workers build the executor command"
                    + " from SPARK_HOME/jars (the eigenbasis-spark surefire configuration sets it to target/spark-home)");
        }
        Path home = Path.of(env).toAbsolutePath();
        Path jars = home.resolve("jars");
        try {
            Files.createDirectories(jars);
            try (Stream<Path> in = Files.list(jars)) {
                if (in.findAny().isPresent()) {
                    throw new IllegalStateException(jars + " is not empty: the executors would load those jars before the"
                            + " test classpath; point SPARK_HOME at a directory with an empty jars/");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return home;
    }

    /** The last lines of the newest executor stderr under SPARK_HOME/work, for a failure message. */
    private String newestExecutorLog() {
        try (Stream<Path> files = Files.walk(sparkHome.resolve("work"))) {
            Optional<Path> newest = files.filter(p -> p.getFileName().toString().equals("stderr"))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
            if (newest.isEmpty()) {
                return "; no executor log under " + sparkHome.resolve("work");
            }
            List<String> lines = Files.readAllLines(newest.get());
            return "; the end of " + newest.get() + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "; no executor log under " + sparkHome.resolve("work") + " (" + e + ")";
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover cache under target/ is harmless; the next run makes its own
        }
    }
}
