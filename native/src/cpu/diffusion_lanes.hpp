// Branch-free elementary functions on 4 or 8 lanes for the diffusion closed forms (diffusion_rows.hpp): every lane takes the
// same instructions, choices are per-lane selects, the only memory reads are the E1 table's. Double precision; the
// error of each is stated where it is defined. Nothing here depends on the instruction set beyond rounding: the
// same operations in the same order on any x86-64 build (fused multiply-adds where -ffp-contract=fast forms them).
#pragma once

#include <cstdint>

#include "diffusion_e1_table.hpp"

namespace eigenbasis::diffusion {
namespace {

#ifndef EB_DIFFUSION_LANES
#define EB_DIFFUSION_LANES 4
#endif

/**
 * EB_DIFFUSION_LANES doubles (4: one AVX2 register, diffusion.cpp; 8: one AVX-512 register, diffusion_avx512.cpp),
 * as GCC's vector extensions, because GCC's loop vectoriser splits the table reads of e1_table into masked gathers
 * that AVX2 lacks and then gives up. Comparisons give int64 lanes of 0 or −1; a ? b : c on them selects per lane.
 * Every lane runs the same operations in the same order in both builds.
 */
constexpr int kLanes = EB_DIFFUSION_LANES;
using V = double __attribute__((vector_size(8 * kLanes)));
using M = int64_t __attribute__((vector_size(8 * kLanes)));

constexpr double kEulerGamma = 0.57721566490153286060651209;
constexpr double kLog2e = 1.4426950408889634074;
constexpr double kLn2Hi = 0x1.62e42fefa3800p-1;   // ln 2 split so that k * kLn2Hi is exact for |k| < 2^11
constexpr double kLn2Lo = 0x1.ef35793c76730p-45;
constexpr double kRoundMagic = 0x1.8p52;          // x + 1.5·2^52 − 1.5·2^52 rounds x to an integer (|x| < 2^51)
constexpr double kTwo52 = 0x1p52;

inline V splat(double x) {
  V v = {};
  for (int l = 0; l < kLanes; ++l) v[l] = x;
  return v;
}

inline M bits_of(V x) {
  return __builtin_bit_cast(M, x);
}

inline V double_of(M b) {
  return __builtin_bit_cast(V, b);
}

/** Whether every lane of the mask is set: a branch taken by all lanes together, never per lane. */
inline bool all_lanes(M mask) {
  int64_t all = -1;
  for (int l = 0; l < kLanes; ++l) all &= mask[l];
  return all != 0;
}

inline V select(M mask, V yes, V no) {
  return mask ? yes : no;
}

inline V load(const double* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

inline void store(double* p, V v) {
  __builtin_memcpy(p, &v, sizeof v);
}

/** 2^k for integral k in [−1022, 1023], by building the exponent field (no int64→double conversion). */
inline V pow2(V k) {
  // k + 1023 + 2^52 holds the biased exponent in its low mantissa bits
  const M biased = bits_of(k + (1023.0 + kTwo52)) - bits_of(splat(kTwo52));
  return double_of(biased << 52);
}

/**
 * e^x for every double x: 0 below −1100 (the true value is under 2^−1587), +∞ above 709.78, NaN for NaN.
 * Cody–Waite reduction x = k ln 2 + r, |r| ≤ ½ ln 2, Taylor polynomial of degree 13 (truncation 0.347^14/14! <
 * 5e-18 relative), then 2^k as two factors so that subnormal results come out right. Within 2 ulp of e^x.
 */
inline V exp_lanes(V x) {
  const V low = splat(-1100.0);
  const V high = splat(709.78);
  const V clamped = select(x < low, low, select(x > high, high, x));
  const V k = (clamped * kLog2e + kRoundMagic) - kRoundMagic;
  const V r = (clamped - k * kLn2Hi) - k * kLn2Lo;
  V p = splat(1.0 / 6227020800.0);                      // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const V k1 = (k * 0.5 + kRoundMagic) - kRoundMagic;
  const V k2 = k - k1;
  const V y = p * pow2(k1) * pow2(k2);
  return select(x > high, splat(__builtin_inf()), select(x == x, y, x));
}

/**
 * ln x for normal x ≥ 2^−1022 (all this file needs: its arguments are at least 1): x = m·2^e with m in [√½, √2),
 * f = (m − 1)/(m + 1), ln m = 2f·Σ s^k/(2k + 1) with s = f² ≤ 0.0295, terms to k = 11 (truncation < 1e-18).
 * Within 2 ulp; +∞ for +∞.
 */
inline V log_lanes(V x) {
  const M b = bits_of(x);
  const M one = bits_of(splat(1.0));
  // m in [√½, √2): take the exponent of x·√2's binade
  const M biased = (b + (bits_of(splat(1.4142135623730951)) - one)) >> 52;
  const V m = double_of(b - ((biased - 1023) << 52));
  const V e = double_of(biased | bits_of(splat(kTwo52))) - (kTwo52 + 1023.0);
  const V f = (m - 1.0) / (m + 1.0);
  const V s = f * f;
  V p = splat(1.0 / 23.0);
  p = p * s + 1.0 / 21.0;
  p = p * s + 1.0 / 19.0;
  p = p * s + 1.0 / 17.0;
  p = p * s + 1.0 / 15.0;
  p = p * s + 1.0 / 13.0;
  p = p * s + 1.0 / 11.0;
  p = p * s + 1.0 / 9.0;
  p = p * s + 1.0 / 7.0;
  p = p * s + 1.0 / 5.0;
  p = p * s + 1.0 / 3.0;
  const V lnm = 2.0 * f + 2.0 * f * s * p;
  const V y = e * kLn2Hi + (e * kLn2Lo + lnm);
  return select(x == __builtin_inf(), x, y);
}

/** ln(1 + y) for y ≥ 0, to a few ulp also for tiny y (the correction of w = 1 + y's rounding). */
inline V log1p_lanes(V y) {
  const V w = 1.0 + y;
  const V corrected = log_lanes(w) - ((w - 1.0) - y) / w;
  return select(w == 1.0, y, corrected);
}

/**
 * (1 − e^(−r))/r for r ≥ 0 (1 at r = 0): its Taylor series Σ_k (−r)^k/(k + 1)! for r < ½ (terms to r^17/18!,
 * truncation < 1e-19), (1 − e^(−r))/r beyond, where 1 − e^(−r) ≥ 0.39 has no cancellation.
 */
inline V one_minus_exp_over(V r) {
  constexpr double kInverseFactorials[18] = {
      1.0 / 6402373705728000.0, 1.0 / 355687428096000.0, 1.0 / 20922789888000.0, 1.0 / 1307674368000.0,
      1.0 / 87178291200.0, 1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
      1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0};
  V p = splat(kInverseFactorials[0]);
  for (int k = 1; k < 18; ++k) {
    p = p * (-r) + kInverseFactorials[k];
  }
  const V direct = (1.0 - exp_lanes(-r)) / r;
  return select(r < 0.5, p, direct);
}

/**
 * The table entries kE1Chebyshev[row[l] + k] of the lanes, one scalar load each: measured faster than AVX2's
 * vgatherqpd on Zen 5 (1.3 against 1.8 s of CPU time for 10⁸ one-layer pairs).
 */
inline V gather(M row, int k) {
  V v = {};
  for (int l = 0; l < kLanes; ++l) v[l] = kE1Chebyshev[row[l] + k];
  return v;
}

/**
 * The table value of the exponential integral at x ≥ 0: Ein(x) = Σ_{k≥1} (−1)^(k+1) x^k/(k·k!) for x ≤ 1, and
 * e^x·E₁(x) for x &gt; 1 (so E₁(x) = −γ − ln x + Ein(x), resp. e^(−x)·value). Clenshaw's recurrence on the
 * Chebyshev coefficients of the lane's cell (gen_e1_table.py: interpolants within 5e-15 relative). +∞ gives the
 * limit 0 (e^x E₁(x) ~ 1/x).
 */
inline V e1_table(V x) {
  // cell 0 for x ≤ 1, cell k in 1..14 for x in (½k + ½, ½k + 1], 15 beyond 8; a tie of the rounding (x a multiple
  // of ½) may take the neighbouring cell, where s is then ±1, still in range. NaN lands in cell 0.
  const V m = (x - 1.0) * 2.0;
  const V clamped = select(m >= 0.0, select(m > 14.75, splat(14.75), m), splat(0.0));
  const V cell = ((clamped + 0.5) + kRoundMagic) - kRoundMagic;
  const M small = cell == 0.0;
  const M tail = cell == 15.0;
  const V t = 8.0 / x;
  const V s = select(small, 2.0 * x - 1.0, select(tail, 2.0 * t - 1.0, 4.0 * (x - (0.75 + 0.5 * cell))));
  const M row = (bits_of(cell + kTwo52) - bits_of(splat(kTwo52))) * (kE1Degree + 1);
  V b1 = splat(0.0);
  V b2 = splat(0.0);
  for (int k = kE1Degree; k >= 1; --k) {
    const V b0 = 2.0 * s * b1 - b2 + gather(row, k);
    b2 = b1;
    b1 = b0;
  }
  const V value = s * b1 - b2 + gather(row, 0);
  return select(small, x * value, select(tail, value * (t * 0.125), value));
}

/**
 * E₁(x₁) − E₁(x₂) for 0 ≤ x₁ ≤ x₂ without cancelling the logarithms: where x₂ ≤ 1, ln(x₂/x₁) + Ein(x₁) − Ein(x₂)
 * with {@code log_ratio} = ln(x₂/x₁) given; where x₁ ≤ 1 < x₂, −γ − ln x₁ + Ein(x₁) − e^(−x₂)·(e^x E₁)(x₂) with
 * {@code log_x1} = ln x₁ given; else the difference of e^(−x)·(e^x E₁)(x), with {@code exp_x1} = e^(−x₁) and
 * {@code exp_x2} = e^(−x₂) given (the caller forms them from factors it shares across lanes).
 */
inline V e1_difference(V x1, V x2, V log_ratio, V log_x1, V exp_x1, V exp_x2) {
  // Where e^(−x) underflowed to 0 in every lane (and x > 1, so the lane takes the product), the term is exactly 0
  // whatever the table gives: skipping the table there changes no bit and saves most of the work at large τ.
  const V zero = splat(0.0);
  const bool x2_vanishes = all_lanes((x2 > 1.0) & (exp_x2 == zero));
  if (x2_vanishes && all_lanes((x1 > 1.0) & (exp_x1 == zero))) {
    return zero;
  }
  const V v1 = e1_table(x1);
  const V v2 = x2_vanishes ? zero : e1_table(x2);
  const V both_small = log_ratio + (v1 - v2);
  const V first = select(x1 <= 1.0, -kEulerGamma - log_x1 + v1, exp_x1 * v1);
  return select(x2 <= 1.0, both_small, first - exp_x2 * v2);
}

}  // namespace
}  // namespace eigenbasis::diffusion
