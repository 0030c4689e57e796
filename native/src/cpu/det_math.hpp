// Deterministic elementary functions for the trajectory simulator: the C++ twin of
// java/core/src/main/java/org/eigenbasis/resetting/DetMath.java, statement for statement, so that the java
// reference and the cpu backend agree bit for bit. Only +, -, *, /, sqrt, trunc and bit manipulation; every
// branch is a select, so loops calling these vectorise (AVX2 on x86-64-v3). Include only from sources compiled
// with -ffp-contract=off (a fused multiply-add would change the last bit) and without -ffast-math.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace eigenbasis {
namespace detmath {

constexpr double kLn2Hi = 0x1.62e42feep-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kLog2e = 0x1.71547652b82fep0;
constexpr double kSqrt2 = 0x1.6a09e667f3bcdp0;
constexpr double kShifter = 0x1.8p52;  // 1.5 * 2^52

inline int64_t bits_of(double x) {
  int64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

inline double from_bits(int64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

/**
 * c2 + c3 r + ... + c16 r^14, c_n = 1/n!: expm1(r) = r + r^2 P(r), and G(y) = P(-y). Estrin's scheme (pairs, then
 * powers r^2, r^4, r^8): a dependency chain of about 8 operations instead of Horner's 28, which is what bounds the
 * vectorised loops.
 */
inline double poly(double r) {
  const double r2 = r * r;
  const double r4 = r2 * r2;
  const double r8 = r4 * r4;
  const double q0 = 0x1.0000000000000p-1 + 0x1.5555555555555p-3 * r;
  const double q1 = 0x1.5555555555555p-5 + 0x1.1111111111111p-7 * r;
  const double q2 = 0x1.6c16c16c16c17p-10 + 0x1.a01a01a01a01ap-13 * r;
  const double q3 = 0x1.a01a01a01a01ap-16 + 0x1.71de3a556c734p-19 * r;
  const double q4 = 0x1.27e4fb7789f5cp-22 + 0x1.ae64567f544e4p-26 * r;
  const double q5 = 0x1.1eed8eff8d898p-29 + 0x1.6124613a86d09p-33 * r;
  const double q6 = 0x1.93974a8c07c9dp-37 + 0x1.ae7f3e733b81fp-41 * r;
  const double q7 = 0x1.ae7f3e733b81fp-45;
  const double s0 = q0 + q1 * r2;
  const double s1 = q2 + q3 * r2;
  const double s2 = q4 + q5 * r2;
  const double s3 = q6 + q7 * r2;
  const double t0 = s0 + s1 * r4;
  const double t1 = s2 + s3 * r4;
  return t0 + t1 * r8;
}

/**
 * 2^k for k in [-1022, 1023]. Outside that range (exp's k for a NaN argument, whose result is then discarded) the
 * bits wrap as Java's long shift does: the shift is done unsigned, since a signed left shift that overflows is
 * undefined behaviour in C++17 (found by native/sanitize.sh).
 */
inline double pow2(int64_t k) { return from_bits(static_cast<int64_t>(static_cast<uint64_t>(k + 1023) << 52)); }

/** The integer value of an integral double of magnitude below 2^51. */
inline int64_t to_int(double integral) { return bits_of(integral + kShifter) - bits_of(kShifter); }

/** trunc that keeps NaN (std::trunc does). */
inline double truncate(double v) { return std::trunc(v); }

inline double exp(double x) {
  double xc = x > 710 ? 710 : x;
  xc = xc < -746 ? -746 : xc;
  const double kd = truncate(xc * kLog2e);
  const double r = (xc - kd * kLn2Hi) - kd * kLn2Lo;
  const double em = r + (r * r) * poly(r);
  const double p = 1 + em;
  const int64_t k = to_int(kd);
  const int64_t k1 = k / 2 - ((k < 0) & (k & 1));  // floor(k/2), as Java's k >> 1
  const double result = (p * pow2(k1)) * pow2(k - k1);
  return x != x ? x : result;
}

inline double expm1(double x) {
  double xc = x > 710 ? 710 : x;
  xc = xc < -60 ? -60 : xc;
  const double kd = truncate(xc * kLog2e);
  const double r = (xc - kd * kLn2Hi) - kd * kLn2Lo;
  const double em = r + (r * r) * poly(r);
  const int64_t k = to_int(kd);
  const double t = pow2(k > 1023 ? 1023 : k);
  const double small = (t - 1) + t * em;
  const int64_t k1 = k / 2 - ((k < 0) & (k & 1));
  const double big = ((1 + em) * pow2(k1)) * pow2(k - k1);
  const double result = k > 60 ? big : small;
  return (x != x || x == 0) ? x : result;
}

/**
 * 1 - e^(-x) for x >= 0 (and NaN for NaN): -expm1(-x) restricted to the path expm1 takes for non-positive
 * arguments, so the same bits without the large-argument branch (the simulator's hot loop).
 */
inline double em(double x) {
  double xc = -x;
  xc = xc < -60 ? -60 : xc;
  const double kd = truncate(xc * kLog2e);
  const double r = (xc - kd * kLn2Hi) - kd * kLn2Lo;
  const double e = r + (r * r) * poly(r);
  const double t = pow2(to_int(kd));
  const double result = -((t - 1) + t * e);
  return x == 0 ? 0.0 : result;
}

/**
 * log(2^e * m) for m in [1, 2) given as the bits of x with the exponent field replaced: the shared body of log and
 * log_normal (range reduction to [sqrt(2)/2, sqrt(2)), then the odd series in s = f / (2 + f)).
 */
inline __attribute__((always_inline)) double log_reduced(double e, double m) {
  const bool high = m > kSqrt2;
  m = high ? m * 0.5 : m;
  e = high ? e + 1 : e;
  const double f = m - 1;
  const double s = f / (2 + f);
  const double z = s * s;
  // 2/3 + 2/5 z + ... + 2/25 z^11 by Estrin's scheme (see poly)
  const double z2 = z * z;
  const double z4 = z2 * z2;
  const double z8 = z4 * z4;
  const double a0 = 0x1.5555555555555p-1 + 0x1.999999999999ap-2 * z;
  const double a1 = 0x1.2492492492492p-2 + 0x1.c71c71c71c71cp-3 * z;
  const double a2 = 0x1.745d1745d1746p-3 + 0x1.3b13b13b13b14p-3 * z;
  const double a3 = 0x1.1111111111111p-3 + 0x1.e1e1e1e1e1e1ep-4 * z;
  const double a4 = 0x1.af286bca1af28p-4 + 0x1.8618618618618p-4 * z;
  const double a5 = 0x1.642c8590b2164p-4 + 0x1.47ae147ae147bp-4 * z;
  const double b0 = a0 + a1 * z2;
  const double b1 = a2 + a3 * z2;
  const double b2 = a4 + a5 * z2;
  const double q = (b0 + b1 * z4) + b2 * z8;
  const double rr = z * q;
  const double hfsq = 0.5 * (f * f);
  const double lm = f - (hfsq - s * (hfsq + rr));
  return e * kLn2Hi + (lm + e * kLn2Lo);
}

/** The mantissa of x's bits in [1, 2). */
inline double mantissa_of(int64_t b) {
  return from_bits((b & 0x000fffffffffffffLL) | 0x3ff0000000000000LL);
}

/** The biased exponent field of x's bits as a double, without an int64 -> double conversion (none in AVX2). */
inline double biased_exponent_of(int64_t b) {
  return from_bits(0x4330000000000000LL | ((b >> 52) & 0x7ff)) - 0x1p52;
}

inline double log(double x) {
  const bool subnormal = x < 0x1p-1022;
  const double xs = subnormal ? x * 0x1p54 : x;
  const int64_t b = bits_of(xs);
  const double e = (biased_exponent_of(b) - 1023) - (subnormal ? 54.0 : 0.0);
  double result = log_reduced(e, mantissa_of(b));
  result = x < 0 ? NAN : result;
  result = x == 0 ? -INFINITY : result;
  result = (x != x || x == INFINITY) ? x : result;
  return result;
}

/**
 * log(x) for a positive, normal, finite x (the same bits as log there; anything else gives an unspecified value):
 * log without its special cases, for the lane loops, whose arguments are uniforms (at least 2^-53), polar s (at
 * least 2^-104 where read) and Marsaglia-Tsang's v^3 > 0 (v at least 2^-53 where read).
 */
inline double log_normal(double x) {
  const int64_t b = bits_of(x);
  return log_reduced(biased_exponent_of(b) - 1023, mantissa_of(b));
}

/** Below this, x K(x) = em(x) is x to double precision and K(x) = 1. */
constexpr double kTiny = 0x1p-60;

/** 1/v for v > 0, at most DBL_MAX (v subnormal); 0 for v = 0. */
inline double inverse(double v) {
  double q = 1 / (v > 0 ? v : 1.0);
  q = q < 0x1.fffffffffffffp1023 ? q : 0x1.fffffffffffffp1023;
  return v > 0 ? q : 0.0;
}

/** K(x) = em(x)/x, K(0) = 1. */
inline double k_from_em(double x, double em_x) {
  const double q = em_x / (x > 0 ? x : 1.0);  // divide unconditionally: a conditional division does not vectorise
  return x > 0 ? q : 1.0;
}

/** G(y) = (1 - K(y))/y, G(0) = 1/2: the series P(-y) below 0.5. */
inline double g(double y, double k) {
  const double direct = (1 - k) / (y < 0.5 ? 1.0 : y);
  return y < 0.5 ? poly(-y) : direct;
}

}  // namespace detmath
}  // namespace eigenbasis
