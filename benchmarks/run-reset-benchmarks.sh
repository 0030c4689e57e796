#!/usr/bin/env bash
# Measures the resetting simulator for benchmarks/RESULTS.md on this machine: the JMH ResetSimulationBenchmark
# (trajectory-events per second; java reference and cpu backend, plus cuda when a GPU is usable here) and the
# numpy peer (peers/numpy_reset_sim.py) on the same workload: exp(rate=1) and gamma(k=2,scale=0.5),
# d in {1, 10, 100, 1000}, mu_k = 1/k, a_k = 1, sigma = 0.5, T = 10 E[tau]. Writes benchmarks/results/
# jmh-reset.json, numpy-reset.json and RESULTS-reset.md (the reset section of summarize.py, with the targets:
# cpu >= 5x numpy, cpu >= 10x java, cuda >= 50x this cpu from benchmarks/gpu/results/). About 5 minutes on 2 cores.
# Usage: benchmarks/run-reset-benchmarks.sh [--quick] [--backends java,cpu]   (--quick: short, for trying it;
# default backends: java,cpu, plus cuda when nvidia-smi lists a GPU)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/results"
mkdir -p "$out"
jmh_opts=(-wi 2 -i 3 -w 2s -r 2s -f 1)
numpy_seconds=2
backends="java,cpu"
if nvidia-smi -L > /dev/null 2>&1; then
  backends="java,cpu,cuda"   # a GPU here: measure cuda as well (its setup fails with the reason if it cannot run)
fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) jmh_opts=(-wi 1 -i 1 -w 300ms -r 300ms -f 1); numpy_seconds=0.2; shift ;;
    --backends) backends="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -o -q -DskipTests package -pl benchmarks -am)
fi

echo "1/3 JMH ResetSimulationBenchmark (backends $backends; exp, gamma; d = 1, 10, 100, 1000)" >&2
# -foe false: a backend that cannot simulate here fails its own parameters only.
java -jar "$jar" 'ResetSimulationBenchmark\.' -p backend="$backends" "${jmh_opts[@]}" -foe false \
    -rf json -rff "$out/jmh-reset.json" > "$out/jmh-reset.log" 2>&1 || true
grep -E '^(ResetSimulationBenchmark|Benchmark)' "$out/jmh-reset.log" >&2 || true
echo "2/3 numpy peer (numpy_reset_sim.py), self-check then the same workload" >&2
python3 "$root/benchmarks/peers/numpy_reset_sim.py" --self-check > "$out/numpy-reset-selfcheck.json"
python3 "$root/benchmarks/peers/numpy_reset_sim.py" --seconds "$numpy_seconds" --out "$out/numpy-reset.json" > /dev/null
echo "3/3 summary" >&2
python3 "$root/benchmarks/summarize.py" --results "$out" --only reset --write "$out/RESULTS-reset.md"
echo "wrote $out/RESULTS-reset.md: replace the resetting-simulator table and the reset-sim target rows of benchmarks/RESULTS.md with it (a full summarize.py rewrite also needs the eigh raw results)" >&2
