// Partial symmetric eigendecomposition on the CPU (issue 16, "partial spectra"): LAPACK ?syevr with RANGE = 'I'
// (ascending positions) or 'V' (an interval of eigenvalues), one matrix per batch worker as eigh.cpp runs its
// LAPACK paths, with the output layout and sign rule of eb_api.h. Kept apart from eigh.cpp, whose full-spectrum
// dispatch changes with the two-stage solver.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "../common/eb_numeric.hpp"
#include "batch_pool.hpp"
#include "lapack.hpp"

namespace eigenbasis {
namespace {

template <class T>
struct RangeWorkspace {
  std::vector<T> a, w, z, work;
  std::vector<lapack::lint> iwork, isuppz;
  int n = -1, z_cols = -1;
  char range = 0;
  bool vectors = false;
  lapack::lint lwork = 0, liwork = 0;

  size_t bytes() const {
    return sizeof(T) * (a.capacity() + w.capacity() + z.capacity() + work.capacity()) +
           sizeof(lapack::lint) * (iwork.capacity() + isuppz.capacity());
  }
};

template <class T>
RangeWorkspace<T>& range_workspace() {
  thread_local RangeWorkspace<T> ws;
  return ws;
}


// The bounds of (vl, vu] as T. For f32 both round down: an f32 eigenvalue x satisfies x > vl exactly when
// x > (largest float <= vl), and x <= vu exactly when x <= (largest float <= vu), so the selection is the one the
// caller asked for in double. Clamped to the finite range, which LAPACK's bisection needs.
template <class T>
T bound_below(double x) {
  if constexpr (sizeof(T) == 8) {
    return x;
  } else {
    const float big = std::numeric_limits<float>::max();
    if (x >= static_cast<double>(big)) return big;
    if (x <= -static_cast<double>(big)) return -big;  // converting a double outside float's range is undefined
    float f = static_cast<float>(x);
    if (static_cast<double>(f) > x) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    return f;
  }
}

struct RangeRequest {
  char range;     // 'I' or 'V'
  int lo, hi;     // positions [lo, hi) for 'I'
  double vl, vu;  // (vl, vu] for 'V'
  int m;          // output columns
};

// One matrix: ?syevr into the worker's workspace, then at most m eigenpairs out (the smallest), NaN past them.
// Returns info (0, or the failed eigenvector count capped at n) and the number found in *found.
template <class T>
int range_one(const T* a, int n, const RangeRequest& r, T* w, T* v, int32_t* found, int* lapack_error) {
  RangeWorkspace<T>& ws = range_workspace<T>();
  const size_t nn = static_cast<size_t>(n) * n;
  const bool vectors = v != nullptr;
  const char jobz = vectors ? 'V' : 'N';
  // 'V' may find up to n eigenvalues, which LAPACK writes before we can cap them: Z needs n columns then.
  const int z_cols = r.range == 'I' ? r.hi - r.lo : n;
  const T vl = bound_below<T>(r.vl), vu = bound_below<T>(r.vu);
  const lapack::lint il = r.lo + 1, iu = r.hi;  // LAPACK counts from 1, inclusive
  lapack::lint info = 0, m_found = 0;
  ws.a.resize(nn);
  ws.w.resize(n);
  ws.z.resize(vectors ? static_cast<size_t>(n) * z_cols : 1);
  ws.isuppz.resize(2 * static_cast<size_t>(n));
  if (ws.n != n || ws.range != r.range || ws.vectors != vectors || ws.z_cols != z_cols) {
    T query_work = 0;
    lapack::lint query_iwork = 0;
    lapack::syevr(jobz, r.range, 'U', n, ws.a.data(), n, vl, vu, il, iu, &m_found, ws.w.data(), ws.z.data(), n,
                  ws.isuppz.data(), &query_work, -1, &query_iwork, -1, &info);
    if (info < 0) {
      *lapack_error = static_cast<int>(info);
      return 0;
    }
    ws.lwork = std::max<lapack::lint>(1, static_cast<lapack::lint>(query_work));
    ws.liwork = std::max<lapack::lint>(1, query_iwork);
    ws.work.resize(ws.lwork);
    ws.iwork.resize(ws.liwork);
    ws.n = n;
    ws.range = r.range;
    ws.vectors = vectors;
    ws.z_cols = z_cols;
  }
  // Our row-major lower triangle is LAPACK's column-major upper triangle: a plain copy.
  std::memcpy(ws.a.data(), a, sizeof(T) * nn);
  lapack::syevr(jobz, r.range, 'U', n, ws.a.data(), n, vl, vu, il, iu, &m_found, ws.w.data(), ws.z.data(), n,
                ws.isuppz.data(), ws.work.data(), ws.lwork, ws.iwork.data(), ws.liwork, &info);
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const int m = r.m;
  std::fill(w, w + m, nan);
  if (vectors) std::fill(v, v + static_cast<size_t>(n) * m, nan);
  *found = 0;
  if (info < 0) {
    *lapack_error = static_cast<int>(info);
    return 0;
  }
  if (info > 0) return static_cast<int>(std::min<lapack::lint>(info, n));
  *found = static_cast<int32_t>(m_found);
  const int kept = static_cast<int>(std::min<lapack::lint>(m_found, m));
  std::memcpy(w, ws.w.data(), sizeof(T) * kept);
  if (vectors) {
    // Column c of Z is contiguous: decide its canonical sign there (eb_api.h's rule), then write it as column c.
    for (int c = 0; c < kept; ++c) {
      const T* col = ws.z.data() + static_cast<size_t>(c) * n;
      const T sign = contiguous_column_sign(col, n);
      for (int i = 0; i < n; ++i) v[static_cast<size_t>(i) * m + c] = sign * col[i];
    }
  }
  return 0;
}

template <class T>
int32_t range_batched(const T* a, int64_t batch, int32_t n, int32_t range, int32_t lo, int32_t hi, double vl,
                      double vu, int32_t m, T* w, T* v, int32_t* count, int32_t* info) {
  if (batch < 0 || n < 0 || m < 0) return EB_ERR_ARGUMENT;
  if (range == EB_RANGE_INDICES) {
    if (lo < 0 || hi <= lo || hi > n || m != hi - lo) return EB_ERR_ARGUMENT;
  } else if (range == EB_RANGE_INTERVAL) {
    if (!std::isfinite(vl) || !std::isfinite(vu) || !(vl < vu) || m != std::min(m, n) || (n > 0 && m < 1))
      return EB_ERR_ARGUMENT;
  } else {
    return EB_ERR_ARGUMENT;
  }
  if (!extent_fits({batch, n, n}, sizeof(T)) || !extent_fits({batch, n, m}, sizeof(T))) return EB_ERR_ARGUMENT;
  if (batch == 0) return EB_OK;
  if (info == nullptr || count == nullptr) return EB_ERR_ARGUMENT;
  if (n == 0) {  // an empty matrix holds no eigenvalue in any interval
    std::fill(info, info + batch, 0);
    std::fill(count, count + batch, 0);
    return EB_OK;
  }
  if (a == nullptr || w == nullptr) return EB_ERR_ARGUMENT;
  const RangeRequest request{range == EB_RANGE_INDICES ? 'I' : 'V', lo, hi, vl, vu, m};
  const size_t nn = static_cast<size_t>(n) * n;
  const size_t nm = static_cast<size_t>(n) * m;
  std::atomic<int> lapack_error{0};
  std::atomic<bool> out_of_memory{false};
  auto body = [&](int, int64_t b) {
    int bad_argument = 0;
    try {
      info[b] = range_one(a + b * nn, n, request, w + b * static_cast<int64_t>(m), v == nullptr ? nullptr : v + b * nm,
                          count + b, &bad_argument);
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
      info[b] = -1;
      count[b] = 0;
    }
    if (bad_argument != 0) lapack_error = bad_argument;
    if (range_workspace<T>().bytes() > kKeepWorkspaceBytes) range_workspace<T>() = RangeWorkspace<T>();
  };
  BatchPool& pool = BatchPool::instance();
  // As eigh.cpp: few large matrices one at a time with OpenBLAS threaded inside LAPACK, else one per worker.
  if (batch < pool.threads() && n >= 256) {
    OpenBlasThreadsGuard threaded(pool.threads());
    for (int64_t b = 0; b < batch; ++b) body(0, b);
  } else {
    BlasSingle single;
    pool.run(batch, pool.threads(), body);
  }
  if (out_of_memory) return EB_ERR_ALLOCATION;
  if (lapack_error != 0) return EB_ERR_LAPACK;
  for (int64_t b = 0; b < batch; ++b)
    if (info[b] != 0) return EB_ERR_NOT_CONVERGED;
  return EB_OK;
}

}  // namespace
}  // namespace eigenbasis

extern "C" {

int32_t eb_cpu_eigh_range_f64(const double* a, int64_t batch, int32_t n, int32_t range, int32_t lo, int32_t hi,
                              double vl, double vu, int32_t m, double* w, double* v, int32_t* count, int32_t* info) {
  return eigenbasis::c_boundary(
      [&] { return eigenbasis::range_batched(a, batch, n, range, lo, hi, vl, vu, m, w, v, count, info); });
}

int32_t eb_cpu_eigh_range_f32(const float* a, int64_t batch, int32_t n, int32_t range, int32_t lo, int32_t hi,
                              double vl, double vu, int32_t m, float* w, float* v, int32_t* count, int32_t* info) {
  return eigenbasis::c_boundary(
      [&] { return eigenbasis::range_batched(a, batch, n, range, lo, hi, vl, vu, m, w, v, count, info); });
}

}  // extern "C"
