// Warm-started eigenbasis refresh: Q <- qr(A Q) repeated, then the diagonal and the relative off-diagonal mass
// of B = Q^T A Q. Used by SOAP and Shampoo to track a slowly moving eigenbasis without a full eigh.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "batch_pool.hpp"
#include "lapack.hpp"

namespace eigenbasis {
namespace {

template <class T>
struct RefreshWorkspace {
  std::vector<T> q, y, cols, tau, work;
  int n = -1;
  lapack::lint lwork = 0;
};

template <class T>
RefreshWorkspace<T>& refresh_workspace() {
  thread_local RefreshWorkspace<T> ws;
  return ws;
}

// One matrix. Returns 0, or a negative LAPACK argument error.
template <class T>
int refresh_one(const T* a, const T* q_in, int n, int steps, T* q_out, T* rayleigh, T* off_ratio) {
  RefreshWorkspace<T>& ws = refresh_workspace<T>();
  const size_t nn = static_cast<size_t>(n) * n;
  ws.q.resize(nn);
  ws.y.resize(nn);
  ws.cols.resize(nn);
  ws.tau.resize(n);
  lapack::lint info = 0;
  if (ws.n != n) {
    T query_geqrf = 0, query_orgqr = 0;
    lapack::geqrf(n, n, ws.cols.data(), n, ws.tau.data(), &query_geqrf, -1, &info);
    if (info < 0) return static_cast<int>(info);
    lapack::orgqr(n, n, n, ws.cols.data(), n, ws.tau.data(), &query_orgqr, -1, &info);
    if (info < 0) return static_cast<int>(info);
    ws.lwork = std::max<lapack::lint>(1, static_cast<lapack::lint>(std::max(query_geqrf, query_orgqr)));
    ws.work.resize(ws.lwork);
    ws.n = n;
  }
  std::memcpy(ws.q.data(), q_in, sizeof(T) * nn);
  T* q = ws.q.data();
  T* y = ws.y.data();
  T* cols = ws.cols.data();
  for (int step = 0; step < steps; ++step) {
    lapack::symm_left_lower(n, n, a, n, q, n, y, n);  // Y = A Q
    for (int r = 0; r < n; ++r)                          // to column-major for LAPACK
      for (int c = 0; c < n; ++c) cols[static_cast<size_t>(c) * n + r] = y[static_cast<size_t>(r) * n + c];
    lapack::geqrf(n, n, cols, n, ws.tau.data(), ws.work.data(), ws.lwork, &info);
    if (info < 0) return static_cast<int>(info);
    // diag(R) >= 0 makes the factorisation unique, so every backend returns the same Q.
    thread_local std::vector<T> sign;
    sign.resize(n);
    for (int j = 0; j < n; ++j) sign[j] = cols[static_cast<size_t>(j) * n + j] < T(0) ? T(-1) : T(1);
    lapack::orgqr(n, n, n, cols, n, ws.tau.data(), ws.work.data(), ws.lwork, &info);
    if (info < 0) return static_cast<int>(info);
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) q[static_cast<size_t>(r) * n + c] = cols[static_cast<size_t>(c) * n + r] * sign[c];
  }
  // B = Q^T (A Q), reusing y for A Q and cols for B.
  lapack::symm_left_lower(n, n, a, n, q, n, y, n);
  lapack::gemm(true, false, n, n, n, T(1), q, n, y, n, T(0), cols, n);
  double max_abs = 0.0;
  for (size_t i = 0; i < nn; ++i) max_abs = std::max(max_abs, std::fabs(static_cast<double>(cols[i])));
  double total = 0.0, diagonal = 0.0;
  if (max_abs > 0.0) {
    const double inv = 1.0 / max_abs;  // sums of squares of entries <= 1 cannot overflow
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        const double x = static_cast<double>(cols[static_cast<size_t>(i) * n + j]) * inv;
        total += x * x;
        if (i == j) diagonal += x * x;
      }
    }
  }
  for (int j = 0; j < n; ++j) rayleigh[j] = cols[static_cast<size_t>(j) * n + j];
  *off_ratio = total > 0.0 ? static_cast<T>(std::sqrt(std::max(0.0, total - diagonal) / total)) : T(0);
  std::memcpy(q_out, q, sizeof(T) * nn);
  return 0;
}

template <class T>
int32_t refresh(const T* a, const T* q, int64_t batch, int32_t n, int32_t steps, T* q_out, T* rayleigh,
                T* off_ratio) {
  if (batch < 0 || n < 0 || steps < 0) return EB_ERR_ARGUMENT;
  if (batch == 0) return EB_OK;
  if (a == nullptr || q == nullptr || q_out == nullptr || rayleigh == nullptr || off_ratio == nullptr)
    return EB_ERR_ARGUMENT;
  if (n == 0) {
    std::fill(off_ratio, off_ratio + batch, T(0));
    return EB_OK;
  }
  const size_t nn = static_cast<size_t>(n) * n;
  std::atomic<int> lapack_error{0};
  std::atomic<bool> out_of_memory{false};
  BatchPool& pool = BatchPool::instance();
  BlasSingle single;  // OpenBLAS at one thread throughout: the same bits whatever runs beside us
  pool.run(batch, pool.threads(), [&](int, int64_t b) {
    try {
      int status = refresh_one(a + b * nn, q + b * nn, n, steps, q_out + b * nn, rayleigh + b * n, off_ratio + b);
      if (status != 0) lapack_error = status;
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    }
  });
  if (out_of_memory) return EB_ERR_ALLOCATION;
  return lapack_error != 0 ? EB_ERR_LAPACK : EB_OK;
}

}  // namespace
}  // namespace eigenbasis

extern "C" {

int32_t eb_cpu_refresh_f64(const double* a, const double* q, int64_t batch, int32_t n, int32_t steps,
                           double* q_out, double* rayleigh, double* off_ratio) {
  try {
    return eigenbasis::refresh(a, q, batch, n, steps, q_out, rayleigh, off_ratio);
  } catch (...) {
    return EB_ERR_INTERNAL;
  }
}

int32_t eb_cpu_refresh_f32(const float* a, const float* q, int64_t batch, int32_t n, int32_t steps, float* q_out,
                           float* rayleigh, float* off_ratio) {
  try {
    return eigenbasis::refresh(a, q, batch, n, steps, q_out, rayleigh, off_ratio);
  } catch (...) {
    return EB_ERR_INTERNAL;
  }
}

}  // extern "C"
