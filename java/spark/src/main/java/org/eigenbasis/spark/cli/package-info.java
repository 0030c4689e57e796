/**
 * Not API. The {@code eigenbasis spark ...} commands (run by the {@code ./eigenbasis} launcher with Spark on the
 * class path, or by spark-submit with the spark-submit jar): the Spark twins of {@code eigh}, {@code reset simulate}
 * and {@code influence scores}.
 */
package org.eigenbasis.spark.cli;
