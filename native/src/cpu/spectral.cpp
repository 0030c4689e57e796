// Spectral functions from an eigendecomposition: V diag(f) V^T and V (f .* (V^T X)), batched.
#include <algorithm>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "batch_pool.hpp"
#include "lapack.hpp"

namespace eigenbasis {
namespace {

template <class T>
std::vector<T>& scratch() {
  thread_local std::vector<T> buffer;
  return buffer;
}

template <class T>
void reconstruct_one(const T* v, const T* f, int n, T* out) {
  std::vector<T>& scaled = scratch<T>();
  scaled.resize(static_cast<size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) scaled[static_cast<size_t>(i) * n + j] = v[static_cast<size_t>(i) * n + j] * f[j];
  lapack::gemm(false, true, n, n, n, T(1), scaled.data(), n, v, n, T(0), out, n);
  // Exact symmetry: the lower triangle is the result, the upper its mirror.
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) out[static_cast<size_t>(i) * n + j] = out[static_cast<size_t>(j) * n + i];
}

template <class T>
void apply_one(const T* v, const T* f, const T* x, int n, int m, T* out) {
  std::vector<T>& rotated = scratch<T>();
  rotated.resize(static_cast<size_t>(n) * m);
  lapack::gemm(true, false, n, m, n, T(1), v, n, x, m, T(0), rotated.data(), m);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) rotated[static_cast<size_t>(i) * m + j] *= f[i];
  lapack::gemm(false, false, n, m, n, T(1), v, n, rotated.data(), m, T(0), out, m);
}

template <class Fn>
int32_t run_batch(int64_t batch, Fn&& fn) {
  std::atomic<bool> out_of_memory{false};
  BatchPool& pool = BatchPool::instance();
  BlasSingle single;  // OpenBLAS at one thread throughout: the same bits whatever runs beside us
  pool.run(batch, pool.threads(), [&](int, int64_t b) {
    try {
      fn(b);
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    }
  });
  return out_of_memory ? EB_ERR_ALLOCATION : EB_OK;
}

template <class T>
int32_t reconstruct(const T* v, const T* f, int64_t batch, int32_t n, T* out) {
  if (!extent_fits({batch, n, n}, sizeof(T))) return EB_ERR_ARGUMENT;
  if (batch == 0 || n == 0) return EB_OK;
  if (v == nullptr || f == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  const size_t nn = static_cast<size_t>(n) * n;
  return run_batch(batch, [&](int64_t b) { reconstruct_one(v + b * nn, f + b * n, n, out + b * nn); });
}

template <class T>
int32_t apply(const T* v, const T* f, const T* x, int64_t batch, int32_t n, int32_t m, T* out) {
  if (!extent_fits({batch, n, n}, sizeof(T)) || !extent_fits({batch, n, m}, sizeof(T))) return EB_ERR_ARGUMENT;
  if (batch == 0 || n == 0 || m == 0) return EB_OK;
  if (v == nullptr || f == nullptr || x == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  const size_t nn = static_cast<size_t>(n) * n, nm = static_cast<size_t>(n) * m;
  return run_batch(batch, [&](int64_t b) { apply_one(v + b * nn, f + b * n, x + b * nm, n, m, out + b * nm); });
}

}  // namespace
}  // namespace eigenbasis

extern "C" {

int32_t eb_cpu_spectral_reconstruct_f64(const double* v, const double* f, int64_t batch, int32_t n, double* out) {
  return eigenbasis::c_boundary([&] { return eigenbasis::reconstruct(v, f, batch, n, out); });
}
int32_t eb_cpu_spectral_reconstruct_f32(const float* v, const float* f, int64_t batch, int32_t n, float* out) {
  return eigenbasis::c_boundary([&] { return eigenbasis::reconstruct(v, f, batch, n, out); });
}
int32_t eb_cpu_spectral_apply_f64(const double* v, const double* f, const double* x, int64_t batch, int32_t n,
                                  int32_t m, double* out) {
  return eigenbasis::c_boundary([&] { return eigenbasis::apply(v, f, x, batch, n, m, out); });
}
int32_t eb_cpu_spectral_apply_f32(const float* v, const float* f, const float* x, int64_t batch, int32_t n,
                                  int32_t m, float* out) {
  return eigenbasis::c_boundary([&] { return eigenbasis::apply(v, f, x, batch, n, m, out); });
}

}  // extern "C"
