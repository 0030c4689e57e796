// Library-wide entry points of the CUDA library: probing, description, memory, error messages.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "cuda_common.hpp"

namespace eigenbasis {
namespace {
thread_local char last_error[512] = "no error";

void write(char* buffer, int32_t capacity, const std::string& text) {
  if (buffer == nullptr || capacity <= 0) return;
  const size_t n = text.size() < static_cast<size_t>(capacity) - 1 ? text.size() : static_cast<size_t>(capacity) - 1;
  std::memcpy(buffer, text.data(), n);
  buffer[n] = '\0';
}
}  // namespace

int32_t cuda_check(cudaError_t error, const char* what) {
  if (error == cudaSuccess) return EB_OK;
  std::snprintf(last_error, sizeof(last_error), "%s: %s (%s)", what, cudaGetErrorString(error), cudaGetErrorName(error));
  cudaGetLastError();  // clear the sticky-free error state so later calls report their own errors
  if (error == cudaErrorNoDevice || error == cudaErrorInsufficientDriver || error == cudaErrorInitializationError)
    return EB_ERR_NO_DEVICE;
  if (error == cudaErrorMemoryAllocation) return EB_ERR_ALLOCATION;
  return EB_ERR_CUDA;
}

}  // namespace eigenbasis

using eigenbasis::cuda_check;

EB_EXPORT int32_t eb_cuda_abi_version(void) { return 1; }

EB_EXPORT int32_t eb_cuda_probe(int32_t* count, char* message, int32_t capacity) {
  int devices = 0;
  cudaError_t error = cudaGetDeviceCount(&devices);
  if (count != nullptr) *count = error == cudaSuccess ? devices : 0;
  if (error != cudaSuccess) {
    cuda_check(error, "cudaGetDeviceCount");
    eigenbasis::write(message, capacity, std::string("CUDA runtime reports: ") + cudaGetErrorString(error));
    return EB_ERR_NO_DEVICE;
  }
  if (devices == 0) {
    eigenbasis::write(message, capacity, "no CUDA device found");
    return EB_ERR_NO_DEVICE;
  }
  eigenbasis::write(message, capacity, "ok");
  return EB_OK;
}

EB_EXPORT int32_t eb_cuda_describe(char* buffer, int32_t capacity) {
  std::string text;
  cudaDeviceProp prop;
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
    text += "gpu=" + std::string(prop.name) + "\n";
    text += "compute_capability=" + std::to_string(prop.major) + "." + std::to_string(prop.minor) + "\n";
    text += "gpu_memory_mib=" + std::to_string(prop.totalGlobalMem >> 20) + "\n";
    text += "multiprocessors=" + std::to_string(prop.multiProcessorCount) + "\n";
  } else {
    cudaGetLastError();
  }
  text += "cuda_runtime=" + std::to_string(runtime / 1000) + "." + std::to_string((runtime % 1000) / 10) + "\n";
  text += "cuda_driver=" + std::to_string(driver / 1000) + "." + std::to_string((driver % 1000) / 10) + "\n";
  eigenbasis::write(buffer, capacity, text);
  return static_cast<int32_t>(text.size() + 1);
}

EB_EXPORT const char* eb_cuda_last_error(void) { return eigenbasis::last_error; }

EB_EXPORT int32_t eb_cuda_malloc(int64_t bytes, void** d_ptr) {
  if (d_ptr == nullptr || bytes < 0) return EB_ERR_ARGUMENT;
  *d_ptr = nullptr;
  if (bytes == 0) return EB_OK;
  return cuda_check(cudaMalloc(d_ptr, static_cast<size_t>(bytes)), "cudaMalloc");
}

EB_EXPORT int32_t eb_cuda_free(void* d_ptr) {
  if (d_ptr == nullptr) return EB_OK;
  return cuda_check(cudaFree(d_ptr), "cudaFree");
}

EB_EXPORT int32_t eb_cuda_copy_to_device(void* d_dst, const void* h_src, int64_t bytes) {
  if (bytes < 0 || ((d_dst == nullptr || h_src == nullptr) && bytes > 0)) return EB_ERR_ARGUMENT;
  if (bytes == 0) return EB_OK;
  return cuda_check(cudaMemcpy(d_dst, h_src, static_cast<size_t>(bytes), cudaMemcpyHostToDevice), "cudaMemcpy H2D");
}

EB_EXPORT int32_t eb_cuda_copy_to_host(void* h_dst, const void* d_src, int64_t bytes) {
  if (bytes < 0 || ((h_dst == nullptr || d_src == nullptr) && bytes > 0)) return EB_ERR_ARGUMENT;
  if (bytes == 0) return EB_OK;
  return cuda_check(cudaMemcpy(h_dst, d_src, static_cast<size_t>(bytes), cudaMemcpyDeviceToHost), "cudaMemcpy D2H");
}

EB_EXPORT int32_t eb_cuda_copy_on_device(void* d_dst, const void* d_src, int64_t bytes) {
  if (bytes < 0 || ((d_dst == nullptr || d_src == nullptr) && bytes > 0)) return EB_ERR_ARGUMENT;
  if (bytes == 0) return EB_OK;
  return cuda_check(cudaMemcpy(d_dst, d_src, static_cast<size_t>(bytes), cudaMemcpyDeviceToDevice), "cudaMemcpy D2D");
}

EB_EXPORT int32_t eb_cuda_synchronize(void) { return cuda_check(cudaDeviceSynchronize(), "cudaDeviceSynchronize"); }
