#!/usr/bin/env bash
# Builds what benchmarks/gpu/device-check.sh needs on a GPU machine that has no JDK, Maven or network:
# a jlink'd Java runtime and the jars (CLI, backends, CUDA presets, tests, JUnit console, the JMH benchmarks), in
# benchmarks/gpu/bundle (git-ignored; carry it to the device). Everything eigenbasis comes from this checkout's
# reactor build (nothing is installed into or read back from ~/.m2, which may hold stale eigenbasis jars).
# The OpenBLAS presets come along only when the bundle still fits the 64 MiB carry limit with them (the cpu
# backend is then measured on the device as well); set EB_BUNDLE_OPENBLAS=0 to leave them behind.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="$root/benchmarks/gpu/bundle"
limit_bytes=$((60 * 1024 * 1024))   # below the 64 MiB carry limit, with room for the working tree
cd "$root"
rm -rf "$bundle"
mkdir -p "$bundle/lib"
# One reactor build: the jars and test jars of every module, and the runtime dependencies of the CLI and the
# benchmarks (third-party only; the eigenbasis jars are copied from the modules' target folders below; EJML only
# serves EighBenchmark's peer, which the device check does not run).
mvn -B -o -q -DskipTests package dependency:copy-dependencies -pl java/cli,benchmarks -am -DincludeScope=runtime \
    -DoutputDirectory="$bundle/lib" -DexcludeGroupIds=org.eigenbasis,org.ejml
for jar in java/core/target/eigenbasis-core-0.1.0-SNAPSHOT.jar java/core/target/eigenbasis-core-0.1.0-SNAPSHOT-tests.jar \
           java/native/target/eigenbasis-native-0.1.0-SNAPSHOT.jar java/native/target/eigenbasis-native-0.1.0-SNAPSHOT-tests.jar \
           java/cli/target/eigenbasis-cli-0.1.0-SNAPSHOT.jar benchmarks/target/eigenbasis-benchmarks-0.1.0-SNAPSHOT.jar; do
  cp "$jar" "$bundle/lib/"
done
mvn -B -o -q -pl java/cli dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4 \
    -DoutputDirectory="$bundle"
# The CUDA presets jar carries every CUDA library's glue; keep cudart, cusolver and what cusolver inherits,
# cublas and cusparse (JavaCPP loads libjnicudart for any presets class).
cuda_jar="$(ls "$bundle"/lib/cuda-*-linux-x86_64.jar)"
tmp="$(mktemp -d)"
(cd "$tmp" && unzip -q "$cuda_jar" && find org/bytedeco/cuda/linux-x86_64 -name 'libjni*.so' \
    ! -name 'libjnicudart.so' ! -name 'libjnicusolver.so' ! -name 'libjnicublas.so' ! -name 'libjnicusparse.so' -delete \
    && rm -f "$cuda_jar" && zip -q -r "$cuda_jar" .)
rm -rf "$tmp"
# jlink'd runtime: the modules the CLI, JavaCPP, Jackson, JUnit and JMH need; no java.desktop (no plots on the device).
"${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/jlink" --add-modules \
    java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported,java.sql,jdk.management \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$bundle/jre"
size="$(du -sb "$bundle" | cut -f1)"
openblas="$(ls "$bundle"/lib/openblas-*-linux-x86_64.jar 2>/dev/null || true)"
if [[ -n "$openblas" && ( "${EB_BUNDLE_OPENBLAS:-1}" == "0" || "$size" -gt "$limit_bytes" ) ]]; then
  echo "leaving the OpenBLAS presets behind (bundle $((size >> 20)) MiB): the cpu backend will be unavailable on the device" >&2
  rm -f "$openblas"
fi
du -sh "$bundle" "$bundle/jre" "$bundle/lib"
