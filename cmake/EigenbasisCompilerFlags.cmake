# Compiler flags shared by every eigenbasis native target.
#
# EB_ARCH picks the instruction set for the CPU kernels. The default, x86-64-v3 (AVX2 + FMA), matches the
# OPENBLAS_CORETYPE=Haswell that these machines pin, and runs on any x86-64 CPU made since 2013, so a jar built
# here also runs on the GPU machines. EB_ARCH=native tunes for the build machine only.
set(EB_ARCH "x86-64-v3" CACHE STRING "value for -march= on the CPU kernels (x86-64-v3, native, ...)")

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()

function(eb_cpu_target_flags target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wno-unused-parameter
    $<$<CONFIG:Release>:-O3>
    -march=${EB_ARCH}
    # Honour `#pragma omp simd reduction` on dot products (vector lanes, fixed order); no OpenMP runtime.
    -fopenmp-simd
    # Our kernels rely on IEEE semantics (NaN propagation, no reassociation of compensated sums).
    -fno-fast-math -fno-math-errno
    # Fused multiply-add where the source has a*b + c (rotations, rank-2 updates): one rounding instead of two.
    -ffp-contract=fast)
endfunction()

# EB_SANITIZE=ON builds every native target (kernels, tests, benchmarks, the stub cuda library) with
# AddressSanitizer and UndefinedBehaviorSanitizer; any undefined behaviour aborts instead of printing and going on.
# For native/sanitize.sh, never for a release: the runtime must be first in the process (LD_PRELOAD in a JVM).
option(EB_SANITIZE "build the native code with -fsanitize=address,undefined" OFF)
if(EB_SANITIZE)
  set(EB_SANITIZE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${EB_SANITIZE_FLAGS} -g)
  add_link_options(${EB_SANITIZE_FLAGS})
  message(STATUS "eigenbasis: EB_SANITIZE=ON (${EB_SANITIZE_FLAGS})")
endif()
