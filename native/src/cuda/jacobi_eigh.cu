// Our batched symmetric eigensolver for small n on the GPU: parallel cyclic Jacobi with every matrix held in
// shared memory, several matrices per thread block when they are small (see jacobi_batched.hpp for the phases).
#include <cuda_runtime.h>

#include <cfloat>
#include <cmath>

#include "../common/eb_arg_checks.hpp"
#include "cuda_common.hpp"
#include "eigenbasis/eb_api.h"
#include "jacobi_batched.hpp"

namespace eigenbasis {
namespace {

constexpr int kMaxN = 64;            // 2 x 64 x 64 f64 = 64 KiB of shared memory per matrix
constexpr int kThreadsPerBlock = 256;
constexpr int kDefaultSweeps = 50;
constexpr int kMaxPerBlock = 32;

int padded(int n) { return n + (n & 1); }

// Matrices per block: enough to keep 256 threads busy on small n, bounded by 96 KiB of shared memory.
int matrices_per_block(int m, int scalar_bytes) {
  const int h = m / 2;
  const int items = h * h + m * h;
  int per_block = items >= kThreadsPerBlock ? 1 : kThreadsPerBlock / items;
  if (per_block > kMaxPerBlock) per_block = kMaxPerBlock;  // the per-matrix flags in shared memory hold 32
  const int bytes = jacobi::slot_bytes(m, scalar_bytes);
  while (per_block > 1 && per_block * bytes > 96 * 1024) --per_block;
  return per_block;
}

template <class T>
__global__ void jacobi_kernel(const T* __restrict__ a, int64_t batch, int n, int m, int per_block, T* __restrict__ w,
                              T* __restrict__ v, int32_t* __restrict__ info, int max_sweeps, int slot_bytes) {
  extern __shared__ __align__(16) unsigned char shared[];
  __shared__ int rotated[kMaxPerBlock];
  __shared__ T scale[kMaxPerBlock];

  const int local = threadIdx.x;
  const int threads = blockDim.x;
  const int64_t first = static_cast<int64_t>(blockIdx.x) * per_block;
  const int64_t remaining = batch - first;
  const int here = remaining < per_block ? static_cast<int>(remaining) : per_block;
  const int h = m / 2;

  // Scale: an exact power of two per matrix that brings max|a_ij| into [0.5, 1).
  for (int s = local; s < here; s += threads) {
    const T* g = a + (first + s) * n * n;
    T max_abs = T(0);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j) max_abs = fmax(max_abs, fabs(g[i * n + j]));
    int exponent = 0;
    if (max_abs > T(0)) frexp(static_cast<double>(max_abs), &exponent);
    scale[s] = max_abs > T(0) ? static_cast<T>(ldexp(1.0, -exponent)) : T(1);
  }
  __syncthreads();
  for (int item = local; item < here * m * m; item += threads) {
    const int s = item / (m * m);
    jacobi::Slot<T> slot = jacobi::slot_at<T>(shared + s * slot_bytes, m);
    jacobi::load_item(a + (first + s) * n * n, n, m, scale[s], slot, item % (m * m));
  }
  __syncthreads();

  bool converged = false;
  for (int sweep = 0; sweep < max_sweeps && !converged; ++sweep) {
    if (local < here) rotated[local] = 0;
    __syncthreads();
    for (int r = 0; r < m - 1; ++r) {
      for (int item = local; item < here * h; item += threads) {
        const int s = item / h;
        jacobi::Slot<T> slot = jacobi::slot_at<T>(shared + s * slot_bytes, m);
        if (jacobi::rotation_item(n, m, r, slot, item % h)) rotated[s] = 1;
      }
      __syncthreads();
      const int per_matrix = h * h + m * h;
      for (int item = local; item < here * per_matrix; item += threads) {
        const int s = item / per_matrix;
        jacobi::Slot<T> slot = jacobi::slot_at<T>(shared + s * slot_bytes, m);
        jacobi::update_item(m, slot, item % per_matrix);
      }
      __syncthreads();
    }
    int any = 0;
    for (int s = 0; s < here; ++s) any |= rotated[s];
    converged = any == 0;
    __syncthreads();
  }
  // A matrix converged when its last sweep rotated nothing. (rotated[] is from the final sweep.)
  for (int item = local; item < here * n; item += threads) {
    const int s = item / n;
    const int64_t b = first + s;
    jacobi::Slot<T> slot = jacobi::slot_at<T>(shared + s * slot_bytes, m);
    T* wb = w + b * n;
    T* vb = v == nullptr ? nullptr : v + b * n * n;
    if (rotated[s] != 0) {
      const T nan = static_cast<T>(NAN);
      wb[item % n] = nan;
      if (vb != nullptr)
        for (int i = 0; i < n; ++i) vb[i * n + item % n] = nan;
    } else {
      jacobi::store_item(n, m, T(1) / scale[s], slot, wb, vb, item % n);
    }
  }
  for (int s = local; s < here; s += threads) info[first + s] = rotated[s] != 0 ? 1 : 0;
}

template <class T>
int32_t launch(const T* a, int64_t batch, int32_t n, T* w, T* v, int32_t* info, int32_t max_sweeps) {
  if (batch < 0 || n < 0 || n > kMaxN || max_sweeps < 0) return EB_ERR_ARGUMENT;
  if (!extent_fits({batch, n, n}, sizeof(T))) return EB_ERR_ARGUMENT;
  if (batch == 0) return EB_OK;
  if (info == nullptr || (n > 0 && (a == nullptr || w == nullptr))) return EB_ERR_ARGUMENT;  // v may be NULL
  if (n == 0) return cuda_check(cudaMemset(info, 0, sizeof(int32_t) * batch), "cudaMemset");
  const int m = padded(n);
  const int per_block = matrices_per_block(m, sizeof(T));
  const int slot = jacobi::slot_bytes(m, sizeof(T));
  const size_t shared = static_cast<size_t>(slot) * per_block;
  int32_t status = cuda_check(
      cudaFuncSetAttribute(jacobi_kernel<T>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared)),
      "cudaFuncSetAttribute");
  if (status != EB_OK) return status;
  const int64_t blocks = (batch + per_block - 1) / per_block;
  if (blocks > 2147483647LL) return EB_ERR_ARGUMENT;
  jacobi_kernel<T><<<static_cast<unsigned>(blocks), kThreadsPerBlock, shared>>>(
      a, batch, n, m, per_block, w, v, info, max_sweeps > 0 ? max_sweeps : kDefaultSweeps, slot);
  status = cuda_check(cudaGetLastError(), "jacobi_kernel launch");
  if (status != EB_OK) return status;
  return cuda_check(cudaDeviceSynchronize(), "jacobi_kernel");
}

}  // namespace
}  // namespace eigenbasis

EB_EXPORT int32_t eb_cuda_jacobi_max_n(int32_t) { return eigenbasis::kMaxN; }

EB_EXPORT int32_t eb_cuda_jacobi_eigh_f64(const double* d_a, int64_t batch, int32_t n, double* d_w, double* d_v,
                                          int32_t* d_info, int32_t max_sweeps) {
  return eigenbasis::launch(d_a, batch, n, d_w, d_v, d_info, max_sweeps);
}

EB_EXPORT int32_t eb_cuda_jacobi_eigh_f32(const float* d_a, int64_t batch, int32_t n, float* d_w, float* d_v,
                                          int32_t* d_info, int32_t max_sweeps) {
  return eigenbasis::launch(d_a, batch, n, d_w, d_v, d_info, max_sweeps);
}
