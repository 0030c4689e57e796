// The two products that carry the flops of our dense-to-band reduction (band_reduce.hpp), for a symmetric A held
// in its lower triangle. symm_lower_strips: Y = A V, each stored element of A loaded once and used twice while it
// sits in L1: for row strip R and column block C of the strict lower triangle, Y[R] += A[R,C] V[C] (strip kernel:
// rows in vector lanes, V broadcast) and Y[C] += A[R,C]^T V[R] (column kernel: V's row in vector lanes, A
// broadcast). rank2k_lower_columns: C -= A B^T on the lower triangle, each element of C read and written once.
// OpenBLAS's ?symm packs the whole trailing matrix, mirrored, on every call (75-84 GFLOP/s at k = 64, n = 4096,
// against a dgemm rate of 127; ours 133 with AVX-512). Built in band_kernels_avx512.cpp for x86-64-v4 (an AVX2
// build measured no faster than OpenBLAS: 74 GFLOP/s for Y = A V), in the inline namespace EB_NS = avx512.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

#include <immintrin.h>

#include "band_kernels_dispatch.hpp"
#include "chase_kernels.hpp"
#include "secular_equation.hpp"
#include "simd_lanes.hpp"
#include "symv_kernels.hpp"
#include "tridiagonal_bisect.hpp"  // also defines EB_NS where the including file did not

namespace eigenbasis {
inline namespace EB_NS {
namespace symm_detail {

#if !defined(__AVX512F__)
#error "band_kernels.hpp is built for x86-64-v4 only (band_kernels_avx512.cpp)"
#endif
using simd_detail::kVecBytes;
using simd_detail::Simd;
constexpr int kRegisters = 32;

// Accumulators per kernel: three quarters of the vector registers, the rest for loads and broadcasts.
constexpr int kAccumulators = kRegisters * 3 / 4;
constexpr int kStripVectors = 3;                             // strip kernel: 3 vectors of rows ...
constexpr int kStripColumns = kAccumulators / kStripVectors;  // ... by 8 (AVX-512) or 4 (AVX2) columns of V
constexpr int kColumnVectors = 2;                             // column kernel: 2 vectors of V's row ...
constexpr int kColumnRows = kAccumulators / kColumnVectors;  // ... for 12 (AVX-512) or 6 (AVX2) columns of A
constexpr int kBlock = 128;                                   // columns of A per tile (h x 128 in L1)
constexpr int kUpdatePanel = 256;  // columns of C per packed panel of B (k x 256 in L2)
constexpr int kProductVectors = 4;  // gemm_tn_acc: vectors of V's row per pass ...
constexpr int kProductRows = 512;   // ... over chunks of 512 rows of V (packed, in L2)

/** gemm_tn_acc's W has its k rows rounded up to a multiple of this. */
template <class T>
constexpr int product_width() {
  return kProductVectors * Simd<T>::lanes;
}

/** Rows per strip. */
template <class T>
constexpr int strip_rows() {
  return kStripVectors * Simd<T>::lanes;
}

/** kp, the padded width of V and Y, is a multiple of this. */
template <class T>
constexpr int width_multiple() {
  return std::max(kStripColumns, kColumnVectors * Simd<T>::lanes);
}

// acc[i][c] = sum_q a[q lda + i L ...] b[q ldb + c] for q < count: the strip's rows in vector lanes against
// kStripColumns broadcast scalars per step (the register tile of the strip and update kernels).
template <class T>
inline void outer_rows(const T* a, size_t lda, const T* b, size_t ldb, int count,
                       typename Simd<T>::V (&acc)[kStripVectors][kStripColumns]) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  for (auto& row : acc)
    for (auto& x : row) x = V{};
  for (int q = 0; q < count; ++q) {
    const T* col = a + static_cast<size_t>(q) * lda;
    V av[kStripVectors];
    for (int i = 0; i < kStripVectors; ++i) av[i] = S::load(col + i * L);
    const T* bq = b + static_cast<size_t>(q) * ldb;
    for (int c = 0; c < kStripColumns; ++c) {
      const V bc = S::splat_at(bq + c);
      for (int i = 0; i < kStripVectors; ++i) acc[i][c] += av[i] * bc;
    }
  }
}

// yc[r0 + i, c] += sum_t a[i + t lda] vr[t kp + c] for the strip's h rows, t in [0, count), every c < kp.
template <class T>
inline void strip_kernel(const T* a, size_t lda, int count, const T* vr, int kp, T* yc, size_t ldy) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  for (int c0 = 0; c0 < kp; c0 += kStripColumns) {
    V acc[kStripVectors][kStripColumns];
    outer_rows<T>(a, lda, vr + c0, static_cast<size_t>(kp), count, acc);
    for (int c = 0; c < kStripColumns; ++c) {
      T* y = yc + static_cast<size_t>(c0 + c) * ldy;
      for (int i = 0; i < kStripVectors; ++i) S::store(y + i * L, S::load(y + i * L) + acc[i][c]);
    }
  }
}

// acc[g][u] += x[r + g ldx] y[r ldy + u L] for r < count, g < used (<= G), u < U: G columns of x broadcast
// against U vectors of each row of y. The full-width case has its own loop so its bounds are constants.
template <class T, int G, int U>
inline void broadcast_rows(const T* x, size_t ldx, const T* y, size_t ldy, int count, int used,
                           typename Simd<T>::V (&acc)[G][U]) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  auto rows = [&](auto width) {
    for (int r = 0; r < count; ++r) {
      V yv[U];
      for (int u = 0; u < U; ++u) yv[u] = S::load(y + static_cast<size_t>(r) * ldy + u * L);
      for (int g = 0; g < width; ++g) {
        const V xg = S::splat_at(x + r + static_cast<size_t>(g) * ldx);
        for (int u = 0; u < U; ++u) acc[g][u] += xg * yv[u];
      }
    }
  };
  if (used == G) {
    rows(std::integral_constant<int, G>());
  } else {
    rows(used);
  }
}

