#!/usr/bin/env bash
# GPU device check: on a machine with an NVIDIA GPU and CUDA 13 but no JDK, Maven or network, runs every GPU
# measurement the repository owes (benchmarks/gpu/PENDING.md lists them with their targets) in one call:
#   1. every cuda test class (JUnit, package org.eigenbasis.backend.cuda: eigh, parity, spectral, refresh, the
#      resetting simulator, the preconditioner kernels and their contract, the 50-step optimizer parity),
#   2. `eigenbasis verify` on cuda,
#   3. the eigh throughput of every GPU path (`eigenbasis cuda-bench`) and torch.linalg.eigh on the same GPU,
#   4. the resetting simulator's JMH benchmark on cuda, and the numpy peer on this machine's CPU,
#   5. the preconditioner kernels' JMH benchmark on cuda,
#   6. the optimizer-step JMH benchmark on cuda (1024x1024 and 64x256x256, the shapes of the cpu targets),
# writing everything to OUTDIR, summary.md first. Needs the bundle of benchmarks/gpu/make-bundle.sh (a jlink'd
# runtime and the jars, loose or packed in bundle.tar.xz), carried along in benchmarks/gpu/bundle.
#
# Budget: under 8 minutes. Each step has a guaranteed share, and the shares add up to 475 s:
#   facts 20 + unpack 15 + backends 15 + JUnit 110 + verify 30 + cuda-bench 90 + torch 35 + JMH reset 45
#   + numpy 15 + JMH preconditioner kernels 40 + JMH optimizer step 50 + summary 10 = 475 s.
# A step's timeout is its share plus whatever the steps before it left unused (at most its cap), so a slow step
# gets the time quick ones saved, a hung step costs only the time still unclaimed, and the run ends within 475 s
# (plus a 5 s kill grace for a step that ignores SIGTERM).
# On a machine without a GPU it records the machine facts and stops, exit 0; EB_DEVICE_CHECK_FORCE=1 runs the
# remaining steps anyway (they exercise the bundle and the script; cuda reports itself unavailable).
#
# Usage: benchmarks/gpu/device-check.sh OUTDIR
# With the device tool: run benchmarks/gpu/make-bundle.sh here, then run `benchmarks/gpu/device-check.sh $OUT`
# there with carry ["benchmarks/gpu/bundle"] and timeout_s 540. Where each result file goes in the repository:
# benchmarks/gpu/PENDING.md, "Recording the results".
set -uo pipefail
out="${1:?usage: benchmarks/gpu/device-check.sh OUTDIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="${EB_BUNDLE:-$root/benchmarks/gpu/bundle}"
exec > >(tee -a "$out/device-check.log") 2>&1
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }

# grant SHARE CAP: sets $limit, the next step's timeout: its share plus what earlier steps left unused, at most CAP.
granted=0
limit=1
grant() {
  granted=$((granted + $1))
  limit=$((granted - (SECONDS - started)))
  if (( limit > $2 )); then limit=$2; fi
  if (( limit < 1 )); then limit=1; fi
}
run() { timeout -k 5 "$limit" "$@"; }

grant 20 20
step "machine facts"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -a)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
  timeout -k 2 5 nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader 2>&1 | sed 's/^/gpu: /'
  (timeout -k 1 3 nvcc --version 2>&1 | tail -n 1 | sed 's/^/nvcc: /') || true
  timeout -k 2 12 python3 -c 'import torch; print("torch:", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 | tail -n 1
} > "$out/machine.txt"
cat "$out/machine.txt"

if ! timeout -k 2 5 nvidia-smi -L > /dev/null 2>&1; then
  step "no NVIDIA GPU here (nvidia-smi lists no device): stopping after the machine facts"
  # shellcheck disable=SC2016  # the backticks are markdown, not an expansion
  printf '# GPU device check\n\nNo NVIDIA GPU on this machine; nothing measured.\n\n```\n%s\n```\n' "$(cat "$out/machine.txt")" > "$out/summary.md"
  [[ "${EB_DEVICE_CHECK_FORCE:-0}" == "1" ]] || exit 0
  step "EB_DEVICE_CHECK_FORCE=1: running the remaining steps anyway (they exercise the bundle; cuda reports itself unavailable)"
fi

grant 15 30
step "bundle and libraries (${limit} s)"
if [[ -f "$bundle/bundle.tar.xz" ]]; then
  # make-bundle.sh packs the bundle when it would not fit the carry limit loose; unpack it outside OUTDIR.
  unpacked="$(mktemp -d "${TMPDIR:-/tmp}/eb-bundle.XXXXXX")"
  trap 'rm -rf "$unpacked"' EXIT
  if command -v xz > /dev/null 2>&1; then
    run tar -xJf "$bundle/bundle.tar.xz" -C "$unpacked"
  else
    run python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$bundle/bundle.tar.xz" "$unpacked"
  fi
  echo "unpack exit $? ($(du -sh "$unpacked" | cut -f1) in $unpacked)"
  bundle="$unpacked"
fi
java="$bundle/jre/bin/java"
if [[ ! -x "$java" ]]; then
  java="$(command -v java || true)"
