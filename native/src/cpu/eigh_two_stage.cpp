// EB_EIGH_TWO_STAGE: dense -> band (band_reduce.hpp with AVX-512, else ?sytrd_sy2sb) -> tridiagonal (our bulge
// chase, with its reflectors kept) -> values by our bisection (AVX-512) or ?sterf, or ?stedc with vectors -> Q2 and
// Q1 applied as blocked products. One-stage ?sytrd spends half its 4/3 n^3 flops in DSYMV, bound by memory
// bandwidth; here every O(n^3) step is BLAS-3. The same driver with kd = 1 is EB_EIGH_TRIDIAG_DC: one-stage
// reduction (tridiagonal_reduce.hpp from own_one_stage_from with AVX-512, else ?sytrd), divide and conquer, and
// our blocked back-transformation in place of ?syevd's ?ormtr (docs/design-notes.md section 17, "Large matrices",
// for the flop trade-off and the measurements behind kd, nb, the crossovers and where the products run).
#include "eigh_two_stage.hpp"

#include <algorithm>
#include <array>
#include <new>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "../common/eb_numeric.hpp"
#include "band_reduce.hpp"
#include "batch_pool.hpp"
#include "back_transform.hpp"
#include "bulge_chase.hpp"
#include "isa_dispatch.hpp"
#include "lapack.hpp"
#include "page_buffer.hpp"
#include "tile_transpose.hpp"
#include "tridiagonal_dc.hpp"
#include "tridiagonal_reduce.hpp"