// yr[t kp + c] += sum_{i < h} a[i + t lda] vs[i kp + c] for t in [0, count): the tile's transpose times V's strip.
template <class T>
inline void column_kernel(const T* a, size_t lda, int count, const T* vs, int kp, T* yr) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  constexpr int h = strip_rows<T>();
  constexpr int W = kColumnVectors * L;
  int t0 = 0;
  for (; t0 < count; t0 += kColumnRows) {
    const int rows = std::min(kColumnRows, count - t0);
    for (int c0 = 0; c0 < kp; c0 += W) {
      V acc[kColumnRows][kColumnVectors];
      for (int g = 0; g < rows; ++g)
        for (int v = 0; v < kColumnVectors; ++v)
          acc[g][v] = S::load(yr + static_cast<size_t>(t0 + g) * kp + c0 + v * L);
      broadcast_rows<T, kColumnRows, kColumnVectors>(a + static_cast<size_t>(t0) * lda, lda, vs + c0,
                                                     static_cast<size_t>(kp), h, rows, acc);
      for (int g = 0; g < rows; ++g)
        for (int v = 0; v < kColumnVectors; ++v)
          S::store(yr + static_cast<size_t>(t0 + g) * kp + c0 + v * L, acc[g][v]);
    }
  }
}

// c[r + t ldc] -= sum_k a[r + k lda] bp[k kUpdateColumns + t] for the strip's h rows and kUpdateColumns columns
// t, bp packed (k-major); with `masked`, only where keep(r, t) holds (the diagonal, the last rows or columns).
template <class T, bool masked, class Keep>
inline void update_kernel(const T* a, size_t lda, int k, const T* bp, T* c, size_t ldc, T* tmp, Keep&& keep) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  V acc[kStripVectors][kStripColumns];
  outer_rows<T>(a, lda, bp, static_cast<size_t>(kStripColumns), k, acc);
  if (!masked) {
    for (int t = 0; t < kStripColumns; ++t) {
      T* y = c + static_cast<size_t>(t) * ldc;
      for (int i = 0; i < kStripVectors; ++i) S::store(y + i * L, S::load(y + i * L) - acc[i][t]);
    }
  } else {
    constexpr int h = strip_rows<T>();
    for (int t = 0; t < kStripColumns; ++t)
      for (int i = 0; i < kStripVectors; ++i) S::store(tmp + t * h + i * L, acc[i][t]);
    for (int t = 0; t < kStripColumns; ++t)
      for (int r = 0; r < h; ++r)
        if (keep(r, t)) c[r + static_cast<size_t>(t) * ldc] -= tmp[t * h + r];
  }
}

}  // namespace symm_detail

