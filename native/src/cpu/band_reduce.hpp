// Stage 1 of EB_EIGH_TWO_STAGE: dense symmetric to band of half-width kd by blocked Householder panels, with the
// outputs of LAPACK's ?sytrd_sy2sb (lower): the band in ab, the reflectors below the kd-th subdiagonal of a, their
// scalars in tau. Per panel of kd columns (pn rows below the band): QR of the panel, X = A22 V (our
// symm_lower_strips, each stored element of A22 read once: 1.6-1.75x OpenBLAS's ?symm at k = 64 with AVX-512), the
// correction W = X T - V (T^T V^T X T) / 2, and A22 -= V W^T + W V^T (our rank2k_lower_columns, k = 2 kd). The
// panel's T factor is formed beside X, and the next panel's QR beside the rest of the update once its columns are
// updated (look-ahead). The two workers form a PairTeam for the whole reduction, each part of a step pinned to
// one core: A22's columns from the panel's split on are worker 1's in both products. Every part's arithmetic is
// fixed whatever the worker count, with OpenBLAS on one thread, so the bits depend on neither the thread count nor
// on what runs beside (design notes section 17).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <vector>

#include "lapack.hpp"
#include "band_kernels_dispatch.hpp"
#include "pair_team.hpp"

namespace eigenbasis {

template <class T>
struct BandReduceWorkspace {
  std::vector<T> vw, wv, vr, yc, yr, t, z, diag, pack, tmp, vpack, work;

