// Batched symmetric eigendecomposition on the CPU: our own small-n kernels and LAPACK ?syevd / ?syevr, one
// matrix per batch worker, with the canonical output layout and sign rule of eb_api.h.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "../common/eb_numeric.hpp"
#include "batch_pool.hpp"
#include "eigh_two_stage.hpp"
#include "lapack.hpp"
#include "isa_dispatch.hpp"
#include "own_kernels.hpp"
#include "small_eigh.hpp"
#include "tile_transpose.hpp"

namespace eigenbasis {
namespace {

constexpr int kDefaultQlIterations = 30;  // per eigenvalue, as LAPACK's ?steqr allows
constexpr int kDefaultJacobiSweeps = 50;  // quadratic convergence: 6-10 sweeps in practice

// The algorithm EB_EIGH_AUTO picks, from eb_cbench runs with 2 batch workers on the 2-core Zen 5 CI machine,
// OPENBLAS_CORETYPE=Haswell (docs/design-notes.md, "CPU eigh: algorithm by size"): Jacobi is one rotation for
// n <= 2; our tridiagonal QL wins while the matrix and vectors stay in L2 (f64 crossover with ?syevd near
// n = 150; f32, where our kernel runs in float with 8-wide vectors, near n = 176). Above that, with vectors,
// one-stage reduction + divide and conquer + our blocked back-transformation (TRIDIAG_DC) beats ?syevd, whose
// ?ormtr is its slowest stage, from n = 256 (the reduction ours from 768 with AVX-512, else ?sytrd); eigenvalues
// only, with our AVX-512 kernels ?sytrd + our bisection from n = 256 and the two-stage reduction from n = 768 (it
// beats the one-stage reduction's memory-bound half), from 3072 (4096 in f32) with LAPACK's reduction and ?sterf
// on CPUs without AVX-512 (docs/design-notes.md section 17, "Large matrices"). With vectors the one-stage path
// wins at every n measured since its reduction runs on our kernels (seventh pass, slow phase, C driver, one-stage
// against two-stage: f64 6144 14.4 against 16.7 s, 8192 35.2 against 37.0 s; f32 6144 6.4 against 7.7 s, 8192
// 15.6 against 16.8 s): the two-stage reduction no longer saves what Q2's extra 2n^3 costs. ?syevr never won
// (10-60 % slower than ?syevd at every size measured).
constexpr int kTridiagDcFrom = 256;
// Values only with AVX-512, C driver (TRIDIAG_DC / TWO_STAGE, after the chase's level kernels and Newton in the
// bisection): f64 384 2.7 / 4.4 ms, 512 4.1 / 3.9, 768 11.2 / 9.5, 1024 25 / 18; f32 512 2.6 / 2.5, 768 6.7 / 5.9,
// 1024 14.5 / 11.7 ms.
constexpr int kTwoStageValuesFrom = 768;

int auto_algorithm(int n, int scalar_bytes, bool vectors) {
  if (n <= 2) return EB_EIGH_JACOBI;
  const int ql_limit = scalar_bytes == 4 ? 176 : 150;
  if (n <= ql_limit) return EB_EIGH_TRIDIAG_QL;
  if (vectors) {
    if (n < kTridiagDcFrom) return EB_EIGH_SYEVD;
    return EB_EIGH_TRIDIAG_DC;
  }
  // Values only. With our AVX-512 kernels: the tridiagonal's eigenvalues by our bisection on both cores instead of
  // ?sterf on one (eigh_two_stage.cpp, from n = 256), after ?sytrd (TRIDIAG_DC) or, from n = 768, after the
  // two-stage reduction. Without them ?syevd, and the two-stage reduction (LAPACK's) where f32's one-stage
  // reduction, moving half the bytes, no longer keeps up.
  if (use_avx512()) {
    if (n >= kTwoStageValuesFrom) return EB_EIGH_TWO_STAGE;
    return n >= kTridiagDcFrom ? EB_EIGH_TRIDIAG_DC : EB_EIGH_SYEVD;
  }
  return n >= (scalar_bytes == 4 ? 4096 : 3072) ? EB_EIGH_TWO_STAGE : EB_EIGH_SYEVD;
}

// Per-worker scratch, grown on demand and kept for the next matrix of the batch.
template <class T>
struct Workspace {
  std::vector<T> a, d, e, z;  // our kernels work in T itself (see small_eigh.hpp)
  std::vector<int> perm;
  std::vector<T> lap_a, lap_w, lap_z, lap_work;
  std::vector<lapack::lint> lap_iwork, lap_isuppz;
  int lap_n = -1, lap_algorithm = -1;
  bool lap_vectors = false;
  lapack::lint lwork = 0, liwork = 0;

