package org.eigenbasis.spark.cli;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** --master and --partitions, shared by every spark command. */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "M",
            description = "Spark master: local[N], spark://host:port, yarn, k8s://... (under spark-submit: its --master).")
    String master;

    @Option(names = "--partitions", paramLabel = "P", description = "Partitions of the work (default: the session's default parallelism).")
    Integer partitions;

    SparkSession session(String app) {
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--partitions: " + partitions + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (master == null) {
            master = System.getProperty("spark.master");    // set by spark-submit
            if (master == null) {
                throw new IllegalArgumentException("--master: required (or run the command under spark-submit)");
            }
        }
        SparkSession.Builder b = SparkSession.builder().master(master).appName(app)
                .config("spark.ui.showConsoleProgress", "false");
        if (master.startsWith("local")) {
            b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        }
        return b.getOrCreate();
    }

    int partitions(SparkSession spark) {
        return partitions != null ? partitions : spark.sparkContext().defaultParallelism();
    }
}
