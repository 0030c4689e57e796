// Brings cuSOLVER's column-major eigenvectors into our layout: row-major, eigenvectors in columns, canonical
// signs; matrices whose info is non-zero become NaN.
#include <cuda_runtime.h>

#include <cmath>

#include "../common/eb_numeric.hpp"
#include "cuda_common.hpp"

namespace eigenbasis {
namespace {

constexpr int kTile = 32;

// One thread per (matrix, eigenvector): the sign of column j of the column-major block (contiguous there).
template <class T>
__global__ void column_signs(const T* __restrict__ src, const int32_t* __restrict__ info, int64_t batch, int n,
                             T* __restrict__ sign) {
  const int64_t id = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (id >= batch * n) return;
  const int64_t b = id / n;
  const T* col = src + b * n * n + (id % n) * n;
  T max_abs = T(0);
  for (int i = 0; i < n; ++i) max_abs = fmax(max_abs, fabs(col[i]));
  const T threshold = canonical_sign_threshold(max_abs);
  T s = T(1);
  for (int i = 0; i < n; ++i) {
    if (fabs(col[i]) >= threshold) {
      s = col[i] < T(0) ? T(-1) : T(1);
      break;
    }
  }
  sign[id] = info[b] != 0 ? static_cast<T>(NAN) : s;
}

// Tiled transpose dst[b][i][j] = sign[b][j] * src[b][j][i] (src column-major), coalesced on both sides.
template <class T>
__global__ void transpose_signed(const T* __restrict__ src, const T* __restrict__ sign, int n, T* __restrict__ dst) {
  __shared__ T tile[kTile][kTile + 1];
  const int64_t b = blockIdx.z;
  const int tiles_j = blockIdx.x, tiles_i = blockIdx.y;
  const T* s = src + b * n * n;
  T* d = dst + b * n * n;
  // Read src: column j (contiguous over i) for j in this tile's columns.
  for (int dy = threadIdx.y; dy < kTile; dy += blockDim.y) {
    const int j = tiles_j * kTile + dy;
    const int i = tiles_i * kTile + threadIdx.x;
    if (i < n && j < n) tile[dy][threadIdx.x] = s[static_cast<int64_t>(j) * n + i];
  }
  __syncthreads();
  for (int dy = threadIdx.y; dy < kTile; dy += blockDim.y) {
    const int i = tiles_i * kTile + dy;
    const int j = tiles_j * kTile + threadIdx.x;
    if (i < n && j < n) d[static_cast<int64_t>(i) * n + j] = tile[threadIdx.x][dy] * sign[b * n + j];
  }
}

template <class T>
__global__ void poison_failed_values(T* __restrict__ w, const int32_t* __restrict__ info, int64_t batch, int n) {
  const int64_t id = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (id >= batch * n) return;
  if (info[id / n] != 0) w[id] = static_cast<T>(NAN);
}

template <class T>
int32_t finish(const T* src, T* dst, T* w, const int32_t* info, int64_t batch, int32_t n) {
  if (batch < 0 || n < 0) return EB_ERR_ARGUMENT;
  if (batch == 0 || n == 0) return EB_OK;
  if (batch > 65535) return EB_ERR_ARGUMENT;  // grid z limit; callers chunk larger batches
  if (src == nullptr || w == nullptr || info == nullptr) return EB_ERR_ARGUMENT;  // dst may be NULL
  T* sign = nullptr;
  int32_t status = cuda_check(cudaMalloc(&sign, sizeof(T) * batch * n), "cudaMalloc signs");
  if (status != EB_OK) return status;
  const int64_t items = batch * n;
  const unsigned blocks = static_cast<unsigned>((items + 255) / 256);
  if (dst != nullptr) {
    column_signs<T><<<blocks, 256>>>(src, info, batch, n, sign);
    const unsigned tiles = static_cast<unsigned>((n + kTile - 1) / kTile);
    transpose_signed<T><<<dim3(tiles, tiles, static_cast<unsigned>(batch)), dim3(kTile, 8)>>>(src, sign, n, dst);
  }
  poison_failed_values<T><<<blocks, 256>>>(w, info, batch, n);
  status = cuda_check(cudaGetLastError(), "finish_columns launch");
  if (status == EB_OK) status = cuda_check(cudaDeviceSynchronize(), "finish_columns");
  cudaFree(sign);
  return status;
}

}  // namespace
}  // namespace eigenbasis

EB_EXPORT int32_t eb_cuda_finish_columns_f64(const double* d_src, double* d_dst, double* d_w, const int32_t* d_info,
                                             int64_t batch, int32_t n) {
  return eigenbasis::finish(d_src, d_dst, d_w, d_info, batch, n);
}

EB_EXPORT int32_t eb_cuda_finish_columns_f32(const float* d_src, float* d_dst, float* d_w, const int32_t* d_info,
                                             int64_t batch, int32_t n) {
  return eigenbasis::finish(d_src, d_dst, d_w, d_info, batch, n);
}
