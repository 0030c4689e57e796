#!/usr/bin/env bash
# Builds what benchmarks/gpu/device-check.sh needs on a GPU machine that has no JDK, Maven or network:
# a jlink'd Java runtime and the jars (CLI, backends, CUDA presets, tests, JUnit console), in
# benchmarks/gpu/bundle (git-ignored; carry it to the device). The OpenBLAS presets stay behind (20 MB, the
# cpu backend is not what the device check measures), so the bundle fits the 64 MiB carry limit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="$root/benchmarks/gpu/bundle"
cd "$root"
if [[ ! -f java/cli/target/eigenbasis-cli-0.1.0-SNAPSHOT.jar || ! -f java/native/target/eigenbasis-native-0.1.0-SNAPSHOT-tests.jar ]]; then
  mvn -B -q -DskipTests install
fi
rm -rf "$bundle"
mkdir -p "$bundle/lib"
# Runtime classpath of the CLI, minus OpenBLAS; plus the test jars and the JUnit console for the contract tests.
mvn -B -q -pl java/cli dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$bundle/lib" \
    -DexcludeArtifactIds=openblas
cp java/cli/target/eigenbasis-cli-0.1.0-SNAPSHOT.jar "$bundle/lib/"
cp java/core/target/eigenbasis-core-0.1.0-SNAPSHOT-tests.jar java/native/target/eigenbasis-native-0.1.0-SNAPSHOT-tests.jar "$bundle/lib/"
mvn -B -q -pl java/cli dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4 \
    -DoutputDirectory="$bundle"
# The CUDA presets jar carries every CUDA library's glue; keep cudart, cusolver and what cusolver inherits,
# cublas and cusparse (JavaCPP loads
# libjnicudart for any presets class).
cuda_jar="$(ls "$bundle"/lib/cuda-*-linux-x86_64.jar)"
tmp="$(mktemp -d)"
(cd "$tmp" && unzip -q "$cuda_jar" && find org/bytedeco/cuda/linux-x86_64 -name 'libjni*.so' \
    ! -name 'libjnicudart.so' ! -name 'libjnicusolver.so' ! -name 'libjnicublas.so' ! -name 'libjnicusparse.so' -delete \
    && rm -f "$cuda_jar" && zip -q -r "$cuda_jar" .)
rm -rf "$tmp"
# jlink'd runtime: the modules the CLI, JavaCPP, Jackson and JUnit need; no java.desktop (no plots on the device).
"${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/jlink" --add-modules \
    java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported,java.sql,jdk.management \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$bundle/jre"
du -sh "$bundle" "$bundle/jre" "$bundle/lib"
