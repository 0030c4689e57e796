package org.eigenbasis.spark;

import org.apache.spark.sql.SparkSession;

/** A local SparkSession for the tests: loopback driver, no UI, few shuffle partitions, warnings only. */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession start(String master, String name) {
        return SparkSession.builder().master(master).appName(name)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.task.maxFailures", "2")
                .getOrCreate();
    }
}
