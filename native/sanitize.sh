#!/usr/bin/env bash
# Builds the native kernels and their C++ tests with AddressSanitizer + UndefinedBehaviorSanitizer (the CMake option
# EB_SANITIZE=ON, cmake/EigenbasisCompilerFlags.cmake) in a build folder of its own, build/sanitize, and runs every
# ctest test under them. Leaks are reported, and the first error of either sanitizer aborts its test. Exit 0 only
# when the build succeeds and every test passes with no report; 1 otherwise. CPU kernels only (EB_CUDA=OFF: the
# sanitizers do not see device code). About 1 minute on 2 cores from a clean folder (issue 15, point 2).
# OpenBLAS comes from the org.bytedeco presets jar in the local Maven repository, unpacked into the build folder,
# as the Maven build does; OPENBLAS_ROOT=<folder holding include/ and libopenblas.so.0> overrides it.
# Usage: native/sanitize.sh [-j JOBS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/sanitize"
jobs=2
if [[ "${1:-}" == "-j" && -n "${2:-}" ]]; then
  jobs="$2"
elif [[ $# -gt 0 ]]; then
  echo "usage: native/sanitize.sh [-j JOBS]" >&2
  exit 2
fi

if [[ -z "${OPENBLAS_ROOT:-}" ]]; then
  version="$(sed -n 's:.*<openblas.version>\(.*\)</openblas.version>.*:\1:p' "$root/pom.xml" | head -1)"
  platform="$(sed -n 's:.*<javacpp.platform>\(.*\)</javacpp.platform>.*:\1:p' "$root/pom.xml" | head -1)"
  jar="${HOME}/.m2/repository/org/bytedeco/openblas/$version/openblas-$version-$platform.jar"
  if [[ ! -f "$jar" ]]; then
    echo "sanitize.sh: $jar not found; run the Maven build once, or set OPENBLAS_ROOT" >&2
    exit 1
  fi
  OPENBLAS_ROOT="$build/openblas/org/bytedeco/openblas/$platform"
  if [[ ! -f "$OPENBLAS_ROOT/libopenblas.so.0" ]]; then
    mkdir -p "$build/openblas"
    (cd "$build/openblas" && unzip -qo "$jar" "org/bytedeco/openblas/$platform/*")
  fi
fi

start=$(date +%s)
cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEB_SANITIZE=ON -DEB_CUDA=OFF \
  -DOPENBLAS_ROOT="$OPENBLAS_ROOT" > "$build.configure.log" 2>&1 || { cat "$build.configure.log" >&2; exit 1; }
cmake --build "$build" --parallel "$jobs" > "$build.build.log" 2>&1 || { tail -50 "$build.build.log" >&2; exit 1; }
built=$(date +%s)

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LD_LIBRARY_PATH="$OPENBLAS_ROOT${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
status=0
(cd "$build" && ctest --output-on-failure --output-log "$build.ctest.log") || status=1
# A report that did not stop its test (none should: both sanitizers halt) still fails the run.
if grep -qE "runtime error:|ERROR: (Address|Leak)Sanitizer" "$build.ctest.log"; then
  echo "sanitize.sh: sanitizer reports in $build.ctest.log" >&2
  status=1
fi
echo "sanitize.sh: build $((built - start)) s, tests $(($(date +%s) - built)) s, $([[ $status == 0 ]] && echo clean || echo FAILED)" >&2
exit $status