fi
if [[ -z "$java" ]] || ! compgen -G "$bundle/lib/*.jar" > /dev/null; then
  step "no Java runtime or no jars: run benchmarks/gpu/make-bundle.sh on the build machine and carry benchmarks/gpu/bundle"
  exit 3
fi
# cuSOLVER and cuBLAS for the JavaCPP presets: the toolkit's libraries, else those PyTorch ships.
libs="/usr/local/cuda/lib64:/usr/local/cuda/targets/x86_64-linux/lib"
torch_libs="$(run python3 - <<'PY' 2>/dev/null
import glob, os
try:
    import nvidia
    roots = list(nvidia.__path__)
except Exception:
    roots = []
print(":".join(sorted({os.path.dirname(p) for r in roots for p in glob.glob(os.path.join(r, "*", "lib", "*.so*"))})))
PY
)"
export LD_LIBRARY_PATH="$libs${torch_libs:+:$torch_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cp="$(printf '%s:' "$bundle"/lib/*.jar)"   # explicit: the JUnit launcher does not expand lib/*
jmh() {   # jmh NAME BENCHMARK-REGEX [JMH options...]: in-process (-f 0), short; JSON and log in OUTDIR
  local name=$1 pattern=$2
  shift 2
  run "$java" -Xmx8g -cp "$cp" org.openjdk.jmh.Main "$pattern" -wi 1 -i 2 -w 1s -r 1s -f 0 -foe false \
    -rf json -rff "$out/jmh-$name-gpu.json" "$@" > "$out/jmh-$name.log" 2>&1
  echo "jmh $name exit $?"
  grep -E '^[A-Za-z]+Benchmark\.' "$out/jmh-$name.log" | head -n 40
}

grant 15 30
step "backends (${limit} s)"
run "$java" -cp "$cp" org.eigenbasis.cli.EigenbasisCli backends --json > "$out/backends.json" 2> "$out/backends.err"
head -n 40 "$out/backends.json"

grant 110 220
step "cuda tests, every class of org.eigenbasis.backend.cuda (JUnit; ${limit} s)"
run "$java" -Xmx8g -jar "$bundle"/junit-platform-console-standalone-*.jar execute -cp "$cp" \
  --select-package org.eigenbasis.backend.cuda --select-class org.eigenbasis.basis.egop.EgopEstimatorOnNativeTest \
  --reports-dir "$out/junit" --details=summary --disable-banner > "$out/junit.txt" 2>&1
echo "junit exit $?" >> "$out/junit.txt"
if grep -qE '^\[ +0 tests found' "$out/junit.txt"; then
  echo "JUnit found no test: the package scan failed (a runtime without jdk.zipfs?); see junit.txt" | tee -a "$out/junit.txt"
fi
tail -n 25 "$out/junit.txt"

grant 30 60
step "verify --backend cuda (${limit} s)"
run "$java" -Xmx8g -cp "$cp" org.eigenbasis.cli.EigenbasisCli verify --backend cuda --json > "$out/verify-cuda.json" 2> "$out/verify-cuda.err"
echo "verify exit $?"

grant 90 180
step "cuda-bench: device-resident timings of every GPU eigh path (${limit} s)"
run "$java" -Xmx8g -cp "$cp" org.eigenbasis.cli.EigenbasisCli cuda-bench --json > "$out/cuda-bench.json" 2> "$out/cuda-bench.err"
echo "cuda-bench exit $?"

grant 35 70
step "torch.linalg.eigh on the same shapes (${limit} s)"
run python3 "$root/benchmarks/gpu/torch_eigh.py" --out "$out/torch-eigh.json" > /dev/null 2> "$out/torch-eigh.err"
echo "torch exit $?"

grant 45 90
step "resetting simulator: JMH ResetSimulationBenchmark on cuda (${limit} s)"
# The cuda >= 50x target is against the cpu figures of the CI machine (benchmarks/results/jmh-reset.json), so
# the cpu backend is not timed here. -foe false: a parameter set that cannot run fails alone.
jmh reset 'ResetSimulationBenchmark\.' -p backend=cuda

grant 15 30
step "resetting simulator: numpy peer on this machine's CPU (${limit} s)"
run python3 "$root/benchmarks/peers/numpy_reset_sim.py" --seconds 0.3 --out "$out/numpy-reset.json" \
  > /dev/null 2> "$out/numpy-reset.err"
echo "numpy reset exit $?"

grant 40 80
step "preconditioner kernels: JMH PreconditionerKernelBenchmark on cuda (${limit} s)"
jmh precond 'PreconditionerKernelBenchmark\.' -p backend=cuda

grant 50 100
step "optimizer step: JMH OptimizerStepBenchmark on cuda (${limit} s)"
# 4096x1024 is left out: EC-Shampoo's worst case there costs tens of seconds per 10-step operation.
jmh optstep 'OptimizerStepBenchmark\.' -p backend=cuda -p shape=1024x1024,64x256x256

grant 10 20
step "summary (${limit} s)"
run python3 "$root/benchmarks/gpu/summarize_gpu.py" "$out" > "$out/summary.md" 2> "$out/summary.err"
cat "$out/summary.md"
step "done"
