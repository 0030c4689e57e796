#!/usr/bin/env bash
# Spark scaling and overhead (issue 12, point 7): SparkEigh on generated 32 x 32 matrices, local[1] against local[2]
# with one cpu batch worker per task (-Deigenbasis.cpu.threads=1), and each against the single-machine path with the
# same number of cores. Writes benchmarks/results/spark-eigh.jsonl (one JSON line per run). Needs the build:
# mvn -B -DskipTests package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${COUNT:-200000}"
out="$root/benchmarks/results/spark-eigh.jsonl"
jar="$(ls -t "$root"/java/spark/target/eigenbasis-spark-*-spark-submit.jar | head -n 1)"
cp="$jar:$(cat "$root/java/spark/target/spark-classpath.txt")"
opts="$(java -cp "$cp" org.eigenbasis.spark.cli.JvmOptions)"
log="-Dlog4j2.configurationFile=$root/java/spark/src/main/cli/log4j2.properties"
: > "$out"
run() {  # threads master partitions [--baseline]
  # shellcheck disable=SC2086
  SPARK_LOCAL_IP=127.0.0.1 java $opts "$log" -Deigenbasis.cpu.threads="$1" -cp "$cp" org.eigenbasis.spark.cli.SparkCli \
    bench-eigh --master "$2" --partitions "$3" --count "$count" --n 32 --repeat 3 ${4:-} 2>/dev/null | tee -a "$out"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run 1 'local[1]' 8 --baseline     # one core: Spark and the single-machine path with one batch worker
run 1 'local[2]' 8                # two tasks of one worker each
run 2 'local[1]' 8 --baseline     # the single-machine path on both cores (and one task with two workers)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
