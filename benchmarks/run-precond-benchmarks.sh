#!/usr/bin/env bash
# Measures the preconditioner kernels and the refresh against direct LAPACK for benchmarks/RESULTS.md: the JMH PreconditionerKernelBenchmark (accumulate, rotate, diagonal; java reference and cpu,
# plus cuda when nvidia-smi lists a GPU; f32 1024x1024, 4096x1024, 64x256x256), then the C driver eb_lapack_bench:
# our eigh and QR refresh paths against the same LAPACK calls made directly (B x n = 1x1024, 1x256, 64x256, f32 and
# f64), and one large block of the preconditioner products spread as row panels over our workers against
# OpenBLAS's own threads (EB_CPU_PRECOND_LARGE=openblas). Writes benchmarks/results/jmh-precond.json,
# lapack-bench.txt, precond-load.txt and RESULTS-precond.md; with --splice, also replaces the preconditioner
# section of benchmarks/RESULTS.md (and nothing else). Then the JMH OptimizerStepBenchmark (one
# optimizer step, cpu and java) into jmh-optstep.json and its own section (summarize_optstep.py).
# About 8 minutes for the kernels and 15-20 for the optimizer steps on 2 cores; --step-only runs the latter.
# Usage: benchmarks/run-precond-benchmarks.sh [--quick] [--splice] [--step-only] [--backends java,cpu]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/results"
mkdir -p "$out"
jmh_opts=(-wi 1 -i 2 -w 1s -r 1s -f 1)
repeats=5
backends="java,cpu"
splice=""
step_only=""
if nvidia-smi -L > /dev/null 2>&1; then
  backends="java,cpu,cuda"
fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) jmh_opts=(-wi 0 -i 1 -r 200ms -f 1); repeats=1; shift ;;
    --splice) splice="$root/benchmarks/RESULTS.md"; shift ;;
    --step-only) step_only=1; shift ;;
    --backends) backends="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

jar="$root/benchmarks/target/benchmarks.jar"
bench="$root/java/native/target/native-build/eb_lapack_bench"
if [[ ! -f "$jar" || ! -x "$bench" ]]; then
  (cd "$root" && mvn -B -o -q -DskipTests package -pl benchmarks -am)
fi

# The machine's load before and after: on a shared machine it explains the numbers (docs/design-notes.md).
run_step_benchmarks() {
  echo "JMH OptimizerStepBenchmark (cpu at every shape; java at 1024x1024 and 64x256x256)" >&2
  # Mode AverageTime, ms per step; one invocation is 10 steps (one refresh). EC-Shampoo on iid gradients runs
  # its QR iterations to the limit at every check and the java reference takes seconds per step: one measured
  # invocation each (no warm-up invocation); the rest get one warm-up and three measured 3 s iterations.
  local fast=(-wi 1 -i 3 -w 2s -r 3s -f 1) slow=(-wi 0 -i 1 -r 1s -f 1)
  if [[ "${jmh_opts[1]}" == "0" ]]; then fast=("${slow[@]}"); fi
  java -jar "$jar" 'OptimizerStepBenchmark\.' -p backend=cpu -p optimizer=adamw,shampoo,soap "${fast[@]}" \
      -foe false -rf json -rff "$out/jmh-optstep-cpu.json" > "$out/jmh-optstep.log" 2>&1 || true
  java -jar "$jar" 'OptimizerStepBenchmark\.' -p backend=cpu -p optimizer=ecshampoo "${slow[@]}" \
      -foe false -rf json -rff "$out/jmh-optstep-cpu-ec.json" >> "$out/jmh-optstep.log" 2>&1 || true
  java -jar "$jar" 'OptimizerStepBenchmark\.' -p backend=java -p shape=1024x1024,64x256x256 "${slow[@]}" \
      -foe false -rf json -rff "$out/jmh-optstep-java.json" >> "$out/jmh-optstep.log" 2>&1 || true
  python3 -c 'import json,sys,os; print(json.dumps(sum((json.load(open(p)) for p in sys.argv[1:] if os.path.exists(p)), [])))' \
      "$out/jmh-optstep-cpu.json" "$out/jmh-optstep-cpu-ec.json" "$out/jmh-optstep-java.json" > "$out/jmh-optstep.json"
  grep -E '^OptimizerStepBenchmark' "$out/jmh-optstep.log" >&2 || true
  python3 "$root/benchmarks/summarize_optstep.py" --results "$out" ${splice:+--splice "$splice"} > "$out/RESULTS-optstep.md"
}

if [[ -n "$step_only" ]]; then
  run_step_benchmarks
  exit 0
fi

cut -d' ' -f1-3 /proc/loadavg > "$out/precond-load.txt"
echo "1/3 JMH PreconditionerKernelBenchmark (backends $backends)" >&2
java -jar "$jar" 'PreconditionerKernelBenchmark\.' -p backend="$backends" "${jmh_opts[@]}" -foe false \
    -rf json -rff "$out/jmh-precond.json" > "$out/jmh-precond.log" 2>&1 || true
grep -E '^(PreconditionerKernelBenchmark|Benchmark)' "$out/jmh-precond.log" >&2 || true

echo "1b/3 optimizer step" >&2
run_step_benchmarks

echo "2/3 eb_lapack_bench (refresh eigh and QR against direct LAPACK; large-block schedules)" >&2
openblas_lib="$root/java/native/target/openblas/org/bytedeco/openblas/linux-x86_64"
{
  LD_LIBRARY_PATH="$openblas_lib" "$bench" "$repeats" 1:1024 1:256 64:256 precond:1024x1024 precond:4096x1024
  LD_LIBRARY_PATH="$openblas_lib" EB_CPU_PRECOND_LARGE=openblas "$bench" "$repeats" precond:1024x1024 precond:4096x1024 \
    | grep -v '^#'
} > "$out/lapack-bench.txt"
cat "$out/lapack-bench.txt" >&2
cut -d' ' -f1-3 /proc/loadavg >> "$out/precond-load.txt"

echo "3/3 summary" >&2
python3 "$root/benchmarks/summarize_precond.py" --results "$out" --write "$out/RESULTS-precond.md" \
    ${splice:+--splice "$splice"}
echo "wrote $out/RESULTS-precond.md${splice:+ and its section of $splice}" >&2
