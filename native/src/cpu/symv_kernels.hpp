// y = A x for a symmetric A held in its lower triangle, by columns: the memory-bound half of one-stage
// tridiagonalisation (tridiagonal_reduce.hpp). Four columns at a time, each stored element loaded once and used
// twice (y[i] += A[i,j] x[j] below the diagonal, y[j] += A[i,j] x[i] by a dot product), so the kernel streams A at
// the cache's rate. OpenBLAS's ?symv (Haswell kernels) on the sequence of a reduction at n = 1024, two threads: f32
// 12.6 ms against 8.9 here, f64 13.4 against 13.0 (design notes section 17). Built in band_kernels_avx512.cpp for
// x86-64-v4 (the inline namespace EB_NS = avx512).
#pragma once

#include <cstddef>

#include "simd_lanes.hpp"

#if !defined(__AVX512F__) || !defined(EB_NS)
#error "symv_kernels.hpp is built for x86-64-v4 only, in band_kernels_avx512.cpp (which defines EB_NS)"
#endif

namespace eigenbasis {
inline namespace EB_NS {
namespace symv_detail {

template <class T>
using Lanes = simd_detail::Simd<T>;

// Adds the lanes of four vector accumulators to four scalars, lane by lane in order.
template <class T>
inline void fold_lanes(typename Lanes<T>::V s0, typename Lanes<T>::V s1, typename Lanes<T>::V s2,
                       typename Lanes<T>::V s3, T& t0, T& t1, T& t2, T& t3) {
  for (int l = 0; l < Lanes<T>::lanes; ++l) {
    t0 += s0[l];
    t1 += s1[l];
    t2 += s2[l];
    t3 += s3[l];
  }
}

}  // namespace symv_detail

/**
 * Adds to y the contribution of columns [c0, c1) of the m x m symmetric matrix whose lower triangle is in the
 * column-major a (ld lda) to A x: y[i] += A[i, j] x[j] for i >= j, and y[j] += A[i, j] x[i] for i > j, j in [c0,
 * c1). Reads a's columns c0..c1 from their diagonals down once, x[c0, m); writes y[c0, m). Two calls on column
 * ranges that split [0, m) sum to y = A x (each into its own y). Costs 4 (m - j) flops per column; never fails.
 */
template <class T>
void symv_lower_columns(int m, const T* a, size_t lda, const T* x, T* y, int c0, int c1) {
  using S = symv_detail::Lanes<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  int j = c0;
  for (; j + 4 <= c1; j += 4) {
    const T* a0 = a + j + static_cast<size_t>(j) * lda;  // column j from its diagonal
    const T* a1 = a0 + lda;
    const T* a2 = a1 + lda;
    const T* a3 = a2 + lda;
    const T x0 = x[j], x1 = x[j + 1], x2 = x[j + 2], x3 = x[j + 3];
    // The 4 x 4 diagonal block (lower part), its row r at a_c[r] for column c <= r.
    T t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    y[j] += a0[0] * x0;
    y[j + 1] += a0[1] * x0 + a1[1] * x1;
    y[j + 2] += a0[2] * x0 + a1[2] * x1 + a2[2] * x2;
    y[j + 3] += a0[3] * x0 + a1[3] * x1 + a2[3] * x2 + a3[3] * x3;
    t0 += a0[1] * x[j + 1] + a0[2] * x[j + 2] + a0[3] * x[j + 3];
    t1 += a1[2] * x[j + 2] + a1[3] * x[j + 3];
    t2 += a2[3] * x[j + 3];
    const V v0 = V{} + x0, v1 = V{} + x1, v2 = V{} + x2, v3 = V{} + x3;
    V s0{}, s1{}, s2{}, s3{};
    int i = j + 4;
    for (; i + L <= m; i += L) {
      const int r = i - j;
      const V c0v = S::load(a0 + r), c1v = S::load(a1 + r), c2v = S::load(a2 + r), c3v = S::load(a3 + r);
      const V xi = S::load(x + i);
      V yi = S::load(y + i);
      yi += c0v * v0;
      yi += c1v * v1;
      yi += c2v * v2;
      yi += c3v * v3;
      S::store(y + i, yi);
      s0 += c0v * xi;
      s1 += c1v * xi;
      s2 += c2v * xi;
      s3 += c3v * xi;
    }
    for (; i < m; ++i) {
      const int r = i - j;
      y[i] += a0[r] * x0 + a1[r] * x1 + a2[r] * x2 + a3[r] * x3;
      t0 += a0[r] * x[i];
      t1 += a1[r] * x[i];
      t2 += a2[r] * x[i];
      t3 += a3[r] * x[i];
    }
    symv_detail::fold_lanes<T>(s0, s1, s2, s3, t0, t1, t2, t3);
    y[j] += t0;
    y[j + 1] += t1;
    y[j + 2] += t2;
    y[j + 3] += t3;
  }
  for (; j < c1; ++j) {
    const T* col = a + static_cast<size_t>(j) * lda;
    const T xj = x[j];
    T t = col[j] * xj;
    for (int i = j + 1; i < m; ++i) {
      y[i] += col[i] * xj;
      t += col[i] * x[i];
    }
    y[j] += t;
  }
}

/**
 * p[c] = sum_r v[r + c ldv] x[r] and q[c] = sum_r w[r + c ldw] x[r] for c < k, r < rows: the two panel products
 * V^T x and W^T x of a reduction panel, four columns of each per pass over x. Reads v, w and x once; writes p[0,
 * k) and q[0, k). Costs 4 rows k flops.
 */
template <class T>
void panel_dots(int rows, int k, const T* v, size_t ldv, const T* w, size_t ldw, const T* x, T* p, T* q) {
  using S = symv_detail::Lanes<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  for (int pass = 0; pass < 2; ++pass) {
    const T* m = pass == 0 ? v : w;
    const size_t ld = pass == 0 ? ldv : ldw;
    T* out = pass == 0 ? p : q;
    int c = 0;
    for (; c + 4 <= k; c += 4) {
      const T* m0 = m + static_cast<size_t>(c) * ld;
      const T* m1 = m0 + ld;
      const T* m2 = m1 + ld;
      const T* m3 = m2 + ld;
      V s0{}, s1{}, s2{}, s3{};
      int r = 0;
      for (; r + L <= rows; r += L) {
        const V xr = S::load(x + r);
        s0 += S::load(m0 + r) * xr;
        s1 += S::load(m1 + r) * xr;
        s2 += S::load(m2 + r) * xr;
        s3 += S::load(m3 + r) * xr;
      }
      T t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (; r < rows; ++r) {
        t0 += m0[r] * x[r];
        t1 += m1[r] * x[r];
        t2 += m2[r] * x[r];
        t3 += m3[r] * x[r];
      }
      symv_detail::fold_lanes<T>(s0, s1, s2, s3, t0, t1, t2, t3);
      out[c] = t0;
      out[c + 1] = t1;
      out[c + 2] = t2;
      out[c + 3] = t3;
    }
    for (; c < k; ++c) {
      const T* mc = m + static_cast<size_t>(c) * ld;
      V s{};
      int r = 0;
      for (; r + L <= rows; r += L) s += S::load(mc + r) * S::load(x + r);
      T t = 0;
      for (; r < rows; ++r) t += mc[r] * x[r];
      for (int l = 0; l < L; ++l) t += s[l];
      out[c] = t;
    }
  }
}

/**
 * out[r] -= sum_c (v[r + c ldv] a[c] + w[r + c ldw] b[c]) for r < rows, c < k: the panel's rank-2k correction
 * of one column, V a + W b, four columns of each per pass over out. Reads v, w once; writes out[0, rows). Costs 4
 * rows k flops.
 */
template <class T>
void panel_sub(int rows, int k, const T* v, size_t ldv, const T* w, size_t ldw, const T* a, const T* b, T* out) {
  using S = symv_detail::Lanes<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  for (int c = 0; c < k; c += 2) {
    const bool pair = c + 1 < k;
    const T* v0 = v + static_cast<size_t>(c) * ldv;
    const T* w0 = w + static_cast<size_t>(c) * ldw;
    const T* v1 = pair ? v0 + ldv : v0;
    const T* w1 = pair ? w0 + ldw : w0;
    const T a0 = a[c], b0 = b[c], a1 = pair ? a[c + 1] : T(0), b1 = pair ? b[c + 1] : T(0);
    const V va0 = V{} + a0, vb0 = V{} + b0, va1 = V{} + a1, vb1 = V{} + b1;
    int r = 0;
    for (; r + L <= rows; r += L) {
      V o = S::load(out + r);
      o -= S::load(v0 + r) * va0;
      o -= S::load(w0 + r) * vb0;
      o -= S::load(v1 + r) * va1;
      o -= S::load(w1 + r) * vb1;
      S::store(out + r, o);
    }
    for (; r < rows; ++r) out[r] -= v0[r] * a0 + w0[r] * b0 + v1[r] * a1 + w1[r] * b1;
  }
}

/** Returns sum_r x[r] y[r], r < rows, in 64-byte lanes summed in a fixed order. */
template <class T>
T lane_dot(int rows, const T* x, const T* y) {
  using S = symv_detail::Lanes<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  V s0{}, s1{};
  int r = 0;
  for (; r + 2 * L <= rows; r += 2 * L) {
    s0 += S::load(x + r) * S::load(y + r);
    s1 += S::load(x + r + L) * S::load(y + r + L);
  }
  for (; r + L <= rows; r += L) s0 += S::load(x + r) * S::load(y + r);
  s0 += s1;
  T t = 0;
  for (; r < rows; ++r) t += x[r] * y[r];
  for (int l = 0; l < L; ++l) t += s0[l];
  return t;
}

/** y[r] = s y[r] + alpha x[r] for r < rows. */
template <class T>
void scale_add(int rows, T s, T alpha, const T* x, T* y) {
  using S = symv_detail::Lanes<T>;
  using V = typename S::V;
  constexpr int L = S::lanes;
  const V vs = V{} + s, va = V{} + alpha;
  int r = 0;
  for (; r + L <= rows; r += L) S::store(y + r, vs * S::load(y + r) + va * S::load(x + r));
  for (; r < rows; ++r) y[r] = s * y[r] + alpha * x[r];
}

}  // namespace EB_NS
}  // namespace eigenbasis
