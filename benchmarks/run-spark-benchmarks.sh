#!/usr/bin/env bash
# Spark scaling and overhead (issue 12, point 7): local[1] against local[2] with one cpu batch worker per task
# (-Deigenbasis.cpu.threads=1), and each against the single-machine path with the same number of cores, for
# (1) SparkEigh on generated 32 x 32 matrices (bench-eigh: generation, eigh and a sum, minimum of 3 runs after a
# warm-up) and (2) the resetting simulator (`spark reset simulate` against `reset simulate`, one run each: the
# seconds field, which for Spark is the driver's wall time for the job). Writes benchmarks/results/spark-eigh.jsonl
# and spark-reset.jsonl (one JSON line per run). Needs the build: mvn -B -DskipTests package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${COUNT:-400000}"
trajectories="${TRAJECTORIES:-10000000}"
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
cli_jar="$(ls -t "$root"/java/cli/target/eigenbasis-cli-*-all.jar | head -n 1)"
reset_args=(--law 'gamma(k=2,scale=0.5)' --mu 1,0.5,2,0.1 --theta-star 1,-1,0.5,2 --sigma 0.5 --trajectories "$trajectories"
  --seed 1 --backend cpu --json)
reset_out="$root/benchmarks/results/spark-reset.jsonl"
: > "$reset_out"
one_line() {  # label, then a pretty-printed JSON document on stdin -> one line with the label
  python3 -c 'import json,sys; d=json.load(sys.stdin); d["run"]=sys.argv[1]; print(json.dumps(d))' "$1"
}
for t in 1 2; do
  java -Deigenbasis.cpu.threads="$t" -jar "$cli_jar" reset simulate "${reset_args[@]}" 2>/dev/null \
    | one_line "single machine, $t worker(s)" | tee -a "$reset_out"
done
for m in 'local[1]' 'local[2]'; do
  # shellcheck disable=SC2086
  SPARK_LOCAL_IP=127.0.0.1 java $opts "$log" -Deigenbasis.cpu.threads=1 -cp "$cp" org.eigenbasis.spark.cli.SparkCli \
    reset simulate --master "$m" --partitions 8 "${reset_args[@]}" 2>/dev/null | one_line "spark $m, 1 worker per task" \
    | tee -a "$reset_out"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
