// Small numeric helpers shared by the CPU kernels and the CUDA kernels (compiled by g++ and by nvcc).
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define EB_HD __host__ __device__ __forceinline__
#else
#define EB_HD inline
#endif

// EB_NS separates builds of these inline helpers compiled with different instruction sets in one library (see
// cpu/own_kernels_avx512.cpp): each lives in its own inline namespace, so the linker never merges them.
#ifndef EB_NS
#define EB_NS base
#endif

namespace eigenbasis {
inline namespace EB_NS {

template <class T>
struct Limits;

template <>
struct Limits<double> {
  static constexpr double eps = DBL_EPSILON;            // 2^-52, the spacing above 1
  static constexpr double sqrt_eps = 1.4901161193847656e-08;
  static constexpr double min_normal = DBL_MIN;
};

template <>
struct Limits<float> {
  static constexpr float eps = FLT_EPSILON;             // 2^-23
  static constexpr float sqrt_eps = 3.4526698300e-04f;
  static constexpr float min_normal = FLT_MIN;
};

/**
 * The canonical-sign threshold of a vector whose largest magnitude is max_abs: the first component at least this
 * large in magnitude decides the sign. The (1 - sqrt(eps)) slack makes components that are equal in exact
 * arithmetic (|v_i| = 1/sqrt(2), say) tie the same way on every backend despite rounding differences.
 */
template <class T>
EB_HD T canonical_sign_threshold(T max_abs) {
  return max_abs * (T(1) - Limits<T>::sqrt_eps);
}

/**
 * The canonical sign of a contiguous eigenvector col[0..n): -1 when its first entry within the threshold above of its
 * largest magnitude is negative, else +1 (eb_api.h's rule, decided on the values as stored in T).
 */
template <class T>
EB_HD T contiguous_column_sign(const T* col, int n) {
  T max_abs = T(0);
  for (int r = 0; r < n; ++r) max_abs = fabs(col[r]) > max_abs ? fabs(col[r]) : max_abs;
  const T threshold = canonical_sign_threshold(max_abs);
  for (int r = 0; r < n; ++r)
    if (fabs(col[r]) >= threshold) return col[r] < T(0) ? T(-1) : T(1);
  return T(1);
}

/**
 * Power-of-two factor that brings max_abs into [0.5, 1): scaling by it is exact, so the kernels can work on a
 * matrix of norm about 1 (no overflow or underflow in squares) and scale the eigenvalues back exactly.
 */
inline double exact_unit_scale(double max_abs) {
  int exponent = 0;
  std::frexp(max_abs, &exponent);
  return std::ldexp(1.0, -exponent);
}

/** sqrt(a^2 + b^2) for operands of a matrix already scaled to norm about 1, without spurious underflow. */
EB_HD double scaled_hypot(double a, double b) {
  double x = fabs(a), y = fabs(b);
  double big = x > y ? x : y;
  if (big == 0.0) return 0.0;
  if (big > 1e-150 && big < 1e150) return sqrt(x * x + y * y);
  double small = x > y ? y : x;
  double ratio = small / big;
  return big * sqrt(1.0 + ratio * ratio);
}

/** The float version works in double: no range checks needed, and the cost is one conversion each way. */
inline float scaled_hypot(float a, float b) {
  return static_cast<float>(scaled_hypot(static_cast<double>(a), static_cast<double>(b)));
}

}  // namespace EB_NS
}  // namespace eigenbasis
