/**
 * API. eigenbasis inside Apache Spark partitions: batched eigh over a Dataset column ({@link SparkEigh}), the
 * resetting simulator and influence scoring across a cluster, each bit-identical to the single-machine result.
 * Spark is a provided dependency: nothing else in eigenbasis depends on this package or on Spark.
 */
package org.eigenbasis.spark;