  size_t bytes() const {
    return sizeof(T) * (a.capacity() + d.capacity() + e.capacity() + z.capacity() + lap_a.capacity() + lap_w.capacity() + lap_z.capacity() + lap_work.capacity()) +
           sizeof(lapack::lint) * (lap_iwork.capacity() + lap_isuppz.capacity());
  }
};

template <class T>
Workspace<T>& workspace() {
  thread_local Workspace<T> ws;
  return ws;
}


template <class T>
void release_if_large() {
  Workspace<T>& ws = workspace<T>();
  if (ws.bytes() > kKeepWorkspaceBytes) ws = Workspace<T>();
}

template <class T>
void fill_failed(int n, T* w, T* v) {
  const T nan = std::numeric_limits<T>::quiet_NaN();
  std::fill(w, w + n, nan);
  if (v != nullptr) std::fill(v, v + static_cast<size_t>(n) * n, nan);
}

// Own kernels: scale exactly, solve in T, sort ascending, write the transposed vectors, fix signs.
template <class T>
int eigh_own(const T* a, int n, T* w, T* v, int algorithm, int max_sweeps, bool wide) {
  if (n <= 0) return 0;
  Workspace<T>& ws = workspace<T>();
  const size_t nn = static_cast<size_t>(n) * n;
  ws.a.resize(nn);
  ws.d.resize(2 * static_cast<size_t>(n));  // eigenvalues, then scratch for the reduction
  ws.e.resize(n);
  ws.perm.resize(n);
  const bool vectors = v != nullptr;
  if (vectors) ws.z.resize(nn);

  double max_abs = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) max_abs = std::max(max_abs, std::fabs(static_cast<double>(a[static_cast<size_t>(i) * n + j])));
  if (max_abs == 0.0) {  // the zero matrix: eigenvalues 0, eigenvectors the identity
    std::fill(w, w + n, T(0));
    if (vectors) {
      std::fill(v, v + nn, T(0));
      for (int i = 0; i < n; ++i) v[static_cast<size_t>(i) * n + i] = T(1);
    }
    return 0;
  }
  const T scale = static_cast<T>(exact_unit_scale(max_abs));  // a power of two: scaling is exact
  T* s = ws.a.data();
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j) {
      const T x = a[static_cast<size_t>(i) * n + j] * scale;
      s[static_cast<size_t>(i) * n + j] = x;
      s[static_cast<size_t>(j) * n + i] = x;
    }
  }
  int status;
  if (algorithm == EB_EIGH_JACOBI) {
    status = cyclic_jacobi(s, n, ws.d.data(), vectors ? ws.z.data() : nullptr, vectors,
                           max_sweeps > 0 ? max_sweeps : kDefaultJacobiSweeps);
  } else if constexpr (sizeof(T) == 8) {
    const int limit = max_sweeps > 0 ? max_sweeps : kDefaultQlIterations;
    T* z = vectors ? ws.z.data() : nullptr;
    status = n >= kAvx512From && wide
                 ? tridiagonal_ql_avx512(s, n, ws.d.data(), ws.e.data(), z, vectors, limit)
                 : tridiagonal_ql(s, n, ws.d.data(), ws.e.data(), z, vectors, limit);
  } else {
    status = tridiagonal_ql(s, n, ws.d.data(), ws.e.data(), vectors ? ws.z.data() : nullptr, vectors,
                            max_sweeps > 0 ? max_sweeps : kDefaultQlIterations);
  }
  if (status != 0) {
    fill_failed(n, w, v);
    return status;
  }
  const T* d = ws.d.data();
  int* perm = ws.perm.data();
  // Insertion sort of the indices: n is small here, and unlike std::stable_sort it never allocates.
  for (int i = 0; i < n; ++i) {
    int j = i;
    while (j > 0 && d[perm[j - 1]] > d[i]) {
      perm[j] = perm[j - 1];
      --j;
    }
    perm[j] = i;
  }
  const T unscale = T(1) / scale;  // a power of two: exact
  for (int j = 0; j < n; ++j) w[j] = d[perm[j]] * unscale;
  if (vectors) {
    // Eigenvector perm[j] is row perm[j] of z: decide its canonical sign on the values as rounded to T (the
    // rule of sign.hpp, here on a contiguous row), then write it into column j.
    const T* z = ws.z.data();
    for (int j = 0; j < n; ++j) {
      const T* zrow = z + static_cast<size_t>(perm[j]) * n;
      T column_max = T(0);
      for (int i = 0; i < n; ++i) column_max = std::max(column_max, std::fabs(static_cast<T>(zrow[i])));
      const T threshold = canonical_sign_threshold(column_max);
      T sign = T(1);
      for (int i = 0; i < n; ++i) {
        const T x = static_cast<T>(zrow[i]);
        if (std::fabs(x) >= threshold) {
          sign = x < T(0) ? T(-1) : T(1);
          break;
        }
      }
      for (int i = 0; i < n; ++i) v[static_cast<size_t>(i) * n + j] = sign * static_cast<T>(zrow[i]);
    }
  }
  return 0;
}

