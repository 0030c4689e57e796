package org.eigenbasis.spark;

import java.io.Serializable;
import java.util.Locale;

/**
 * How {@link SparkResetSimulation} spreads a run: the number of partitions (Spark tasks), each a contiguous range of
 * whole sub-blocks, and the backend every task simulates on. Only backends with raw per-sub-block sums give the
 * single-machine bits: java (the reference) and cpu (native, bit-identical to it); cuda is statistically equal only
 * and has none, so it is refused here.
 *
 * @param partitions ≥ 1, or −1 for the context's default parallelism; more partitions than the run has sub-blocks
 *                   leave the extra ones empty (a task that simulates nothing)
 * @param backend    java or cpu (case-insensitive), resolved on each executor
 */
public record SparkResetConfig(int partitions, String backend) implements Serializable {
    public SparkResetConfig {
        if (partitions != -1 && partitions < 1) {
            throw new IllegalArgumentException("partitions: " + partitions + " is outside [1, " + Integer.MAX_VALUE
                    + "] (or -1 for the default parallelism)");
        }
        if (backend == null || !(backend.equalsIgnoreCase("cpu") || backend.equalsIgnoreCase("java"))) {
            throw new IllegalArgumentException("backend: '" + backend + "' must be cpu or java (the backends whose"
                    + " sums are bit-identical to one machine; cuda is statistically equal only)");
        }
        backend = backend.toLowerCase(Locale.ROOT);
    }

    /** The default parallelism, cpu. */
    public static SparkResetConfig defaults() {
        return new SparkResetConfig(-1, "cpu");
    }

    public SparkResetConfig withPartitions(int v) {
        return new SparkResetConfig(v, backend);
    }

    public SparkResetConfig withBackend(String v) {
        return new SparkResetConfig(partitions, v);
    }
}
