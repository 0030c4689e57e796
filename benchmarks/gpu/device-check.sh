#!/usr/bin/env bash
# GPU device check: on a machine with an NVIDIA GPU and CUDA 13 but no JDK, Maven or network, runs the cuda
# contract tests (eigh, parity, spectral, refresh, the resetting simulator, the preconditioner kernels),
# `eigenbasis verify` on cuda, the eigh throughput benchmark of every GPU path against torch.linalg.eigh on the
# same GPU, and the resetting simulator's JMH benchmark (cuda; cpu too when the bundle carried OpenBLAS) with the
# numpy peer on this machine's CPU, writing everything to OUTDIR (summary.md first). Needs the bundle of
# benchmarks/gpu/make-bundle.sh (a jlink'd runtime and the jars), carried along in benchmarks/gpu/bundle.
# Budget: under 8 minutes (step timeouts 30 + 150 + 45 + 120 + 45 + 60 + 20 = 470 s; the preconditioner JMH
# step, once that benchmark exists, runs only in the slack the others leave). On a machine without a GPU it
# records the machine facts and stops, exit 0.
# Usage: benchmarks/gpu/device-check.sh OUTDIR
# With the device tool: run benchmarks/gpu/make-bundle.sh here, then run `benchmarks/gpu/device-check.sh $OUT`
# there with carry ["benchmarks/gpu/bundle"] and a timeout near 500 s; copy $OUT/summary.md to
# benchmarks/gpu/results/<date>-<gpu>.md, which benchmarks/summarize.py puts into RESULTS.md, and
# $OUT/jmh-reset-gpu.json to benchmarks/gpu/results/<date>-<gpu>-jmh-reset.json (the cuda >= 50x cpu target).
set -uo pipefail
out="${1:?usage: benchmarks/gpu/device-check.sh OUTDIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="${EB_BUNDLE:-$root/benchmarks/gpu/bundle}"
exec > >(tee -a "$out/device-check.log") 2>&1
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }

step "machine facts"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -a)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
  nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader 2>&1 | sed 's/^/gpu: /'
  (nvcc --version 2>&1 | tail -n 1 | sed 's/^/nvcc: /') || true
  python3 -c 'import torch; print("torch:", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 | tail -n 1
} > "$out/machine.txt"
cat "$out/machine.txt"

if ! nvidia-smi -L > /dev/null 2>&1; then
  step "no NVIDIA GPU here (nvidia-smi lists no device): stopping after the machine facts"
  printf '# GPU device check\n\nNo NVIDIA GPU on this machine; nothing measured.\n\n```\n%s\n```\n' "$(cat "$out/machine.txt")" > "$out/summary.md"
  [[ "${EB_DEVICE_CHECK_FORCE:-0}" == "1" ]] || exit 0
  step "EB_DEVICE_CHECK_FORCE=1: running the remaining steps anyway (they exercise the bundle; cuda reports itself unavailable)"
fi

java="$bundle/jre/bin/java"
if [[ ! -x "$java" ]]; then
  java="$(command -v java || true)"
fi
if [[ -z "$java" || ! -d "$bundle/lib" ]]; then
  step "no Java runtime or no jars: run benchmarks/gpu/make-bundle.sh on the build machine and carry benchmarks/gpu/bundle"
  exit 3
fi
# cuSOLVER and cuBLAS for the JavaCPP presets: the toolkit's libraries, else those PyTorch ships.
libs="/usr/local/cuda/lib64:/usr/local/cuda/targets/x86_64-linux/lib"
torch_libs="$(python3 - <<'PY' 2>/dev/null
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
cp="$(ls "$bundle"/lib/*.jar | tr '\n' ':')"   # explicit: the JUnit launcher does not expand lib/*

step "backends"
timeout 30 "$java" -cp "$cp" org.eigenbasis.cli.EigenbasisCli backends --json > "$out/backends.json" 2> "$out/backends.err"
head -n 40 "$out/backends.json"

step "cuda contract tests (JUnit)"
timeout 150 "$java" -Xmx8g -jar "$bundle"/junit-platform-console-standalone-*.jar execute -cp "$cp" \
  --select-class org.eigenbasis.backend.cuda.CudaEighTest --select-class org.eigenbasis.backend.cuda.CudaParityTest \
  --select-class org.eigenbasis.backend.cuda.CudaSpectralTest --select-class org.eigenbasis.backend.cuda.CudaRefreshTest \
  --select-class org.eigenbasis.backend.cuda.CudaResetSimulatorTest \
  --select-class org.eigenbasis.backend.cuda.CudaPreconditionerTest --select-class org.eigenbasis.backend.cuda.ColumnMajorCallsTest \
  --reports-dir "$out/junit" --details=summary --disable-banner > "$out/junit.txt" 2>&1