namespace eigenbasis {
namespace {

// Q2's blocks hold nb sweeps' reflectors: (kd + nb - 1) x nb, applied with ?larfb.
constexpr int kChaseGroup = 16;
// Q1 is applied nb1 reflectors at a time: k = nb1 in its products.
constexpr int kQ1Block = 64;
// Rows and columns per tile of the transposes.
constexpr int kTile = 32;
// Values only: our bisection (values_by_bisection) from this n, ?sterf below.
constexpr int kBisectFrom = 256;

template <class T>
struct TwoStageWorkspace {
  PageBuffer<T> a, work;  // n^2 each: never zero-filled, 2 MB pages
  std::vector<T> ab, tau, band, d, e, t, apply_work;
  std::vector<lapack::lint> iwork;
  ChaseReflectors<T> q2;
  BandReduceWorkspace<T> stage1;
  TridiagonalReduceWorkspace<T> one_stage;
  size_t bytes() const {
    return sizeof(T) * (a.capacity() + ab.capacity() + tau.capacity() + work.capacity() + band.capacity() +
                        d.capacity() + e.capacity() + t.capacity() + apply_work.capacity() + q2.v.capacity() +
                        q2.tau.capacity()) +
           sizeof(lapack::lint) * iwork.capacity() + stage1.bytes() + one_stage.bytes();
  }
};

// Our AVX-512 product kernels (band_kernels.hpp); call only when use_avx512().
BandKernels<double> band_kernels(double*) { return band_kernels_avx512_f64(); }
BandKernels<float> band_kernels(float*) { return band_kernels_avx512_f32(); }

template <class T>
TwoStageWorkspace<T>& two_stage_workspace() {
  thread_local TwoStageWorkspace<T> ws;
  return ws;
}


template <class T>
void grow(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

template <class T>
void grow(PageBuffer<T>& v, size_t n) {
  v.grow(n);
}

// Tile rows of an n x n transpose per task: task i takes tile rows i, i + tasks, ... (a tile row's work shrinks
// down the matrix, so interleaving balances the tasks). Pure data movement: the bits never depend on the split.
int transpose_tasks(int n) { return std::min((n + kTile - 1) / kTile, 8); }

// In-place transpose of the n x n matrix v, tile by tile across the diagonal: tile rows task, task + tasks, ...
// (one pass of the three a two-stage call with vectors makes: 0.33 s serial at n = 8192, 0.18 s on two workers).
// Each element lands multiplied by sign(index it lands at) (transpose_tile_in_place), 1 for a plain transpose.
template <class T, class Sign>
void transpose_tile_rows(int n, T* v, int task, int tasks, Sign&& sign) {
  for (int r0 = task * kTile; r0 < n; r0 += tasks * kTile) {
    const int r1 = std::min(n, r0 + kTile);
    for (int c0 = r0; c0 < n; c0 += kTile) transpose_tile_in_place(n, v, r0, r1, c0, std::min(n, c0 + kTile), sign);
  }
}

// Z column-major in v: the sign rule of eb_api.h decided on its contiguous columns (sign, n scalars, filled for
// columns task, task + tasks, ... of the first pass), then the in-place transpose with the signs applied, so v is
// row-major with the eigenvectors in its columns (one pass instead of a transpose and a sign pass over the
// row-major result). Two passes, each split into `tasks` tasks run by run(tasks, body(task)).
// signs_ready: the products already filled sign, each slab's columns while they were in its cache.
template <class T, class Run>
void finish_columns(int n, T* v, T* sign, int tasks, bool signs_ready, Run&& run) {
  if (!signs_ready)
    run(tasks, [&](int64_t task) {
      for (int c = static_cast<int>(task); c < n; c += tasks) sign[c] = contiguous_column_sign(v + static_cast<size_t>(c) * n, n);
    });
  run(tasks, [&](int64_t task) {
    transpose_tile_rows(n, v, static_cast<int>(task), tasks, [sign](int i) { return sign[i]; });
  });
}

// The sign rule of eb_api.h on the columns of the row-major v, by row sweeps: each column's largest magnitude,
// then its first entry within sqrt(eps) of it decides the sign.
template <class T>
void canonical_signs(int n, T* v) {
  thread_local std::vector<T> threshold, sign;
  threshold.assign(n, T(0));
  sign.assign(n, T(0));
  for (int r = 0; r < n; ++r) {
    const T* row = v + static_cast<size_t>(r) * n;
    for (int c = 0; c < n; ++c) threshold[c] = std::max(threshold[c], std::fabs(row[c]));
  }
  for (int c = 0; c < n; ++c) threshold[c] = canonical_sign_threshold(threshold[c]);
  int open = n;
  for (int r = 0; r < n && open > 0; ++r) {
    const T* row = v + static_cast<size_t>(r) * n;
    for (int c = 0; c < n; ++c) {
      if (sign[c] == T(0) && std::fabs(row[c]) >= threshold[c]) {
        sign[c] = row[c] < T(0) ? T(-1) : T(1);
        --open;
      }
    }
  }
  for (int r = 0; r < n; ++r) {
    T* row = v + static_cast<size_t>(r) * n;
    for (int c = 0; c < n; ++c) row[c] *= sign[c] == T(0) ? T(1) : sign[c];
  }
}

template <class T>
void fill_nan(int n, T* w, T* v) {
  const T nan = std::numeric_limits<T>::quiet_NaN();
  std::fill(w, w + n, nan);
  if (v != nullptr) std::fill(v, v + static_cast<size_t>(n) * n, nan);
}

// 1 when max_abs lies in LAPACK's safe range [sqrt(smlnum), sqrt(bignum)] (smlnum = safmin / eps, as ?syevd
// tests it), else the power of two that brings it into [0.5, 1).
template <class T>
T unit_scale_if_extreme(T max_abs) {
  const T smlnum = std::numeric_limits<T>::min() / std::numeric_limits<T>::epsilon();
  const T rmin = std::sqrt(smlnum), rmax = std::sqrt(T(1) / smlnum);
  if (max_abs >= rmin && max_abs <= rmax) return T(1);
  return static_cast<T>(exact_unit_scale(static_cast<double>(max_abs)));
}

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

thread_local std::array<double, kStageCount> last_stages{};
// Measured, C driver, chase on one worker against two: f64 values, kd = 32: n = 384 1.9 -> 1.4 ms, 1024 14.5 ->
// 8.9 ms, 2048 57 -> 33 ms, 4096 0.24 -> 0.15 s; with vectors, n = 768 8.0 -> 5.2 ms.
std::atomic<int> parallel_chase_from{256};
std::atomic<int> chase_round_trip_limit_ns{300};
std::atomic<bool> chase_split_sweeps{false};
std::atomic<int> split_dc_from{256};
std::atomic<int> own_one_stage_from{768};

int two_stage_default_bandwidth(int n, int scalar_bytes, bool vectors) {
  (void)scalar_bytes;
  // Measured (docs/design-notes.md section 17): a wider band lengthens the chase (6 kd n^2 flops at level-2 speed)
  // and, with our stage-1 kernels, barely speeds stage 1. Values only, C driver, kd 32 against 64: f64 2048 0.18
  // against 0.21 s (chase 33 against 56 ms), 1024 31 against 44 ms for reduction and chase, 4096 1.01-1.09 against
  // 1.08-1.11 s, f32 4096 a tie; at 8192 64 (f64 7.52 s against 7.88 at 32, f32 4.28 against 4.57). With vectors
  // a wider band also cheapens Q2's blocks (one thread, n = 2048: Q2 0.68 s at kd = 32, 0.51 at 64), so 64 from
  // n = 1024 there; and so it is without AVX-512, where LAPACK's ?sytrd_sy2sb reduces and gains from wider panels.
  const bool narrow = !vectors && n <= 4096 && use_avx512();
  const int kd = n < 1024 || narrow ? 32 : 64;
  return std::max(1, std::min(kd, n - 1));
}

// OpenBLAS on one thread while our workers run, and its server threads parked: a threaded call just before (this
// caller's or the last matrix's) leaves them spinning on the cores our workers are about to use. Returns the count
// to restore afterwards, or 0 where threads <= 1 and nothing changed.
static int openblas_single_for_workers(int threads) {
  if (threads <= 1) return 0;
  const int before = openblas_get_num_threads();
  openblas_set_num_threads(1);
  OpenBlasThreadsGuard::park_openblas_threads();
  return before;
}

// body(i) for i < count: on the pool with up to `threads` workers, or in order on this thread when threads <= 1.
template <class Body>
void run_tasks(int threads, int count, Body&& body) {
  if (threads <= 1 || count == 1) {
    for (int i = 0; i < count; ++i) body(i);
  } else {
    BatchPool::instance().run(count, std::min(threads, count), [&](int, int64_t i) { body(i); });
  }
}

// Eigenvalues of the tridiagonal (d, e) into d, ascending, by our vectorised bisection (tridiagonal_bisect.hpp) on
// two fixed halves of the index range; false (d untouched) where it does not apply and ?sterf must run: no AVX-512,
// small n, non-finite entries, or squares out of range. The bracket is Gershgorin's, widened as ?stebz widens it.
template <class T, class Run>
bool values_by_bisection(int n, T* d, const T* e, Run&& run) {
  if (!use_avx512() || n < kBisectFrom) return false;
  const T eps = std::numeric_limits<T>::epsilon();
  std::vector<T> e2(static_cast<size_t>(n)), out(static_cast<size_t>(n));
  T e2max = T(0), gl = std::numeric_limits<T>::max(), gu = -gl;
  for (int i = 0; i < n; ++i) {
    const T left = i > 0 ? std::fabs(e[i - 1]) : T(0), right = i + 1 < n ? std::fabs(e[i]) : T(0);
    if (!std::isfinite(d[i]) || !std::isfinite(right)) return false;
    if (i + 1 < n) {
      e2[i] = e[i] * e[i];
      e2max = std::max(e2max, e2[i]);
    }
    gl = std::min(gl, d[i] - left - right);
    gu = std::max(gu, d[i] + left + right);
  }
  if (!std::isfinite(e2max) || !std::isfinite(gl) || !std::isfinite(gu)) return false;
  const T pivmin = std::numeric_limits<T>::min() * std::max(T(1), e2max);
  const T tnorm = std::max(std::fabs(gl), std::fabs(gu));
  const T widen = T(2.1) * eps * tnorm * n + T(4.2) * pivmin;
  const T tol = T(2) * eps * tnorm;  // ?stebz's default absolute tolerance, ulp ||T||
  const BandKernels<T> k = band_kernels(static_cast<T*>(nullptr));
  constexpr int kHalves = 2;
  std::atomic<bool> bracket_ok{true};
  run(kHalves, [&](int64_t h) {
    const int k0 = static_cast<int>(n * h / kHalves), k1 = static_cast<int>(n * (h + 1) / kHalves);
    if (!k.bisect_values(n, d, e2.data(), pivmin, gl - widen, gu + widen, tol, k0, k1, out.data() + k0))
      bracket_ok = false;
  });
  if (!bracket_ok) return false;
  std::copy(out.begin(), out.end(), d);
  return true;
}

template <class T>
int eigh_two_stage(const T* a, int n, T* w, T* v, int kd, int threads, int* lapack_error) {
  if (n <= 0) return 0;
  const bool vectors = v != nullptr;
  const size_t nn = static_cast<size_t>(n) * n;
  TwoStageWorkspace<T>& ws = two_stage_workspace<T>();
  // The lower triangle into column-major storage (LAPACK's lower = our row-major lower transposed), finding its
  // largest magnitude in the same pass: tile rows interleaved over tasks fixed by n, on the pool when the caller
  // holds threads (OpenBLAS's spinning server threads parked first: its next threaded call restarts them). The
  // first touch of ws.a happens here, so its page faults are shared too (n = 8192 f64: 0.40 -> 0.11 s with
  // the 2 MB pages, 0.19 s without).
  grow(ws.a, nn);
  T* ac = ws.a.data();
  const int copy_tasks = n >= 1024 ? 8 : 1;
  T task_max[8] = {};
  auto copy_tile_rows = [&](int64_t task) {
    T m = T(0);
    for (int i0 = static_cast<int>(task) * kTile; i0 < n; i0 += copy_tasks * kTile)
      m = std::max(m, copy_lower_transposed(n, a, ac, i0, std::min(n, i0 + kTile)));
    task_max[task] = m;
  };
  if (threads > 1 && copy_tasks > 1) OpenBlasThreadsGuard::park_openblas_threads();
  run_tasks(threads, copy_tasks, copy_tile_rows);
  T max_abs = T(0);
  for (int i = 0; i < copy_tasks; ++i) max_abs = std::max(max_abs, task_max[i]);
  if (max_abs == T(0) || n == 1) {  // diagonal already: eigenvalue a[0] (or zeros), eigenvectors the identity
    std::fill(w, w + n, T(0));
    if (n == 1) w[0] = a[0];
    if (vectors) {
      std::fill(v, v + nn, T(0));
      for (int i = 0; i < n; ++i) v[static_cast<size_t>(i) * n + i] = T(1);
    }
    return 0;
  }
  if (kd <= 0) kd = two_stage_default_bandwidth(n, sizeof(T), vectors);
  kd = std::max(1, std::min(kd, n - 1));
  // Scaled by a power of two (exact) only where LAPACK's drivers would scale too: outside [sqrt(smlnum),
  // sqrt(bignum)] squares and norms of the entries could underflow or overflow; inside, scaling changes no bit
  // of the result but costs a pass over the matrix.
  const T scale = unit_scale_if_extreme(max_abs);
  if (scale != T(1)) {
    for (int j = 0; j < n; ++j) {
      T* col = ac + static_cast<size_t>(j) * n;
      for (int i = j; i < n; ++i) col[i] *= scale;
    }
  }
  const double t0 = seconds_now();
  // Zeroed: the band reduction sets no tau when kd >= n - 1, leaving Q1 = I.
  ws.tau.assign(static_cast<size_t>(n), T(0));
  grow(ws.d, static_cast<size_t>(n));
  grow(ws.e, static_cast<size_t>(n));
  lapack::lint info = 0;
  T query = 0;
  const int nb = std::min(kChaseGroup, std::max(1, n - 2));
  ws.q2.clear();  // Q2 = I unless the chase fills it
  double t1 = t0;
  int blas_threads_before = 0;  // set where our stage 1 holds OpenBLAS at one thread, restored after the chase
  if (kd == 1 && use_avx512() && n >= own_one_stage_from.load()) {
    // One stage on our kernels (tridiagonal_reduce.hpp): ?sytrd's outputs, the two workers as one team with
    // OpenBLAS on one thread, so the same bits for any thread count.
    blas_threads_before = openblas_single_for_workers(threads);
    reduce_to_tridiagonal(n, ac, n, ws.d.data(), ws.e.data(), ws.tau.data(), band_kernels(static_cast<T*>(nullptr)),
                          ws.one_stage, [&](int count, auto&& body) { run_tasks(std::min(threads, 2), count, body); });
    if (vectors) {
      ws.one_stage.release();  // the vectors path's peak comes later
      if (blas_threads_before > 0) openblas_set_num_threads(blas_threads_before);
      blas_threads_before = 0;
    }
    t1 = seconds_now();
  } else if (kd == 1) {
    // One stage: ?sytrd to tridiagonal (its reflectors in a's lower part, as sy2sb's with kd = 1).
    lapack::sytrd_lower(n, ac, n, ws.d.data(), ws.e.data(), ws.tau.data(), &query, -1, &info);
    if (info >= 0) {
      grow(ws.work, static_cast<size_t>(std::max<lapack::lint>(1, static_cast<lapack::lint>(query))));
      lapack::sytrd_lower(n, ac, n, ws.d.data(), ws.e.data(), ws.tau.data(), ws.work.data(),
                          static_cast<lapack::lint>(ws.work.size()), &info);
    }
    if (info < 0) {
      *lapack_error = static_cast<int>(info);
      return 0;
    }
    t1 = seconds_now();
  } else {
    // Stage 1: dense to band.
    const lapack::lint ldab = kd + 1;
    grow(ws.ab, static_cast<size_t>(ldab) * n);
    // OpenBLAS back to the caller's thread count once the chase is done (restoring it starts its server threads,
    // which would spin beside our chase workers): below, before ?stedc, or after the values' bisection.
    if (use_avx512()) {
      // Ours: fixed tasks on up to two workers, OpenBLAS on one thread (the caller holds OpenBlasThreadsGuard when
      // threads > 1), so the same bits for any thread count.
      blas_threads_before = openblas_single_for_workers(threads);
      const int workers = std::min(threads, 2);
      info = reduce_to_band(n, kd, ac, n, ws.ab.data(), static_cast<int>(ldab), ws.tau.data(),
                            band_kernels(static_cast<T*>(nullptr)), ws.stage1, [&](int count, auto&& body) {
                              if (workers <= 1) {
                                for (int i = 0; i < count; ++i) body(i);
                              } else {
                                BatchPool::instance().run(count, workers, [&](int, int64_t i) { body(i); });
                              }
                            });
      if (vectors) ws.stage1.release();  // the vectors path's peak comes later: keep it at 2.75 n^2 + O(n kd)
    } else {
      // Without AVX-512 our kernels are no faster than OpenBLAS's: LAPACK's reduction, on OpenBLAS's threads.
      lapack::sytrd_sy2sb(n, kd, ac, n, ws.ab.data(), ldab, ws.tau.data(), &query, -1, &info);
      if (info >= 0) {
        grow(ws.work, static_cast<size_t>(std::max<lapack::lint>(1, static_cast<lapack::lint>(query))));
        lapack::sytrd_sy2sb(n, kd, ac, n, ws.ab.data(), ldab, ws.tau.data(), ws.work.data(),
                            static_cast<lapack::lint>(ws.work.size()), &info);
      }
    }
    if (info < 0) {
      *lapack_error = static_cast<int>(info);
      return 0;
    }
    t1 = seconds_now();
    // Stage 2: band to tridiagonal, in skewed storage with room for the bulge.
    const size_t ld = static_cast<size_t>(2) * kd;
    ws.band.assign((ld + 1) * n, T(0));  // element (r, c) at r + c ld, r <= n - 1
    for (int c = 0; c < n; ++c) {
      const int rows = std::min(kd, n - 1 - c) + 1;
      std::copy(ws.ab.data() + static_cast<size_t>(c) * ldab, ws.ab.data() + static_cast<size_t>(c) * ldab + rows,
                ws.band.data() + static_cast<size_t>(c) + static_cast<size_t>(c) * ld);
    }
    if (vectors) ws.q2.layout(n, kd, nb);
    int chase_workers = n >= parallel_chase_from ? std::min(threads, 2) : 1;
    // Two workers taking whole sweeps hand the band's rows back and forth: the fastest while the cores share a
    // cache; otherwise each sweep is split between them by rows (chase_split), and no partner at all means one.
    // The chase gives the same bits in every mode and worker count, so this changes only the time.
    bool split_sweeps = chase_split_sweeps.load();
    if (chase_workers == 2) {
      const double trip = pool_pair_round_trip_ns();
      if (trip < 0) chase_workers = 1;
      if (trip > chase_round_trip_limit_ns.load()) split_sweeps = true;
    }
    const BandKernels<T> own = use_avx512() ? band_kernels(static_cast<T*>(nullptr)) : BandKernels<T>{};
    chase_band(n, kd, ws.band.data(), ws.d.data(), ws.e.data(), vectors ? &ws.q2 : nullptr,
               use_avx512() ? &own : nullptr, chase_workers, split_sweeps,
               [&](int count, auto&& body) {
                 BatchPool::instance().run(count, count, [&](int, int64_t i) { body(i); });
               });
    if (blas_threads_before > 0 && vectors) {
      openblas_set_num_threads(blas_threads_before);
      blas_threads_before = 0;
    }
  }

  const double t2 = seconds_now();
  // The tridiagonal problem.
  T* d = ws.d.data();
  T* e = ws.e.data();
  if (!vectors) {
    auto run_values = [&](int count, auto&& body) {
      // After a threaded ?sytrd OpenBLAS's server threads spin on the cores our workers need.
      if (threads > 1) OpenBlasThreadsGuard::park_openblas_threads();
      run_tasks(threads, count, body);
    };
    if (!values_by_bisection(n, d, e, run_values)) lapack::sterf(n, d, e, &info);
    if (blas_threads_before > 0) openblas_set_num_threads(blas_threads_before);
  } else {
    // Divide and conquer split at the top (tridiagonal_dc.hpp) on two fixed tasks with OpenBLAS on one thread,
    // from split_dc_from; ?stedc below that and for input it declines (non-finite).
    lapack::lint split_info = -1;
    if (n >= std::max(4, split_dc_from.load())) {
      grow(ws.work, split_dc_scalars(n));
      grow(ws.iwork, split_dc_ints(n));
      const int blas_threads_caller = openblas_get_num_threads();
      if (threads > 1) {
        openblas_set_num_threads(1);
        OpenBlasThreadsGuard::park_openblas_threads();  // a threaded ?sytrd's server threads spin on our cores
      }
      // Our roots and products with AVX-512, else ?laed4 and OpenBLAS's.
      const BandKernels<T> kernels = use_avx512() ? band_kernels(static_cast<T*>(nullptr)) : BandKernels<T>{};
      split_info = tridiagonal_dc_split(n, d, e, v, static_cast<size_t>(n), ws.work.data(), ws.iwork.data(),
                                        [&](int count, auto&& body) { run_tasks(threads, count, body); },
                                        use_avx512() ? &kernels : nullptr);
      if (split_info >= 0) info = split_info;
      // Without AVX-512 the one-stage products run on OpenBLAS's threads (below): give them back.
      if (threads > 1 && kd == 1 && !use_avx512()) openblas_set_num_threads(blas_threads_caller);
    }
    if (split_info < 0) {
      lapack::lint liwork_query = 0;
      lapack::stedc('I', n, d, e, v, n, &query, -1, &liwork_query, -1, &info);
      if (info >= 0) {
        grow(ws.work, static_cast<size_t>(std::max<lapack::lint>(1, static_cast<lapack::lint>(query))));
        grow(ws.iwork, static_cast<size_t>(std::max<lapack::lint>(1, liwork_query)));
        lapack::stedc('I', n, d, e, v, n, ws.work.data(), static_cast<lapack::lint>(ws.work.size()),
                      ws.iwork.data(), static_cast<lapack::lint>(ws.iwork.size()), &info);
      }
    }
  }
  if (info < 0) {
    *lapack_error = static_cast<int>(info);
    return 0;
  }
  if (info > 0) {
    fill_nan(n, w, v);
    return static_cast<int>(std::min<lapack::lint>(info, n));
  }
  const double t3 = seconds_now();
  const T unscale = T(1) / scale;  // a power of two: exact
  for (int i = 0; i < n; ++i) w[i] = d[i] * unscale;
  if (!vectors) {
    last_stages = {static_cast<double>(kd), t1 - t0, t2 - t1, t3 - t2, 0.0, 0.0, 0.0};
    return 0;
  }

  // ?stedc wrote Z column-major. The two-stage products want it row-major (Q2's blocks touch a few consecutive rows
  // each); the one-stage path keeps it column-major and transposes once at the end, with the signs.
  const bool row_major = kd > 1;
  std::atomic<bool> out_of_memory{false};
  auto run = [&](int count, auto&& body) {
    auto guarded = [&](int, int64_t i) {
      try {
        body(i);
      } catch (const std::bad_alloc&) {
        out_of_memory = true;
      }
    };
    run_tasks(threads, count, [&](int64_t i) { guarded(0, i); });
  };
  const int tp_tasks = transpose_tasks(n);
  auto transpose = [&] { run(tp_tasks, [&](int64_t i) { transpose_tile_rows(n, v, static_cast<int>(i), tp_tasks, [](int) { return T(1); }); }); };
  // Back-transformations: Z = Q1 (Q2 Z), Z row-major in v. First every block's T factor, into the divide and
  // conquer workspace (free now: n^2 + 4n + 1 scalars, more than Q2's n^2 nb / (2 kd) and Q1's n nb1 need), then
  // the products in column slabs, one per worker with OpenBLAS on one thread. Threaded OpenBLAS on these small-k
  // products spends most of its time waking and waiting (measured: 9 GFLOP/s at n = 1024). The slab count depends
  // on n only, so the bits do not depend on the worker count.
  const Q1Layout q1(n, kd, std::min(kQ1Block, std::max(1, n - kd)));
  const int64_t q2_blocks = ws.q2.first_block[ws.q2.groups];
  const size_t q2_t = static_cast<size_t>(q2_blocks) * nb * nb;
  const size_t q1_t = static_cast<size_t>(q1.blocks) * q1.nb1 * q1.nb1;
  grow(ws.work, q2_t + q1_t);
  T* t_q2 = ws.work.data();
  T* t_q1 = t_q2 + q2_t;
  // Two ways to use the cores: our pool, slab by slab with OpenBLAS on one thread, or OpenBLAS threaded over the
  // whole width from the calling thread (no switch from threaded LAPACK to our workers). Where the CPU has AVX-512
  // both paths take our product kernels on the pool; else the one-stage path takes OpenBLAS threaded.
  const BandKernels<T> own_kernels = band_kernels(static_cast<T*>(nullptr));
  const BandKernels<T>* own = use_avx512() && nb <= 32 ? &own_kernels : nullptr;
  const bool on_pool = threads <= 1 || kd > 1 || own != nullptr;
  // Two-stage on our kernels: Q2 on the row-major Z, then Q1 on the column-major Z (below).
  const bool q1_on_columns = row_major && own != nullptr && q1.m > 0;
  const int slabs = !on_pool || n < 128 ? 1 : 2 * ((n + 1023) / 1024);
  const int t_tasks = on_pool ? 2 * slabs : 1;  // T factors split into this many chunks of blocks
  // Every product below runs with OpenBLAS on one thread, so its bits never depend on the thread count. The caller
  // holds OpenBlasThreadsGuard when threads > 1: the mode is ours to change until we return.
  if (threads > 1 && on_pool) {
    openblas_set_num_threads(1);
    OpenBlasThreadsGuard::park_openblas_threads();  // ?stedc ran threaded: its server threads would spin on our cores
  }
  if (row_major) transpose();
  run(t_tasks, [&](int64_t i) {
    std::vector<T> s(static_cast<size_t>(q1.nb1) * q1.nb1);
    q2_t_factors(ws.q2, q2_blocks * i / t_tasks, q2_blocks * (i + 1) / t_tasks, t_q2);
    q1_t_factors(q1, ac, ws.tau.data(), static_cast<int>(q1.blocks * i / t_tasks),
                 static_cast<int>(q1.blocks * (i + 1) / t_tasks), t_q1, s.data());
  });
  const double t4 = seconds_now();
  auto slab_work = [&](int ncols) {
    // reflect_rows' w: 3 nb vectors of up to 16 lanes, and V row-major
    const size_t reflect_w = static_cast<size_t>(nb) * 3 * 16 + static_cast<size_t>(ws.q2.ldv) * nb;
    return std::vector<T>(
        std::max({static_cast<size_t>(ncols) * std::max(nb, q1.nb1), q1_columns_work(q1, ncols, own), reflect_w}));
  };
  auto slab = [&](int64_t s, int& c0, int& ncols) {
    c0 = static_cast<int>(n * s / slabs);
    ncols = static_cast<int>(n * (s + 1) / slabs) - c0;
  };
  // The finish by columns (below) takes each column's sign from the slab that computed it, while in its cache.
  const bool by_columns = !(row_major && !q1_on_columns);
  const bool signs_in_slabs = by_columns && q1.m > 0;
  if (by_columns) grow(ws.d, static_cast<size_t>(2) * n);  // the signs beside the eigenvalues (d is free now)
  T* sign = ws.d.data() + n;
  auto slab_signs = [&](int c0, int ncols) {
    for (int c = c0; c < c0 + ncols; ++c) sign[c] = contiguous_column_sign(v + static_cast<size_t>(c) * n, n);
  };
  run(slabs, [&](int64_t s) {
    int c0, ncols;
    slab(s, c0, ncols);
    std::vector<T> work = slab_work(ncols);
    if (row_major) {
      T* z = v + c0;  // the slab's columns of the row-major Z
      apply_q2(ws.q2, t_q2, z, n, ncols, work.data(), own);
      if (q1.m > 0 && !q1_on_columns) apply_q1(q1, ac, t_q1, z, n, ncols, work.data());
    } else if (q1.m > 0) {
      apply_q1_columns(q1, ac, t_q1, v + static_cast<size_t>(c0) * n, ncols, work.data(), own);
      slab_signs(c0, ncols);
    }
  });
  if (q1_on_columns) {
    // With our kernels Q1 runs on the column-major Z, as the one-stage path's (its tall products are faster that
    // way round): one transpose back, and the one-stage finish below.
    transpose();
    run(slabs, [&](int64_t s) {
      int c0, ncols;
      slab(s, c0, ncols);
      std::vector<T> work = slab_work(ncols);
      apply_q1_columns(q1, ac, t_q1, v + static_cast<size_t>(c0) * n, ncols, work.data(), own);
      slab_signs(c0, ncols);
    });
  }
  const double t5 = seconds_now();
  if (!out_of_memory) {
    if (!by_columns) {
      canonical_signs(n, v);
    } else {
      // On our pool only while OpenBLAS is on one thread (its server threads, just used, would spin on our cores).
      finish_columns(n, v, sign, on_pool ? tp_tasks : 1, signs_in_slabs, run);
    }
  }
  if (threads > 1 && on_pool) openblas_set_num_threads(threads);
  if (out_of_memory) throw std::bad_alloc();
  last_stages = {static_cast<double>(kd), t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, seconds_now() - t5};
  return 0;
}

template int eigh_two_stage<double>(const double*, int, double*, double*, int, int, int*);
template int eigh_two_stage<float>(const float*, int, float*, float*, int, int, int*);

template <class T>
bool tridiagonal_values_bisect(int n, T* d, const T* e, int threads) {
  return values_by_bisection(n, d, e, [&](int count, auto&& body) { run_tasks(threads, count, body); });
}

template bool tridiagonal_values_bisect<double>(int, double*, const double*, int);
template bool tridiagonal_values_bisect<float>(int, float*, const float*, int);

/** Releases this thread's two-stage workspace when it is large (called after each matrix). */
void release_two_stage_if_large() {
  if (two_stage_workspace<double>().bytes() > kKeepWorkspaceBytes) two_stage_workspace<double>() = TwoStageWorkspace<double>();
  if (two_stage_workspace<float>().bytes() > kKeepWorkspaceBytes) two_stage_workspace<float>() = TwoStageWorkspace<float>();
}

}  // namespace eigenbasis
