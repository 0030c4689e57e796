#!/usr/bin/env bash
# Issue 16, points 4 and 5: measures one large symmetric eigendecomposition (n = 1024, 2048, 4096, 8192; f64, f32;
# with vectors and values only) for RESULTS.md's "Large matrices (issue 16)" section. Steps, each into
# benchmarks/results/eigh-large/ (--out DIR elsewhere):
#   1. run-info.txt      date, machine, JDK, OpenBLAS core type, load average
#   2. gemm-f64.txt, gemm-f32.txt   the GEMM rate R: probes/dgemm_peak.c at 4096^3, best of 5 (GEMM_RATE lines)
#   3. jmh-large-eigh-{small,4096,large}.json   JMH LargeEighBenchmark: the algorithms the cpu backend offers of
#                                   syevd, two_stage, tridiagonal_dc, auto (asked first, so no combination fails) up
#                                   to n = 4096, auto alone above (8192: 40 s a shot with vectors); single shots,
#                                   2 warm-up + 10 measured at n <= 2048, 1 + 3 above
#   3b. c-bench-*.txt               native eb_eigh_large_bench: each path in interleaved rounds from C with its
#                                   stage breakdown (3 rounds at n <= 2048, 1 at 4096, 1 unwarmed at 8192)
#   4. numpy-eigh-large.json        peers/numpy_eigh_large.py: numpy eigh, eigvalsh, scipy evr k = 10; best of 3 / 1
#   5. paired-large.json            peers/paired_numpy.py --large: numpy against `eigenbasis eigh` (--paired ALGS,
#                                   default auto) round by round on the same input, 3 rounds, order alternating
#   6. summarize_eigh_large.py: the tables (stdout, RESULTS-eigh-large.md), gflops.csv and the figure
#      eigh-large-gflops.png in the output folder; with --splice the figure goes to docs/figures/ (the README's) and
#      the table between the eigh-large markers of RESULTS.md.
# Estimated on a quiet 2-core machine from step 0's times (two_stage taken at the 1.3x target): GEMM probe 1 min;
# JMH 15-21 min (8192: 10-15, f64 with vectors 44 s a shot for syevd; 48 forks of ~3 s); numpy peer 4 min (8192:
# eigh 45 s, eigvalsh 23 s, evr ~25 s per dtype); paired 15 min with --paired auto (3 rounds; each further
# algorithm about 15 more, numpy being timed again): about 40 minutes in all. Run it on a quiet machine:
# the load average is recorded at the start and the end (and by the peer and paired steps), and the paired step is
# the one to trust under load.
#
# Usage: benchmarks/run-eigh-large.sh [--quick] [--splice] [--sizes 1024,2048,4096,8192] [--paired auto,syevd]
#                                     [--skip gemm,jmh,numpy,paired] [--out DIR]
#   --quick   n = 256,512, 1 JMH warm-up and 1 shot, 1 round, a 1024^3 GEMM probe; into results/eigh-large/quick,
#             no figure, no splice: for trying the script (about 2 minutes)
#   --skip    leave steps out (their previous files in the output folder are summarized as they are)
# Reproduce the lead's table: benchmarks/run-eigh-large.sh --splice
# Only 8192:   benchmarks/run-eigh-large.sh --sizes 8192 --out benchmarks/results/eigh-large/8192
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=""
sizes=""
paired_algs="auto"
jmh_opts=(-wi 1 -i 3 -f 1)
gemm_n=4096
gemm_reps=5
rounds=3
peer_runs=()
quick=""
splice=""
skip=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1; jmh_opts=(-wi 1 -i 1 -f 1); gemm_n=1024; gemm_reps=2; rounds=1; peer_runs=(--runs 1); shift ;;
    --splice) splice="$root/benchmarks/RESULTS.md"; shift ;;
    --sizes) sizes="$2"; shift 2 ;;
    --paired) paired_algs="$2"; shift 2 ;;
    --skip) skip="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [[ -n "$quick" ]]; then
  sizes="${sizes:-256,512}"
  out="${out:-$root/benchmarks/results/eigh-large/quick}"
fi
sizes="${sizes:-1024,2048,4096,8192}"
out="${out:-$root/benchmarks/results/eigh-large}"
skipped() { [[ ",$skip," == *",$1,"* ]]; }
mkdir -p "$out"
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"   # as the environment pins it for numpy and for us

jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" || -z "$(ls "$root"/java/cli/target/eigenbasis-cli-*-all.jar 2> /dev/null)" ]]; then
  (cd "$root" && mvn -B -o -q -DskipTests package)
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(uname -sr)"
  echo "JDK: $(java -version 2>&1 | sed -n 2p); OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE; sizes $sizes"
  echo "Load average (1, 5, 15 min) at the start: $(load)"
} > "$out/run-info.txt"

