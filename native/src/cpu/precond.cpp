// The preconditioner kernels on the CPU (PreconditionerKernel; eb_api.h): factor accumulation by ?syrk, two-sided
// rotations by ?gemm, and the fused diagonal (Adam/AdaGrad) update.
//
// Parallelism. A batch of at least as many blocks as workers runs one block per worker with OpenBLAS at one thread
// (BlasSingle). A batch of fewer blocks than workers whose blocks are large runs each block split into row panels
// over the workers ("tiles", still single-threaded OpenBLAS in each), or, with EB_CPU_PRECOND_LARGE=openblas, one
// block at a time with OpenBLAS threaded (OpenBlasThreadsGuard). Tiles won on the 2-core Zen 5 machine
// (docs/design-notes.md, "CPU preconditioner kernels"). The panels depend only on the size and the configured
// worker count, so a call computes the same bits whatever runs beside it.
//
// This file is compiled with -ffp-contract=off: the diagonal update rounds every product as the java reference
// does (precond_device.hpp), so its f64 and f32 results are the reference's bits for exponent 1/2.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "../cuda/precond_device.hpp"
#include "batch_pool.hpp"
#include "lapack.hpp"

namespace eigenbasis {
namespace {

// ---- BLAS overloads not in lapack.hpp ---------------------------------------------------------------------------

// Row-major lower triangle of C <- alpha op(A) op(A)^T + beta C; op(A) is n x k (trans: A is k x n).
inline void syrk_lower(bool trans, int n, int k, double alpha, const double* a, int lda, double beta, double* c,
                       int ldc) {
  cblas_dsyrk(CblasRowMajor, CblasLower, trans ? CblasTrans : CblasNoTrans, n, k, alpha, a, lda, beta, c, ldc);
}
inline void syrk_lower(bool trans, int n, int k, float alpha, const float* a, int lda, float beta, float* c,
                       int ldc) {
  cblas_ssyrk(CblasRowMajor, CblasLower, trans ? CblasTrans : CblasNoTrans, n, k, alpha, a, lda, beta, c, ldc);
}

// ---- how a call is spread ---------------------------------------------------------------------------------------

// Blocks with fewer multiply-adds than this run whole on one worker even when the batch is small: splitting a
// 64 x 64 product costs more in hand-offs than it saves.
constexpr double kSplitFlops = 4.0e6;

enum class LargeMode { kTiles, kOpenBlas };

LargeMode large_mode() {
  static const LargeMode mode = [] {
    const char* env = std::getenv("EB_CPU_PRECOND_LARGE");  // for measurements: tiles (default) or openblas
    return env != nullptr && std::strcmp(env, "openblas") == 0 ? LargeMode::kOpenBlas : LargeMode::kTiles;
  }();
  return mode;
}

bool split_blocks(int64_t batch, double flops_per_block) {
  return batch < BatchPool::instance().threads() && BatchPool::instance().threads() > 1 &&
         flops_per_block >= kSplitFlops;
}

// Per-worker scratch, kept for the next block unless it grew past this size.
constexpr size_t kKeepScratchBytes = size_t(64) << 20;

template <class T>
std::vector<T>& scratch() {
  thread_local std::vector<T> buffer;
  return buffer;
}

template <class T>
void release_scratch_if_large() {
  std::vector<T>& s = scratch<T>();
  if (s.capacity() * sizeof(T) > kKeepScratchBytes) std::vector<T>().swap(s);
}

// Runs tile(t) for t in [0, tiles) on the pool (OpenBLAS at one thread each). Tiles never allocate.
template <class Fn>
void for_each_tile(int tiles, Fn&& tile) {
  BatchPool& pool = BatchPool::instance();
  BlasSingle single;
  pool.run(tiles, pool.threads(), [&](int, int64_t t) { tile(static_cast<int>(t)); });
}

int tile_count() { return 4 * BatchPool::instance().threads(); }

// Copies the strict lower triangle of rows [r0, r1) of the k x k matrix f to the upper, in cache-sized tiles.
template <class T>
void mirror_rows(T* f, int k, int r0, int r1) {
  constexpr int kTile = 32;
  for (int c0 = 0; c0 < r1; c0 += kTile) {
    const int c1 = std::min(r1, c0 + kTile);
    for (int i = r0; i < r1; ++i) {
      const int jmax = std::min(i, c1);
      for (int j = c0; j < jmax; ++j) f[static_cast<size_t>(j) * k + i] = f[static_cast<size_t>(i) * k + j];
    }
  }
}

// ---- factor accumulation ----------------------------------------------------------------------------------------

// Row panel [r0, r1) of F <- beta F + alpha op(X) op(X)^T, lower triangle, then mirrored. op(X) is k x inner:
// X itself (left, X is k x inner) or X^T (right, X is inner x k). beta = 0: the panel is zeroed first, so the old
// factor is never read.
template <class T>
void accumulate_rows(const T* x, bool left, int k, int inner, T beta, T alpha, T* f, int r0, int r1) {
  if (r0 >= r1) return;
  if (beta == T(0))
    for (int i = r0; i < r1; ++i) std::fill(f + static_cast<size_t>(i) * k, f + static_cast<size_t>(i) * k + i + 1, T(0));
  if (inner == 0) {  // the product is empty: F = beta F (kept out of BLAS, whose lda would be 0)
    if (beta != T(0))
      for (int i = r0; i < r1; ++i)
        for (int j = 0; j <= i; ++j) f[static_cast<size_t>(i) * k + j] *= beta;
  } else {
    // op(X) rows r: left, row r of X (x + r*inner, lda inner); right, column r of X (x + r, lda k, transposed).
    const T* panel = left ? x + static_cast<size_t>(r0) * inner : x + r0;
    const int lda = left ? inner : k;
    if (r0 > 0)  // F[r0:r1, 0:r0] = alpha op(X)[r0:r1] op(X)[0:r0]^T + beta F[r0:r1, 0:r0]
      lapack::gemm(!left, left, r1 - r0, r0, inner, alpha, panel, lda, x, lda, beta, f + static_cast<size_t>(r0) * k, k);
    syrk_lower(!left, r1 - r0, inner, alpha, panel, lda, beta, f + static_cast<size_t>(r0) * k + r0, k);
  }
  mirror_rows(f, k, r0, r1);
}

// Panel boundaries of equal lower-triangle area: row r_t = k sqrt(t / tiles).
int panel_start(int k, int tiles, int t) {
  if (t >= tiles) return k;
  return static_cast<int>(std::lround(k * std::sqrt(static_cast<double>(t) / tiles)));
}

// A tall X with a small factor (k <= kTallFactor, at least kTallRows inner rows a worker): the row panels above
// would be a few rows of F each, thin products that repack all of X per panel (the EK-FAC fit's S = g^T g / n,
// 16170 x 64, ran at 26 GFLOP/s in 8 panels, a single ?syrk at 36). Instead the inner dimension splits into one
// chunk a worker, each chunk's alpha op(X_c) op(X_c)^T goes into its own buffer, and the buffers are added to
// beta F in chunk order (the chunks depend only on the sizes and the worker count: the same bits every call).
constexpr int kTallFactor = 128;
constexpr int kTallRows = 2048;

bool tall(int k, int inner) {
  const int threads = BatchPool::instance().threads();
  return threads > 1 && k <= kTallFactor && inner >= threads * kTallRows;
}

template <class T>
void accumulate_tall(const T* x, bool left, int k, int inner, T beta, T alpha, T* f) {
  const int chunks = BatchPool::instance().threads();
  const size_t cells = static_cast<size_t>(k) * k;
  std::vector<T> partial(cells * chunks);
  for_each_tile(chunks, [&](int c) {
    const int i0 = static_cast<int>(static_cast<int64_t>(inner) * c / chunks);
    const int i1 = static_cast<int>(static_cast<int64_t>(inner) * (c + 1) / chunks);
    // op(X) columns i0..i1: left, columns of X (x + i0, lda inner); right, rows of X (x + i0*k, lda k).
    const T* panel = left ? x + i0 : x + static_cast<size_t>(i0) * k;
    syrk_lower(!left, k, i1 - i0, alpha, panel, left ? inner : k, T(0), partial.data() + cells * c, k);
  });
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j <= i; ++j) {
      const size_t e = static_cast<size_t>(i) * k + j;
      T sum = beta == T(0) ? T(0) : beta * f[e];
      for (int c = 0; c < chunks; ++c) sum += partial[cells * c + e];
      f[e] = sum;
    }
  }
  mirror_rows(f, k, 0, k);
}

