// The run-time choice between our kernels' portable (x86-64-v3) and AVX-512 paths (isa_dispatch.hpp), and its C ABI.
#include <atomic>
#include <cpuid.h>
#include <cstdlib>

#include "eigenbasis/eb_api.h"
#include "isa_dispatch.hpp"

namespace eigenbasis {
namespace {

// Set by eb_cpu_set_portable; relaxed: it orders nothing, each kernel call just reads it once.
std::atomic<bool> forced_by_call{false};

bool forced_by_environment() {
  static const bool forced = [] {
    const char* env = std::getenv("EB_CPU_AVX512");
    return env != nullptr && env[0] == '0';
  }();
  return forced;
}

}  // namespace

bool cpu_has_avx512() {
  // CPUID and XGETBV directly: __builtin_cpu_supports needs libgcc's static __cpu_model, which the JNI
  // library's link (g++ -shared against libgcc_s) does not provide.
  static const bool has = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    const bool osxsave = (ecx & (1u << 27)) != 0;
    if (!osxsave) return false;
    unsigned xcr0_lo = 0, xcr0_hi = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    const unsigned zmm_state = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7);  // SSE, AVX, opmask, ZMM
    if ((xcr0_lo & zmm_state) != zmm_state) return false;
    if (__get_cpuid_max(0, nullptr) < 7) return false;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const unsigned f = 1u << 16, dq = 1u << 17, cd = 1u << 28, bw = 1u << 30, vl = 1u << 31;
    return (ebx & (f | dq | cd | bw | vl)) == (f | dq | cd | bw | vl);
  }();
  return has;
}

const char* portable_forced_by() {
  if (forced_by_environment()) return "EB_CPU_AVX512=0";
  if (forced_by_call.load(std::memory_order_relaxed)) return "eb_cpu_set_portable(1)";
  return nullptr;
}

bool use_avx512() { return cpu_has_avx512() && portable_forced_by() == nullptr; }

}  // namespace eigenbasis

extern "C" {

int32_t eb_cpu_set_portable(int32_t portable) {
  if (portable != 0 && portable != 1) return EB_ERR_ARGUMENT;
  eigenbasis::forced_by_call.store(portable == 1, std::memory_order_relaxed);
  return EB_OK;
}

int32_t eb_cpu_portable(void) { return eigenbasis::portable_forced_by() != nullptr ? 1 : 0; }

}  // extern "C"