if ! skipped gemm; then
  echo "1/4 GEMM rate (dgemm_peak ${gemm_n}^3, f64 and f32)" >&2
  ob="$root/java/native/target/openblas/org/bytedeco/openblas/linux-x86_64"
  gcc -O2 -o "$out/dgemm_peak" "$root/benchmarks/probes/dgemm_peak.c" -I"$ob/include" "$ob/libopenblas.so.0" \
      -Wl,-rpath,"$ob" -lpthread
  for dtype in f64 f32; do
    "$out/dgemm_peak" "$gemm_n" "$gemm_n" "$gemm_n" "$gemm_reps" "$dtype" > "$out/gemm-$dtype.txt"
  done
  rm -f "$out/dgemm_peak"
fi
algs="$(java -cp "$jar" org.eigenbasis.benchmarks.LargeEighBenchmark cpu)"
if ! skipped jmh; then
  # n <= 2048 (a call is under a second): more shots, into jmh-large-eigh-small.json; larger n: jmh_opts
  small="$(tr ',' '\n' <<< "$sizes" | awk '$1 <= 2048' | paste -sd, -)"
  mid="$(tr ',' '\n' <<< "$sizes" | awk '$1 > 2048 && $1 <= 4096' | paste -sd, -)"
  large="$(tr ',' '\n' <<< "$sizes" | awk '$1 > 4096' | paste -sd, -)"
  rm -f "$out"/jmh-large-eigh*.json "$out"/jmh-large-eigh*.log "$out"/c-bench-*.txt  # no earlier run's files mixed in
  for part in small mid large; do
    [[ -z "${!part}" ]] && continue
    opts=("${jmh_opts[@]}")
    [[ "$part" == small && -z "$quick" ]] && opts=(-wi 2 -i 10 -f 1)
    part_algs="$algs"
    [[ "$part" == large ]] && part_algs=auto
    echo "2/4 JMH LargeEighBenchmark (algorithms: $part_algs; n = ${!part}; ${opts[*]})" >&2
    java -jar "$jar" 'LargeEighBenchmark\.' "${opts[@]}" -p n="${!part}" -p algorithm="$part_algs" \
        -rf json -rff "$out/jmh-large-eigh-$part.json" > "$out/jmh-large-eigh-$part.log"
  done
  bench="$root/java/native/target/native-build/eb_eigh_large_bench"
  if [[ -x "$bench" ]]; then
    echo "2b/4 eb_eigh_large_bench (stage breakdown)" >&2
    for n in ${sizes//,/ }; do
      cases=("$n:f64:1" "$n:f64:0" "$n:f32:1" "$n:f32:0")
      if (( n <= 2048 )); then
        "$bench" 3 "${cases[@]}" > "$out/c-bench-$n.txt"
      elif (( n <= 4096 )); then
        "$bench" 1 "${cases[@]}" > "$out/c-bench-$n.txt"
      else
        EB_BENCH_NO_WARMUP=1 EB_BENCH_ALGS=syevd,two_stage,tridiagonal_dc "$bench" 1 "${cases[@]}" > "$out/c-bench-$n.txt"
      fi
    done
  fi
fi
if ! skipped numpy; then
  echo "3/4 numpy eigh, eigvalsh, scipy evr (k = 10)" >&2
  python3 "$root/benchmarks/peers/numpy_eigh_large.py" --sizes "$sizes" "${peer_runs[@]}" \
      --out "$out/numpy-eigh-large.json" > /dev/null
fi
if ! skipped paired; then
  echo "4/4 paired with numpy ($paired_algs), $rounds rounds" >&2
  python3 "$root/benchmarks/peers/paired_numpy.py" --large --sizes "$sizes" --algorithms "$paired_algs" \
      --rounds "$rounds" --out "$out/paired-large.json"
fi
echo "Load average at the end: $(load)" >> "$out/run-info.txt"

summary=(python3 "$root/benchmarks/summarize_eigh_large.py" --results "$out" --csv "$out/gflops.csv")
[[ -n "$splice" && -z "$quick" ]] && summary+=(--splice "$splice")
"${summary[@]}" > "$out/RESULTS-eigh-large.md"
cat "$out/RESULTS-eigh-large.md"
figure="$out/eigh-large-gflops.png"
# The README's figure only with --splice (the lead's table); any other run draws into its own folder.
[[ -n "$splice" && -z "$quick" ]] && figure="$root/docs/figures/eigh-large-gflops.png"
java -Djava.awt.headless=true -cp "$jar" org.eigenbasis.benchmarks.GflopsChart "$out/gflops.csv" "$figure"
echo "wrote $out/RESULTS-eigh-large.md and $figure${splice:+; spliced into $splice}" >&2