template <class T>
int32_t factor_accumulate(const T* x, int64_t batch, int32_t rows, int32_t cols, int32_t left, double beta,
                          double alpha, T* factor) {
  if (!extent_fits({batch, rows, cols}, sizeof(T))) return EB_ERR_ARGUMENT;
  const int k = left ? rows : cols;
  if (!extent_fits({batch, k, k}, sizeof(T))) return EB_ERR_ARGUMENT;
  const int inner = left ? cols : rows;
  if (batch == 0 || k == 0) return EB_OK;
  if (factor == nullptr || (inner > 0 && x == nullptr)) return EB_ERR_ARGUMENT;
  const size_t xs = static_cast<size_t>(rows) * cols, fs = static_cast<size_t>(k) * k;
  const T b = static_cast<T>(beta), a = static_cast<T>(alpha);
  const double flops = static_cast<double>(k) * k * inner;
  if (!split_blocks(batch, flops)) {
    const bool ok = for_each_on_pool(batch, [&](int64_t i) { accumulate_rows(x + i * xs, left != 0, k, inner, b, a, factor + i * fs, 0, k); });
    return ok ? EB_OK : EB_ERR_ALLOCATION;
  }
  for (int64_t i = 0; i < batch; ++i) {
    const T* xb = x == nullptr ? nullptr : x + i * xs;
    T* fb = factor + i * fs;
    if (inner > 0 && tall(k, inner)) {
      accumulate_tall(xb, left != 0, k, inner, b, a, fb);
    } else if (large_mode() == LargeMode::kOpenBlas) {
      OpenBlasThreadsGuard threaded(BatchPool::instance().threads());
      accumulate_rows(xb, left != 0, k, inner, b, a, fb, 0, k);
    } else {
      const int tiles = std::min(k, tile_count());
      for_each_tile(tiles, [&](int t) {
        accumulate_rows(xb, left != 0, k, inner, b, a, fb, panel_start(k, tiles, t), panel_start(k, tiles, t + 1));
      });
    }
  }
  return EB_OK;
}

