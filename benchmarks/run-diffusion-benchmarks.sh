#!/usr/bin/env bash
# Measures the closed-form generated variances of issue 14 (point 5: 10^5 modes x 10^3 training times under a
# second on cpu) on this machine: the JMH DiffusionBenchmark (cpu backend at 1000 x 1000 and 100000 x 1000, java
# reference at 1000 x 1000 only: about 0.4 us a pair), both models, off-heap output written in place; then the numpy
# peer (peers/numpy_diffusion.py: self-check against mpmath quadrature, then one process and one per core) at
# 100000 x 1000. Writes benchmarks/results/jmh-diffusion-{cpu,java}.json (+ .log), numpy-diffusion.json and
# numpy-diffusion-2proc.json, then prints ns per pair and the ratios. About 4 minutes on 2 cores. JMH refuses to
# start while another JMH holds /tmp/jmh.lock: run it alone.
# Usage: benchmarks/run-diffusion-benchmarks.sh [--quick]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/results"
mkdir -p "$out"
jmh_opts=(-wi 1 -i 3 -w 2s -r 3s -f 1)
runs=3
if [[ "${1:-}" == "--quick" ]]; then
  jmh_opts=(-wi 1 -i 1 -w 1s -r 2s -f 1)
  runs=1
elif [[ $# -gt 0 ]]; then
  echo "unknown argument: $1" >&2
  exit 2
fi

jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -B -o -q -DskipTests package -pl benchmarks -am)
fi

echo "1/3 JMH DiffusionBenchmark: cpu at 1000x1000 and 100000x1000" >&2
java -jar "$jar" 'DiffusionBenchmark\.' -p backend=cpu -p size=1000x1000,100000x1000 "${jmh_opts[@]}" -foe false \
    -rf json -rff "$out/jmh-diffusion-cpu.json" > "$out/jmh-diffusion-cpu.log" 2>&1 || true
echo "   java reference at 1000x1000" >&2
java -jar "$jar" 'DiffusionBenchmark\.' -p backend=java -p size=1000x1000 "${jmh_opts[@]}" -foe false \
    -rf json -rff "$out/jmh-diffusion-java.json" > "$out/jmh-diffusion-java.log" 2>&1 || true
grep -E '^(DiffusionBenchmark|Benchmark)' "$out/jmh-diffusion-cpu.log" "$out/jmh-diffusion-java.log" >&2 || true
echo "2/3 numpy peer (numpy_diffusion.py): self-check, then best of $runs runs, 1 process and 2" >&2
python3 "$root/benchmarks/peers/numpy_diffusion.py" --self-check >&2
python3 "$root/benchmarks/peers/numpy_diffusion.py" --runs "$runs" --out "$out/numpy-diffusion.json"
python3 "$root/benchmarks/peers/numpy_diffusion.py" --runs "$runs" --threads 2 --out "$out/numpy-diffusion-2proc.json"
echo "3/3 summary" >&2
python3 - "$out/jmh-diffusion-cpu.json" "$out/jmh-diffusion-java.json" "$out/numpy-diffusion.json" \
    "$out/numpy-diffusion-2proc.json" <<'PY'
import json, os, sys
def load(path):
    return json.load(open(path)) if os.path.exists(path) and open(path).read().strip() else []
jmh = load(sys.argv[1]) + load(sys.argv[2])
peers = [load(p) for p in sys.argv[3:]]
ns = {}
for r in jmh:
    p = r["params"]
    n, t = (int(v) for v in p["size"].split("x"))
    ns[(p["backend"], p["size"], p["model"])] = r["primaryMetric"]["score"] * 1e6 / (n * t)   # ms -> ns per pair
print(f"{'model':10s} {'java ns/pair':>13s} {'cpu ns/pair':>12s} {'cpu 1e5x1e3 s':>14s} {'numpy ns/pair':>14s}"
      f" {'numpy 2p':>9s} {'java/cpu':>9s} {'numpy/cpu':>10s}")
for model in ("one-layer", "two-layer"):
    java = ns.get(("java", "1000x1000", model))
    cpu = ns.get(("cpu", "100000x1000", model))
    numpy1 = peers[0]["models"][model]["ns_per_pair"] if peers and peers[0] else None
    numpy2 = peers[1]["models"][model]["ns_per_pair"] if len(peers) > 1 and peers[1] else None
    f = lambda v, w=12: f"{v:{w}.2f}" if v is not None else f"{'-':>{w}s}"
    r = lambda a, b: f"{a / b:8.1f}x" if a is not None and b else f"{'-':>9s}"
    best_numpy = min(v for v in (numpy1, numpy2) if v is not None) if (numpy1 or numpy2) else None
    print(f"{model:10s} {f(java, 13)} {f(cpu)} {f(cpu * 0.1 if cpu else None, 14)} {f(numpy1, 14)} {f(numpy2, 9)}"
          f" {r(java, cpu)} {r(best_numpy, cpu):>10s}")
PY