// LAPACK: our row-major lower triangle is LAPACK's column-major upper triangle, so the copy is a memcpy.
template <class T>
int eigh_lapack(const T* a, int n, T* w, T* v, int algorithm, int* lapack_error) {
  Workspace<T>& ws = workspace<T>();
  const size_t nn = static_cast<size_t>(n) * n;
  const bool vectors = v != nullptr;
  const char jobz = vectors ? 'V' : 'N';
  lapack::lint info = 0;
  ws.lap_a.resize(std::max<size_t>(nn, 1));
  ws.lap_w.resize(std::max(n, 1));
  if (algorithm == EB_EIGH_SYEVR) {
    ws.lap_z.resize(std::max<size_t>(nn, 1));
    ws.lap_isuppz.resize(2 * static_cast<size_t>(std::max(n, 1)));
  }
  if (ws.lap_n != n || ws.lap_algorithm != algorithm || ws.lap_vectors != vectors) {
    T query_work = 0;
    lapack::lint query_iwork = 0, m = 0;
    if (algorithm == EB_EIGH_SYEVR) {
      lapack::syevr(jobz, 'U', n, ws.lap_a.data(), std::max(n, 1), &m, ws.lap_w.data(), ws.lap_z.data(),
                    std::max(n, 1), ws.lap_isuppz.data(), &query_work, -1, &query_iwork, -1, &info);
    } else {
      lapack::syevd(jobz, 'U', n, ws.lap_a.data(), std::max(n, 1), ws.lap_w.data(), &query_work, -1, &query_iwork,
                    -1, &info);
    }
    if (info < 0) {
      *lapack_error = static_cast<int>(info);
      return 0;
    }
    ws.lwork = std::max<lapack::lint>(1, static_cast<lapack::lint>(query_work));
    ws.liwork = std::max<lapack::lint>(1, query_iwork);
    ws.lap_work.resize(ws.lwork);
    ws.lap_iwork.resize(ws.liwork);
    ws.lap_n = n;
    ws.lap_algorithm = algorithm;
    ws.lap_vectors = vectors;
  }
  std::memcpy(ws.lap_a.data(), a, sizeof(T) * nn);
  const T* columns = ws.lap_a.data();
  if (algorithm == EB_EIGH_SYEVR) {
    lapack::lint m = 0;
    lapack::syevr(jobz, 'U', n, ws.lap_a.data(), n, &m, ws.lap_w.data(), ws.lap_z.data(), n, ws.lap_isuppz.data(),
                  ws.lap_work.data(), ws.lwork, ws.lap_iwork.data(), ws.liwork, &info);
    columns = ws.lap_z.data();
  } else {
    lapack::syevd(jobz, 'U', n, ws.lap_a.data(), n, ws.lap_w.data(), ws.lap_work.data(), ws.lwork,
                  ws.lap_iwork.data(), ws.liwork, &info);
  }
  if (info < 0) {
    *lapack_error = static_cast<int>(info);
    return 0;
  }
  if (info > 0) {
    fill_failed(n, w, v);
    return static_cast<int>(std::min<lapack::lint>(info, n));
  }
  std::memcpy(w, ws.lap_w.data(), sizeof(T) * n);
  if (vectors) {
    // LAPACK's eigenvector c is contiguous (column-major): decide its canonical sign there, then write the
    // transpose in 8 x 8 blocks (tile_transpose.hpp) with the sign applied, in one pass over the output.
    thread_local std::vector<T> sign;
    sign.resize(n);
    for (int c = 0; c < n; ++c) sign[c] = contiguous_column_sign(columns + static_cast<size_t>(c) * n, n);
    for (int r0 = 0; r0 < n; r0 += kTransposeBlock)
      for (int c0 = 0; c0 < n; c0 += kTransposeBlock)
        transpose_block(std::min(kTransposeBlock, n - c0), std::min(kTransposeBlock, n - r0),
                        columns + static_cast<size_t>(c0) * n + r0, n, v + static_cast<size_t>(r0) * n + c0, n,
                        [&](int c) { return sign[c0 + c]; }, static_cast<T*>(nullptr));
  }
  return 0;
}

