// One-stage tridiagonalisation (the one-stage half of EB_EIGH_TRIDIAG_DC) with LAPACK's ?sytrd outputs (lower):
// blocked Householder panels as in ?latrd, each column in two steps of two parts each: (1) y = A22 v on
// symv_kernels.hpp's product in two column ranges of equal work, with the panel's products V^T v, W^T v by row
// halves; (2) by row halves, w = tau (y - V W^T v - W V^T v) + alpha v and the next column's update. The trailing
// update A22 -= V W^T + W V^T runs on our rank2k_lower_columns. alpha = -tau^2/2 (v^T y - 2 (V^T v).(W^T v)) is
// ?latrd's -tau/2 w^T v expanded, so that it needs no pass over w. Half of the 4/3 n^3 flops are the products with
// A22, one read of the trailing matrix per column: bound by the cache's bandwidth, not by flops. The two workers
// form a team for the whole reduction (one pool call, pair_team.hpp), the leader running ?larfg and the small
// steps between. Every part's arithmetic is fixed by n alone, so the bits depend on neither the worker count nor
// on who ran a part.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "band_kernels_dispatch.hpp"
#include "lapack.hpp"
#include "pair_team.hpp"

namespace eigenbasis {

template <class T>
struct TridiagonalReduceWorkspace {
  std::vector<T> w, vwv, y1, dots, coef, pack, tmp;
  size_t bytes() const {
    return sizeof(T) * (w.capacity() + vwv.capacity() + y1.capacity() + dots.capacity() +
                        coef.capacity() + pack.capacity() + tmp.capacity());
  }
  void release() { *this = TridiagonalReduceWorkspace(); }
};

namespace tridiagonal_reduce_detail {

constexpr int kPanel = 32;        // columns per panel (?latrd's nb)
constexpr int kShareFrom = 96;    // products of order below this run on the leader alone (a post costs ~1 us)
constexpr int kParts = 2;         // parts of each column's products and of its finishing step
constexpr int kUpdateParts = 2;   // parts of a panel's trailing update

}  // namespace tridiagonal_reduce_detail

/**
 * Reduces the n x n symmetric matrix in the lower triangle of the column-major a (ld lda; destroyed) to
 * tridiagonal Q^T A Q = T with ?sytrd's outputs for uplo = 'L': the diagonal in d[0, n), the subdiagonal in e[0,
 * n - 1), reflector i's vector below the subdiagonal of a's column i (its unit at row i + 1 not stored) and its
 * scalar in tau[i], i < n - 1. Costs 4/3 n^3 + O(n^2) flops, half of them one pass over the trailing matrix per
 * column. run(count, body) calls body(i) for i in [0, count), concurrently or one after another; OpenBLAS must be
 * on one thread (?larfg is its only call). Never fails; the input must be finite and scaled as ?syev scales it.
 */
template <class T, class Run>
void reduce_to_tridiagonal(int n, T* a, int lda, T* d, T* e, T* tau, const BandKernels<T>& kernel,
                           TridiagonalReduceWorkspace<T>& ws, Run&& run) {
  using namespace tridiagonal_reduce_detail;
  if (n <= 0) return;
  const size_t ld = static_cast<size_t>(lda);
  auto at = [&](int r, int c) -> T& { return a[r + static_cast<size_t>(c) * ld]; };
  constexpr int nb = kPanel;
  const size_t nn = static_cast<size_t>(n);
  if (ws.w.size() < nn * nb) ws.w.resize(nn * nb);
  if (ws.vwv.size() < nn * 3 * nb) ws.vwv.resize(nn * 3 * nb);
  if (ws.y1.size() < nn * (kParts - 1)) ws.y1.resize(nn * (kParts - 1));
  const size_t dots_size = kParts * (2 * static_cast<size_t>(nb) + 1);
  if (ws.dots.size() < dots_size) ws.dots.resize(dots_size);
  if (ws.coef.size() < 4 * (static_cast<size_t>(nb) + 1)) ws.coef.resize(4 * (static_cast<size_t>(nb) + 1));
  const size_t pack_part = static_cast<size_t>(2 * nb) * kernel.update_panel;
  const size_t tmp_part = static_cast<size_t>(kernel.strip_rows) * (kernel.update_columns + 2 * nb);
  if (ws.pack.size() < 2 * pack_part) ws.pack.resize(2 * pack_part);  // one per worker
  if (ws.tmp.size() < 2 * tmp_part) ws.tmp.resize(2 * tmp_part);

  run_pair_team(run, [&](PairTeam& team) {
    for (int j0 = 0; j0 < n; j0 += nb) {
      const int m = n - j0;  // order of the remaining matrix, A(j0:, j0:)
      const bool last = m - 1 <= nb;
      const int cols = last ? m : nb;  // the last panel runs every column, the final one without a reflector
      const size_t ldw = static_cast<size_t>(m);
      T* w = ws.w.data();
      auto loc = [&](int r, int c) -> T& { return at(j0 + r, j0 + c); };
      T* coef = ws.coef.data();  // [q | p | W(i+1, 0:i+1) | V(i+1, 0:i+1)], nb + 1 each
      const size_t cs = static_cast<size_t>(nb) + 1;
      T* dots = ws.dots.data();  // part k: p_k at k ds, q_k at k ds + nb, v^T y_k at k ds + 2 nb
      const size_t ds = 2 * static_cast<size_t>(nb) + 1;
      for (int i = 0; i < cols; ++i) {
        // Column i is up to date here: panel column 0 after the last trailing update, later ones by step 2 of
        // the column before.
        if (i == m - 1) break;
        const int mm = m - i - 1;  // order of the trailing matrix A(i+1:, i+1:)
        T beta = loc(i + 1, i), t = 0;
        lapack::larfg(mm, &beta, mm > 1 ? &loc(i + 2, i) : &beta, 1, &t);
        e[j0 + i] = beta;
        tau[j0 + i] = t;
        loc(i + 1, i) = T(1);
        const T* v = &loc(i + 1, i);
        const T* a22 = &loc(i + 1, i + 1);
        T* y0 = w + (i + 1) + i * ldw;  // W(i+1:m, i): part 0's sums, then w
        const T* vp = &loc(i + 1, 0);   // V(i+1:m, 0:i), ld ld
        const T* wp = w + (i + 1);      // W(i+1:m, 0:i), ld ldw
        // Parts fixed by mm alone: column ranges of equal work for y = A22 v (column j costs mm - j), each into
        // its own y_k, and equal row ranges for the panel's products. Below kShareFrom one part, on the leader.
        const int parts = mm >= kShareFrom ? kParts : 1;
        int cut[kParts + 1];
        for (int k = 0; k <= parts; ++k) {
          const double f = 1.0 - std::sqrt(1.0 - static_cast<double>(k) / parts);
          cut[k] = k == parts ? mm : static_cast<int>(mm * f) / 4 * 4;  // whole 4-column groups
        }
        auto rows = [&](int k) { return static_cast<int>(static_cast<int64_t>(mm) * k / parts); };
        auto y_of = [&](int k) { return k == 0 ? y0 : ws.y1.data() + static_cast<size_t>(k - 1) * n; };
        // Step 1: y_k = A22(:, cut_k:cut_k+1) v, v^T y_k, and p_k = V^T v, q_k = W^T v over row range k.
        auto products = [&](int k, int) {
          T* y = y_of(k);
          std::fill(y + cut[k], y + mm, T(0));
          kernel.symv_columns(mm, a22, ld, v, y, cut[k], cut[k + 1]);
          T* dk = dots + k * ds;
          dk[2 * nb] = kernel.dot(mm - cut[k], v + cut[k], y + cut[k]);
          const int r0 = rows(k), r1 = rows(k + 1);
          if (i > 0) kernel.panel_dots(r1 - r0, i, vp + r0, ld, wp + r0, ldw, v + r0, dk, dk + nb);
        };
        if (parts > 1) {
          team.post_and_run(parts, products);
        } else {
          products(0, 0);
        }
        // w = t (y - V q - W p) + alpha v with alpha = -t/2 v^T [t (y - V q - W p)] = -t^2/2 (v^T y - 2 p.q).
        T pq = 0, vy = 0;
        for (int k = 0; k < parts; ++k) vy += dots[k * ds + 2 * nb];
        for (int c = 0; c < i; ++c) {
          T p = 0, q = 0;
          for (int k = 0; k < parts; ++k) {
            p += dots[k * ds + c];
            q += dots[k * ds + nb + c];
          }
          coef[c] = q;       // V's coefficients
          coef[cs + c] = p;  // W's
          pq += p * q;
        }
        const T alpha = T(-0.5) * t * t * (vy - T(2) * pq);
        // Row r of y: y_0[r] plus y_k[r] for every part k > 0 whose columns start at or before r.
        auto gather = [&](int r0, int r1) {
          for (int k = 1; k < parts; ++k) {
            const T* yk = y_of(k);
            for (int r = std::max(r0, cut[k]); r < r1; ++r) y0[r] += yk[r];
          }
        };
        // Row 0 of w here, as every coefficient of step 2's column update; the parts finish the others.
        gather(0, 1);
        {
          T r0 = y0[0];
          for (int c = 0; c < i; ++c) r0 -= vp[static_cast<size_t>(c) * ld] * coef[c] + wp[c * ldw] * coef[cs + c];
          y0[0] = t * r0 + alpha * v[0];
        }
        const bool next = i + 1 < cols;  // the next column of this panel, updated by its rows below
        if (next)
          for (int c = 0; c <= i; ++c) {
            coef[2 * cs + c] = w[(i + 1) + c * ldw];  // W(i+1, c)
            coef[3 * cs + c] = loc(i + 1, c);         // V(i+1, c), 1 at c = i
          }
        // Step 2 by row ranges: finish w, then A(i+1:, i+1) -= V(i+1:, 0:i+1) W(i+1, 0:i+1)^T + W(...) V(...)^T.
        auto finish = [&](int k, int) {
          const int u0 = rows(k), u1 = rows(k + 1);
          const int r0 = std::max(u0, 1);
          if (u1 > r0) {
            gather(r0, u1);
            if (i > 0) kernel.panel_sub(u1 - r0, i, vp + r0, ld, wp + r0, ldw, coef, coef + cs, y0 + r0);
            kernel.scale_add(u1 - r0, t, alpha, v + r0, y0 + r0);
          }
          if (next && u1 > u0)
            kernel.panel_sub(u1 - u0, i + 1, vp + u0, ld, wp + u0, ldw, coef + 2 * cs, coef + 3 * cs,
                             &loc(i + 1 + u0, i + 1));
        };
        if (parts > 1) {
          team.post_and_run(parts, finish);
        } else {
          finish(0, 0);
        }
      }
      if (!last) {
        // A22 -= V W^T + W V^T over rows and columns nb..m, as C -= [V W] [W V]^T.
        const int pn = m - nb;
        const size_t ldp = static_cast<size_t>(pn);
        // [V W V] once: [V W] from its first column and [W V] from its nb-th, one copy of each factor fewer.
        T* left = ws.vwv.data();
        T* right = left + nb * ldp;
        for (int c = 0; c < nb; ++c) {
          const T* vc = &loc(nb, c);
          const T* wc = w + nb + c * ldw;
          std::copy(vc, vc + pn, left + c * ldp);
          std::copy(wc, wc + pn, left + (nb + c) * ldp);
          std::copy(vc, vc + pn, left + (2 * nb + c) * ldp);
        }
        // Parts of equal work (column j costs pn - j), at multiples of the kernel's column step.
        const int step = kernel.update_columns;
        int ucut[kUpdateParts + 1];
        for (int k = 0; k <= kUpdateParts; ++k) {
          const double f = 1.0 - std::sqrt(1.0 - static_cast<double>(k) / kUpdateParts);
          ucut[k] = k == kUpdateParts ? pn : std::min(pn, static_cast<int>(std::lround(pn * f / step)) * step);
        }
        T* a22 = &loc(nb, nb);
        auto update = [&](int k, int worker) {
          if (ucut[k + 1] > ucut[k])
            kernel.rank2k(pn, 2 * nb, left, ldp, right, ldp, a22, ld, ucut[k], ucut[k + 1],
                          ws.pack.data() + worker * pack_part, ws.tmp.data() + worker * tmp_part);
        };
        team.post_and_run(kUpdateParts, update);
      }
      for (int c = 0; c < cols; ++c) {
        d[j0 + c] = loc(c, c);
        if (c + 1 < m) loc(c + 1, c) = e[j0 + c];
      }
      if (last) break;
    }
  });
}

}  // namespace eigenbasis