// ---- rotation ---------------------------------------------------------------------------------------------------

// Rows [r0, r1) of out = op(L) G (l != null) or G op(R) (r != null): one side at a time, m x n results.
template <class T>
void left_rows(const T* l, bool tl, const T* g, int m, int n, T* out, int r0, int r1) {
  if (r0 >= r1) return;
  // Rows r0..r1 of op(L): of L (l + r0*m) or, transposed, its columns (l + r0, read transposed).
  const T* a = tl ? l + r0 : l + static_cast<size_t>(r0) * m;
  lapack::gemm(tl, false, r1 - r0, n, m, T(1), a, m, g, n, T(0), out + static_cast<size_t>(r0) * n, n);
}

template <class T>
void right_rows(const T* g, const T* r, bool tr, int m, int n, T* out, int r0, int r1) {
  if (r0 >= r1) return;
  lapack::gemm(false, tr, r1 - r0, n, n, T(1), g + static_cast<size_t>(r0) * n, n, r, n, T(0),
               out + static_cast<size_t>(r0) * n, n);
}

// One whole block; tmp holds op(L) G when both sides are present.
template <class T>
void rotate_block(const T* l, bool tl, const T* g, const T* r, bool tr, int m, int n, T* out, T* tmp) {
  if (l != nullptr && r != nullptr) {
    left_rows(l, tl, g, m, n, tmp, 0, m);
    right_rows(tmp, r, tr, m, n, out, 0, m);
  } else if (l != nullptr) {
    left_rows(l, tl, g, m, n, out, 0, m);
  } else if (r != nullptr) {
    right_rows(g, r, tr, m, n, out, 0, m);
  } else {
    std::memcpy(out, g, sizeof(T) * static_cast<size_t>(m) * n);
  }
}

