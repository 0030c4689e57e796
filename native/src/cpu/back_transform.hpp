// The two back-transformations of the two-stage eigensolver (eigh_two_stage.cpp) as blocked products on a slab of
// columns of Z (column-major, n rows). Their T factors are computed once per block, shared by every slab, before
// the slabs run (each slab computing its own took as long as the products at n = 1024 with 2 slabs).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "band_kernels_dispatch.hpp"
#include "bulge_chase.hpp"
#include "lapack.hpp"

namespace eigenbasis {

// ---- Q2: the bulge chase's reflectors (ChaseReflectors) ---------------------------------------------------------

/**
 * The upper triangular T of H(0) ... H(kk-1) = I - V T V^T for V m x kk column-major (ld ldv, explicit unit
 * diagonal and zeros, column q zero outside rows [q, q + band)), as ?larft('F', 'C') defines it: T(i, i) = tau_i,
 * T(0:i, i) = -tau_i T(0:i, 0:i) V(:, 0:i)^T V(:, i). Reads only where V can be nonzero; about kk^2 band flops.
 * Ours because ?larft's level-2 calls cost more in overhead than in arithmetic on 79 x 16 blocks (n = 8192: 32
 * thousand blocks, 1.3 core-seconds through ?larft).
 */
template <class T>
void band_t_factor(int m, int kk, int band, const T* v, int ldv, const T* tau, T* t, int ldt) {
  for (int i = 0; i < kk; ++i) {
    T* col = t + static_cast<size_t>(i) * ldt;
    const T* vi = v + static_cast<size_t>(i) * ldv;
    for (int r = 0; r < i; ++r) {  // S(r, i): rows where both columns can be nonzero, [i, r + band)
      const T* vr = v + static_cast<size_t>(r) * ldv;
      const int end = std::min(m, r + band);
      T sum = T(0);
      for (int p = i; p < end; ++p) sum += vr[p] * vi[p];
      col[r] = sum;
    }
    for (int r = 0; r < i; ++r) {  // T(r, i) = -tau_i sum_{c = r}^{i-1} T(r, c) S(c, i), S(c, i) for c >= r unread yet
      T sum = T(0);
      for (int c = r; c < i; ++c) sum += t[r + static_cast<size_t>(c) * ldt] * col[c];
      col[r] = -tau[i] * sum;
    }
    col[i] = tau[i];
    for (int r = i + 1; r < kk; ++r) col[r] = T(0);
  }
}

/** T factors of Q2's blocks [b0, b1) (global block indices), nb x nb each, into t (block b at t + b nb^2). */
template <class T>
void q2_t_factors(const ChaseReflectors<T>& q, int64_t b0, int64_t b1, T* t) {
  const int nb = q.nb;
  for (int g = 0; g < q.groups; ++g) {
    if (q.first_block[g + 1] <= b0 || q.first_block[g] >= b1) continue;
    for (int k = 0; k < q.levels(g); ++k) {
      const int64_t b = q.first_block[g] + k;
      if (b < b0 || b >= b1) continue;
      const int m = std::min(q.ldv, q.n - q.first_row(g, k));
      const int kk = std::min(nb, m);
      if (m > 1 && kk > 0) band_t_factor(m, kk, q.kd, q.block(g, k), q.ldv, q.block_tau(g, k), t + b * nb * nb, nb);
    }
  }
}

/**
 * Z = Q2 Z for the columns [c0, c0 + ncols) of the n x n row-major Z whose row r starts at z + r ldz (z points at
 * column c0). Row-major, because each block updates a few consecutive rows of Z: with the slab's rows contiguous
 * that is one compact panel (47 rows x 512 columns = 190 KB at kd = 32, nb = 16, n = 1024), where column-major
 * Z made every block touch ncols separate pages. In column-major terms the slab is Z^T (ncols x n, leading
 * dimension ldz) and each block is Z^T <- Z^T - (Z^T V) T^T V^T. Blocks in reverse dependency order: last group
 * first and, within a group, level 0 first (a later sweep's reflector overlaps an earlier sweep's next level by
 * one row, so it must act first; the levels of one group never overlap the other way). V is stored dense
 * (explicit unit diagonal and zeros), so a block is two GEMMs and a TRMM, no copies; with own (nb <= 32), our
 * reflect_rows kernel instead (n = 4096: products 3.5 -> 2.3 s with Q1 on our kernels too). work: ncols x nb
 * scalars, and at least 3 nb vectors.
 */
template <class T>
void apply_q2(const ChaseReflectors<T>& q, const T* t, T* z, int ldz, int ncols, T* work, const BandKernels<T>* own) {
  const int n = q.n, nb = q.nb;
  for (int g = q.groups - 1; g >= 0; --g) {
    for (int k = 0; k < q.levels(g); ++k) {
      const int r0 = q.first_row(g, k);
      const int m = std::min(q.ldv, n - r0);
      const int kk = std::min(nb, m);
      if (m <= 1 || kk <= 0) continue;
      const T* vb = q.block(g, k);
      const T* tb = t + (q.first_block[g] + k) * nb * nb;
      T* zb = z + static_cast<size_t>(r0) * ldz;
      if (own != nullptr) {
        own->reflect_rows(m, kk, q.kd, vb, q.ldv, tb, nb, zb, ldz, ncols, work);
        continue;
      }
      lapack::gemm_cm(false, false, ncols, kk, m, T(1), zb, ldz, vb, q.ldv, T(0), work, ncols);
      lapack::trmm_right_upper_cm(ncols, kk, true, tb, nb, work, ncols);
      lapack::gemm_cm(false, true, ncols, m, kk, T(-1), work, ncols, vb, q.ldv, T(1), zb, ldz);
    }
  }
}

// ---- Q1: the band reduction's reflectors (?sytrd_sy2sb's layout) ----------------------------------------------------

/**
 * Q1 = H(0) ... H(m-1), m = n - kd: H(j) has its unit entry at row kd + j and the rest below it in column j of the
 * column-major a (lda = n) -- ?geqrf's layout for the block a(kd:n, 0:m). Applied in blocks of nb1 reflectors.
 */
struct Q1Layout {
  int n = 0, kd = 0, nb1 = 0, m = 0, blocks = 0;
  Q1Layout(int n_, int kd_, int nb1_) : n(n_), kd(kd_), nb1(nb1_), m(std::max(0, n_ - kd_)) {
    blocks = (m + nb1 - 1) / nb1;
  }
  int first(int b) const { return b * nb1; }
  int width(int b) const { return std::min(nb1, m - b * nb1); }
};

/**
 * T factors of Q1's blocks [b0, b1), nb1 x nb1 each, into t (block b at t + b nb1^2). BLAS-3: S = V^T V by ?syrk
 * on the dense part of V plus the small unit triangle on top, then T column by column from S (T(0:i, i) =
 * -tau_i T(0:i, 0:i) S(0:i, i), the recurrence ?larft evaluates with a ?gemv per column instead). s: nb1 x nb1.
 */
template <class T>
void q1_t_factors(const Q1Layout& q, const T* a, const T* tau, int b0, int b1, T* t, T* s) {
  const int ld = q.nb1;
  for (int b = b0; b < b1; ++b) {
    const int j0 = q.first(b), k = q.width(b);
    const int rows = q.m - j0;
    const T* v = a + static_cast<size_t>(q.kd + j0) + static_cast<size_t>(j0) * q.n;  // V(r, c) = v[r + c n]
    if (rows > k) lapack::syrk_upper_trans_cm(k, rows - k, v + k, q.n, s, ld);
    else
      for (int j = 0; j < k; ++j) std::fill(s + static_cast<size_t>(j) * ld, s + static_cast<size_t>(j) * ld + j + 1, T(0));
    // The top k x k: V(r, c) is 1 at r = c, v[r + c n] below, 0 above. S(i, j) += sum over r >= j of V(r, i) V(r, j).
    for (int j = 0; j < k; ++j) {
      for (int i = 0; i < j; ++i) {
        T sum = v[j + static_cast<size_t>(i) * q.n];  // r = j: V(j, i) V(j, j) = V(j, i)
        for (int r = j + 1; r < k; ++r) sum += v[r + static_cast<size_t>(i) * q.n] * v[r + static_cast<size_t>(j) * q.n];
        s[i + static_cast<size_t>(j) * ld] += sum;
      }
    }
    T* tb = t + static_cast<size_t>(b) * q.nb1 * q.nb1;
    for (int i = 0; i < k; ++i) {
      const T ti = tau[j0 + i];
      T* col = tb + static_cast<size_t>(i) * ld;
      for (int r = 0; r < i; ++r) {  // col(r) = -tau_i sum_{c = r}^{i-1} T(r, c) S(c, i)
        T sum = T(0);
        for (int c = r; c < i; ++c) sum += tb[r + static_cast<size_t>(c) * ld] * s[c + static_cast<size_t>(i) * ld];
        col[r] = -ti * sum;
      }
      col[i] = ti;
    }
  }
}

/**
 * Z = Q1 Z for a slab of the row-major Z as in apply_q2 (Z^T in column-major terms), with t from q1_t_factors,
 * blocks last to first: Z^T <- Z^T - (Z^T V) T^T V^T. V's top k x k unit lower triangle is read in place by TRMM
 * (its upper part holds the band, never read); the rest of V is a dense block of a, used by GEMM as it lies.
 * work: ncols x nb1.
 */
template <class T>
void apply_q1(const Q1Layout& q, const T* a, const T* t, T* z, int ldz, int ncols, T* work) {
  const int n = q.n;
  for (int b = q.blocks - 1; b >= 0; --b) {
    const int j0 = q.first(b), k = q.width(b);
    const int r0 = q.kd + j0;     // first row of the block's reflectors
    const int rest = n - r0 - k;  // rows below the unit triangle
    const T* v_top = a + static_cast<size_t>(r0) + static_cast<size_t>(j0) * n;
    const T* v_rest = v_top + k;
    const T* tb = t + static_cast<size_t>(b) * q.nb1 * q.nb1;
    T* z_top = z + static_cast<size_t>(r0) * ldz;  // Z^T's columns r0 .. r0 + k
    T* z_rest = z_top + static_cast<size_t>(k) * ldz;
    T* w = work;  // ncols x k
    for (int c = 0; c < k; ++c) std::memcpy(w + static_cast<size_t>(c) * ncols, z_top + static_cast<size_t>(c) * ldz, sizeof(T) * ncols);
    lapack::trmm_right_lower_unit_cm(ncols, k, false, v_top, n, w, ncols);  // W = Z_top^T V_top
    if (rest > 0) lapack::gemm_cm(false, false, ncols, k, rest, T(1), z_rest, ldz, v_rest, n, T(1), w, ncols);
    lapack::trmm_right_upper_cm(ncols, k, true, tb, q.nb1, w, ncols);       // W = W T^T
    if (rest > 0) lapack::gemm_cm(false, true, ncols, rest, k, T(-1), w, ncols, v_rest, n, T(1), z_rest, ldz);
    lapack::trmm_right_lower_unit_cm(ncols, k, true, v_top, n, w, ncols);   // W = W V_top^T
    for (int c = 0; c < k; ++c) {
      T* zc = z_top + static_cast<size_t>(c) * ldz;
      const T* wc = w + static_cast<size_t>(c) * ncols;
      for (int r = 0; r < ncols; ++r) zc[r] -= wc[r];
    }
  }
}

/** Scalars apply_q1_columns needs in work for ncols columns: with our kernels (own) or with OpenBLAS's. */
template <class T>
size_t q1_columns_work(const Q1Layout& q, int ncols, const BandKernels<T>* own) {
  if (own == nullptr) return static_cast<size_t>(q.nb1) * ncols;
  const size_t kpw = static_cast<size_t>((q.nb1 + own->product_width - 1) / own->product_width * own->product_width);
  return kpw * ncols + static_cast<size_t>(q.nb1) * own->update_panel +
         static_cast<size_t>(own->strip_rows) * (own->update_columns + q.nb1) + own->product_rows * kpw;
}

/**
 * Z = Q1 Z for the column-major n x ncols Z (leading dimension n), with t from q1_t_factors, blocks last to first:
 * Z <- Z - V (T (V^T Z)), the layout ?stedc leaves Z in (the one-stage path has no Q2 and so no reason to
 * transpose before the products). The two large products by our kernels (own: band_kernels.hpp's gemm_tn_acc and
 * gemm_nn_sub) or, with own null, by OpenBLAS. work: q1_columns_work scalars.
 */
template <class T>
void apply_q1_columns(const Q1Layout& q, const T* a, const T* t, T* z, int ncols, T* work, const BandKernels<T>* own) {
  const int n = q.n;
  const int ldw = own == nullptr ? q.nb1 : (q.nb1 + own->product_width - 1) / own->product_width * own->product_width;
  T* pack = work + static_cast<size_t>(ldw) * ncols;
  T* tmp = own == nullptr ? nullptr : pack + static_cast<size_t>(q.nb1) * own->update_panel;
  T* vpack = own == nullptr ? nullptr : tmp + static_cast<size_t>(own->strip_rows) * (own->update_columns + q.nb1);
  for (int b = q.blocks - 1; b >= 0; --b) {
    const int j0 = q.first(b), k = q.width(b);
    const int r0 = q.kd + j0;
    const int rest = n - r0 - k;
    const T* v_top = a + static_cast<size_t>(r0) + static_cast<size_t>(j0) * n;
    const T* v_rest = v_top + k;
    const T* tb = t + static_cast<size_t>(b) * q.nb1 * q.nb1;
    T* z_top = z + r0;
    T* z_rest = z_top + k;
    T* w = work;  // k x ncols, leading dimension ldw
    for (int c = 0; c < ncols; ++c)
      std::memcpy(w + static_cast<size_t>(c) * ldw, z_top + static_cast<size_t>(c) * n, sizeof(T) * k);
    lapack::trmm_left_lower_unit_cm(k, ncols, true, v_top, n, w, ldw);  // W = V_top^T Z_top
    if (rest > 0) {
      if (own != nullptr) own->gemm_tn_acc(rest, ncols, k, v_rest, n, z_rest, n, w, ldw, vpack);
      else lapack::gemm_cm(true, false, k, ncols, rest, T(1), v_rest, n, z_rest, n, T(1), w, ldw);
    }
    lapack::trmm_left_upper_cm(k, ncols, tb, q.nb1, w, ldw);  // W = T W
    if (rest > 0) {
      if (own != nullptr) own->gemm_nn_sub(rest, ncols, k, v_rest, n, w, ldw, z_rest, n, pack, tmp);
      else lapack::gemm_cm(false, false, rest, ncols, k, T(-1), v_rest, n, w, ldw, T(1), z_rest, n);
    }
    lapack::trmm_left_lower_unit_cm(k, ncols, false, v_top, n, w, ldw);  // W = V_top W
    for (int c = 0; c < ncols; ++c) {
      T* zc = z_top + static_cast<size_t>(c) * n;
      const T* wc = w + static_cast<size_t>(c) * ldw;
      for (int r = 0; r < k; ++r) zc[r] -= wc[r];
    }
  }
}

}  // namespace eigenbasis
