// The two level kernels of the bulge chase (bulge_chase.hpp) for AVX-512: each level works on kd x kd blocks in
// L1, so its time goes in loop overhead, peeled triangular loops and dependent reductions, not in flops (the plain
// loops of bulge_chase.hpp ran at 12.5 GFLOP/s per core, kd = 32). Here a block's column is at most kMaxChunks
// vectors, held in registers with masked loads and stores for the ragged edges; the right-hand application, the
// new reflector and the left-hand application are one pass over the bulge block (w = B v first, then each column
// once), and the reflector is formed in registers (LAPACK's ?larfg for inputs whose squares could leave the
// normal range). Built in band_kernels_avx512.cpp for x86-64-v4 (the inline namespace EB_NS = avx512).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include <immintrin.h>

#include <lapack.h>

#if !defined(__AVX512F__) || !defined(EB_NS)
#error "chase_kernels.hpp is built for x86-64-v4 only, in band_kernels_avx512.cpp (which defines EB_NS)"
#endif

namespace eigenbasis {
inline namespace EB_NS {
namespace chase_kernel_detail {

constexpr int kMaxChunks = 8;  // rows per block: up to 64 (f64) or 128 (f32)

template <class T>
struct Zmm;

template <>
struct Zmm<double> {
  using V = __m512d;
  using M = __mmask8;
  static constexpr int lanes = 8;
  static M first(int count) { return count <= 0 ? M(0) : count >= 8 ? M(0xFF) : M((1u << count) - 1); }
  static V zero() { return _mm512_setzero_pd(); }
  static V set1(double x) { return _mm512_set1_pd(x); }
  static V load(M m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  static void store(double* p, M m, V x) { _mm512_mask_storeu_pd(p, m, x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }    // a b + c
  static V fnma(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }  // c - a b
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V keep(M m, V x) { return _mm512_maskz_mov_pd(m, x); }
  static double sum(V x) {  // by GCC's generic shuffles: GCC 12's reduce and extract intrinsics warn
    typedef long long I __attribute__((vector_size(64)));
    x += __builtin_shuffle(x, I{4, 5, 6, 7, 0, 1, 2, 3});
    x += __builtin_shuffle(x, I{2, 3, 0, 1, 6, 7, 4, 5});
    x += __builtin_shuffle(x, I{1, 0, 3, 2, 5, 4, 7, 6});
    return x[0];
  }
  static V unit_first(V x) { return _mm512_mask_mov_pd(x, M(1), set1(1.0)); }
};

template <>
struct Zmm<float> {
  using V = __m512;
  using M = __mmask16;
  static constexpr int lanes = 16;
  static M first(int count) { return count <= 0 ? M(0) : count >= 16 ? M(0xFFFF) : M((1u << count) - 1); }
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V load(M m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void store(float* p, M m, V x) { _mm512_mask_storeu_ps(p, m, x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V keep(M m, V x) { return _mm512_maskz_mov_ps(m, x); }
  static float sum(V x) {
    typedef int I __attribute__((vector_size(64)));
    x += __builtin_shuffle(x, I{8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7});
    x += __builtin_shuffle(x, I{4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11});
    x += __builtin_shuffle(x, I{2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13});
    x += __builtin_shuffle(x, I{1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14});
    return x[0];
  }
  static V unit_first(V x) { return _mm512_mask_mov_ps(x, M(1), set1(1.0f)); }
};

// LAPACK's ?larfg, called directly: lapack.hpp's inline wrapper, compiled here for x86-64-v4, could be the copy the
// linker keeps for the whole program (one definition rule); helpers in the inline namespace EB_NS cannot.
inline void larfg_here(int m, double* x, double* tau) {
  const lapack_int n = m, inc = 1;
  LAPACK_dlarfg(&n, x, x + 1, &inc, tau);
}
inline void larfg_here(int m, float* x, float* tau) {
  const lapack_int n = m, inc = 1;
  LAPACK_slarfg(&n, x, x + 1, &inc, tau);
}

// Rows [0, m) of a block as NC chunks of lanes: the masks of the valid lanes.
template <class T, int NC>
struct Rows {
  using Z = Zmm<T>;
  typename Z::M valid[NC];
  explicit Rows(int m) {
    for (int c = 0; c < NC; ++c) valid[c] = Z::first(m - c * Z::lanes);
  }
  // Rows r >= j of chunk c = j / lanes.
  typename Z::M from(int c, int j) const {
    return static_cast<typename Z::M>(valid[c] & (~0u << (j - c * Z::lanes)));
  }
};

// Turns x[0..m) into a Householder reflector as ?larfg does: x[0] becomes beta, x[1..m) zero; returns tau and
// leaves the vector (unit first entry, zeros past m) in u (registers) and u_mem. xv holds x's chunks.
template <class T, int NC>
T reflector(int m, T* x, const typename Zmm<T>::V (&xv)[NC], const Rows<T, NC>& rows, typename Zmm<T>::V (&u)[NC],
            T* u_mem) {
  using Z = Zmm<T>;
  using V = typename Z::V;
  constexpr int L = Z::lanes;
  // Below this the squares lose digits to underflow; above, alpha^2 + ssq may overflow: LAPACK's scaled path.
  constexpr T kLow = std::numeric_limits<T>::min() / (std::numeric_limits<T>::epsilon() *
                                                      std::numeric_limits<T>::epsilon());
  constexpr T kHigh = std::numeric_limits<T>::max() / 4;
  V s = Z::zero();
  for (int c = 0; c < NC; ++c) {
    const V tail = c == 0 ? Z::keep(static_cast<typename Z::M>(~typename Z::M(1)), xv[0]) : xv[c];
    s = Z::fma(tail, tail, s);
  }
  const T ssq = Z::sum(s);
  const T alpha = xv[0][0];  // from the register: x was just written by a masked store, which does not forward
  const T total = alpha * alpha + ssq;
  T tau = T(0);
  if (m > 1 && ssq >= kLow && total <= kHigh) {
    const T beta = -std::copysign(std::sqrt(total), alpha);
    tau = (beta - alpha) / beta;
    const V scal = Z::set1(T(1) / (alpha - beta));
    for (int c = 0; c < NC; ++c) u[c] = Z::mul(xv[c], scal);
    x[0] = beta;
  } else {  // a zero or tiny tail (tau = 0 when it is zero), huge entries, NaN or Inf
    larfg_here(m, x, &tau);
    for (int c = 0; c < NC; ++c) u[c] = Z::load(rows.valid[c], x + c * L);
  }
  u[0] = Z::unit_first(u[0]);
  for (int c = 0; c < NC; ++c) {
    Z::store(u_mem + c * L, Z::first(L), u[c]);
    Z::store(x + c * L, c == 0 ? static_cast<typename Z::M>(rows.valid[0] & ~typename Z::M(1)) : rows.valid[c],
             Z::zero());
  }
  return tau;
}

// C = H C H for the symmetric m x m block C (its lower triangle, leading dimension ld), H = I - tau u u^T with u
// in registers and in u_mem: w = tau C u by columns (the rows at and below each diagonal in lanes, the part above
// by one dot product per column), w -= (tau / 2) (w . u) u, C -= u w^T + w u^T. w_mem: NC lanes-vectors.
template <class T, int NC>
void two_sided(int m, const typename Zmm<T>::V (&u)[NC], const T* u_mem, T tau, T* c, size_t ld,
               const Rows<T, NC>& rows, T* w_mem) {
  using Z = Zmm<T>;
  using V = typename Z::V;
  constexpr int L = Z::lanes;
  V w[NC];
  for (int q = 0; q < NC; ++q) w[q] = Z::zero();
  for (int j = 0; j < m; ++j) {
    const T* col = c + static_cast<size_t>(j) * ld;
    const int cj = j / L;
    const V uj = Z::set1(u_mem[j]);
    // Chunk cj holds the diagonal: rows >= j in the column sum, rows > j (ge less its lowest lane) in the dot
    // product. The chunk loop runs over compile-time q, so that w and u stay in registers.
    const auto ge = rows.from(cj, j);
    const auto gt = static_cast<decltype(ge)>(ge & (ge - 1));
    V acc = Z::zero();
    for (int q = 0; q < NC; ++q) {
      if (q < cj) continue;
      const V x = Z::load(q == cj ? ge : rows.valid[q], col + q * L);
      w[q] = Z::fma(x, uj, w[q]);
      acc = Z::fma(q == cj ? Z::keep(gt, x) : x, u[q], acc);
    }
    w_mem[j] = Z::sum(acc);
  }
  const V t = Z::set1(tau);
  V wu = Z::zero();
  for (int q = 0; q < NC; ++q) {
    w[q] = Z::mul(Z::add(w[q], Z::load(rows.valid[q], w_mem + q * L)), t);
    wu = Z::fma(w[q], u[q], wu);
  }
  const V alpha = Z::set1(T(-0.5) * tau * Z::sum(wu));
  for (int q = 0; q < NC; ++q) {
    w[q] = Z::fma(alpha, u[q], w[q]);
    Z::store(w_mem + q * L, Z::first(L), w[q]);
  }
  for (int j = 0; j < m; ++j) {
    T* col = c + static_cast<size_t>(j) * ld;
    const int cj = j / L;
    const V uj = Z::set1(u_mem[j]), wj = Z::set1(w_mem[j]);
    const auto ge = rows.from(cj, j);
    for (int q = 0; q < NC; ++q) {
      if (q < cj) continue;
      const auto mask = q == cj ? ge : rows.valid[q];
      V x = Z::load(mask, col + q * L);
      x = Z::fnma(u[q], wj, x);
      x = Z::fnma(w[q], uj, x);
      Z::store(col + q * L, mask, x);
    }
  }
}

template <class T, int NC>
T chase_first_n(int m, T* x, T* c, size_t ld, T* u_mem, T* w_mem) {
  using Z = Zmm<T>;
  using V = typename Z::V;
  const Rows<T, NC> rows(m);
  V xv[NC], u[NC];
  for (int q = 0; q < NC; ++q) xv[q] = Z::load(rows.valid[q], x + q * Z::lanes);
  const T tau = reflector<T, NC>(m, x, xv, rows, u, u_mem);
  if (tau != T(0)) two_sided<T, NC>(m, u, u_mem, tau, c, ld, rows, w_mem);
  return tau;
}

template <class T, int NC>
T chase_next_n(int m, int k, const T* v_mem, T tau, T* blk, T* diag, size_t ld, T* u_mem, T* w_mem) {
  using Z = Zmm<T>;
  using V = typename Z::V;
  constexpr int L = Z::lanes;
  const Rows<T, NC> rows(m);
  // w = B v, two accumulator sets for the FMA latency.
  V w[NC], w2[NC];
  for (int q = 0; q < NC; ++q) w[q] = w2[q] = Z::zero();
  int j = 0;
  for (; j + 1 < k; j += 2) {
    const T* c0 = blk + static_cast<size_t>(j) * ld;
    const T* c1 = c0 + ld;
    const V v0 = Z::set1(v_mem[j]), v1 = Z::set1(v_mem[j + 1]);
    for (int q = 0; q < NC; ++q) {
      w[q] = Z::fma(Z::load(rows.valid[q], c0 + q * L), v0, w[q]);
      w2[q] = Z::fma(Z::load(rows.valid[q], c1 + q * L), v1, w2[q]);
    }
  }
  if (j < k) {
    const T* c0 = blk + static_cast<size_t>(j) * ld;
    const V v0 = Z::set1(v_mem[j]);
    for (int q = 0; q < NC; ++q) w[q] = Z::fma(Z::load(rows.valid[q], c0 + q * L), v0, w[q]);
  }
  for (int q = 0; q < NC; ++q) w[q] = Z::add(w[q], w2[q]);
  // Column 0 of B H, then the reflector that annihilates it below its first entry.
  V x0[NC], u[NC];
  const V tv0 = Z::set1(tau * v_mem[0]);
  for (int q = 0; q < NC; ++q) {
    x0[q] = Z::fnma(w[q], tv0, Z::load(rows.valid[q], blk + q * L));
    Z::store(blk + q * L, rows.valid[q], x0[q]);
  }
  const T tau_u = reflector<T, NC>(m, blk, x0, rows, u, u_mem);
  // Columns 1 .. k - 1: B H, then H_u from the left, each column loaded and stored once.
  const V tu = Z::set1(tau_u);
  for (j = 1; j < k; ++j) {
    T* col = blk + static_cast<size_t>(j) * ld;
    const V tvj = Z::set1(tau * v_mem[j]);
    V x[NC];
    V acc = Z::zero();
    for (int q = 0; q < NC; ++q) {
      x[q] = Z::fnma(w[q], tvj, Z::load(rows.valid[q], col + q * L));
      acc = Z::fma(u[q], x[q], acc);
    }
    const V f = Z::mul(tu, Z::set1(Z::sum(acc)));
    for (int q = 0; q < NC; ++q) Z::store(col + q * L, rows.valid[q], Z::fnma(u[q], f, x[q]));
  }
  if (tau_u != T(0)) two_sided<T, NC>(m, u, u_mem, tau_u, diag, ld, rows, w_mem);
  return tau_u;
}

}  // namespace chase_kernel_detail
/** Rows the level kernels take at most (the bulge chase's kd): 64 (f64) or 128 (f32). */
template <class T>
constexpr int chase_kernel_rows() {
  return chase_kernel_detail::kMaxChunks * chase_kernel_detail::Zmm<T>::lanes;
}

/**
 * Level 0 of a sweep: x[0..m) (a column below the diagonal) becomes (beta, 0, ...), its reflector (unit first
 * entry) goes to u_mem, and the symmetric m x m block c (lower triangle, leading dimension ld) becomes H c H.
 * Returns tau. 1 <= m <= chase_kernel_rows<T>(); u_mem and w_mem hold chase_kernel_rows<T>() scalars.
 */
template <class T>
T chase_first(int m, T* x, T* c, size_t ld, T* u_mem, T* w_mem) {
  using namespace chase_kernel_detail;
  switch ((m + Zmm<T>::lanes - 1) / Zmm<T>::lanes) {
    case 1: return chase_first_n<T, 1>(m, x, c, ld, u_mem, w_mem);
    case 2: return chase_first_n<T, 2>(m, x, c, ld, u_mem, w_mem);
    case 3: return chase_first_n<T, 3>(m, x, c, ld, u_mem, w_mem);
    case 4: return chase_first_n<T, 4>(m, x, c, ld, u_mem, w_mem);
    case 5: return chase_first_n<T, 5>(m, x, c, ld, u_mem, w_mem);
    case 6: return chase_first_n<T, 6>(m, x, c, ld, u_mem, w_mem);
    case 7: return chase_first_n<T, 7>(m, x, c, ld, u_mem, w_mem);
    default: return chase_first_n<T, 8>(m, x, c, ld, u_mem, w_mem);
  }
}

/**
 * A further level: the m x k bulge block blk (leading dimension ld) becomes blk H for the previous level's
 * reflector (v_mem, tau), then H_u blk with the reflector H_u that annihilates its first column below the first
 * entry (written to u_mem); the symmetric m x m block diag becomes H_u diag H_u. Returns tau_u. Same bounds as
 * chase_first, k <= chase_kernel_rows<T>().
 */
template <class T>
T chase_next(int m, int k, const T* v_mem, T tau, T* blk, T* diag, size_t ld, T* u_mem, T* w_mem) {
  using namespace chase_kernel_detail;
  switch ((m + Zmm<T>::lanes - 1) / Zmm<T>::lanes) {
    case 1: return chase_next_n<T, 1>(m, k, v_mem, tau, blk, diag, ld, u_mem, w_mem);
    case 2: return chase_next_n<T, 2>(m, k, v_mem, tau, blk, diag, ld, u_mem, w_mem);
    case 3: return chase_next_n<T, 3>(m, k, v_mem, tau, blk, diag, ld, u_mem, w_mem);
    case 4: return chase_next_n<T, 4>(m, k, v_mem, tau, blk, diag, ld, u_mem, w_mem);
    case 5: return chase_next_n<T, 5>(m, k, v_mem, tau, blk, diag, ld, u_mem, w_mem);
    case 6: return chase_next_n<T, 6>(m, k, v_mem, tau, blk, diag, ld, u_mem, w_mem);
    case 7: return chase_next_n<T, 7>(m, k, v_mem, tau, blk, diag, ld, u_mem, w_mem);
    default: return chase_next_n<T, 8>(m, k, v_mem, tau, blk, diag, ld, u_mem, w_mem);
  }
}

}  // namespace EB_NS
}  // namespace eigenbasis