template <class T>
int32_t rotate(const T* l, int32_t tl, const T* g, const T* r, int32_t tr, int64_t batch, int32_t m, int32_t n,
               T* out) {
  if (!extent_fits({batch, m, m}, sizeof(T)) || !extent_fits({batch, m, n}, sizeof(T)) ||
      !extent_fits({batch, n, n}, sizeof(T)))
    return EB_ERR_ARGUMENT;
  if (batch == 0 || m == 0 || n == 0) return EB_OK;
  if (g == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  if (out == g || (l != nullptr && out == l) || (r != nullptr && out == r)) return EB_ERR_ARGUMENT;
  const size_t ls = static_cast<size_t>(m) * m, gs = static_cast<size_t>(m) * n, rs = static_cast<size_t>(n) * n;
  const bool both = l != nullptr && r != nullptr;
  const double flops = static_cast<double>(m) * n * ((l != nullptr ? m : 0) + (r != nullptr ? n : 0));
  auto at = [](const T* p, size_t stride, int64_t b) { return p == nullptr ? nullptr : p + b * stride; };
  if (!split_blocks(batch, flops)) {
    const bool ok = for_each_on_pool(batch, [&](int64_t b) {
      T* tmp = nullptr;
      if (both) {
        scratch<T>().resize(gs);
        tmp = scratch<T>().data();
      }
      rotate_block(at(l, ls, b), tl != 0, g + b * gs, at(r, rs, b), tr != 0, m, n, out + b * gs, tmp);
      release_scratch_if_large<T>();
    });
    return ok ? EB_OK : EB_ERR_ALLOCATION;
  }
  std::vector<T> tmp;
  try {
    if (both) tmp.resize(gs);
  } catch (const std::bad_alloc&) {
    return EB_ERR_ALLOCATION;
  }
  const int tiles = std::min(m, tile_count());
  auto start = [&](int t) { return t >= tiles ? m : static_cast<int>(static_cast<int64_t>(m) * t / tiles); };
  for (int64_t b = 0; b < batch; ++b) {
    const T *lb = at(l, ls, b), *gb = g + b * gs, *rb = at(r, rs, b);
    T* ob = out + b * gs;
    if (large_mode() == LargeMode::kOpenBlas) {
      OpenBlasThreadsGuard threaded(BatchPool::instance().threads());
      rotate_block(lb, tl != 0, gb, rb, tr != 0, m, n, ob, tmp.data());
      continue;
    }
    // Row panels of the result: op(L) G first (into tmp, or out), then (.) op(R), each panel on one worker.
    if (lb != nullptr)
      for_each_tile(tiles, [&](int t) { left_rows(lb, tl != 0, gb, m, n, both ? tmp.data() : ob, start(t), start(t + 1)); });
    if (rb != nullptr)
      for_each_tile(tiles, [&](int t) { right_rows(both ? tmp.data() : gb, rb, tr != 0, m, n, ob, start(t), start(t + 1)); });
    if (lb == nullptr && rb == nullptr) std::memcpy(ob, gb, sizeof(T) * gs);
  }
  return EB_OK;
}

// ---- fused diagonal update --------------------------------------------------------------------------------------

using precond::DiagonalParams;

// Entries [begin, end), each by precond::diagonal_entry, the arithmetic the cuda kernel uses too (every value in
// double, rounded once when stored, in the order of ReferencePreconditioner.diagonalUpdate). The flags are
// template parameters so that, inlined, the loop is straight-line code; `omp simd` vectorises it without alias
// checks, which is right here: out may be g itself, and each lane loads its g, m and v before it stores its m, v
// and out, at the same index (m and v alias nothing: checked above us).
template <class T, bool kHasM, bool kSqrt>
void diagonal_range(const T* g, T* m, T* v, T* out, int64_t begin, int64_t end, const DiagonalParams& params) {
  DiagonalParams p = params;
  if constexpr (kSqrt) p.exponent = 0.5;  // a constant the inlined entry folds its sqrt-or-pow choice on
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    const precond::DiagonalEntry e = precond::diagonal_entry(static_cast<double>(g[i]), kHasM,
                                                             kHasM ? static_cast<double>(m[i]) : 0.0,
                                                             static_cast<double>(v[i]), p);
    if constexpr (kHasM) m[i] = static_cast<T>(e.m);
    v[i] = static_cast<T>(e.v);
    out[i] = static_cast<T>(e.out);
  }
}

