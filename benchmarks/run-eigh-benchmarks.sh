#!/usr/bin/env bash
# Measures eigh for benchmarks/RESULTS.md on this machine: the JMH benchmarks (cpu, java reference, EJML; batch
# scaling), numpy.linalg.eigh on the same shapes (alone, and paired round by round with the cpu backend), the
# overhead of the Java call split inside each call, and the same CPU routine called from C (eb_cbench). Then
# writes benchmarks/RESULTS.md from the results. Takes about 20 minutes on 2 cores.
# Usage: benchmarks/run-eigh-benchmarks.sh [--quick]   (--quick: short JMH iterations, for trying the script)
#        benchmarks/run-eigh-benchmarks.sh --large [ARGS]   (issue 16's large matrices: runs run-eigh-large.sh ARGS)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${1:-}" == "--large" ]]; then
  shift
  exec "$root/benchmarks/run-eigh-large.sh" "$@"
fi
out="$root/benchmarks/results"
mkdir -p "$out"
jmh_opts=(-wi 3 -i 5 -w 1s -r 1s -f 1)
numpy_seconds=2
if [[ "${1:-}" == "--quick" ]]; then
  jmh_opts=(-wi 1 -i 2 -w 200ms -r 200ms -f 1)
  numpy_seconds=0.2
fi

if [[ ! -f "$root/benchmarks/target/benchmarks.jar" || ! -x "$root/java/native/target/native-build/eb_cbench" ]]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
jar="$root/benchmarks/target/benchmarks.jar"

echo "1/6 JMH EighBenchmark (cpu, java, ejml; f64, f32; 8 shapes)" >&2
java -jar "$jar" 'EighBenchmark\.' "${jmh_opts[@]}" -rf json -rff "$out/jmh-eigh.json" > "$out/jmh-eigh.log"
echo "2/6 JMH EighScalingBenchmark (cpu, 1 worker vs one per core)" >&2
java -jar "$jar" 'EighScalingBenchmark\.' "${jmh_opts[@]}" -rf json -rff "$out/jmh-scaling.json" > "$out/jmh-scaling.log"
echo "3/6 numpy.linalg.eigh" >&2
python3 "$root/benchmarks/peers/numpy_eigh.py" --seconds "$numpy_seconds" --out "$out/numpy-eigh.json" > /dev/null
echo "4/6 the same CPU routine from C (eb_cbench)" >&2
cbench="$root/java/native/target/native-build/eb_cbench"
export LD_LIBRARY_PATH="$root/java/native/target/openblas/org/bytedeco/openblas/linux-x86_64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
: > "$out/cbench-eigh.txt"
for dtype in f64 f32; do
  for shape in 16384x8 4096x16 1024x32 256x64 64x128 16x256 4x512 1x1024; do
    "$cbench" "${shape%x*}" "${shape#*x}" 10 "$dtype" >> "$out/cbench-eigh.txt"
  done
done
echo "5/6 overhead of the Java call, split inside each call (JniOverhead)" >&2
java -cp "$jar" org.eigenbasis.benchmarks.JniOverhead "$([[ "${1:-}" == "--quick" ]] && echo 0.5 || echo 3)" > "$out/jni-overhead.txt"
echo "6/6 numpy paired with the cpu backend, round by round" >&2
python3 "$root/benchmarks/peers/paired_numpy.py" --rounds "$([[ "${1:-}" == "--quick" ]] && echo 1 || echo 7)" \
    --out "$out/paired-numpy.json" > /dev/null
python3 "$root/benchmarks/summarize.py" --results "$out" --write "$root/benchmarks/RESULTS.md"
echo "wrote benchmarks/RESULTS.md" >&2
