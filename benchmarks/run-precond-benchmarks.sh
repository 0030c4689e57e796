#!/usr/bin/env bash
# Measures the preconditioner kernels and the refresh against direct LAPACK for benchmarks/RESULTS.md (issue 4,
# points 5 and 8): the JMH PreconditionerKernelBenchmark (accumulate, rotate, diagonal; java reference and cpu,
# plus cuda when nvidia-smi lists a GPU; f32 1024x1024, 4096x1024, 64x256x256), then the C driver eb_lapack_bench:
# our eigh and QR refresh paths against the same LAPACK calls made directly (B x n = 1x1024, 1x256, 64x256, f32 and
# f64), and one large block of the preconditioner products spread as row panels over our workers against
# OpenBLAS's own threads (EB_CPU_PRECOND_LARGE=openblas). Writes benchmarks/results/jmh-precond.json,
# lapack-bench.txt, precond-load.txt and RESULTS-precond.md; with --splice, also replaces the preconditioner
# section of benchmarks/RESULTS.md (and nothing else). About 8 minutes on 2 cores, most of it the java
# reference at 4096x1024.
# Usage: benchmarks/run-precond-benchmarks.sh [--quick] [--splice] [--backends java,cpu]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/results"
mkdir -p "$out"
jmh_opts=(-wi 1 -i 2 -w 1s -r 1s -f 1)
repeats=5
backends="java,cpu"
splice=""
if nvidia-smi -L > /dev/null 2>&1; then
  backends="java,cpu,cuda"
fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) jmh_opts=(-wi 0 -i 1 -r 200ms -f 1); repeats=1; shift ;;
    --splice) splice="$root/benchmarks/RESULTS.md"; shift ;;
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
cut -d' ' -f1-3 /proc/loadavg > "$out/precond-load.txt"
echo "1/3 JMH PreconditionerKernelBenchmark (backends $backends)" >&2
java -jar "$jar" 'PreconditionerKernelBenchmark\.' -p backend="$backends" "${jmh_opts[@]}" -foe false \
    -rf json -rff "$out/jmh-precond.json" > "$out/jmh-precond.log" 2>&1 || true
grep -E '^(PreconditionerKernelBenchmark|Benchmark)' "$out/jmh-precond.log" >&2 || true

echo "1b/3 JMH OptimizerStepBenchmark (cpu at every shape; java at 1024x1024 and 64x256x256)" >&2
# Mode AverageTime, ms per step; the java reference at 4096x1024 would spend minutes per refresh.
step_opts=(-wi 1 -i 3 -w 2s -r 3s -f 1)
[[ "${jmh_opts[0]}" == "-wi" && "${jmh_opts[1]}" == "0" ]] && step_opts=(-wi 0 -i 1 -r 1s -f 1)
java -jar "$jar" 'OptimizerStepBenchmark\.' -p backend=cpu "${step_opts[@]}" -foe false \
    -rf json -rff "$out/jmh-optstep-cpu.json" > "$out/jmh-optstep.log" 2>&1 || true
java -jar "$jar" 'OptimizerStepBenchmark\.' -p backend=java -p shape=1024x1024,64x256x256 "${step_opts[@]}" \
    -foe false -rf json -rff "$out/jmh-optstep-java.json" >> "$out/jmh-optstep.log" 2>&1 || true
python3 -c 'import json,sys; print(json.dumps(sum((json.load(open(p)) for p in sys.argv[1:]), [])))' \
    "$out/jmh-optstep-cpu.json" "$out/jmh-optstep-java.json" > "$out/jmh-optstep.json"
grep -E '^OptimizerStepBenchmark' "$out/jmh-optstep.log" >&2 || true

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
python3 "$root/benchmarks/summarize_optstep.py" --results "$out" ${splice:+--splice "$splice"} > "$out/RESULTS-optstep.md"
echo "wrote $out/RESULTS-precond.md${splice:+ and its section of $splice}" >&2
