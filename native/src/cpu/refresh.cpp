// Warm-started eigenbasis refresh: Q <- qr(A Q) repeated, then the diagonal and the relative off-diagonal mass
// of B = Q^T A Q. Used by SOAP and Shampoo to track a slowly moving eigenbasis without a full eigh.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "batch_pool.hpp"
#include "lapack.hpp"

namespace eigenbasis {
namespace {

// From this n, a batch of fewer matrices than workers runs with OpenBLAS threaded (measured by eb_lapack_bench).
constexpr int kThreadedFrom = 256;

template <class T>
struct RefreshWorkspace {
  std::vector<T> q, y, b, tau, work, sign;
  int n = -1;
  lapack::lint lwork = 0;
};

template <class T>
RefreshWorkspace<T>& refresh_workspace() {
  thread_local RefreshWorkspace<T> ws;
  return ws;
}

// dst = src^T for n x n matrices, in cache-sized tiles.
template <class T>
void transpose(const T* src, int n, T* dst) {
  constexpr int kTile = 32;
  for (int r0 = 0; r0 < n; r0 += kTile)
    for (int c0 = 0; c0 < n; c0 += kTile)
      for (int r = r0; r < std::min(n, r0 + kTile); ++r)
        for (int c = c0; c < std::min(n, c0 + kTile); ++c) dst[static_cast<size_t>(c) * n + r] = src[static_cast<size_t>(r) * n + c];
}

// One matrix. Returns 0, or a negative LAPACK argument error.
//
// Q is kept in LAPACK's column-major layout from the first step to the last, so the loop makes no copies: Y = A Q
// is formed column-major directly (its row-major view is Q^T A, a ?symm from the right with our lower triangle),
// ?geqrf and ?orgqr work on it in place, and the sign fix scales contiguous columns. The row-major input and
// output are transposed once each.
template <class T>
int refresh_one(const T* a, const T* q_in, int n, int steps, T* q_out, T* rayleigh, T* off_ratio) {
  RefreshWorkspace<T>& ws = refresh_workspace<T>();
  const size_t nn = static_cast<size_t>(n) * n;
  ws.q.resize(nn);
  ws.y.resize(nn);
  ws.b.resize(nn);
  ws.tau.resize(n);
  ws.sign.resize(n);
  lapack::lint info = 0;
  if (ws.n != n) {
    T query_geqrf = 0, query_orgqr = 0;
    lapack::geqrf(n, n, ws.y.data(), n, ws.tau.data(), &query_geqrf, -1, &info);
    if (info < 0) return static_cast<int>(info);
    lapack::orgqr(n, n, n, ws.y.data(), n, ws.tau.data(), &query_orgqr, -1, &info);
    if (info < 0) return static_cast<int>(info);
    ws.lwork = std::max<lapack::lint>(1, static_cast<lapack::lint>(std::max(query_geqrf, query_orgqr)));
    ws.work.resize(ws.lwork);
    ws.n = n;
  }
  transpose(q_in, n, ws.q.data());  // column-major Q
  for (int step = 0; step < steps; ++step) {
    T* q = ws.q.data();
    T* y = ws.y.data();
    lapack::symm_right_lower(n, n, a, n, q, n, y, n);  // column-major Y = A Q (row-major view: Q^T A)
    lapack::geqrf(n, n, y, n, ws.tau.data(), ws.work.data(), ws.lwork, &info);
    if (info < 0) return static_cast<int>(info);
    // diag(R) >= 0 makes the factorisation unique, so every backend returns the same Q.
    for (int j = 0; j < n; ++j) ws.sign[j] = y[static_cast<size_t>(j) * n + j] < T(0) ? T(-1) : T(1);
    lapack::orgqr(n, n, n, y, n, ws.tau.data(), ws.work.data(), ws.lwork, &info);
    if (info < 0) return static_cast<int>(info);
    for (int j = 0; j < n; ++j) {
      if (ws.sign[j] > T(0)) continue;
      T* column = y + static_cast<size_t>(j) * n;
      for (int r = 0; r < n; ++r) column[r] = -column[r];
    }
    ws.q.swap(ws.y);
  }
  // B = Q^T (A Q): with the row-major views qv = Q^T and yv = (A Q)^T, B = qv yv^T. Only diag(B) and ||B||_F are
  // used, so B's own layout does not matter.
  const T* q = ws.q.data();
  T* y = ws.y.data();
  T* bm = ws.b.data();
  lapack::symm_right_lower(n, n, a, n, q, n, y, n);
  lapack::gemm(false, true, n, n, n, T(1), q, n, y, n, T(0), bm, n);
  double max_abs = 0.0;
  for (size_t i = 0; i < nn; ++i) max_abs = std::max(max_abs, std::fabs(static_cast<double>(bm[i])));
  double total = 0.0, diagonal = 0.0;
  if (max_abs > 0.0) {
    const double inv = 1.0 / max_abs;  // sums of squares of entries <= 1 cannot overflow
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        const double x = static_cast<double>(bm[static_cast<size_t>(i) * n + j]) * inv;
        total += x * x;
        if (i == j) diagonal += x * x;
      }
    }
  }
  for (int j = 0; j < n; ++j) rayleigh[j] = bm[static_cast<size_t>(j) * n + j];
  *off_ratio = total > 0.0 ? static_cast<T>(std::sqrt(std::max(0.0, total - diagonal) / total)) : T(0);
  transpose(ws.q.data(), n, q_out);  // q_out may alias q_in: q_in was read in full above
  return 0;
}

template <class T>
int32_t refresh(const T* a, const T* q, int64_t batch, int32_t n, int32_t steps, T* q_out, T* rayleigh,
                T* off_ratio) {
  if (steps < 0 || !extent_fits({batch, n, n}, sizeof(T))) return EB_ERR_ARGUMENT;
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
  auto body = [&](int, int64_t b) {
    try {
      int status = refresh_one(a + b * nn, q + b * nn, n, steps, q_out + b * nn, rayleigh + b * n, off_ratio + b);
      if (status != 0) lapack_error = status;
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    }
  };
  BatchPool& pool = BatchPool::instance();
  // Few large matrices: one at a time with OpenBLAS threaded inside ?symm/?geqrf/?orgqr (the rule of eigh.cpp;
  // docs/design-notes.md, "Refresh against direct LAPACK"). Otherwise one matrix per worker, OpenBLAS at one thread.
  if (batch < pool.threads() && n >= kThreadedFrom) {
    OpenBlasThreadsGuard threaded(pool.threads());
    for (int64_t b = 0; b < batch; ++b) body(0, b);
  } else {
    BlasSingle single;  // the same bits whatever runs beside us
    pool.run(batch, pool.threads(), body);
  }
  if (out_of_memory) return EB_ERR_ALLOCATION;
  return lapack_error != 0 ? EB_ERR_LAPACK : EB_OK;
}

}  // namespace
}  // namespace eigenbasis

extern "C" {

int32_t eb_cpu_refresh_f64(const double* a, const double* q, int64_t batch, int32_t n, int32_t steps,
                           double* q_out, double* rayleigh, double* off_ratio) {
  return eigenbasis::c_boundary([&] { return eigenbasis::refresh(a, q, batch, n, steps, q_out, rayleigh, off_ratio); });
}

int32_t eb_cpu_refresh_f32(const float* a, const float* q, int64_t batch, int32_t n, int32_t steps, float* q_out,
                           float* rayleigh, float* off_ratio) {
  return eigenbasis::c_boundary([&] { return eigenbasis::refresh(a, q, batch, n, steps, q_out, rayleigh, off_ratio); });
}

}  // extern "C"
