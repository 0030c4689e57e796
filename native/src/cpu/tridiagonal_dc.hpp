// Divide and conquer on a symmetric tridiagonal, split once at the top so that two cores share all of it: the two
// halves on two tasks (LAPACK's ?stedc each, OpenBLAS on one thread), then the merge on tasks fixed by n. LAPACK's
// ?stedc runs its tree on one thread and threads only the merges' products; at n = 1024 its top merge alone, one
// thread, took 26 of its 47 ms (docs/design-notes.md section 17, "Fifth pass").
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "../common/eb_numeric.hpp"
#include "band_kernels_dispatch.hpp"
#include "lapack.hpp"
#include "secular_equation.hpp"

namespace eigenbasis {

/** Tasks every phase of the split divide and conquer is cut into, whatever the worker count (fixed bits). */
constexpr int kSplitDcTasks = 2;
/** Columns per product in the merge's back-multiplication (k of each GEMM is the merged problem's size). */
constexpr int kSplitDcChunk = 32;
/** Scratch rows of our product kernel's tmp (band_kernels.hpp: strip_rows, 48 in f32) over its 8 + k columns. */
constexpr int kSplitDcTmpRows = 48;

/** Scalars of one task's buffers: S's column, S's two row ranges, the product kernel's pack and tmp. */
inline size_t split_dc_task_scalars(int n) {
  const size_t nn = static_cast<size_t>(n);
  return nn + 1 + 3 * nn * kSplitDcChunk + kSplitDcTmpRows * (nn + 8);
}

/** Halves of at least this order are split again (our merge, our roots); smaller ones go to ?stedc. */
constexpr int kSplitDcRecurseFrom = 128;

/**
 * Scalars of workspace tridiagonal_dc_split needs for order n: n^2 for the deflated vectors (as ?laed1 has), 3n,
 * and the tasks' buffers. The halves' own workspace (this size at their order, or ?stedc's 1 + 4m + m^2) fits in it
 * too, since they are done before any of it is written.
 */
inline size_t split_dc_scalars(int n) {
  const size_t nn = static_cast<size_t>(n);
  return nn * nn + 3 * nn + kSplitDcTasks * split_dc_task_scalars(n);
}
/** Integers of workspace for order n: 5n of the merge's, reused by the halves (14 m each covers ?stedc's 3 + 5 m). */
inline size_t split_dc_ints(int n) { return 14 * static_cast<size_t>(n); }

/** Runs a recursive call's tasks in order on the calling thread (already one task of the level above). */
struct SplitDcInOrder {
  template <class Body>
  void operator()(int count, Body&& body) const {
    for (int i = 0; i < count; ++i) body(i);
  }
};

namespace split_dc_detail {

// Q's columns permuted in place, column i <- column perm[i], rows [r0, r1) only: cycle by cycle, one row segment
// held aside. Every task walks the same cycles over its own rows.
template <class T>
void permute_columns(size_t ldq, T* q, const lapack::lint* perm, const std::vector<int>& cycle_heads, int r0, int r1,
                     T* hold) {
  const size_t len = static_cast<size_t>(r1 - r0);
  auto col = [&](int c) { return q + static_cast<size_t>(c) * ldq + r0; };
  for (int head : cycle_heads) {
    std::copy(col(head), col(head) + len, hold);
    int i = head;
    for (;;) {
      const int j = static_cast<int>(perm[i]);
      if (j == head) {
        std::copy(hold, hold + len, col(i));
        break;
      }
      std::copy(col(j), col(j) + len, col(i));
      i = j;
    }
  }
}

}  // namespace split_dc_detail

/**
 * Eigenvalues and eigenvectors of the symmetric tridiagonal with diagonal d (n) and off-diagonal e (n - 1), by
 * divide and conquer (Cuppen; Gu and Eisenstat's eigenvectors, as LAPACK's ?laed3) split at n1 = n / 2: T =
 * diag(T1, T2) + rho u u^T with rho = e[n1 - 1]. The halves run as two tasks (each split again the same way on its
 * own thread from kSplitDcRecurseFrom, ?stedc with compz 'I' below; call with OpenBLAS at one thread, so that each
 * task's products stay on its core); the merge deflates with ?laed2, then solves the secular equation (our
 * vectorised roots where `secular` is given, secular_equation.hpp, else ?laed4), forms the updated z, the K x K
 * eigenvectors and the products Q2 S in tasks cut by columns, fixed by n, so the bits do not depend on how many
 * workers run(count, body) has.
 *
 * Writes the eigenvalues ascending into d and the orthonormal eigenvectors column-major into q (leading dimension
 * ldq >= n); e is destroyed. With sort false (the recursion's halves) d and q's columns stay in merge order and
 * iwork's first n entries hold the permutation (1-based) that sorts them. work and iwork hold split_dc_scalars(n)
 * and split_dc_ints(n). Cost: as ?stedc, about 4/3 n^3 flops without deflation, n^3 of them in the top merge's
 * products. Returns 0, or > 0 where a half or a secular equation
 * did not converge (LAPACK's convention), or -1 where the input is not finite: nothing written then, and the caller
 * runs ?stedc, which reports such input its own way. n >= 4.
 */
template <class T, class Run>
lapack::lint tridiagonal_dc_split(int n, T* d, T* e, T* q, size_t ldq, T* work, lapack::lint* iwork, Run&& run,
                                  const BandKernels<T>* fast = nullptr, bool sort = true) {
  using lapack::lint;
  const int n1 = n / 2, n2 = n - n1;
  // Scaled to a largest magnitude in [0.5, 1) by a power of two, exact: ?stedc scales too, and the merge's rho and
  // deflation tolerance then compare with 1.
  T max_abs = T(0);
  for (int i = 0; i < n; ++i) {
    const T de = std::max(std::fabs(d[i]), i + 1 < n ? std::fabs(e[i]) : T(0));
    if (!std::isfinite(d[i]) || (i + 1 < n && !std::isfinite(e[i]))) return -1;  // max would drop a NaN
    max_abs = std::max(max_abs, de);
  }
  const double scale_d = max_abs > T(0) ? exact_unit_scale(static_cast<double>(max_abs)) : 1.0;
  const T scale = static_cast<T>(scale_d), unscale = static_cast<T>(1.0 / scale_d);
  if (!std::isfinite(scale) || scale == T(0) || !std::isfinite(unscale) || unscale == T(0)) return -1;
  for (int i = 0; i < n; ++i) d[i] *= scale;
  for (int i = 0; i + 1 < n; ++i) e[i] *= scale;

  // Tear: T1's last and T2's first diagonal give up |rho|, restored by the rank-one term.
  const T rho = e[n1 - 1];
  d[n1 - 1] -= std::fabs(rho);
  d[n1] -= std::fabs(rho);

  // Workspace: the deflated vectors' copy q2 (n^2), then z, dlamda, w and the tasks' buffers; the halves use it
  // all first.
  T* q2 = work;
  T* z = q2 + static_cast<size_t>(n) * n;
  T* dlamda = z + n;
  T* w = dlamda + n;
  T* task_work = w + n;
  const size_t task_stride = split_dc_task_scalars(n);
  const SecularPass<T> secular = fast != nullptr ? fast->secular_pass : nullptr;
  lint* indxq = iwork;
  lint* indx = indxq + n;
  lint* indxc = indx + n;
  lint* indxp = indxc + n;
  lint* coltyp = indxp + n;

  // The halves, each with its own workspace from the start of work and iwork (all of which the merge writes only
  // after them): split again from kSplitDcRecurseFrom, on this task's thread; ?stedc (compz 'I') below.
  const int half_n[2] = {n1, n2};
  const int half_at[2] = {0, n1};
  auto half_scalars = [](int m) {
    return m >= kSplitDcRecurseFrom ? split_dc_scalars(m)
                                    : 1 + 4 * static_cast<size_t>(m) + static_cast<size_t>(m) * m;
  };
  lint half_info[2] = {0, 0};
  run(2, [&](int64_t h) {
    const int m = half_n[h], at = half_at[h];
    // The off-diagonal block under (or over) this half's columns is zero: ?laed2 rotates and copies whole columns.
    for (int c = at; c < at + m; ++c) {
      T* col = q + static_cast<size_t>(c) * ldq;
      if (h == 0) {
        std::fill(col + n1, col + n, T(0));
      } else {
        std::fill(col, col + n1, T(0));
      }
    }
    T* hw = work + (h == 0 ? 0 : half_scalars(n1));
    lint* hi = iwork + (h == 0 ? 0 : split_dc_ints(n1));
    T* block = q + static_cast<size_t>(at) * ldq + at;
    if (m >= kSplitDcRecurseFrom) {
      // Left in merge order, its sorting permutation (1-based) in the first m entries of hi: ?laed2 takes it.
      half_info[h] = tridiagonal_dc_split(m, d + at, e + at, block, ldq, hw, hi, SplitDcInOrder{}, fast, false);
    } else {
      const lint liwork = 3 + 5 * static_cast<lint>(m);
      lapack::stedc('I', m, d + at, e + at, block, static_cast<lint>(ldq), hw, static_cast<lint>(half_scalars(m)),
                    hi, liwork, &half_info[h]);
    }
  });
  for (const lint half : half_info) {
    if (half != 0) return std::max<lint>(1, half);  // a half did not converge (its input was finite)
  }

  // z: T1's eigenvectors' last row, T2's first row.
  for (int j = 0; j < n1; ++j) z[j] = q[static_cast<size_t>(j) * ldq + (n1 - 1)];
  for (int j = n1; j < n; ++j) z[j] = q[static_cast<size_t>(j) * ldq + n1];
  // Each half's sorting permutation: a split half left it at the start of its integers (the first half's are
  // indxq's first n1 already; the second half's, at 14 n1 >= n, do not overlap indxq), ?stedc's are sorted.
  if (n1 < kSplitDcRecurseFrom) {
    for (int i = 0; i < n1; ++i) indxq[i] = i + 1;
  }
  if (n2 >= kSplitDcRecurseFrom) {
    std::copy(iwork + split_dc_ints(n1), iwork + split_dc_ints(n1) + n2, indxq + n1);
  } else {
    for (int i = 0; i < n2; ++i) indxq[n1 + i] = i + 1;
  }
  lint k = 0, info = 0;
  T rho_merge = rho;
  lapack::laed2(&k, n, n1, d, q, static_cast<lint>(ldq), indxq, &rho_merge, z, dlamda, w, q2, indx, indxc, indxp,
                coltyp, &info);
  if (info != 0) return std::max<lint>(1, info);

  if (k > 0) {
    const int kk = static_cast<int>(k);
    const int ctot1 = static_cast<int>(coltyp[0]);
    const int n12 = static_cast<int>(coltyp[0] + coltyp[1]);
    const int n23 = static_cast<int>(coltyp[1] + coltyp[2]);
    const T* q2_top = q2;                                   // n1 x n12: types 1 and 2, upper rows
    const T* q2_bottom = q2 + static_cast<size_t>(n1) * n12;  // n2 x n23: types 2 and 3, lower rows
    auto cols = [&](int task) {
      return std::pair<int, int>{static_cast<int>(static_cast<int64_t>(kk) * task / kSplitDcTasks),
                                 static_cast<int>(static_cast<int64_t>(kk) * (task + 1) / kSplitDcTasks)};
    };
    std::atomic<lint> secular_info{0};
    T zz = T(0);  // |w|^2 for the last root's bracket
    for (int i = 0; i < kk; ++i) zz += w[i] * w[i];
    // Phase 1: the roots (column j of q's first k rows gets delta = dlamda - root_j) and, per task, the product
    // over its columns of delta_i / (dlamda_i - dlamda_j), i != j: a factor of Gu and Eisenstat's updated z.
    run(kSplitDcTasks, [&](int64_t task) {
      const auto [j0, j1] = cols(static_cast<int>(task));
      T* partial = task_work + task * task_stride;
      std::fill(partial, partial + kk, T(1));
      for (int j = j0; j < j1; ++j) {
        T* delta = q + static_cast<size_t>(j) * ldq;
        // Our vectorised root finder where given (k >= 3), ?laed4 where it declines.
        if (secular == nullptr || kk < 3 ||
            !secular_root(kk, j, dlamda, w, rho_merge, zz, delta, d + j, partial + kk, secular)) {
          lint root_info = 0;
          lapack::laed4(k, j + 1, dlamda, w, delta, rho_merge, d + j, &root_info);
          if (root_info != 0) secular_info = root_info;
        }
        if (kk <= 2) continue;
        const T pole = dlamda[j];
        for (int i = 0; i < kk; ++i) {
          if (i != j) partial[i] *= delta[i] / (dlamda[i] - pole);
        }
      }
    });
    if (secular_info != 0) return std::max<lint>(1, secular_info.load());
    if (kk == 2) {
      // ?laed4 (via ?laed5) left the 2 x 2 eigenvectors themselves; only the rows' order changes.
      for (int j = 0; j < 2; ++j) {
        T* col = q + static_cast<size_t>(j) * ldq;
        const T v0 = col[0], v1 = col[1];
        col[0] = indxc[0] == 1 ? v0 : v1;
        col[1] = indxc[1] == 1 ? v0 : v1;
      }
    } else if (kk > 2) {
      // The updated z (Loewner's formula): z_i^2 = -delta_ii prod_{j != i} delta_ij / (dlamda_i - dlamda_j), its
      // sign the old z_i's. The tasks' partial products meet in a fixed order.
      for (int i = 0; i < kk; ++i) {
        T prod = q[static_cast<size_t>(i) * ldq + i];
        for (int t = 0; t < kSplitDcTasks; ++t) prod *= task_work[t * task_stride + i];
        w[i] = std::copysign(std::sqrt(-prod), w[i]);
      }
    }
    // Phase 2: the k x k eigenvectors (column j: z_i / delta_ij, normalised, rows put in ?laed2's column-type
    // order), then Q's columns as Q2 S, kSplitDcChunk at a time: the upper rows from the type 1 and 2 columns, the
    // lower from types 2 and 3. Both row ranges of S are copied out before either product writes into q.
    run(kSplitDcTasks, [&](int64_t task) {
      const auto [j0, j1] = cols(static_cast<int>(task));
      T* s = task_work + task * task_stride;
      T* s_top = s + n + 1;
      T* s_bottom = s_top + static_cast<size_t>(n) * kSplitDcChunk;
      if (kk > 2) {
        for (int j = j0; j < j1; ++j) {
          T* col = q + static_cast<size_t>(j) * ldq;
          for (int i = 0; i < kk; ++i) s[i] = w[i] / col[i];
          const T norm = lapack::nrm2(kk, s);
          for (int i = 0; i < kk; ++i) col[i] = s[indxc[i] - 1] / norm;
        }
      }
      T* pack = s_bottom + static_cast<size_t>(n) * kSplitDcChunk;  // n x kSplitDcChunk
      T* tmp = pack + static_cast<size_t>(n) * kSplitDcChunk;          // kSplitDcTmpRows x (n + 8)
      // Our product kernel computes Z -= V W: S is copied out negated and the columns zeroed first.
      const T sign = fast != nullptr ? T(-1) : T(1);
      for (int c0 = j0; c0 < j1; c0 += kSplitDcChunk) {
        const int cw = std::min(kSplitDcChunk, j1 - c0);
        for (int c = 0; c < cw; ++c) {
          const T* col = q + static_cast<size_t>(c0 + c) * ldq;
          T* top = s_top + static_cast<size_t>(c) * n12;
          T* bottom = s_bottom + static_cast<size_t>(c) * n23;
          for (int i = 0; i < n12; ++i) top[i] = sign * col[i];
          for (int i = 0; i < n23; ++i) bottom[i] = sign * col[ctot1 + i];
        }
        T* out = q + static_cast<size_t>(c0) * ldq;
        const int ld = static_cast<int>(ldq);
        if (fast != nullptr || n12 == 0) {
          for (int c = 0; c < cw; ++c) std::fill(out + c * ldq, out + c * ldq + n1, T(0));
        }
        if (fast != nullptr || n23 == 0) {
          for (int c = 0; c < cw; ++c) std::fill(out + c * ldq + n1, out + c * ldq + n, T(0));
        }
        if (fast != nullptr) {
          if (n12 > 0) fast->gemm_nn_sub(n1, cw, n12, q2_top, n1, s_top, n12, out, ldq, pack, tmp);
          if (n23 > 0) fast->gemm_nn_sub(n2, cw, n23, q2_bottom, n2, s_bottom, n23, out + n1, ldq, pack, tmp);
        } else {
          if (n12 > 0) lapack::gemm_cm(false, false, n1, cw, n12, T(1), q2_top, n1, s_top, n12, T(0), out, ld);
          if (n23 > 0) {
            lapack::gemm_cm(false, false, n2, cw, n23, T(1), q2_bottom, n2, s_bottom, n23, T(0), out + n1, ld);
          }
        }
      }
    });
    // The roots ascending in d[0, k), the deflated values descending in d[k, n): one merge permutation.
    lapack::lamrg(k, n - k, d, 1, -1, indxq);
  } else {
    for (int i = 0; i < n; ++i) indxq[i] = i + 1;  // all deflated: ?laed2 left d ascending
  }

  if (!sort) {  // a half: the level above merges by indxq (1-based, where it is) and d as it stands
    for (int i = 0; i < n; ++i) d[i] *= unscale;
    return 0;
  }
  // Into ascending order: d and q's columns by indxq, in place (cycles found once, rows split between the tasks).
  for (int i = 0; i < n; ++i) --indxq[i];
  std::vector<int> cycle_heads;
  {
    std::vector<char> seen(static_cast<size_t>(n), 0);
    for (int i = 0; i < n; ++i) {
      if (seen[i] || indxq[i] == i) continue;
      cycle_heads.push_back(i);
      for (int j = i; !seen[j]; j = static_cast<int>(indxq[j])) seen[j] = 1;
    }
  }
  if (!cycle_heads.empty()) {
    for (int i = 0; i < n; ++i) z[i] = d[indxq[i]];
    std::copy(z, z + n, d);
    run(kSplitDcTasks, [&](int64_t task) {
      const int r0 = static_cast<int>(static_cast<int64_t>(n) * task / kSplitDcTasks);
      const int r1 = static_cast<int>(static_cast<int64_t>(n) * (task + 1) / kSplitDcTasks);
      split_dc_detail::permute_columns(ldq, q, indxq, cycle_heads, r0, r1, task_work + task * task_stride);
    });
  }
  for (int i = 0; i < n; ++i) d[i] *= unscale;
  return 0;
}

}  // namespace eigenbasis
