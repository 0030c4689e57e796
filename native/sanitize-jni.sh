#!/usr/bin/env bash
# Step 2 of native/sanitize.sh (see there): java/native's JUnit tests with the JNI glue of EbCpuLibrary compiled
# against the sanitized libeigenbasis_cpu.a, in a JVM with libasan and libubsan preloaded. Reports go to
# BUILD/jni/asan.* and BUILD/jni/ubsan.*; exit 0 only when every test passes and there is none.
# Usage: native/sanitize-jni.sh BUILD OPENBLAS_ROOT   (BUILD: the EB_SANITIZE=ON build folder)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$1"
openblas="$2"
jni="$build/jni"
rm -rf "$jni" && mkdir -p "$jni"

# The ordinary build of java/core and java/native (classes, test classes, glue) and the test class path.
(cd "$root" && mvn -B -o -q test-compile dependency:build-classpath -pl java/core,java/native \
  -Dmdep.includeScope=test -Dmdep.outputFile="$jni/classpath.txt") > "$jni/mvn.log" 2>&1 \
  || { tail -40 "$jni/mvn.log" >&2; exit 1; }
cp -r "$root/java/native/target/classes" "$jni/classes"
platform_dir="$(dirname "$(find "$jni/classes/org/eigenbasis/binding" -name libjniEbCpuLibrary.so | head -1)")"
classpath="$(cat "$jni/classpath.txt")"
javacpp_jar="$(tr ':' '\n' <<< "$classpath" | grep '/javacpp-[0-9.]*\.jar$' | head -1)"

# The glue's C++ as JavaCPP generates it, compiled with the sanitizers against the sanitized static library.
java -cp "$javacpp_jar:$classpath:$jni/classes" org.bytedeco.javacpp.tools.Builder -cp "$jni/classes" -d "$jni/glue" \
  -nocompile org.eigenbasis.binding.EbCpuLibrary > "$jni/builder.log" 2>&1 || { cat "$jni/builder.log" >&2; exit 1; }
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
g++ -I"$root/native/include" -I"$java_home/include" -I"$java_home/include/linux" -I"$openblas/include" \
  "$jni/glue"/*.cpp -std=c++11 -O1 -g -fPIC -pthread -shared \
  -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
  -Wl,-z,noexecstack -Wl,-Bsymbolic -o "$platform_dir/libjniEbCpuLibrary.so" \
  -L"$build" -leigenbasis_cpu -L"$openblas" -lopenblas > "$jni/glue.log" 2>&1 || { cat "$jni/glue.log" >&2; exit 1; }

# The JUnit console launcher: from ~/.m2 when an earlier run (or benchmarks/gpu/make-bundle.sh) left it there, else
# fetched at the root pom's JUnit platform version (a fresh machine: `mvn -B verify` resolves no such artifact).
launcher="$(find "${HOME}/.m2/repository/org/junit/platform/junit-platform-console-standalone" \
  -name 'junit-platform-console-standalone-*.jar' 2>/dev/null | sort -V | tail -1 || true)"
if [[ -z "$launcher" ]]; then
  version="$(sed -n 's:.*<junit.platform.version>\(.*\)</junit.platform.version>.*:\1:p' "$root/pom.xml" | head -1)"
  (cd "$root" && mvn -B -q -pl java/native dependency:copy \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$version" -DoutputDirectory="$jni") \
    > "$jni/launcher.log" 2>&1 || { tail -40 "$jni/launcher.log" >&2; exit 1; }
  launcher="$jni/junit-platform-console-standalone-$version.jar"
fi
[[ -f "$launcher" ]] || { echo "sanitize-jni.sh: no junit-platform-console-standalone jar ($launcher)" >&2; exit 1; }
status=0
# quarantine_size_mb: ASan holds freed chunks back from reuse (256 MB by default) to catch use after free, which the
# resident-memory checks of the soak tests (flat within 64 MB over 900 optimizers) then read as growth: 67.8 MB in
# one CI run, under 64 MB on the rerun. 16 MB still catches a use right after the free.
asan_options="detect_leaks=0:handle_segv=0:allow_user_segv_handler=1:halt_on_error=1:quarantine_size_mb=16"
env LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libubsan.so)" \
  ASAN_OPTIONS="$asan_options:log_path=$jni/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$jni/ubsan" \
  java -Xms1g -Xmx1g -cp "$root/java/native/target/test-classes:$jni/classes:$classpath:$launcher" \
  org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
  --scan-classpath "$root/java/native/target/test-classes" \
  --exclude-classname '.*(LayeringTest|NativeMemorySoakTest)' > "$jni/junit.log" 2>&1 || status=1
grep -E "tests (successful|failed|aborted)" "$jni/junit.log" >&2 || true
if compgen -G "$jni/asan*" > /dev/null || compgen -G "$jni/ubsan*" > /dev/null; then
  echo "sanitize-jni.sh: sanitizer reports:" "$jni"/asan* "$jni"/ubsan* >&2
  status=1
fi
[[ $status == 0 ]] || echo "sanitize-jni.sh: FAILED, see $jni/junit.log" >&2
exit $status