// wide: the AVX-512 build of our QL where it pays (use_avx512(), read once per call).
template <class T>
int eigh_one(const T* a, int n, T* w, T* v, int algorithm, int max_sweeps, bool wide, int blas_threads,
             int* lapack_error) {
  if (n == 0) return 0;
  if (algorithm == EB_EIGH_TWO_STAGE) return eigh_two_stage(a, n, w, v, 0, blas_threads, lapack_error);
  if (algorithm == EB_EIGH_TRIDIAG_DC) return eigh_two_stage(a, n, w, v, 1, blas_threads, lapack_error);
  if (algorithm == EB_EIGH_SYEVD || algorithm == EB_EIGH_SYEVR) return eigh_lapack(a, n, w, v, algorithm, lapack_error);
  return eigh_own(a, n, w, v, algorithm, max_sweeps, wide);
}

template <class T>
int32_t eigh_batched(const T* a, int64_t batch, int32_t n, T* w, T* v, int32_t* info, int32_t algorithm,
                     int32_t max_sweeps) {
  if (batch < 0 || n < 0 || algorithm < EB_EIGH_AUTO || algorithm > EB_EIGH_TRIDIAG_DC ||
      algorithm == EB_EIGH_CUSOLVER || max_sweeps < 0)
    return EB_ERR_ARGUMENT;
  if (!extent_fits({batch, n, n}, sizeof(T))) return EB_ERR_ARGUMENT;
  if (batch == 0) return EB_OK;
  if (info == nullptr) return EB_ERR_ARGUMENT;
  if (n == 0) {  // nothing to read or write but the per-matrix status
    std::fill(info, info + batch, 0);
    return EB_OK;
  }
  if (a == nullptr || w == nullptr) return EB_ERR_ARGUMENT;
  const int chosen = algorithm == EB_EIGH_AUTO ? auto_algorithm(n, sizeof(T), v != nullptr) : algorithm;
  const size_t nn = static_cast<size_t>(n) * n;
  const bool wide = use_avx512();
  std::atomic<int> lapack_error{0};
  std::atomic<bool> out_of_memory{false};
  BatchPool& pool = BatchPool::instance();
  // Few large matrices: one at a time with OpenBLAS threaded inside LAPACK. Otherwise one matrix per worker.
  const bool few_large = batch < pool.threads() && chosen >= EB_EIGH_SYEVD && n >= 256;
  const int blas_threads = few_large ? pool.threads() : 1;
  auto body = [&](int, int64_t b) {
    int bad_argument = 0;
    try {
      info[b] = eigh_one(a + b * nn, n, w + b * static_cast<int64_t>(n), v == nullptr ? nullptr : v + b * nn, chosen,
                         max_sweeps, wide, blas_threads, &bad_argument);
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
      info[b] = -1;
    }
    if (bad_argument != 0) lapack_error = bad_argument;
    release_if_large<T>();
    release_two_stage_if_large();
  };
  if (few_large) {
    OpenBlasThreadsGuard threaded(pool.threads());
    for (int64_t b = 0; b < batch; ++b) body(0, b);
  } else if (chosen >= EB_EIGH_SYEVD) {
    BlasSingle single;
    pool.run(batch, pool.threads(), body);
  } else {
    pool.run(batch, pool.threads(), body);  // our kernels: no BLAS, no lock
  }
  if (out_of_memory) return EB_ERR_ALLOCATION;
  if (lapack_error != 0) return EB_ERR_LAPACK;
  for (int64_t b = 0; b < batch; ++b)
    if (info[b] != 0) return EB_ERR_NOT_CONVERGED;
  return EB_OK;
}

}  // namespace
}  // namespace eigenbasis

