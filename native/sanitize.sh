#!/usr/bin/env bash
# Builds the native kernels and their C++ tests with AddressSanitizer + UndefinedBehaviorSanitizer (the CMake option
# EB_SANITIZE=ON, cmake/EigenbasisCompilerFlags.cmake) in a build folder of its own, build/sanitize, and runs
#  1. every ctest test under them: leaks are reported, and the first error of either sanitizer aborts its test;
#  2. the JNI smoke run (skipped with --no-jni): the JavaCPP glue of EbCpuLibrary regenerated and compiled against
#     the sanitized libeigenbasis_cpu.a, put in a copy of java/native/target/classes, and java/native's JUnit tests
#     (every cpu kernel through the backend contracts, f32 and f64, with the edge shapes they hold) run with libasan and
#     libubsan preloaded. There HotSpot's own SIGSEGV handling needs handle_segv=0, and leak checking is off (the
#     JVM never frees its own metadata); NativeMemorySoakTest is left out (ASan's quarantine and shadow memory make
#     resident memory meaningless) and LayeringTest too (no native code).
# Exit 0 only when the builds succeed and every test passes with no report; 1 otherwise. CPU kernels only
# (EB_CUDA=OFF: the sanitizers do not see device code). 3 min 9 s on 2 cores from a clean folder (C++ build
# 83 s, ctest 8 s, JNI step 97 s: it runs `mvn -o test-compile` on java/core and java/native first). Issue 15, pt 2.
# OpenBLAS comes from the org.bytedeco presets jar in the local Maven repository, unpacked into the build folder,
# as the Maven build does; OPENBLAS_ROOT=<folder holding include/ and libopenblas.so.0> overrides it.
# Usage: native/sanitize.sh [--no-jni] [-j JOBS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/sanitize"
jobs=2
jni=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-jni) jni=0; shift ;;
    -j) jobs="${2:?-j needs a number}"; shift 2 ;;
    *) echo "usage: native/sanitize.sh [--no-jni] [-j JOBS]" >&2; exit 2 ;;
  esac
done

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
tested=$(date +%s)
echo "sanitize.sh: C++ build $((built - start)) s, ctest $((tested - built)) s" >&2
if [[ $jni == 1 && $status == 0 ]]; then
  "$root/native/sanitize-jni.sh" "$build" "$OPENBLAS_ROOT" || status=1
  echo "sanitize.sh: JNI smoke run $(($(date +%s) - tested)) s" >&2
fi
echo "sanitize.sh: $([[ $status == 0 ]] && echo clean || echo FAILED)" >&2
exit $status