namespace symm_detail {

// Columns [t_begin, t_end) of C -= A B^T (lower triangle only when `lower`), C m x m' column-major, A m x k
// column-major, B's element (t, q) at b[t bt + q bq]. Each C element is read and written once.
template <class T, bool lower>
void subtract_products(int m, int k, const T* a, size_t lda, const T* b, size_t bt, size_t bq, T* c, size_t ldc,
                       int t_begin, int t_end, T* pack, T* tmp) {
  constexpr int h = strip_rows<T>();
  constexpr int nc = kStripColumns;
  for (int j0 = t_begin; j0 < t_end; j0 += kUpdatePanel) {
    const int j1 = std::min(t_end, j0 + kUpdatePanel);
    const int blocks = (j1 - j0 + nc - 1) / nc;
    // B's rows [j0, j1) packed block by block, k-major, zero past j1.
    for (int bl = 0; bl < blocks; ++bl) {
      T* dst = pack + static_cast<size_t>(bl) * k * nc;
      for (int q = 0; q < k; ++q)
        for (int t = 0; t < nc; ++t) {
          const int row = j0 + bl * nc + t;
          dst[q * nc + t] = row < j1 ? b[row * bt + q * bq] : T(0);
        }
    }
    for (int r0 = lower ? j0 : 0; r0 < m; r0 += h) {
      const bool full_rows = r0 + h <= m;
      const T* ap = a + r0;
      size_t ldap = lda;
      if (!full_rows) {  // the last rows, copied and padded with zeros so the kernel reads nothing past A
        T* rows = tmp + h * nc;
        for (int q = 0; q < k; ++q)
          for (int r = 0; r < h; ++r) rows[r + static_cast<size_t>(q) * h] = r0 + r < m ? a[r0 + r + q * lda] : T(0);
        ap = rows;
        ldap = h;
      }
      for (int bl = 0; bl < blocks; ++bl) {
        const int t0 = j0 + bl * nc;
        if (lower && t0 > r0 + h - 1) break;  // this block and those right of it lie above the strip
        const T* bp = pack + static_cast<size_t>(bl) * k * nc;
        T* cp = c + r0 + static_cast<size_t>(t0) * ldc;
        if (r0 + 2 * h <= m) {
          // The next strip's tile of C, and a share of its rows of A: each C column and A column is a separate
          // stream, too many (256 + k) for the hardware prefetchers (gemm_nn_sub at m = 8192: C from memory).
          for (int t = 0; t < nc && t0 + t < j1; ++t)
            for (int i = 0; i < h; i += 64 / static_cast<int>(sizeof(T)))
              __builtin_prefetch(cp + h + i + static_cast<size_t>(t) * ldc, 1, 3);
          if (full_rows)
            for (int q = bl * 2; q < k && q < bl * 2 + 2; ++q)
              for (int i = 0; i < h; i += 64 / static_cast<int>(sizeof(T)))
                __builtin_prefetch(a + r0 + h + i + static_cast<size_t>(q) * lda, 0, 3);
        }
        if (full_rows && (!lower || t0 + nc - 1 <= r0) && t0 + nc <= j1) {
          update_kernel<T, false>(ap, ldap, k, bp, cp, ldc, tmp, [](int, int) { return true; });
        } else {
          update_kernel<T, true>(ap, ldap, k, bp, cp, ldc, tmp, [&](int r, int t) {
            return r0 + r < m && t0 + t < j1 && (!lower || r0 + r >= t0 + t);
          });
        }
      }
    }
  }
}

}  // namespace symm_detail

/**
 * Columns [t_begin, t_end) of the lower triangle of C -= A B^T, C n x n column-major (ld ldc), A and B n x k
 * column-major (ld lda, ldb): with A = [V W] and B = [W V], the rank-2k update A22 -= V W^T + W V^T of the
 * reduction. Each C element is read and written once; t_begin must be a multiple of
 * symm_detail::kStripColumns. pack holds k * kUpdatePanel scalars, tmp strip_rows * (kStripColumns + k). Costs 2 k
 * (columns' lower lengths) flops.
 */
