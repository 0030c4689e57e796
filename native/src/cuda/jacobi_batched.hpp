// The phases of our batched parallel Jacobi eigensolver, written once for the CUDA kernel (one thread block per
// group of matrices, each matrix in shared memory) and for a host emulation that native_test runs on machines
// without a GPU. Every phase is "for item in [0, items): do independent work"; the kernel spreads items over its
// threads with a barrier between phases, the emulation runs them in a loop.
//
// Algorithm: cyclic Jacobi in round-robin ("chess tournament") order (Brent and Luk, 1985; Golub and Van Loan,
// 4th ed., 8.5.4). n is padded to even m with a zero row and column that never rotates. Each sweep has m - 1
// rounds; in a round the m/2 disjoint pairs rotate at once: A <- J^T A J and V <- V J, where each 2 x 2 block of
// A between pairs P and Q depends only on that block, so blocks update independently and A stays exactly
// symmetric (only blocks with P <= Q are computed, then mirrored).
#pragma once

#include "../common/eb_numeric.hpp"

namespace eigenbasis::jacobi {

/** Pair k (0 <= k < m/2) of round r (0 <= r < m - 1) of the round-robin schedule over m (even) indices. */
EB_HD void round_pair(int m, int r, int k, int* p, int* q) {
  int x, y;
  if (k == 0) {
    x = m - 1;
    y = r;
  } else {
    x = (r + k) % (m - 1);
    y = (r - k + (m - 1)) % (m - 1);
  }
  *p = x < y ? x : y;
  *q = x < y ? y : x;
}

/** Shared-memory view of one matrix: a and v are m x m row-major; c, s, t, pp, pq hold the round's rotations. */
template <class T>
struct Slot {
  T* a;
  T* v;
  T* c;
  T* s;
  T* t;
  int* pp;
  int* pq;
};

/** Bytes of shared memory one matrix needs for padded size m. */
EB_HD int slot_bytes(int m, int scalar_bytes) {
  return (2 * m * m + 3 * (m / 2)) * scalar_bytes + 2 * (m / 2) * static_cast<int>(sizeof(int));
}

template <class T>
EB_HD Slot<T> slot_at(unsigned char* base, int m) {
  Slot<T> slot;
  T* scalars = reinterpret_cast<T*>(base);
  slot.a = scalars;
  slot.v = scalars + m * m;
  slot.c = slot.v + m * m;
  slot.s = slot.c + m / 2;
  slot.t = slot.s + m / 2;
  slot.pp = reinterpret_cast<int*>(slot.t + m / 2);
  slot.pq = slot.pp + m / 2;
  return slot;
}

/** Load item (i, j) of m x m: the lower triangle of the n x n global matrix, mirrored and scaled; V = I. */
template <class T>
EB_HD void load_item(const T* g, int n, int m, T scale, Slot<T> slot, int item) {
  const int i = item / m, j = item % m;
  T x = T(0);
  if (i < n && j < n) x = (i >= j ? g[i * n + j] : g[j * n + i]) * scale;
  slot.a[item] = x;
  slot.v[item] = (i == j && i < n) ? T(1) : T(0);
}

/**
 * Rotation for pair k of round r: (c, s, t) with Rutishauser's formulas, or the identity when |a_pq| is
 * negligible (|a_pq| <= eps sqrt(|a_pp a_qq|), or tiny against the scaled norm) or the pair holds the padding.
 * Returns true when it rotates.
 */
template <class T>
EB_HD bool rotation_item(int n, int m, int r, Slot<T> slot, int k) {
  int p, q;
  round_pair(m, r, k, &p, &q);
  slot.pp[k] = p;
  slot.pq[k] = q;
  T c = T(1), s = T(0), t = T(0);
  bool rotates = false;
  if (q < n) {
    const T apq = slot.a[p * m + q];
    const T app = slot.a[p * m + p];
    const T aqq = slot.a[q * m + q];
    const T negligible = Limits<T>::min_normal / Limits<T>::eps;
    if (fabs(apq) > Limits<T>::eps * sqrt(fabs(app * aqq)) && fabs(apq) > negligible) {
      const T theta = (aqq - app) / (T(2) * apq);
      const T big = sizeof(T) == 8 ? T(1e150) : T(1e18);
      t = fabs(theta) > big ? T(0.5) / theta : copysign(T(1), theta) / (fabs(theta) + sqrt(theta * theta + T(1)));
      c = T(1) / sqrt(t * t + T(1));
      s = t * c;
      rotates = true;
    }
  }
  slot.c[k] = c;
  slot.s[k] = s;
  slot.t[k] = t;
  return rotates;
}

/**
 * Update item of the round: items [0, h*h) are the 2 x 2 blocks (P, Q) of A (h = m/2; only P <= Q work, writing
 * the block and its mirror); items [h*h, h*h + m*h) rotate columns p, q of row k of V.
 */
template <class T>
EB_HD void update_item(int m, Slot<T> slot, int item) {
  const int h = m / 2;
  if (item < h * h) {
    const int P = item / h, Q = item % h;
    if (P > Q) return;
    const int p = slot.pp[P], q = slot.pq[P];
    const T c1 = slot.c[P], s1 = slot.s[P];
    if (P == Q) {
      const T apq = slot.a[p * m + q];
      const T t = slot.t[P];
      slot.a[p * m + p] -= t * apq;
      slot.a[q * m + q] += t * apq;
      slot.a[p * m + q] = T(0);
      slot.a[q * m + p] = T(0);
      return;
    }
    const int r = slot.pp[Q], s = slot.pq[Q];
    const T c2 = slot.c[Q], s2 = slot.s[Q];
    const T xpr = slot.a[p * m + r], xps = slot.a[p * m + s];
    const T xqr = slot.a[q * m + r], xqs = slot.a[q * m + s];
    // Rows by J_P^T, then columns by J_Q.
    const T lpr = c1 * xpr - s1 * xqr, lqr = s1 * xpr + c1 * xqr;
    const T lps = c1 * xps - s1 * xqs, lqs = s1 * xps + c1 * xqs;
    const T apr = c2 * lpr - s2 * lps, aps = s2 * lpr + c2 * lps;
    const T aqr = c2 * lqr - s2 * lqs, aqs = s2 * lqr + c2 * lqs;
    slot.a[p * m + r] = apr;
    slot.a[r * m + p] = apr;
    slot.a[p * m + s] = aps;
    slot.a[s * m + p] = aps;
    slot.a[q * m + r] = aqr;
    slot.a[r * m + q] = aqr;
    slot.a[q * m + s] = aqs;
    slot.a[s * m + q] = aqs;
    return;
  }
  const int rest = item - h * h;
  const int row = rest / h, P = rest % h;
  const int p = slot.pp[P], q = slot.pq[P];
  const T c = slot.c[P], s = slot.s[P];
  T* vr = slot.v + row * m;
  const T x = vr[p], y = vr[q];
  vr[p] = c * x - s * y;
  vr[q] = s * x + c * y;
}

/**
 * Output item j (a column, j < n): its rank among the eigenvalues (ascending, ties by index), the canonical sign
 * of eigenvector j, and the writes w[rank] and V[:, rank] (row-major n x n, eigenvectors in columns).
 */
template <class T>
EB_HD void store_item(int n, int m, T unscale, Slot<T> slot, T* w, T* v, int j) {
  const T dj = slot.a[j * m + j];
  int rank = 0;
  for (int i = 0; i < n; ++i) {
    const T di = slot.a[i * m + i];
    if (di < dj || (di == dj && i < j)) ++rank;
  }
  w[rank] = dj * unscale;
  if (v == nullptr) return;
  T max_abs = T(0);
  for (int i = 0; i < n; ++i) {
    const T x = fabs(slot.v[i * m + j]);
    max_abs = x > max_abs ? x : max_abs;
  }
  const T threshold = canonical_sign_threshold(max_abs);
  T sign = T(1);
  for (int i = 0; i < n; ++i) {
    const T x = slot.v[i * m + j];
    if (fabs(x) >= threshold) {
      sign = x < T(0) ? T(-1) : T(1);
      break;
    }
  }
  for (int i = 0; i < n; ++i) v[i * n + rank] = sign * slot.v[i * m + j];
}

}  // namespace eigenbasis::jacobi