template <class T>
void diagonal_dispatch(const T* g, T* m, T* v, T* out, int64_t begin, int64_t end, const DiagonalParams& p) {
  const bool root = p.exponent == 0.5;
  if (m != nullptr) {
    root ? diagonal_range<T, true, true>(g, m, v, out, begin, end, p)
         : diagonal_range<T, true, false>(g, m, v, out, begin, end, p);
  } else {
    root ? diagonal_range<T, false, true>(g, m, v, out, begin, end, p)
         : diagonal_range<T, false, false>(g, m, v, out, begin, end, p);
  }
}

// Entries per task: large enough that a hand-off is noise, small enough to balance two to 64 workers.
constexpr int64_t kDiagonalChunk = int64_t(1) << 15;

template <class T>
int32_t diagonal_update(const T* g, T* m, T* v, T* out, int64_t count, double beta1, double beta2, double gamma,
                        double exponent, double eps) {
  if (!extent_fits({count}, sizeof(T))) return EB_ERR_ARGUMENT;
  if (count == 0) return EB_OK;
  if (g == nullptr || v == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  if (v == g || v == out || (m != nullptr && (m == g || m == v || m == out))) return EB_ERR_ARGUMENT;
  const DiagonalParams p{beta1, beta2, gamma, exponent, eps};
  const int64_t chunks = (count + kDiagonalChunk - 1) / kDiagonalChunk;
  BatchPool& pool = BatchPool::instance();
  pool.run(chunks, pool.threads(), [&](int, int64_t c) {  // no BLAS: no lock
    const int64_t begin = c * kDiagonalChunk;
    diagonal_dispatch(g, m, v, out, begin, std::min(count, begin + kDiagonalChunk), p);
  });
  return EB_OK;
}

}  // namespace
}  // namespace eigenbasis

extern "C" {

int32_t eb_cpu_factor_accumulate_f64(const double* x, int64_t batch, int32_t rows, int32_t cols, int32_t left,
                                     double beta, double alpha, double* factor) {
  return eigenbasis::c_boundary([&] { return eigenbasis::factor_accumulate(x, batch, rows, cols, left, beta, alpha, factor); });
}
int32_t eb_cpu_factor_accumulate_f32(const float* x, int64_t batch, int32_t rows, int32_t cols, int32_t left,
                                     double beta, double alpha, float* factor) {
  return eigenbasis::c_boundary([&] { return eigenbasis::factor_accumulate(x, batch, rows, cols, left, beta, alpha, factor); });
}

int32_t eb_cpu_rotate_f64(const double* l, int32_t transpose_l, const double* g, const double* r, int32_t transpose_r,
                          int64_t batch, int32_t m, int32_t n, double* out) {
  return eigenbasis::c_boundary([&] { return eigenbasis::rotate(l, transpose_l, g, r, transpose_r, batch, m, n, out); });
}
int32_t eb_cpu_rotate_f32(const float* l, int32_t transpose_l, const float* g, const float* r, int32_t transpose_r,
                          int64_t batch, int32_t m, int32_t n, float* out) {
  return eigenbasis::c_boundary([&] { return eigenbasis::rotate(l, transpose_l, g, r, transpose_r, batch, m, n, out); });
}

int32_t eb_cpu_diagonal_update_f64(const double* g, double* m, double* v, double* out, int64_t count, double beta1,
                                   double beta2, double gamma, double exponent, double eps) {
  return eigenbasis::c_boundary([&] { return eigenbasis::diagonal_update(g, m, v, out, count, beta1, beta2, gamma, exponent, eps); });
}
int32_t eb_cpu_diagonal_update_f32(const float* g, float* m, float* v, float* out, int64_t count, double beta1,
                                   double beta2, double gamma, double exponent, double eps) {
  return eigenbasis::c_boundary([&] { return eigenbasis::diagonal_update(g, m, v, out, count, beta1, beta2, gamma, exponent, eps); });
}

}  // extern "C"
