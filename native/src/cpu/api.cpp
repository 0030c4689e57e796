// Library-wide entry points of the CPU library: versions, status messages, threads, description.
#include <cstdio>
#include <malloc.h>
#include <cstring>
#include <string>

#include <cblas.h>

#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "batch_pool.hpp"
#include "isa_dispatch.hpp"
#include "own_kernels.hpp"

#ifndef EB_ARCH_NAME
#define EB_ARCH_NAME "unknown"
#endif

namespace {
constexpr int32_t kAbiVersion = 1;
// eb_cpu_set_threads' ceiling, as CpuKernels.setThreads': more would be a caller's bug, not a machine.
constexpr int32_t kMaxThreads = 4096;

/** Where our kernels' AVX-512 paths stand: used, forced off (and by what), or not available. */
std::string avx512_kernels() {
  const bool has = eigenbasis::cpu_has_avx512();
  if (const char* by = eigenbasis::portable_forced_by())
    return std::string("off (forced portable by ") + by + (has ? ")" : "; the CPU has no AVX-512 either)");
  if (!has) return "not used (no AVX-512 on this CPU)";
  return "used (f64 eigh n >= " + std::to_string(eigenbasis::kAvx512From) +
         ", the two-stage band reduction, the one-stage back-transformation, the resetting simulator)";
}

/** eb_cpu_describe's text; may throw std::bad_alloc (its strings), which the entry point turns into a status. */
int32_t describe(char* buffer, int32_t capacity) {
  const int workers = eigenbasis::BatchPool::instance().threads();  // first: starting the pool sets OpenBLAS's count
  std::string text;
  const char* config = openblas_get_config();
  const char* core = openblas_get_corename();
  text += "openblas_config=" + std::string(config ? config : "?") + "\n";
  text += "openblas_core=" + std::string(core ? core : "?") + "\n";
  text += "openblas_threads=" + std::to_string(openblas_get_num_threads()) + " (per batch worker; " +
          std::to_string(workers) + " for a batch of fewer large matrices than workers)\n";
  text += "batch_workers=" + std::to_string(workers) + "\n";
  text += "kernel_isa=" EB_ARCH_NAME "\n";
  text += "avx512_kernels=" + avx512_kernels() + "\n";
  if (buffer != nullptr && capacity > 0) {
    std::size_t n = std::min<std::size_t>(text.size(), static_cast<std::size_t>(capacity) - 1);
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
  }
  return static_cast<int32_t>(text.size() + 1);
}
}  // namespace

extern "C" {

int32_t eb_abi_version(void) { return kAbiVersion; }

const char* eb_status_message(int32_t status) {
  switch (status) {
    case EB_OK: return "ok";
    case EB_ERR_ARGUMENT: return "an argument is out of range";
    case EB_ERR_ALLOCATION: return "memory could not be allocated";
    case EB_ERR_NOT_CONVERGED: return "at least one matrix failed to converge";
    case EB_ERR_LAPACK: return "LAPACK rejected an argument";
    case EB_ERR_NO_DEVICE: return "no usable CUDA device";
    case EB_ERR_CUDA: return "a CUDA runtime call failed";
    case EB_ERR_NOT_BUILT: return "the CUDA library was built without nvcc";
    case EB_ERR_INTERNAL: return "internal error";
    default: return "unknown status";
  }
}

int32_t eb_cpu_set_threads(int32_t threads) {
  if (threads < 0 || threads > kMaxThreads) return EB_ERR_ARGUMENT;
  try {
    return eigenbasis::BatchPool::instance().set_threads(threads);
  } catch (...) {
    return -1;
  }
}

int32_t eb_cpu_threads(void) {
  return eigenbasis::c_boundary([] { return eigenbasis::BatchPool::instance().threads(); });
}

int32_t eb_cpu_describe(char* buffer, int32_t capacity) {
  return eigenbasis::c_boundary([&] { return describe(buffer, capacity); });
}

int64_t eb_cpu_heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
#else
  return -1;
#endif
}

}  // extern "C"
