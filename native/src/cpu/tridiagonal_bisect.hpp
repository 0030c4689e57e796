// All eigenvalues of a symmetric tridiagonal matrix by bisection on Sturm counts, many shifts per vector: the
// values-only step of the two-stage solver in place of LAPACK's ?sterf, which runs on one core and took a quarter of
// the values-only time at n = 2048 (44 of 172 ms). Each count is n dependent divisions, but 8 (f64) or 16 (f32)
// shifts share a vector and four vectors run side by side, and the eigenvalue index ranges split over workers.
// Once an eigenvalue is alone in its interval, safeguarded Newton steps replace the remaining ~40 halvings:
// f64 n = 2048 21.6 -> 6.2 ms, n = 1024 5.6 -> 1.7 ms on two Zen 5 cores (design notes section 17).
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
// With Newton (the refinement phase) also, per shift, the Newton correction of det(T - shift): step[s] = -1 / sum_i
// q_i' / q_i (q_i the pivots, q_i' their derivatives in the shift, q_i' = -1 + (e_{i-1}^2 / q_{i-1}^2) q_{i-1}'),
// so that shift + step is Newton's iterate for the eigenvalue nearest the shift; the counts come from the same
// pivots either way. The step is NaN or Inf where the sums overflow, which the caller treats as no step.
template <class T, bool Newton>
void sturm_pass(int n, const T* d, const T* e2, T pivmin, const T* shift, int* cnt, T* step) {
  using V = typename Lanes<T>::V;
  constexpr int L = Lanes<T>::count;
  V s[kGroups], q[kGroups], c[kGroups], u[kGroups], sum[kGroups];  // u: the last q_i' / q_i
  const V neg = V{} - pivmin, pos = V{} + pivmin, one = V{} + T(1);
  for (int g = 0; g < kGroups; ++g) {
    std::memcpy(&s[g], shift + g * L, sizeof(V));
    q[g] = d[0] - s[g];
    q[g] = (q[g] < pos) & (q[g] > neg) ? neg : q[g];
    c[g] = q[g] < 0 ? one : V{};
    if constexpr (Newton) {
      u[g] = (V{} - one) / q[g];
      sum[g] = u[g];
    }
  }
  for (int i = 1; i < n; ++i) {
    const T di = d[i], ei = e2[i - 1];
    for (int g = 0; g < kGroups; ++g) {
      const V t = ei / q[g];
      V x = (di - s[g]) - t;
      x = (x < pos) & (x > neg) ? neg : x;
      c[g] += x < 0 ? one : V{};
      if constexpr (Newton) {
        u[g] = (t * u[g] - one) / x;  // q_i' = (e^2 / q_{i-1}) (q_{i-1}' / q_{i-1}) - 1: two divisions a step
        sum[g] += u[g];
      }
      q[g] = x;
    }
  }
  for (int g = 0; g < kGroups; ++g) {
    for (int l = 0; l < L; ++l) cnt[g * L + l] = static_cast<int>(c[g][l]);
    if constexpr (Newton) {
      const V st = (V{} - one) / sum[g];
      for (int l = 0; l < L; ++l) step[g * L + l] = st[l];
    }
  }
}

template <class T>
struct Interval {
  T lo, hi;
  int below_lo, below_hi;  // eigenvalues below lo, below hi
};

// An interval that holds one eigenvalue, refined by safeguarded Newton steps: `at` is where it is evaluated next.
template <class T>
struct Single {
  T lo, hi, at;
  int k, steps;
};

constexpr int kMaxNewtonSteps = 12;  // then plain halving: the worst case stays bisection's

}  // namespace bisect_detail

/**
 * Eigenvalues k_begin .. k_end - 1 (ascending order) of the symmetric tridiagonal matrix with diagonal d and squared
 * off-diagonal e2 (n - 1 entries), into w[k - k_begin]. [lo, hi] must hold every eigenvalue (count(lo) = 0,
 * count(hi) = n: the caller checks). Intervals are halved on Sturm counts until each holds one eigenvalue, which is
 * then refined by Newton steps on det(T - x) kept inside its interval (each step's count still narrows the
 * interval; a step lands tol / 4 past Newton's iterate so that the far end moves too; after kMaxNewtonSteps, or
 * where a step leaves the interval, it halves). An interval is done once its width is at most tol, or at most 2 eps
 * of its larger end, or when its midpoint equals an end; its eigenvalues get the midpoint. Absolute error about
 * tol + a few eps ||T||, as ?sterf's. Each eigenvalue's path depends only on its own counts and steps, so the bits
 * do not depend on how the index range is split. Costs n divisions per count, about log2(n) + 6 counts (two
 * divisions each in the Newton phase) per eigenvalue when they are apart, up to log2((hi - lo) / tol) for a
 * cluster. Returns false, writing nothing, when the counts at lo and hi are not 0 and n.
 */
