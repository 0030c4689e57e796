// The secular equation of divide and conquer's merge, one root at a time, with the O(k) pass over the poles
// vectorised: f(x) = 1/rho + sum_j z_j^2 / (d_j - x) = 0 for the root in (d_i, d_{i+1}) (the last one in (d_{k-1},
// d_{k-1} + rho |z|^2]). The iteration is the two-pole rational model of Bunch, Nielsen and Sorensen / Li ("middle
// way" family), as LAPACK's ?laed4 uses, with the distances d_j - x kept relative to the nearer pole so that they
// are accurate to a few ulps (what Gu and Eisenstat's eigenvectors need), inside a bracket that every step narrows
// and that falls back to halving. ?laed4's pass is scalar with one division per pole; this one runs the poles in
// vector lanes. secular_pass is instantiated in an AVX-512 build (band_kernels.hpp, in EB_NS); secular_root is plain.
#pragma once

#include <cmath>
#include <cstring>
#include <limits>

namespace eigenbasis {

/**
 * One pass over the poles at offset tau from the origin pole: delta_j = base_j - tau for every j < k (base_j =
 * d_j - d_origin), and the sums psi = sum_{j < split} z_j^2 / delta_j, dpsi = sum_{j < split} (z_j / delta_j)^2,
 * phi and dphi the same over j >= split, into sums[0..3].
 */
template <class T>
using SecularPass = void (*)(int k, int split, const T* base, const T* z, T tau, T* delta, T* sums);

/**
 * Root i (0-based) of 1/rho + sum_j z_j^2 / (d_j - x) = 0, with d ascending and distinct (as ?laed2 leaves the
 * poles), z without zeros, rho > 0, k >= 3, zz = sum z_j^2. Writes delta_j = d_j - root (j < k) and the root; base
 * is k scalars of scratch. Returns false where it did not converge within its steps (the caller runs ?laed4).
 * Converged means |f| <= eps * (8 (|psi| + |phi|) + 2 / rho + 3 |tau| f'), ?laed4's own test.
 */
template <class T>
bool secular_root(int k, int i, const T* d, const T* z, T rho, T zz, T* delta, T* root, T* base, SecularPass<T> pass) {
  const T eps = std::numeric_limits<T>::epsilon();
  const T rhoinv = T(1) / rho;
  const bool last = i == k - 1;
  int origin = i;
  T lo = T(0), hi = T(0), tau = T(0);
  T sums[4];
  // split: the poles left of the root (psi) and right of it (phi); the last root has none on its right.
  const int split = last ? k : i + 1;
  if (last) {
    for (int j = 0; j < k; ++j) base[j] = d[j] - d[origin];
    hi = rho * zz * (T(1) + T(8) * eps);  // f(d_{k-1} + rho |z|^2) >= 0
    tau = hi / 2;
  } else {
    // The midpoint's sign says which pole is nearer; the iteration starts there, its sums already in hand.
    const T mid = (d[i + 1] - d[i]) / 2;
    for (int j = 0; j < k; ++j) base[j] = d[j] - d[i];
    pass(k, split, base, z, mid, delta, sums);
    if (rhoinv + sums[0] + sums[2] >= T(0)) {
      lo = T(0);  // the root is in (d_i, d_i + mid]
      hi = mid;
      tau = mid;
    } else {
      origin = i + 1;  // in (d_{i+1} - mid, d_{i+1}): measured from d_{i+1}
      for (int j = 0; j < k; ++j) base[j] = d[j] - d[origin];
      lo = -mid;
      hi = T(0);
      tau = -mid;
    }
  }
  base[origin] = T(0);
  bool have_sums = !last;  // the sums at tau (the midpoint) from above
  constexpr int kMaxSteps = 80;  // bisection alone needs about 55 in f64
  for (int step = 0; step < kMaxSteps; ++step) {
    if (!have_sums) pass(k, split, base, z, tau, delta, sums);
    have_sums = false;
    const T psi = sums[0], dpsi = sums[1], phi = sums[2], dphi = sums[3];
    const T w = rhoinv + psi + phi;
    const T dw = dpsi + dphi;
    const T bound = eps * (T(8) * (phi - psi) + T(2) * rhoinv + T(3) * std::fabs(tau) * dw);
    if (std::isfinite(w) && std::fabs(w) <= bound) {
      *root = d[origin] + tau;
      return true;
    }
    if (std::isfinite(w)) {
      if (w < T(0)) {
        lo = tau;
      } else {
        hi = tau;
      }
    }
    T eta = std::numeric_limits<T>::quiet_NaN();
    if (std::isfinite(w) && std::isfinite(dw)) {
      if (last) {
        // One pole at d_{k-1} carries the whole derivative: c + s / (delta - eta) = 0.
        const T da = delta[k - 1];
        const T c = w - da * dw;
        if (c > T(0)) eta = da + da * da * dw / c;
      } else {
        // The poles either side exact in slope, the rest a constant: c eta^2 - a eta + b = 0.
        const T da = delta[i], db = delta[i + 1];
        const T c = w - da * dpsi - db * dphi;
        const T a = c * (da + db) + da * da * dpsi + db * db * dphi;
        const T b = da * db * w;
        if (c == T(0)) {
          if (a != T(0)) eta = b / a;
        } else {
          const T disc = std::sqrt(std::fabs(a * a - T(4) * b * c));
          eta = a <= T(0) ? (a - disc) / (T(2) * c) : (T(2) * b) / (a + disc);
        }
      }
    }
    T next = tau + eta;
    if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;  // outside the bracket (or NaN): halve it
    if (next == tau || !(hi > lo)) {  // nothing left to move: as close as the arithmetic allows
      pass(k, split, base, z, tau, delta, sums);
      *root = d[origin] + tau;
      return std::isfinite(sums[0] + sums[2]);
    }
    tau = next;
  }
  return false;
}

#ifdef EB_NS
inline namespace EB_NS {

template <class T>
struct SecularVector;
template <>
struct SecularVector<double> {
  typedef double type __attribute__((vector_size(64)));
};
template <>
struct SecularVector<float> {
  typedef float type __attribute__((vector_size(64)));
};

// secular_pass with the poles in 64-byte vectors (8 f64 or 16 f32 lanes), the tail scalar.
template <class T>
void secular_pass(int k, int split, const T* base, const T* z, T tau, T* delta, T* sums) {
  using V = typename SecularVector<T>::type;
  constexpr int kLanes = 64 / sizeof(T);
  auto range = [&](int j0, int j1, T* s, T* ds) {
    V acc = {}, dacc = {};
    int j = j0;
    for (; j + kLanes <= j1; j += kLanes) {
      V b, zv;
      std::memcpy(&b, base + j, sizeof(V));
      std::memcpy(&zv, z + j, sizeof(V));
      const V dl = b - tau;
      std::memcpy(delta + j, &dl, sizeof(V));
      const V t = zv / dl;
      acc += zv * t;
      dacc += t * t;
    }
    T sum = T(0), dsum = T(0);
    for (int l = 0; l < kLanes; ++l) {
      sum += acc[l];
      dsum += dacc[l];
    }
    for (; j < j1; ++j) {
      delta[j] = base[j] - tau;
      const T t = z[j] / delta[j];
      sum += z[j] * t;
      dsum += t * t;
    }
    *s = sum;
    *ds = dsum;
  };
  range(0, split, sums, sums + 1);
  range(split, k, sums + 2, sums + 3);
}

}  // namespace EB_NS
#endif

}  // namespace eigenbasis
