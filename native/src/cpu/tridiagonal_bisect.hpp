// All eigenvalues of a symmetric tridiagonal matrix by bisection on Sturm counts, many shifts per vector: the
// values-only step of the two-stage solver in place of LAPACK's ?sterf, which runs on one core and took a quarter of
// the values-only time at n = 2048 (44 of 172 ms). Each count is n dependent divisions, but 8 (f64) or 16 (f32)
// shifts share a vector and four vectors run side by side, and the eigenvalue index ranges split over workers.
// Built in band_kernels_avx512.cpp for x86-64-v4 (the inline namespace EB_NS = avx512).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <vector>

#ifndef EB_NS
#define EB_NS base
#endif

namespace eigenbasis {
inline namespace EB_NS {
namespace bisect_detail {

constexpr int kVecBytes = 64;
constexpr int kGroups = 4;  // vectors of shifts per pass: independent division chains to hide its latency

template <class T>
struct Lanes {
  static constexpr int count = kVecBytes / static_cast<int>(sizeof(T));
  typedef T V __attribute__((vector_size(kVecBytes)));
};

// cnt[s] = number of eigenvalues below shift[s], s < kGroups * lanes: the signs of the LDL^T pivots of T - shift,
// a pivot smaller in magnitude than pivmin taken as -pivmin (LAPACK ?laebz's rule), so no division overflows.
template <class T>
void sturm_counts(int n, const T* d, const T* e2, T pivmin, const T* shift, int* cnt) {
  using V = typename Lanes<T>::V;
  constexpr int L = Lanes<T>::count;
  V s[kGroups], q[kGroups], c[kGroups];
  const V neg = V{} - pivmin, pos = V{} + pivmin;
  for (int g = 0; g < kGroups; ++g) {
    std::memcpy(&s[g], shift + g * L, sizeof(V));
    q[g] = d[0] - s[g];
    q[g] = (q[g] < pos) & (q[g] > neg) ? neg : q[g];
    c[g] = q[g] < 0 ? V{} + T(1) : V{};
  }
  for (int i = 1; i < n; ++i) {
    const T di = d[i], ei = e2[i - 1];
    for (int g = 0; g < kGroups; ++g) {
      V x = (di - s[g]) - ei / q[g];
      x = (x < pos) & (x > neg) ? neg : x;
      c[g] += x < 0 ? V{} + T(1) : V{};
      q[g] = x;
    }
  }
  for (int g = 0; g < kGroups; ++g)
    for (int l = 0; l < L; ++l) cnt[g * L + l] = static_cast<int>(c[g][l]);
}

template <class T>
struct Interval {
  T lo, hi;
  int below_lo, below_hi;  // eigenvalues below lo, below hi
};

}  // namespace bisect_detail

/**
 * Eigenvalues k_begin .. k_end - 1 (ascending order) of the symmetric tridiagonal matrix with diagonal d and squared
 * off-diagonal e2 (n - 1 entries), into w[k - k_begin]. [lo, hi] must hold every eigenvalue (count(lo) = 0,
 * count(hi) = n: the caller checks). An interval stops halving once its width is at most tol, or at most 2 eps of
 * its larger end, or when its midpoint equals an end; its eigenvalues get the midpoint. Absolute error about tol +
 * a few eps ||T||, as ?sterf's. Each eigenvalue's bisection path depends only on the counts, so the bits do not
 * depend on how the index range is split. Costs about n log2((hi - lo) / tol) divisions per eigenvalue. Returns
 * false, writing nothing, when the counts at lo and hi are not 0 and n.
 */
template <class T>
bool bisect_values(int n, const T* d, const T* e2, T pivmin, T lo, T hi, T tol, int k_begin, int k_end, T* w) {
  using namespace bisect_detail;
  constexpr int B = kGroups * Lanes<T>::count;
  const T eps = std::numeric_limits<T>::epsilon();
  T shift[B];
  int cnt[B];
  for (int s = 0; s < B; ++s) shift[s] = s == 0 ? lo : hi;
  sturm_counts(n, d, e2, pivmin, shift, cnt);
  if (cnt[0] != 0 || cnt[1] != n) return false;  // [lo, hi] does not hold the spectrum (or the counts broke down)
  std::vector<Interval<T>> work{{lo, hi, 0, n}}, next;
  auto assign = [&](const Interval<T>& iv) {
    const T mid = iv.lo + (iv.hi - iv.lo) / 2;
    for (int k = std::max(iv.below_lo, k_begin); k < std::min(iv.below_hi, k_end); ++k) w[k - k_begin] = mid;
  };
  auto keep = [&](const Interval<T>& iv) {
    if (iv.below_hi <= iv.below_lo || iv.below_hi <= k_begin || iv.below_lo >= k_end) return;  // none of ours
    const T width = iv.hi - iv.lo;
    const T mid = iv.lo + width / 2;
    if (width <= tol || width <= 2 * eps * std::max(std::fabs(iv.lo), std::fabs(iv.hi)) || mid <= iv.lo ||
        mid >= iv.hi) {
      assign(iv);
    } else {
      next.push_back(iv);
    }
  };
  while (!work.empty()) {
    next.clear();
    for (size_t b0 = 0; b0 < work.size(); b0 += B) {
      const int used = static_cast<int>(std::min<size_t>(B, work.size() - b0));
      for (int s = 0; s < B; ++s) {
        const Interval<T>& iv = work[b0 + std::min(s, used - 1)];  // spare lanes repeat the last shift
        shift[s] = iv.lo + (iv.hi - iv.lo) / 2;
      }
      sturm_counts(n, d, e2, pivmin, shift, cnt);
      for (int s = 0; s < used; ++s) {
        const Interval<T> iv = work[b0 + s];
        const int c = std::min(std::max(cnt[s], iv.below_lo), iv.below_hi);  // counts are monotone in exact terms
        keep({iv.lo, shift[s], iv.below_lo, c});
        keep({shift[s], iv.hi, c, iv.below_hi});
      }
    }
    work.swap(next);
  }
  return true;
}

}  // namespace EB_NS
}  // namespace eigenbasis
