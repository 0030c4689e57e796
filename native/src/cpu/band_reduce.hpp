// Stage 1 of EB_EIGH_TWO_STAGE: dense symmetric to band of half-width kd by blocked Householder panels, with the
// outputs of LAPACK's ?sytrd_sy2sb (lower): the band in ab, the reflectors below the kd-th subdiagonal of a, their
// scalars in tau. Per panel of kd columns (pn rows below the band): QR of the panel, X = A22 V (our
// symm_lower_strips, each stored element of A22 read once: 1.6-1.75x OpenBLAS's ?symm at k = 64 with AVX-512), the
// correction W = X T - V (T^T V^T X T) / 2, and A22 -= V W^T + W V^T (our rank2k_lower_columns, k = 2 kd). Every
// product runs on two fixed parts whatever the worker count, with OpenBLAS on one thread, so the bits depend on
// neither the thread count nor on what runs beside (design notes section 17).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "lapack.hpp"
#include "band_kernels_dispatch.hpp"

namespace eigenbasis {

template <class T>
struct BandReduceWorkspace {
  std::vector<T> vw, wv, vr, yc, yr, t, z, diag, pack, tmp, work;

  size_t bytes() const {
    return sizeof(T) * (vw.capacity() + wv.capacity() + vr.capacity() + yc.capacity() + yr.capacity() +
                        t.capacity() + z.capacity() + diag.capacity() + pack.capacity() + tmp.capacity() +
                        work.capacity());
  }
  void release() { *this = BandReduceWorkspace(); }
};

namespace band_detail {

template <class T>
void ensure(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

// The first strip of part 1 when the symm kernel's strips are split in two of equal work (strip s costs ~ s + 1/2).
inline int half_work_strip(int strips) {
  const double total = 0.5 * strips * static_cast<double>(strips);
  double sum = 0;
  for (int s = 0; s < strips; ++s) {
    sum += s + 0.5;
    if (sum >= 0.5 * total) return s + 1;
  }
  return strips;
}

}  // namespace band_detail

/**
 * Reduces the n x n symmetric matrix in the lower triangle of the column-major a (ld lda; destroyed) to a band of
 * half-width kd in 1 <= kd < n: writes the band's lower part to ab (ld ldab >= kd + 1, element (r, c) at r - c + c
 * ldab), the reflectors' vectors below the kd-th subdiagonal of a and their scalars to tau[0, n - kd) (tau must
 * hold n scalars, zero on entry: ?sytrd_sy2sb's layout, so back_transform.hpp reads either). Costs 4/3 n^3 + O(n^2
 * kd) flops. run(count, body) calls body(i) for i in [0, count) on the caller's workers; OpenBLAS must be on one
 * thread. Returns LAPACK's info from ?geqrf (< 0 only on a bad argument, which is our bug).
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
    ensure(ws.vw, rows_max * 2 * kd);
    ensure(ws.wv, rows_max * 2 * kd);
    ensure(ws.vr, rows_max * kp_max);
    ensure(ws.yc, rows_max * kp_max);
    ensure(ws.yr, 2 * rows_max * kp_max);
    ensure(ws.t, static_cast<size_t>(kd) * kd);
    ensure(ws.z, static_cast<size_t>(kd) * kd);
    ensure(ws.diag, 2 * static_cast<size_t>(std::max(h * h, kp_max)));
    ensure(ws.pack, 2 * static_cast<size_t>(2 * kd) * kernel.update_panel);
    ensure(ws.tmp, 2 * static_cast<size_t>(h) * (kernel.update_columns + 2 * kd));
  }
  for (int i = 0; kd < n - 1 && i < n - kd; i += kd) {
    const int pn = n - i - kd;       // rows of the panel, and order of the trailing matrix A22
    const int pk = std::min(pn, kd);  // reflectors in this panel
    T* panel = a + (i + kd) + static_cast<size_t>(i) * lda;
    T* a22 = a + (i + kd) + static_cast<size_t>(i + kd) * lda;
    lapack::geqrf(pn, kd, panel, lda, tau + i, ws.work.data(), static_cast<lapack::lint>(ws.work.size()), &info);
    if (info < 0) return static_cast<int>(info);
    const int kp = (pk + kernel.width_multiple - 1) / kernel.width_multiple * kernel.width_multiple;
    // V explicitly (unit diagonal, zeros above) column-major in vw's first pk columns and row-major in vr.
    T* vc = ws.vw.data();
    T* w = vc + static_cast<size_t>(pn) * pk;
    T* vr = ws.vr.data();
    for (int c = 0; c < pk; ++c) {
      T* col = vc + static_cast<size_t>(c) * pn;
      const T* src = panel + static_cast<size_t>(c) * lda;
      for (int r = 0; r < std::min(c, pn); ++r) col[r] = T(0);
      col[c] = T(1);
      for (int r = c + 1; r < pn; ++r) col[r] = src[r];
    }
    for (int r = 0; r < pn; ++r) {
      T* row = vr + static_cast<size_t>(r) * kp;
      for (int c = 0; c < pk; ++c) row[c] = vc[r + static_cast<size_t>(c) * pn];
      for (int c = pk; c < kp; ++c) row[c] = T(0);
    }
    // X = A22 V in two parts of equal work, then summed into w.
    const int strips = (pn + h - 1) / h;
    const int split = band_detail::half_work_strip(strips);
    T* yc = ws.yc.data();
    T* yr0 = ws.yr.data();
    T* yr1 = yr0 + static_cast<size_t>(pn) * kp;
    std::fill(yc, yc + static_cast<size_t>(pn) * kp, T(0));
    std::fill(yr0, yr0 + 2 * static_cast<size_t>(pn) * kp, T(0));
    const size_t diag_stride = ws.diag.size() / 2;
    run(2, [&](int64_t part) {
      kernel.strips(pn, a22, static_cast<size_t>(lda), vr, kp, part == 0 ? 0 : split, part == 0 ? split : strips,
                    yc, part == 0 ? yr0 : yr1, ws.diag.data() + part * diag_stride);
    });
    run(2, [&](int64_t part) {
      const int r0 = part == 0 ? 0 : pn / 2, r1 = part == 0 ? pn / 2 : pn;
      for (int c = 0; c < pk; ++c) {
        const T* ycc = yc + static_cast<size_t>(c) * pn;
        T* wc = w + static_cast<size_t>(c) * pn;
        for (int r = r0; r < r1; ++r)
          wc[r] = ycc[r] + yr0[static_cast<size_t>(r) * kp + c] + yr1[static_cast<size_t>(r) * kp + c];
      }
    });
    // W = X T - V (T^T V^T X T) / 2 (T^T V^T X T is symmetric: computed as (X T)^T V T).
    T* t = ws.t.data();
    T* z = ws.z.data();
    lapack::larft(pn, pk, vc, pn, tau + i, t, kd);
    lapack::trmm_right_upper_cm(pn, pk, false, t, kd, w, pn);
    lapack::gemm_cm(true, false, pk, pk, pn, T(1), w, pn, vc, pn, T(0), z, kd);
    lapack::trmm_right_upper_cm(pk, pk, false, t, kd, z, kd);
    lapack::gemm_cm(false, false, pn, pk, pk, T(-0.5), vc, pn, z, kd, T(1), w, pn);
    // A22 -= V W^T + W V^T = [V W] [W V]^T in the lower triangle, by our kernel (each element of A22 read and
    // written once, k = 2 pk) on columns [0, p) and [p, pn), of equal work at p = (1 - 1/sqrt 2) pn.
    T* wv = ws.wv.data();
    std::copy(w, w + static_cast<size_t>(pn) * pk, wv);
    std::copy(vc, vc + static_cast<size_t>(pn) * pk, wv + static_cast<size_t>(pn) * pk);
    const int step = kernel.update_columns;
    const int p = std::min(pn, static_cast<int>(std::lround(pn * (1.0 - 1.0 / std::sqrt(2.0)) / step)) * step);
    run(2, [&](int64_t part) {
      kernel.rank2k(pn, 2 * pk, vc, static_cast<size_t>(pn), wv, static_cast<size_t>(pn), a22,
                    static_cast<size_t>(lda), part == 0 ? 0 : p, part == 0 ? p : pn,
                    ws.pack.data() + part * (ws.pack.size() / 2), ws.tmp.data() + part * (ws.tmp.size() / 2));
    });
  }
  for (int c = 0; c < n; ++c) {
    const int rows = std::min(kd, n - 1 - c) + 1;
    const T* src = a + c + static_cast<size_t>(c) * lda;
    std::copy(src, src + rows, ab + static_cast<size_t>(c) * ldab);
  }
  return 0;
}

}  // namespace eigenbasis
