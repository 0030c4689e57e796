#!/usr/bin/env bash
# Measures EGOP estimation (issue 13, point 5) for benchmarks/RESULTS.md: the JMH EgopBenchmark on the quadratic
# with rho = N(theta*, I): on cpu at d x M = 2048 x 4096 the estimate (batched GEMM oracle), the gemm-rate bound
# (one product of 3 d^2 M flops) and the d x d eigh of the estimate, then the per-sample (GEMV) estimate once; at
# 256 x 1024 all four on cpu and on the java reference (java at 2048 would take hours). Writes
# benchmarks/results/jmh-egop.json (+ .log), egop-load.txt and RESULTS-egop.md; with --splice, also replaces the
# "### EGOP estimation (JMH)" subsection of benchmarks/RESULTS.md (and nothing else). Prints the ratio
# estimate / (gemm + eigh) last (target: at most 1.5). About 5 minutes on 2 quiet cores; on a loaded machine the
# eigh and the estimate slow down unevenly (threaded LAPACK above the core count), so the ratio is only
# meaningful on a quiet one. JMH refuses to start while another JMH holds /tmp/jmh.lock: run it alone.
# Usage: benchmarks/run-egop-benchmarks.sh [--quick] [--splice] [--backends java,cpu]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/results"
mkdir -p "$out"
jmh_opts=(-wi 1 -i 3 -w 1s -r 1s -f 1)
backends="java,cpu"
splice=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) jmh_opts=(-wi 0 -i 1 -r 1s -f 1); shift ;;
    --splice) splice="$root/benchmarks/RESULTS.md"; shift ;;
    --backends) backends="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -o -q -DskipTests package -pl benchmarks -am)
fi

parts=()
run() {  # run NAME REGEX JMH-ARGS...: one JMH invocation into $out/jmh-egop-NAME.json
  local name="$1" regex="$2"
  shift 2
  java -jar "$jar" "$regex" "$@" -foe false -rf json -rff "$out/jmh-egop-$name.json" >> "$out/jmh-egop.log" 2>&1 || true
  parts+=("$out/jmh-egop-$name.json")
}

: > "$out/jmh-egop.log"
cut -d' ' -f1-3 /proc/loadavg > "$out/egop-load.txt"
if [[ ",$backends," == *",cpu,"* ]]; then
  echo "1/3 cpu, d x M = 2048 x 4096: estimate, gemm, eigh" >&2
  run cpu-large 'EgopBenchmark\.(estimate|gemm|eigh)$' -p backend=cpu -p shape=2048x4096 "${jmh_opts[@]}"
  echo "2/3 cpu, 2048 x 4096: the per-sample (GEMV) estimate, one measured operation" >&2
  run cpu-large-gemv 'EgopBenchmark\.estimatePerSample$' -p backend=cpu -p shape=2048x4096 -wi 0 -i 1 -r 1s -f 1
fi
echo "3/3 d x M = 256 x 1024 on $backends: all four" >&2
run small 'EgopBenchmark\.' -p backend="$backends" -p shape=256x1024 "${jmh_opts[@]}"
cut -d' ' -f1-3 /proc/loadavg >> "$out/egop-load.txt"
python3 -c 'import json,sys,os; print(json.dumps(sum((json.load(open(p)) for p in sys.argv[1:] if os.path.exists(p) and os.path.getsize(p) > 0), [])))' \
    "${parts[@]}" > "$out/jmh-egop.json"
grep -E '^EgopBenchmark' "$out/jmh-egop.log" >&2 || true

python3 "$root/benchmarks/summarize_egop.py" --results "$out" --write "$out/RESULTS-egop.md" ${splice:+--splice "$splice"}