namespace eigenbasis {
namespace {
thread_local double last_call_seconds = 0.0;

/** Runs an eigh entry point, recording its wall time for eb_cpu_last_call_seconds. */
template <class Fn>
int32_t timed(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  int32_t status;
  try {
    status = fn();
  } catch (const std::bad_alloc&) {
    status = EB_ERR_ALLOCATION;
  } catch (...) {
    status = EB_ERR_INTERNAL;
  }
  last_call_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return status;
}
}  // namespace
}  // namespace eigenbasis

extern "C" {

double eb_cpu_last_call_seconds(void) { return eigenbasis::last_call_seconds; }

int32_t eb_cpu_eigh_stages(double* out, int32_t capacity) {
  if (capacity < 0 || (capacity > 0 && out == nullptr)) return EB_ERR_ARGUMENT;
  const int count = std::min<int>(capacity, eigenbasis::kStageCount);
  for (int i = 0; i < count; ++i) out[i] = eigenbasis::last_stages[i];
  return eigenbasis::kStageCount;
}

int32_t eb_cpu_eigh_choice(int32_t n, int32_t scalar_bytes, int32_t want_vectors) {
  return eigenbasis::auto_algorithm(n, scalar_bytes, want_vectors != 0);
}

int32_t eb_cpu_eigh_f64(const double* a, int64_t batch, int32_t n, double* w, double* v, int32_t* info,
                        int32_t algorithm, int32_t max_sweeps) {
  return eigenbasis::timed([&] { return eigenbasis::eigh_batched(a, batch, n, w, v, info, algorithm, max_sweeps); });
}

int32_t eb_cpu_eigh_f32(const float* a, int64_t batch, int32_t n, float* w, float* v, int32_t* info,
                        int32_t algorithm, int32_t max_sweeps) {
  return eigenbasis::timed([&] { return eigenbasis::eigh_batched(a, batch, n, w, v, info, algorithm, max_sweeps); });
}

}  // extern "C"