template <class T>
void rank2k_lower_columns(int n, int k, const T* a, size_t lda, const T* b, size_t ldb, T* c, size_t ldc,
                          int t_begin, int t_end, T* pack, T* tmp) {
  symm_detail::subtract_products<T, true>(n, k, a, lda, b, 1, ldb, c, ldc, t_begin, t_end, pack, tmp);
}

/**
 * Z -= V W for column-major Z (m x n, ld ldz), V (m x k, ld ldv) and W (k x n, ld ldw): the rank-k update of a
 * blocked back-transformation. pack holds k * kUpdatePanel scalars, tmp strip_rows * (kStripColumns + k). Costs
 * 2 m n k flops; reads and writes each element of Z once.
 */
template <class T>
void gemm_nn_sub(int m, int n, int k, const T* v, size_t ldv, const T* w, size_t ldw, T* z, size_t ldz, T* pack,
                 T* tmp) {
  symm_detail::subtract_products<T, false>(m, k, v, ldv, w, ldw, 1, z, ldz, 0, n, pack, tmp);
}

/**
 * W += V^T Z for column-major V (m x k, ld ldv), Z (m x n, ld ldz) and W (kp x n, ld ldw >= kp, kp = k rounded up
 * to symm_detail::product_width<T>(); rows k..kp get zeros added): the first product of a blocked
 * back-transformation. vpack holds kProductRows * kp scalars. Costs 2 m n k flops; reads Z once.
 */
template <class T>
void gemm_tn_acc(int m, int n, int k, const T* v, size_t ldv, const T* z, size_t ldz, T* w, size_t ldw, T* vpack) {
  using namespace symm_detail;
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  constexpr int qw = kProductVectors * L;
  constexpr int tb = kAccumulators / kProductVectors;
  const int kp = (k + qw - 1) / qw * qw;
  for (int r0 = 0; r0 < m; r0 += kProductRows) {
    const int rc = std::min(kProductRows, m - r0);
    for (int r = 0; r < rc; ++r)  // V's rows, row-major, zero past k
      for (int q = 0; q < kp; ++q) vpack[static_cast<size_t>(r) * kp + q] = q < k ? v[r0 + r + q * ldv] : T(0);
    for (int t0 = 0; t0 < n; t0 += tb) {
      const int tc = std::min(tb, n - t0);
      const T* zc = z + r0 + static_cast<size_t>(t0) * ldz;
      for (int q0 = 0; q0 < kp; q0 += qw) {
        V acc[tb][kProductVectors];
        for (auto& row : acc)
          for (auto& x : row) x = V{};
        broadcast_rows<T, tb, kProductVectors>(zc, ldz, vpack + q0, static_cast<size_t>(kp), rc, tc, acc);
        for (int g = 0; g < tc; ++g) {
          T* wg = w + static_cast<size_t>(t0 + g) * ldw + q0;
          for (int u = 0; u < kProductVectors; ++u) S::store(wg + u * L, S::load(wg + u * L) + acc[g][u]);
        }
      }
    }
  }
}


namespace symm_detail {

// w[q0 + q] = sum_{r in [r_begin, r_end)} vt[r kk + q0 + q] z[r ldz + (CV vectors)] for q < Q: Q reflectors of
// V^T Z for one column chunk. Each tile size is its own function so that its accumulators stay in registers.
// With next non-null, also prefetches the same rows of the next chunk (next - z columns to the right): each row is
// its own stream, 79 of them per block, too many for the hardware prefetchers.
template <class T, int CV, int Q>
inline void reflect_project(const T* z, size_t ldz, const T* vt, int kk, int q0, int r_begin, int r_end, T* w,
                            const T* next) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  V acc[Q][CV];
  for (auto& row : acc)
    for (auto& x : row) x = V{};
  for (int r = r_begin; r < r_end; ++r) {
    V zv[CV];
    for (int u = 0; u < CV; ++u) zv[u] = S::load(z + static_cast<size_t>(r) * ldz + u * L);
    if (next != nullptr)
      for (int u = 0; u < CV; ++u) __builtin_prefetch(next + static_cast<size_t>(r) * ldz + u * L, 1, 3);
    const T* vrow = vt + static_cast<size_t>(r) * kk + q0;
    for (int q = 0; q < Q; ++q) {
      const V vq = S::splat_at(vrow + q);
      for (int u = 0; u < CV; ++u) acc[q][u] += vq * zv[u];
    }
  }
  for (int q = 0; q < Q; ++q)
    for (int u = 0; u < CV; ++u) S::store(w + static_cast<size_t>(q0 + q) * CV * L + u * L, acc[q][u]);
}