echo "junit exit $?" >> "$out/junit.txt"
tail -n 25 "$out/junit.txt"

step "verify --backend cuda"
timeout 45 "$java" -Xmx8g -cp "$cp" org.eigenbasis.cli.EigenbasisCli verify --backend cuda --json > "$out/verify-cuda.json" 2> "$out/verify-cuda.err"
echo "verify exit $?"

step "cuda-bench (device-resident timings of every GPU path)"
timeout 120 "$java" -Xmx8g -cp "$cp" org.eigenbasis.cli.EigenbasisCli cuda-bench --json > "$out/cuda-bench.json" 2> "$out/cuda-bench.err"
echo "cuda-bench exit $?"

step "torch.linalg.eigh on the same shapes"
timeout 45 python3 "$root/benchmarks/gpu/torch_eigh.py" --out "$out/torch-eigh.json" > /dev/null 2> "$out/torch-eigh.err"
echo "torch exit $?"

step "resetting simulator: JMH ResetSimulationBenchmark (cuda, cpu), short, in-process"
# -f 0: no fork per parameter set (the JVM start would eat the budget); -foe false: a backend that cannot run
# here (cpu without OpenBLAS in the bundle, cuda without a GPU) fails only its own parameters.
timeout 60 "$java" -Xmx4g -cp "$cp" org.openjdk.jmh.Main 'ResetSimulationBenchmark\.' -p backend=cuda,cpu \
  -wi 1 -i 2 -w 1s -r 1s -f 0 -foe false -rf json -rff "$out/jmh-reset-gpu.json" > "$out/jmh-reset.log" 2>&1
echo "jmh reset exit $?"
grep -E '^ResetSimulationBenchmark' "$out/jmh-reset.log" | head -n 40

step "resetting simulator: numpy peer on this machine's CPU"
timeout 20 python3 "$root/benchmarks/peers/numpy_reset_sim.py" --seconds 0.3 --out "$out/numpy-reset.json" \
  > /dev/null 2> "$out/numpy-reset.err"
echo "numpy reset exit $?"

step "preconditioner kernels: JMH PreconditionerKernelBenchmark (cuda), short, in-process, if bundled"
# Wired before the benchmark exists on main: runs only when a bundled jar holds the class. Its timeout is the
# slack the earlier steps left (they rarely use their full timeouts), at most 30 s, keeping 15 s for the summary,
# so the script stays within its 8-minute budget.
precond_slack=$(( 480 - 15 - (SECONDS - started) ))
if ! grep -l -a -q 'PreconditionerKernelBenchmark.class' "$bundle"/lib/*.jar 2> /dev/null; then
  echo "jmh precond skipped: no PreconditionerKernelBenchmark in the bundle" | tee "$out/jmh-precond.log"
elif (( precond_slack < 10 )); then
  echo "jmh precond skipped: only ${precond_slack} s left of the budget" | tee "$out/jmh-precond.log"
else
  timeout $(( precond_slack < 30 ? precond_slack : 30 )) "$java" -Xmx8g -cp "$cp" org.openjdk.jmh.Main \
    'PreconditionerKernelBenchmark\.' -p backend=cuda -wi 1 -i 2 -w 1s -r 1s -f 0 -foe false \
    -rf json -rff "$out/jmh-precond-gpu.json" > "$out/jmh-precond.log" 2>&1
  echo "jmh precond exit $?"
  grep -E '^PreconditionerKernelBenchmark' "$out/jmh-precond.log" | head -n 40
fi

step "optimizer step: JMH OptimizerStepBenchmark (cuda), short, in-process, with the remaining slack"
# Issue 4, point 8 (cuda column). Same budget rule as above: at most 60 s, 15 s kept for the summary.
step_slack=$(( 480 - 15 - (SECONDS - started) ))
if (( step_slack < 15 )); then
  echo "jmh optimizer step skipped: only ${step_slack} s left of the budget" | tee "$out/jmh-optstep.log"
else
  timeout $(( step_slack < 60 ? step_slack : 60 )) "$java" -Xmx8g -cp "$cp" org.openjdk.jmh.Main \
    'OptimizerStepBenchmark\.' -p backend=cuda -p shape=1024x1024,64x256x256,4096x1024 -wi 1 -i 2 -w 1s -r 1s \
    -f 0 -foe false -rf json -rff "$out/jmh-optstep-gpu.json" > "$out/jmh-optstep.log" 2>&1
  echo "jmh optimizer step exit $?"
  grep -E '^OptimizerStepBenchmark' "$out/jmh-optstep.log" | head -n 40
fi

step "summary"
python3 "$root/benchmarks/gpu/summarize_gpu.py" "$out" > "$out/summary.md" 2> "$out/summary.err"
cat "$out/summary.md"
step "done"