template <class T>
bool bisect_values(int n, const T* d, const T* e2, T pivmin, T lo, T hi, T tol, int k_begin, int k_end, T* w) {
  using namespace bisect_detail;
  constexpr int B = kGroups * Lanes<T>::count;
  const T eps = std::numeric_limits<T>::epsilon();
  T shift[B], step[B];
  int cnt[B];
  for (int s = 0; s < B; ++s) shift[s] = s == 0 ? lo : hi;
  sturm_pass<T, false>(n, d, e2, pivmin, shift, cnt, nullptr);
  if (cnt[0] != 0 || cnt[1] != n) return false;  // [lo, hi] does not hold the spectrum (or the counts broke down)
  std::vector<Interval<T>> work{{lo, hi, 0, n}}, next;
  std::vector<Single<T>> singles, still;
  auto finished = [&](T a, T b) {
    const T mid = a + (b - a) / 2;
    return b - a <= tol || b - a <= 2 * eps * std::max(std::fabs(a), std::fabs(b)) || mid <= a || mid >= b;
  };
  auto assign = [&](T a, T b, int k0, int k1) {
    const T mid = a + (b - a) / 2;
    for (int k = std::max(k0, k_begin); k < std::min(k1, k_end); ++k) w[k - k_begin] = mid;
  };
  auto keep = [&](const Interval<T>& iv) {
    if (iv.below_hi <= iv.below_lo || iv.below_hi <= k_begin || iv.below_lo >= k_end) return;  // none of ours
    if (finished(iv.lo, iv.hi)) {
      assign(iv.lo, iv.hi, iv.below_lo, iv.below_hi);
    } else if (iv.below_hi - iv.below_lo == 1) {
      singles.push_back({iv.lo, iv.hi, iv.lo + (iv.hi - iv.lo) / 2, iv.below_lo, 0});
    } else {
      next.push_back(iv);
    }
  };
  // Halving until every eigenvalue is alone in its interval (or a cluster's interval is done).
  while (!work.empty()) {
    next.clear();
    for (size_t b0 = 0; b0 < work.size(); b0 += B) {
      const int used = static_cast<int>(std::min<size_t>(B, work.size() - b0));
      for (int s = 0; s < B; ++s) {
        const Interval<T>& iv = work[b0 + std::min(s, used - 1)];  // spare lanes repeat the last shift
        shift[s] = iv.lo + (iv.hi - iv.lo) / 2;
      }
      sturm_pass<T, false>(n, d, e2, pivmin, shift, cnt, nullptr);
      for (int s = 0; s < used; ++s) {
        const Interval<T> iv = work[b0 + s];
        const int c = std::min(std::max(cnt[s], iv.below_lo), iv.below_hi);  // counts are monotone in exact terms
        keep({iv.lo, shift[s], iv.below_lo, c});
        keep({shift[s], iv.hi, c, iv.below_hi});
      }
    }
    work.swap(next);
  }
  // Safeguarded Newton on each lone eigenvalue.
  while (!singles.empty()) {
    still.clear();
    for (size_t b0 = 0; b0 < singles.size(); b0 += B) {
      const int used = static_cast<int>(std::min<size_t>(B, singles.size() - b0));
      for (int s = 0; s < B; ++s) shift[s] = singles[b0 + std::min(s, used - 1)].at;
      sturm_pass<T, true>(n, d, e2, pivmin, shift, cnt, step);
      for (int s = 0; s < used; ++s) {
        Single<T> iv = singles[b0 + s];
        const T x = shift[s];
        if (cnt[s] <= iv.k) {
          iv.lo = x;  // eigenvalue k is at or above x
        } else {
          iv.hi = x;
        }
        if (finished(iv.lo, iv.hi)) {
          assign(iv.lo, iv.hi, iv.k, iv.k + 1);
          continue;
        }
        T y = x + step[s];
        if (++iv.steps > kMaxNewtonSteps || !(y > iv.lo && y < iv.hi)) {  // NaN steps land here too
          y = iv.lo + (iv.hi - iv.lo) / 2;
        } else {
          const T past = y + std::copysign(tol / 4, step[s]);
          if (past > iv.lo && past < iv.hi) y = past;
        }
        iv.at = y;
        still.push_back(iv);
      }
    }
    singles.swap(still);
  }
  return true;
}

}  // namespace EB_NS
}  // namespace eigenbasis