  size_t bytes() const {
    return sizeof(T) * (vw.capacity() + wv.capacity() + vr.capacity() + yc.capacity() + yr.capacity() +
                        t.capacity() + z.capacity() + diag.capacity() + pack.capacity() + tmp.capacity() +
                        vpack.capacity() + work.capacity());
  }
  void release() { *this = BandReduceWorkspace(); }
};

namespace band_detail {

template <class T>
void ensure(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

}  // namespace band_detail

/**
 * Reduces the n x n symmetric matrix in the lower triangle of the column-major a (ld lda; destroyed) to a band of
 * half-width kd in 1 <= kd < n: writes the band's lower part to ab (ld ldab >= kd + 1, element (r, c) at r - c + c
 * ldab), the reflectors' vectors below the kd-th subdiagonal of a and their scalars to tau[0, n - kd) (tau must
 * hold n scalars, zero on entry: ?sytrd_sy2sb's layout, so back_transform.hpp reads either). Costs 4/3 n^3 + O(n^2
 * kd) flops. run(2, body) is called once and must call body(0) and body(1), on two of the caller's workers or one
 * after the other (pair_team.hpp: the leader then runs every part); OpenBLAS must be on one thread. Returns
 * LAPACK's info from ?geqrf (< 0 only on a bad argument, which is our bug).
 */
template <class T, class Run>
int reduce_to_band(int n, int kd, T* a, int lda, T* ab, int ldab, T* tau, const BandKernels<T>& kernel,
                   BandReduceWorkspace<T>& ws, Run&& run) {
  using band_detail::ensure;
  const int h = kernel.strip_rows;
  const int kp_max = (kd + kernel.width_multiple - 1) / kernel.width_multiple * kernel.width_multiple;
  const size_t rows_max = static_cast<size_t>(std::max(1, n - kd));
  lapack::lint info = 0;
  if (kd < n - 1) {
    T query = 0;
    lapack::geqrf(static_cast<lapack::lint>(rows_max), kd, a, lda, tau, &query, -1, &info);
    if (info < 0) return static_cast<int>(info);
    ensure(ws.work, static_cast<size_t>(std::max<T>(T(1), query)));
    ensure(ws.vw, 2 * rows_max * 2 * kd);  // [V W] of this panel and V of the next (built during the update)
    ensure(ws.wv, rows_max * 2 * kd);
    ensure(ws.vr, rows_max * kp_max);
    ensure(ws.yc, 2 * rows_max * kp_max);
    ensure(ws.yr, 2 * rows_max * kp_max);
    ensure(ws.t, static_cast<size_t>(kd) * kd);
    // Y's two halves (kq x kd each, kq = kd rounded up to gemm_tn_acc's width), Y^T T, Z, and [Z / 2; -T].
    const size_t kq = static_cast<size_t>((kd + kernel.product_width - 1) / kernel.product_width * kernel.product_width);
    ensure(ws.z, 2 * kq * kd + 4 * static_cast<size_t>(kd) * kd);
    ensure(ws.vpack, 2 * static_cast<size_t>(kernel.product_rows) * kq);
    ensure(ws.diag, 2 * static_cast<size_t>(std::max(h * h, kp_max)));
    // One pack and one scratch per update task (up to three, any two of them concurrent).
    ensure(ws.pack, 3 * static_cast<size_t>(2 * kd) * kernel.update_panel);
    ensure(ws.tmp, 3 * static_cast<size_t>(h) * (kernel.update_columns + 2 * kd));
  }
  // Panel i's QR runs during panel i - kd's update (look-ahead), the first one here.
  auto panel_qr = [&](int i) {
    lapack::lint qr_info = 0;
    lapack::geqrf(n - i - kd, kd, a + (i + kd) + static_cast<size_t>(i) * lda, lda, tau + i, ws.work.data(),
                  static_cast<lapack::lint>(ws.work.size()), &qr_info);
    return static_cast<int>(qr_info);
  };
  if (kd < n - 1 && (info = panel_qr(0)) < 0) return static_cast<int>(info);
  std::atomic<int> qr_info{0};
  // V of the panel at column i explicitly (unit diagonal, zeros above), column-major into vc (ld pn) and row-major
  // into vr (ld kp, zero-padded), rows [r0, r1).
  auto build_v = [&](int i, T* vc, int r0, int r1) {
    const int pn = n - i - kd, pk = std::min(pn, kd);
    const int kp = (pk + kernel.width_multiple - 1) / kernel.width_multiple * kernel.width_multiple;
    const T* panel = a + (i + kd) + static_cast<size_t>(i) * lda;
    for (int c = 0; c < pk; ++c) {
      T* col = vc + static_cast<size_t>(c) * pn;
      const T* src = panel + static_cast<size_t>(c) * lda;
      for (int r = r0; r < r1; ++r) col[r] = r < c ? T(0) : r == c ? T(1) : src[r];
    }
    for (int r = r0; r < r1; ++r) {
      T* row = ws.vr.data() + static_cast<size_t>(r) * kp;
      for (int c = 0; c < pk; ++c) row[c] = vc[r + static_cast<size_t>(c) * pn];
      for (int c = pk; c < kp; ++c) row[c] = T(0);
    }
  };
  const size_t vw_half = ws.vw.size() / 2;
  if (kd < n - 1) run_pair_team(run, [&](PairTeam& team) {
  team.post_and_run(2, [&](int part, int) {
    const int pn = n - kd;
    build_v(0, ws.vw.data(), part == 0 ? 0 : pn / 2, part == 0 ? pn / 2 : pn);
  });
  for (int i = 0; i < n - kd; i += kd) {
    const int pn = n - i - kd;       // rows of the panel, and order of the trailing matrix A22
    const int pk = std::min(pn, kd);  // reflectors in this panel
    T* a22 = a + (i + kd) + static_cast<size_t>(i + kd) * lda;
    const int kp = (pk + kernel.width_multiple - 1) / kernel.width_multiple * kernel.width_multiple;
    const bool look_ahead = i + kd < n - kd;
    // The column split of A22 for both of its products: worker 1 takes columns [split, pn) of X = A22 V and of
    // the update, so each core reads the columns it wrote (fixed rows for one and columns for the other moved a
    // third of A22 between the cores every panel). Equal work (column j costs pn - j), with the look-ahead QR,
    // worker 0's, weighed at a third of the kernels' rate; the update's column step as the unit.
    const int step = kernel.update_columns;
    const int c1 = std::min(pn, (kd + step - 1) / step * step);  // the next panel's columns
    int split;
    if (look_ahead) {
      // (and the next panel's V, about 8 pn at a kernel's 16 flops a cycle against one scalar copied)
      const double qr_work = 1.5 * static_cast<double>(pn - kd) * kd * kd / pk + 8.0 * pn;
      const double total = 0.5 * static_cast<double>(pn) * pn + qr_work;
      split = std::max(c1, std::min(pn, static_cast<int>(std::lround((pn - std::sqrt(total)) / step)) * step));
    } else {
      split = std::min(pn, static_cast<int>(std::lround(pn * (1.0 - 1.0 / std::sqrt(2.0)) / step)) * step);
    }
    // X's partial sums: yc_k column-major (ld pn), yr_k row-major (ld kp), part k over its columns. Rows below
    // split only ever receive part 0's, so part 1's are zeroed and summed from split on.
    T* vc = ws.vw.data() + static_cast<size_t>(i / kd % 2) * vw_half;  // built by the step before
    T* next_vc = ws.vw.data() + static_cast<size_t>((i / kd + 1) % 2) * vw_half;
    T* w = vc + static_cast<size_t>(pn) * pk;
    T* vr = ws.vr.data();
    const int strips = (pn + h - 1) / h;
    T* yc0 = ws.yc.data();
    T* yc1 = yc0 + static_cast<size_t>(pn) * kp;
    T* yr0 = ws.yr.data();
    T* yr1 = yr0 + static_cast<size_t>(pn) * kp;
    auto half = [pn](int part, int& r0, int& r1) {
      r0 = part == 0 ? 0 : pn / 2;
      r1 = part == 0 ? pn / 2 : pn;
    };
    const size_t diag_stride = ws.diag.size() / 2;
    // X = A22 V by the column split (parts 0 and 1), and the panel's T factor (part 2, worker 0's).
    T* t = ws.t.data();
    team.post_and_run(3, [&](int part, int) {
      if (part == 2) {
        lapack::larft(pn, pk, vc, pn, tau + i, t, kd);
        return;
      }
      // Each part zeroes its own sums first: yc0 whole and yr0 above the split, yc1 and yr1 from it.
      T* yc = part == 0 ? yc0 : yc1;
      T* yr = part == 0 ? yr0 : yr1;
      const int z0 = part == 0 ? 0 : split, z1 = part == 0 ? split : pn;
      for (int c = 0; c < kp; ++c)
        std::fill(yc + static_cast<size_t>(c) * pn + z0, yc + static_cast<size_t>(c) * pn + pn, T(0));
      std::fill(yr + static_cast<size_t>(z0) * kp, yr + static_cast<size_t>(z1) * kp, T(0));
      kernel.strips(pn, a22, static_cast<size_t>(lda), vr, kp, 0, strips, part == 0 ? 0 : split,
                    part == 0 ? split : pn, part == 0 ? yc0 : yc1, part == 0 ? yr0 : yr1,
                    ws.diag.data() + part * diag_stride);
    });
    // W = X T - V (T^T V^T X T) / 2 on our product kernels (OpenBLAS's ?trmm and ?gemm ran these skinny shapes at
    // 40-50 GFLOP/s, a tenth of stage 1 at n = 1024): Y = X^T V by row halves (summed in a fixed order), Z = T^T Y
    // T (pk x pk, here), then W = X T - V Z / 2 = -[V X] [Z / 2; -T] by row halves, into wv.
    const int kq = (pk + kernel.product_width - 1) / kernel.product_width * kernel.product_width;
    T* y = ws.z.data();                              // halves: y + part kq pk, ld kq
    T* u = y + 2 * static_cast<size_t>(kq) * kd;    // pk x pk, ld kd
    T* zz = u + static_cast<size_t>(kd) * kd;       // pk x pk, ld kd
    T* rf = zz + static_cast<size_t>(kd) * kd;      // 2 pk x pk, ld 2 pk
    T* wv = ws.wv.data();
    const size_t vpack_part = ws.vpack.size() / 2;
    team.post_and_run(2, [&](int part, int) {
      int r0, r1;
      half(part, r0, r1);
      for (int c = 0; c < pk; ++c) {
        const T* y0c = yc0 + static_cast<size_t>(c) * pn;
        const T* y1c = yc1 + static_cast<size_t>(c) * pn;
        T* wc = w + static_cast<size_t>(c) * pn;
        const int s0 = std::max(r0, std::min(r1, split));
        for (int r = r0; r < s0; ++r) wc[r] = y0c[r] + yr0[static_cast<size_t>(r) * kp + c];
        for (int r = s0; r < r1; ++r) wc[r] = y0c[r] + y1c[r] + yr1[static_cast<size_t>(r) * kp + c];
      }
      T* yp = y + static_cast<size_t>(part) * kq * pk;
      std::fill(yp, yp + static_cast<size_t>(kq) * pk, T(0));
      if (r1 > r0)
        kernel.gemm_tn_acc(r1 - r0, pk, pk, w + r0, static_cast<size_t>(pn), vc + r0, static_cast<size_t>(pn), yp,
                           static_cast<size_t>(kq), ws.vpack.data() + part * vpack_part);
    });
    // y(a, b) = sum_r X(r, a) V(r, b); u = y^T T, Z = u^T T = T^T y T.
    const T* y1 = y + static_cast<size_t>(kq) * pk;
    for (int b2 = 0; b2 < pk; ++b2)
      for (int a2 = 0; a2 < pk; ++a2)
        u[b2 + static_cast<size_t>(a2) * kd] = y[a2 + static_cast<size_t>(b2) * kq] + y1[a2 + static_cast<size_t>(b2) * kq];
    lapack::trmm_right_upper_cm(pk, pk, false, t, kd, u, kd);
    for (int b2 = 0; b2 < pk; ++b2)
      for (int a2 = 0; a2 < pk; ++a2) zz[b2 + static_cast<size_t>(a2) * kd] = u[a2 + static_cast<size_t>(b2) * kd];
    lapack::trmm_right_upper_cm(pk, pk, false, t, kd, zz, kd);
    const int k2 = 2 * pk;
    for (int c = 0; c < pk; ++c)
      for (int r = 0; r < pk; ++r) {
        rf[r + static_cast<size_t>(c) * k2] = T(0.5) * zz[r + static_cast<size_t>(c) * kd];
        rf[pk + r + static_cast<size_t>(c) * k2] = r <= c ? -t[r + static_cast<size_t>(c) * kd] : T(0);
      }
    team.post_and_run(2, [&](int part, int) {
      int r0, r1;
      half(part, r0, r1);
      if (r1 == r0) return;
      for (int c = 0; c < pk; ++c)
        std::fill(wv + static_cast<size_t>(c) * pn + r0, wv + static_cast<size_t>(c) * pn + r1, T(0));
      kernel.gemm_nn_sub(r1 - r0, pk, k2, vc + r0, static_cast<size_t>(pn), rf, static_cast<size_t>(k2), wv + r0,
                         static_cast<size_t>(pn), ws.pack.data() + part * (ws.pack.size() / 3),
                         ws.tmp.data() + part * (ws.tmp.size() / 3));
      for (int c = 0; c < pk; ++c) {  // [V W], the update's left factor, and [W V], its right-hand one
        std::copy(wv + static_cast<size_t>(c) * pn + r0, wv + static_cast<size_t>(c) * pn + r1,
                  w + static_cast<size_t>(c) * pn + r0);
        std::copy(vc + static_cast<size_t>(c) * pn + r0, vc + static_cast<size_t>(c) * pn + r1,
                  wv + static_cast<size_t>(pk + c) * pn + r0);
      }
    });
    auto update = [&](int task, int t0, int t1) {
      kernel.rank2k(pn, 2 * pk, vc, static_cast<size_t>(pn), wv, static_cast<size_t>(pn), a22,
                    static_cast<size_t>(lda), t0, t1, ws.pack.data() + task * (ws.pack.size() / 3),
                    ws.tmp.data() + task * (ws.tmp.size() / 3));
    };
    if (look_ahead) {
      // Look-ahead: part 0 updates the next panel's columns and factors it, part 2 the columns up to the split
      // (both worker 0's), part 1 the columns from the split (worker 1's).
      team.post_and_run(3, [&](int part, int) {
        if (part == 0) {
          update(0, 0, c1);
          const int status = panel_qr(i + kd);
          if (status < 0) qr_info = status;
          else build_v(i + kd, next_vc, 0, pn - kd);  // the next panel's V, while it is in this core's cache
        } else if (part == 1) {
          update(1, split, pn);
        } else {
          update(2, c1, split);
        }
      });
      if (qr_info < 0) return;  // our bug (a bad argument): stop, and report it
    } else {
      team.post_and_run(2, [&](int part, int) { update(part, part == 0 ? 0 : split, part == 0 ? split : pn); });
    }
  }
  });
  if (qr_info < 0) return qr_info;
  for (int c = 0; c < n; ++c) {
    const int rows = std::min(kd, n - 1 - c) + 1;
    const T* src = a + c + static_cast<size_t>(c) * lda;
    std::copy(src, src + rows, ab + static_cast<size_t>(c) * ldab);
  }
  return 0;
}

}  // namespace eigenbasis