// z[(r0 + i) ldz + (CV vectors)] -= sum_{q in [q_begin, q_end)} v[r0 + i + q ldv] w[q] for i < R.
template <class T, int CV, int R>
inline void reflect_update(const T* v, size_t ldv, const T* w, int q_begin, int q_end, int r0, T* z, size_t ldz) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  V acc[R][CV];
  for (int i = 0; i < R; ++i)
    for (int u = 0; u < CV; ++u) acc[i][u] = S::load(z + static_cast<size_t>(r0 + i) * ldz + u * L);
  for (int q = q_begin; q < q_end; ++q) {
    V wq[CV];
    for (int u = 0; u < CV; ++u) wq[u] = S::load(w + static_cast<size_t>(q) * CV * L + u * L);
    const T* vq = v + r0 + static_cast<size_t>(q) * ldv;
    for (int i = 0; i < R; ++i) {
      const V vi = S::splat_at(vq + i);
      for (int u = 0; u < CV; ++u) acc[i][u] -= vi * wq[u];
    }
  }
  for (int i = 0; i < R; ++i)
    for (int u = 0; u < CV; ++u) S::store(z + static_cast<size_t>(r0 + i) * ldz + u * L, acc[i][u]);
}

// One column chunk (CV vectors wide) of Z <- (I - V T V^T) Z on rows [0, m) of the row-major z: W = V^T Z (8
// reflectors a pass, V read row-major from vt), W = T W in place (T upper), Z -= V W (8 rows a pass, V read
// column-major). Column q of V is zero outside rows [q, q + band): each pass visits only the rows and reflectors
// where V can be nonzero (a Q2 block, 79 x 16 at kd = 64, is 19 % zeros). w: kk x CV vectors.
template <class T, int CV>
inline void reflect_chunk(int m, int kk, int band, const T* v, size_t ldv, const T* vt, const T* t, size_t ldt, T* z,
                          size_t ldz, T* w, const T* next) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  constexpr int Q = 8;
  auto rows_end = [&](int q_last) { return static_cast<int>(std::min<long>(m, static_cast<long>(q_last) + band)); };
  int q0 = 0;
  if (next != nullptr && kk >= Q) {  // the rows the first pass skips, then the first pass with its prefetches
    for (int r = rows_end(Q - 1); r < m; ++r)
      for (int u = 0; u < CV; ++u) __builtin_prefetch(next + static_cast<size_t>(r) * ldz + u * L, 1, 3);
  } else {
    next = nullptr;
  }
  for (; q0 + Q <= kk; q0 += Q) {
    reflect_project<T, CV, Q>(z, ldz, vt, kk, q0, q0, rows_end(q0 + Q - 1), w, next);
    next = nullptr;
  }
  for (; q0 < kk; ++q0) reflect_project<T, CV, 1>(z, ldz, vt, kk, q0, q0, rows_end(q0), w, nullptr);
  for (int q = 0; q < kk; ++q) {  // W = T W, row q from rows q.. (T upper), in place top-down
    V sum[CV];
    const T tqq = t[q + static_cast<size_t>(q) * ldt];
    for (int u = 0; u < CV; ++u) sum[u] = S::splat(tqq) * S::load(w + static_cast<size_t>(q) * CV * L + u * L);
    for (int p = q + 1; p < kk; ++p) {
      const V tqp = S::splat(t[q + static_cast<size_t>(p) * ldt]);
      for (int u = 0; u < CV; ++u) sum[u] += tqp * S::load(w + static_cast<size_t>(p) * CV * L + u * L);
    }
    for (int u = 0; u < CV; ++u) S::store(w + static_cast<size_t>(q) * CV * L + u * L, sum[u]);
  }
  // V(r, q) = 0 for q > r and for q <= r - band: rows [r0, r0 + rows) need q in [r0 - band + 1, r0 + rows).
  constexpr int R = 8;
  int r0 = 0;
  for (; r0 + R <= m; r0 += R)
    reflect_update<T, CV, R>(v, ldv, w, std::max(0, r0 - band + 1), std::min(kk, r0 + R), r0, z, ldz);
  for (; r0 < m; ++r0) reflect_update<T, CV, 1>(v, ldv, w, std::max(0, r0 - band + 1), std::min(kk, r0 + 1), r0, z, ldz);
}

}  // namespace symm_detail

