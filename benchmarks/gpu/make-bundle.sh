#!/usr/bin/env bash
# Builds what benchmarks/gpu/device-check.sh needs on a GPU machine that has no JDK, Maven or network:
# a jlink'd Java runtime and the jars (CLI, backends, CUDA presets, tests, JUnit console, the JMH benchmarks), in
# benchmarks/gpu/bundle (git-ignored; carry it to the device). Everything eigenbasis comes from this checkout's
# reactor build (nothing is installed into or read back from ~/.m2, which may hold stale eigenbasis jars).
# The OpenBLAS presets come along, stripped to what the cpu library loads, so that the cpu backend is available on
# the device: the cuda backend runs spectral products and the refresh on the best host backend, which would
# otherwise be the java reference (slow enough to make the cuda optimizer-step timings meaningless). Loose, the
# bundle is then over the carry limit (about 71 MiB), so it is packed into benchmarks/gpu/bundle/bundle.tar.xz
# (about 42 MiB), which device-check.sh unpacks on the device; if even the archive did not fit, the OpenBLAS
# presets are left behind (the cpu backend is then unavailable there). EB_BUNDLE_OPENBLAS=0 leaves them behind.
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
# jdk.zipfs: the JUnit console's package selection scans the test jars through the "jar" file system; without it
# the scan finds no class and the run reports 0 tests.
"${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/jlink" --add-modules \
    java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported,java.sql,jdk.management,jdk.zipfs \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$bundle/jre"
# OpenBLAS presets: keep libopenblas, its JNI glue (libjniopenblas, libjniopenblas_nolapack) and runtime libraries;
# drop libjniopenblas_full.so, the headers and the static libraries. Stored uncompressed, so that xz compresses the
# shared objects (deflate inside the jar would leave xz nothing to gain).
openblas="$(ls "$bundle"/lib/openblas-*-linux-x86_64.jar 2>/dev/null || true)"
if [[ -n "$openblas" && "${EB_BUNDLE_OPENBLAS:-1}" == "0" ]]; then
  rm -f "$openblas"
  openblas=""
elif [[ -n "$openblas" ]]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && unzip -q "$openblas" \
      && rm -rf org/bytedeco/openblas/linux-x86_64/include org/bytedeco/openblas/linux-x86_64/lib \
      && rm -f org/bytedeco/openblas/linux-x86_64/libjniopenblas_full.so \
      && rm -f "$openblas" && zip -q -0 -r "$openblas" .)
  rm -rf "$tmp"
fi
size="$(du -sb "$bundle" | cut -f1)"
if (( size > limit_bytes )); then
  # Too large loose: pack everything into one xz archive (the jars are compressed already; the runtime and the
  # stored OpenBLAS libraries are not).
  archive="$(mktemp "${TMPDIR:-/tmp}/eb-bundle.XXXXXX.tar.xz")"
  (cd "$bundle" && tar -cf - jre lib junit-platform-console-standalone-*.jar | xz -6 -T0 > "$archive")
  packed="$(stat -c %s "$archive")"
  if (( packed <= limit_bytes )); then
    rm -rf "${bundle:?}"/*
    mv "$archive" "$bundle/bundle.tar.xz"
    chmod 644 "$bundle/bundle.tar.xz"
    echo "bundle packed: $((size >> 20)) MiB loose, $((packed >> 20)) MiB in benchmarks/gpu/bundle/bundle.tar.xz (device-check.sh unpacks it)" >&2
  else
    rm -f "$archive"
    if [[ -n "$openblas" ]]; then
      echo "leaving the OpenBLAS presets behind (bundle $((packed >> 20)) MiB packed): the cpu backend will be unavailable on the device" >&2
      rm -f "$openblas"
    fi
  fi
fi
size="$(du -sb "$bundle" | cut -f1)"
if (( size > limit_bytes )); then
  echo "the bundle is $((size >> 20)) MiB, over the $((limit_bytes >> 20)) MiB allowed for it: it will not travel" >&2
  exit 1
fi
du -sh "$bundle"
ls "$bundle"
