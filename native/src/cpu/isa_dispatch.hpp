// Which instruction set our own CPU kernels take at run time. The library is built for x86-64-v3 (AVX2); a few
// kernels have a second, AVX-512 build (own_kernels_avx512.cpp, philox_avx512.cpp, target("arch=x86-64-v4")
// functions) that they take where the CPU has AVX-512, unless the portable paths are forced: by
// eb_cpu_set_portable(1) (the Java binding does so for -Deigenbasis.cpu.portable=true) or by EB_CPU_AVX512=0 in the
// environment (the C drivers). CI forces them so that the numerical contract is also checked on the paths a machine
// without AVX-512 takes. OpenBLAS chooses its own kernels (OPENBLAS_CORETYPE).
#pragma once

namespace eigenbasis {

/** True when the CPU runs x86-64-v4 code (AVX-512 F, BW, CD, DQ, VL); probed once. Says nothing of the switch. */
bool cpu_has_avx512();

/**
 * Whether our kernels take their AVX-512 paths now: cpu_has_avx512() and the portable paths not forced. A relaxed
 * atomic load; a kernel call reads it once at its start and passes the answer down, so one call never mixes paths.
 */
bool use_avx512();

/** What forces the portable paths ("EB_CPU_AVX512=0", "eb_cpu_set_portable(1)"), or nullptr when nothing does. */
const char* portable_forced_by();

}  // namespace eigenbasis
