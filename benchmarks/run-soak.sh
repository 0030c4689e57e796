#!/usr/bin/env bash
# The one-hour soak of issue 15 (point 7; a profile, not CI): `eigenbasis soak` repeats every kernel family and the
# CLI round-robin on one backend and samples resident memory, the live heap, direct buffers, descriptors, threads
# and throughput every --window seconds (SoakCommand). Writes benchmarks/results/soak/{soak.csv,soak.json,soak.png}
# and copies the plot to docs/figures/soak.png. Exit 0 when every call succeeded and repeated its first result bit
# for bit. Run it on a quiet machine: other work on the two cores shows up as throughput noise.
# Usage: benchmarks/run-soak.sh [--seconds S] [--window S] [--backend NAME]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=3600
window=30
backend=cpu
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
out="$root/benchmarks/results/soak"
mkdir -p "$out" "$root/docs/figures"
status=0
"$root/eigenbasis" soak --seconds "$seconds" --window "$window" --backend "$backend" --out "$out" > "$out/summary.log" 2>&1 || status=$?
cp "$out/soak.png" "$root/docs/figures/soak.png"
python3 - "$out/soak.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = lambda k: d[k]
print(f"{d['backend']}: {d['seconds']:.0f} s, {d['windows']} windows, {d['rounds']} rounds, {d['calls']} calls, "
      f"failures {d['failures']}, mismatches {d['mismatches']}")
for key in ("rss_mib", "heap_after_gc_mib", "direct_mib", "file_descriptors", "threads", "rounds_per_minute"):
    v = q(key)
    print(f"  {key:18s} first quarter {v['first_quarter']:10.2f}  last quarter {v['last_quarter']:10.2f}  "
          f"ratio {v['ratio']:.3f}")
PY
exit $status