/**
 * Z <- (I - V T V^T) Z for rows [0, m) of the row-major z (ld ldz), columns [0, ncols): V m x kk column-major
 * (ld ldv, explicit unit diagonal and zeros; column q zero outside rows [q, q + band), band >= 1), T kk x kk
 * upper (ld ldt), kk <= 32. One block of Q2 in the two-stage back-transformation (band = kd). w holds kk * 3
 * vectors and m * kk scalars. Costs about 4 min(m, band + kk) kk ncols + kk^2 ncols flops.
 */
template <class T>
void reflect_rows(int m, int kk, int band, const T* v, size_t ldv, const T* t, size_t ldt, T* z, size_t ldz, int ncols,
                  T* w) {
  using namespace symm_detail;
  constexpr int L = Simd<T>::lanes;
  int c = 0;
  T* vt = w + static_cast<size_t>(kk) * 3 * L;  // V row-major, for step 1's broadcasts (one cache line a row)
  for (int r = 0; r < m; ++r)
    for (int q = 0; q < kk; ++q) vt[static_cast<size_t>(r) * kk + q] = v[r + static_cast<size_t>(q) * ldv];
  for (; c + 3 * L <= ncols; c += 3 * L)
    reflect_chunk<T, 3>(m, kk, band, v, ldv, vt, t, ldt, z + c, ldz, w, c + 6 * L <= ncols ? z + c + 3 * L : nullptr);
  for (; c + L <= ncols; c += L) reflect_chunk<T, 1>(m, kk, band, v, ldv, vt, t, ldt, z + c, ldz, w, nullptr);
  for (; c < ncols; ++c) {  // fewer than one vector of columns left: plain loops
    T wq[32];
    for (int q = 0; q < kk; ++q) {
      T sum = T(0);
      for (int r = 0; r < m; ++r) sum += v[r + static_cast<size_t>(q) * ldv] * z[static_cast<size_t>(r) * ldz + c];
      wq[q] = sum;
    }
    for (int q = 0; q < kk; ++q) {
      T sum = T(0);
      for (int p = q; p < kk; ++p) sum += t[q + static_cast<size_t>(p) * ldt] * wq[p];
      wq[q] = sum;
    }
    for (int r = 0; r < m; ++r) {
      T sum = T(0);
      for (int q = 0; q < kk; ++q) sum += v[r + static_cast<size_t>(q) * ldv] * wq[q];
      z[static_cast<size_t>(r) * ldz + c] -= sum;
    }
  }
}

/**
 * Row strips [s_begin, s_end) of Y = A V over the columns [c_begin, c_end), A the n x n symmetric matrix in the
 * lower triangle of the column-major a (ld lda; the strict upper triangle is never read), V row-major in vr (n x
 * kp, kp a multiple of symm_detail::width_multiple<T>(), padding columns zero). Strip s holds rows [s h, min(n, s
 * h + h)) with h = symm_detail::strip_rows<T>(); its diagonal block counts as column s h's. Adds the strip rows'
 * products with the columns of the range left of the strip into yc (column-major, ld n: rows of the strips) and
 * the transposed products into yr (row-major n x kp, rows of the column range); the diagonal blocks go to yc
 * alone. Y =
 * yc + yr, summed over every strip and column range: strips split the rows, column ranges the columns (a core then
 * reads the columns the trailing update gave it). diag is a scratch of max(h h, kp) scalars. Costs 2 kp flops per
 * stored element of A read, and reads each once.
 */
