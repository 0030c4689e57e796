// Elementwise kernels of the cuda preconditioner (docs/design-notes.md, "Preconditioner kernels (cuda)"): the
// fused diagonal (Adam-style) update and the combination + mirror that finishes a factor accumulation after
// cuBLAS has formed X·Xᵀ or Xᵀ·X. The arithmetic is in precond_device.hpp; this file is compiled with
// --fmad=false so that it rounds exactly as the java reference does. Device pointers in, default stream,
// synchronised before returning (the caller copies the results back at once).
#include <cuda_runtime.h>

#include <cmath>

#include "../common/eb_arg_checks.hpp"
#include "cuda_common.hpp"
#include "precond_device.hpp"

namespace eigenbasis {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 4096;  // grid-stride beyond this: enough to fill any current GPU

unsigned blocks_for(int64_t items) {
  const int64_t blocks = (items + kThreads - 1) / kThreads;
  return static_cast<unsigned>(blocks < kMaxBlocks ? blocks : kMaxBlocks);
}

template <class T>
__global__ void diagonal_update_kernel(const T* g, T* m, T* v, T* out, int64_t count, precond::DiagonalParams p) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    precond::diagonal_update_at(i, g, m, v, out, p);
  }
}

template <class T>
__global__ void combine_factor_kernel(const T* __restrict__ s, T* f, int64_t count, int32_t k, double beta,
                                      double alpha) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count; t += stride) {
    precond::combine_factor_at(t, s, f, k, beta, alpha);
  }
}

template <class T>
int32_t diagonal_update(const T* g, T* m, T* v, T* out, int64_t count, double beta1, double beta2, double gamma,
                        double exponent, double eps) {
  if (!extent_fits({count}, sizeof(T))) return EB_ERR_ARGUMENT;
  if (count == 0) return EB_OK;
  if (g == nullptr || v == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  // out may be g itself (the Java side computes in place); m and v must be arrays of their own.
  if (m == v || v == g || v == out || (m != nullptr && (m == g || m == out))) return EB_ERR_ARGUMENT;
  const precond::DiagonalParams p{beta1, beta2, gamma, exponent, eps};
  diagonal_update_kernel<T><<<blocks_for(count), kThreads>>>(g, m, v, out, count, p);
  int32_t status = cuda_check(cudaGetLastError(), "diagonal_update_kernel launch");
  if (status != EB_OK) return status;
  return cuda_check(cudaDeviceSynchronize(), "diagonal_update_kernel");
}

template <class T>
int32_t combine_factor(const T* s, T* f, int64_t batch, int32_t k, double beta, double alpha) {
  if (batch < 0 || k < 0) return EB_ERR_ARGUMENT;
  if (batch == 0 || k == 0) return EB_OK;
  if (s == nullptr || f == nullptr || s == f) return EB_ERR_ARGUMENT;
  const int64_t count = batch * k * k;
  if (count / batch / k != k) return EB_ERR_ARGUMENT;  // overflow of batch·k·k
  combine_factor_kernel<T><<<blocks_for(count), kThreads>>>(s, f, count, k, beta, alpha);
  int32_t status = cuda_check(cudaGetLastError(), "combine_factor_kernel launch");
  if (status != EB_OK) return status;
  return cuda_check(cudaDeviceSynchronize(), "combine_factor_kernel");
}

}  // namespace
}  // namespace eigenbasis

EB_EXPORT int32_t eb_cuda_precond_diagonal_update_f64(const double* d_g, double* d_m, double* d_v, double* d_out,
                                                      int64_t count, double beta1, double beta2, double gamma,
                                                      double exponent, double eps) {
  return eigenbasis::diagonal_update(d_g, d_m, d_v, d_out, count, beta1, beta2, gamma, exponent, eps);
}

EB_EXPORT int32_t eb_cuda_precond_diagonal_update_f32(const float* d_g, float* d_m, float* d_v, float* d_out,
                                                      int64_t count, double beta1, double beta2, double gamma,
                                                      double exponent, double eps) {
  return eigenbasis::diagonal_update(d_g, d_m, d_v, d_out, count, beta1, beta2, gamma, exponent, eps);
}

EB_EXPORT int32_t eb_cuda_precond_combine_factor_f64(const double* d_s, double* d_f, int64_t batch, int32_t k,
                                                     double beta, double alpha) {
  return eigenbasis::combine_factor(d_s, d_f, batch, k, beta, alpha);
}

EB_EXPORT int32_t eb_cuda_precond_combine_factor_f32(const float* d_s, float* d_f, int64_t batch, int32_t k,
                                                     double beta, double alpha) {
  return eigenbasis::combine_factor(d_s, d_f, batch, k, beta, alpha);
}
