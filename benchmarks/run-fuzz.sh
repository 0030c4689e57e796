#!/usr/bin/env bash
# Fuzzes every parser and decoder (issue 15, point 1) with Jazzer in fuzzing mode (JAZZER_FUZZ=1): each @FuzzTest
# target in turn, until it has run --runs executions or --seconds seconds, whichever comes first. A plain
# `mvn test` only replays the committed inputs (src/test/resources/<package>/<Class>Inputs/<method>/); here libFuzzer
# mutates them, keeps its growing corpus in java/<module>/.cifuzz-corpus/ (git-ignored) and, on a finding, writes
# the crashing input into the Inputs folder, where it becomes a regression test: commit it with the fix.
# Writes one log per target to benchmarks/results/fuzz/<Class>.log and prints "target: executions, seconds,
# findings" per target; exit 1 when any target found something. Single-threaded per target (about 3 000 to 10 000
# executions per second here, so 10^6 takes minutes per target). The targets must run alone: one mvn at a time.
# Coverage feedback comes from our classes and the parsers they call (picocli, Jackson): without those in
# instrumentation_includes the CLI target saw 45 edges of ours and none of picocli's (2 514 with them).
# Usage: benchmarks/run-fuzz.sh [--runs N] [--seconds S] [--only Class[,Class]]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/results/fuzz"
runs=1000000
seconds=3600
only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --only) only=",$2,"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
# module list (as -pl wants it) and test class, one target per line
targets=(
  "java/core NpyFuzzTest"
  "java/core RenewalLawFuzzTest"
  "java/core StateFileFuzzTest"
  "java/core,java/native,java/cli OptimizerConfigFuzzTest"
  "java/core,java/native,java/cli ModelFileFuzzTest"
  "java/core,java/native,java/cli EigenbasisCliFuzzTest"
)
status=0
for t in "${targets[@]}"; do
  read -r modules class <<<"$t"
  [[ -n "$only" && "$only" != *",$class,"* ]] && continue
  log="$out/$class.log"
  (cd "$root" && JAZZER_FUZZ=1 mvn -B -o test -pl "$modules" -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.instrumentation_includes='org.eigenbasis.**:picocli.**:com.fasterxml.jackson.**' \
      -Djazzer.internal.arg.0=fake_argv0 -Djazzer.internal.arg.1=-runs="$runs" \
      -Djazzer.internal.arg.2=-max_total_time="$seconds") >"$log" 2>&1
  rc=$?
  done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)"
  execs="$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/' <<<"$done_line")"
  secs="$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/' <<<"$done_line")"
  findings="$(grep -cE '== Java Exception|FuzzTestFindingException|Out of memory|==[0-9]+== ERROR' "$log")"
  if [[ $rc -ne 0 ]]; then
    status=1
  fi
  echo "$class: ${execs:-?} executions in ${secs:-?} s, findings: $findings (mvn exit $rc, log $log)"
done
exit $status