template <class T>
void symm_lower_strips(int n, const T* a, size_t lda, const T* vr, int kp, int s_begin, int s_end, int c_begin,
                       int c_end, T* yc, T* yr, T* diag) {
  using namespace symm_detail;
  constexpr int h = strip_rows<T>();
  for (int s = s_begin; s < s_end; ++s) {
    const int r0 = s * h;
    if (r0 >= n) break;
    const bool own_diagonal = c_begin <= r0 && r0 < c_end;
    const int t_end = std::min(c_end, r0);  // off-diagonal columns [c_begin, t_end)
    if (r0 + h > n) {  // the last, partial strip (fewer than h rows): plain loops, each row's sum kept in `diag`
      for (int r = r0; r < n; ++r) {
        const T* vrow = vr + static_cast<size_t>(r) * kp;
        T* yrow = diag;  // h x h >= kp scalars
        const T arr = own_diagonal ? a[r + static_cast<size_t>(r) * lda] : T(0);
        for (int c = 0; c < kp; ++c) yrow[c] = arr * vrow[c];
        for (int t = c_begin; t < t_end; ++t) {
          const T art = a[r + static_cast<size_t>(t) * lda];
          const T* vt = vr + static_cast<size_t>(t) * kp;
          T* yt = yr + static_cast<size_t>(t) * kp;
          for (int c = 0; c < kp; ++c) {
            yrow[c] += art * vt[c];
            yt[c] += art * vrow[c];
          }
        }
        if (own_diagonal)  // the diagonal block: transposed products to the strip's rows, in yc
          for (int t = r0; t < r; ++t) {
            const T art = a[r + static_cast<size_t>(t) * lda];
            const T* vt = vr + static_cast<size_t>(t) * kp;
            for (int c = 0; c < kp; ++c) {
              yrow[c] += art * vt[c];
              yc[t + static_cast<size_t>(c) * n] += art * vrow[c];
            }
          }
        for (int c = 0; c < kp; ++c) yc[r + static_cast<size_t>(c) * n] += yrow[c];
      }
      break;
    }
    const T* strip = a + r0;
    for (int t0 = c_begin; t0 < t_end; t0 += kBlock) {
      const int count = std::min(kBlock, t_end - t0);
      const T* tile = strip + static_cast<size_t>(t0) * lda;
      strip_kernel(tile, lda, count, vr + static_cast<size_t>(t0) * kp, kp, yc + r0, static_cast<size_t>(n));
      column_kernel(tile, lda, count, vr + static_cast<size_t>(r0) * kp, kp, yr + static_cast<size_t>(t0) * kp);
    }
    if (!own_diagonal) continue;
    // The diagonal block, mirrored into a full h x h block, through the strip kernel alone.
    for (int t = 0; t < h; ++t)
      for (int r = 0; r < h; ++r)
        diag[r + static_cast<size_t>(t) * h] =
            r >= t ? a[r0 + r + static_cast<size_t>(r0 + t) * lda] : a[r0 + t + static_cast<size_t>(r0 + r) * lda];
    strip_kernel(diag, static_cast<size_t>(h), h, vr + static_cast<size_t>(r0) * kp, kp, yc + r0,
                 static_cast<size_t>(n));
  }
}

/** This build's kernels, as band_reduce.hpp takes them (band_kernels_dispatch.hpp). */
template <class T>
BandKernels<T> band_kernels_here() {
  return {symm_detail::strip_rows<T>(), symm_detail::width_multiple<T>(), symm_detail::kStripColumns,
          symm_detail::kUpdatePanel, symm_detail::product_width<T>(), symm_detail::kProductRows,
          &symm_lower_strips<T>, &rank2k_lower_columns<T>, &gemm_nn_sub<T>, &gemm_tn_acc<T>, &reflect_rows<T>,
          &bisect_values<T>, chase_kernel_rows<T>(), &chase_first<T>, &chase_next<T>, &secular_pass<T>,
          &symv_lower_columns<T>, &panel_dots<T>, &panel_sub<T>, &lane_dot<T>, &scale_add<T>};
}

}  // namespace EB_NS
}  // namespace eigenbasis
