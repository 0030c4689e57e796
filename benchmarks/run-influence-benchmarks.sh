#!/usr/bin/env bash
# Measures EK-FAC influence (issue 11, point 7) on this machine: the JMH InfluenceBenchmark (fit = Curvatures.
# fromFactors(EKFAC), score = InfluenceScores.pairwise with 5 dampings; java reference and cpu backend) and the numpy
# peer (peers/influence_peer.py: self-check, then OpenBLAS's default threads and 1 thread) on the digits MLP sizes:
# 64-64-32-10 with biases, n_train = 1617, C = 10, n_test = 180. Writes benchmarks/results/jmh-influence.json
# (+ .log), numpy-influence.json and numpy-influence-1thread.json, then prints each phase with the targets' ratios
# (cpu >= 5x numpy, cpu >= 10x java). About 4 minutes on 2 cores, mostly the java reference's scoring. A backend
# that cannot run fails its own parameters only (-foe false). JMH refuses to start while another JMH holds
# /tmp/jmh.lock: run it alone.
# Usage: benchmarks/run-influence-benchmarks.sh [--quick] [--backends java,cpu]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/results"
mkdir -p "$out"
jmh_opts=(-wi 2 -i 5 -w 2s -r 2s -f 1)
runs=5
backends="java,cpu"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) jmh_opts=(-wi 1 -i 1 -w 1s -r 1s -f 1); runs=2; shift ;;
    --backends) backends="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -o -q -DskipTests package -pl benchmarks -am)
fi

echo "1/3 JMH InfluenceBenchmark (backends $backends)" >&2
java -jar "$jar" 'InfluenceBenchmark\.' -p backend="$backends" "${jmh_opts[@]}" -foe false \
    -rf json -rff "$out/jmh-influence.json" > "$out/jmh-influence.log" 2>&1 || true
grep -E '^(InfluenceBenchmark|Benchmark)' "$out/jmh-influence.log" >&2 || true
echo "2/3 numpy peer (influence_peer.py): self-check, then best of $runs runs" >&2
python3 "$root/benchmarks/peers/influence_peer.py" --self-check > /dev/null
python3 "$root/benchmarks/peers/influence_peer.py" --runs "$runs" --out "$out/numpy-influence.json" > /dev/null
OPENBLAS_NUM_THREADS=1 python3 "$root/benchmarks/peers/influence_peer.py" --runs "$runs" \
    --out "$out/numpy-influence-1thread.json" > /dev/null
echo "3/3 summary" >&2
python3 - "$out/jmh-influence.json" "$out/numpy-influence.json" "$out/numpy-influence-1thread.json" <<'EOF'
import json, os, sys
jmh = json.load(open(sys.argv[1])) if os.path.exists(sys.argv[1]) and open(sys.argv[1]).read().strip() else []
peers = [json.load(open(f)) for f in sys.argv[2:]]
for p in peers:
    print(f"numpy, OPENBLAS_NUM_THREADS {p['openblas_num_threads']}: fit {p['phases']['fit']['sum_of_phase_bests_seconds'] * 1e3:.1f} ms, "
          f"score {p['phases']['score']['sum_of_phase_bests_seconds'] * 1e3:.1f} ms (load average {p['load_average_before'][0]:.1f})")
ms = {}
for r in jmh:
    ms[(r["benchmark"].rsplit(".", 1)[1], r["params"]["backend"])] = r["primaryMetric"]["score"]
print(f"{'phase':6s} {'numpy ms':>9s} {'java ms':>10s} {'cpu ms':>10s} {'numpy/cpu':>10s} {'java/cpu':>9s}"
      "   (numpy: the faster thread setting's sum of phase bests; java, cpu: JMH average)")
for phase in ("fit", "score"):
    numpy_ms = min(p["phases"][phase]["sum_of_phase_bests_seconds"] for p in peers) * 1e3
    java_ms, cpu_ms = ms.get((phase, "java")), ms.get((phase, "cpu"))
    cell = lambda v: f"{v:10.1f}" if v is not None else f"{'failed':>10s}"
    ratio = lambda a, b: f"{a / b:9.1f}x" if a is not None and b else f"{'-':>10s}"
    print(f"{phase:6s} {numpy_ms:9.1f} {cell(java_ms)} {cell(cpu_ms)} {ratio(numpy_ms, cpu_ms)} {ratio(java_ms, cpu_ms)}")
EOF
