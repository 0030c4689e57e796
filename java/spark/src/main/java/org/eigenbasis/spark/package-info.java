/**
 * API. eigenbasis inside Apache Spark partitions: batched eigh over a Dataset column ({@link SparkEigh}), the
 * resetting simulator and influence scoring across a cluster, each bit-identical to the single-machine result.
 * Influence ({@link SparkInfluence}) sums its K-FAC/EK-FAC statistics per partition, so it equals one machine to
 * rounding (1e-12 relative) and is bit-identical across runs of one partitioning.
 * Spark is a provided dependency: nothing else in eigenbasis depends on this package or on Spark.
 */
package org.eigenbasis.spark;
