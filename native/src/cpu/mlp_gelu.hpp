// gelu's Φ(z) and φ(z) by a table of Taylor polynomials, written once here and compiled twice: for x86-64-v3
// (mlp.cpp) and for x86-64-v4 (mlp_avx512.cpp), where the loop becomes 8-lane AVX-512 with gathers.
//
// The method (facts only: the derivatives of Φ): Φ^(k)(c) = (−1)^(k−1) He_{k−1}(c) φ(c) for k ≥ 1, He the
// probabilists' Hermite polynomials (He_0 = 1, He_1 = c, He_{k+1} = c He_k − k He_{k−1}). On [−kRange, kRange) in
// cells of width 1/kCellsPerUnit, cell i centred at c_i, Φ(c_i + t) = Σ_{k ≤ kDegree} a_ik t^k with a_i0 = Φ(c_i),
// a_ik = (−1)^(k−1) He_{k−1}(c_i) φ(c_i) / k!, and φ(c_i + t) = Σ k a_ik t^(k−1), its derivative. The coefficients
// are formed once in long double (erfcl, expl) and rounded to double. |t| ≤ 1/256, so the first omitted term is
// relatively (|c| |t|)^9 / 9! ≤ (9/256)^9 / 9! < 1e-18 of Φ(c_i), and of φ (whose polynomial is one degree lower)
// (9/256)^8 / 8! < 6e-17: the error is the rounding of the coefficients and of Horner's rule, under 2 eps relative
// over [−12, 12] (measured by eb_mlp_test against erfcl/expl). t = z − c_i is exact (Sterbenz). Outside the range
// the caller uses std::erfc and std::exp. Degree 8 on cells of 1/128 (nine gathers a lane, 166 KB) measured faster
// than degree 11 on cells of 1/32 (twelve gathers, 55 KB) in the trainer: 160 against 177 ms of process CPU time
// for one retrain of docs/notes/h3-native-mlp.md's workload (start-up included).
#pragma once

#include <cstdint>

namespace eigenbasis::mlp::gelu {

constexpr int kDegree = 8;
constexpr int kCoefficients = kDegree + 1;
constexpr double kRange = 9.0;
constexpr int kCellsPerUnit = 128;
constexpr int kCells = static_cast<int>(2 * kRange) * kCellsPerUnit;

/** The coefficient table, kCells rows of kCoefficients (built on first use, thread-safe). */
const double* table();

// Internal linkage, so that each build keeps its own copy (see mlp_gemm.hpp).
namespace {

/**
 * Φ and φ for every z in [−kRange, kRange) from the table; entries outside are left for the caller (their
 * outputs are written with whatever the clamped cell gives).
 */
inline void table_eval(const double* table, const double* z, double* cdf, double* pdf, int64_t count) {
#pragma omp simd
  for (int64_t i = 0; i < count; ++i) {
    double zi = z[i];
    double u = (zi + kRange) * kCellsPerUnit;
    // NaN fails both tests and lands in cell 0 (its outputs are overwritten by the caller's tail path); a cast of
    // NaN to int would index outside the table
    u = u >= 0 ? u : 0;
    u = u <= kCells - 1 ? u : kCells - 1;
    const int cell = static_cast<int>(u);
    const double centre = -kRange + (cell + 0.5) / kCellsPerUnit;
    const double t = zi - centre;
    const double* a = table + static_cast<int64_t>(cell) * kCoefficients;
    double p = a[kDegree];
    double d = kDegree * a[kDegree];
    for (int k = kDegree - 1; k >= 1; --k) {
      p = p * t + a[k];
      d = d * t + k * a[k];
    }
    p = p * t + a[0];
    cdf[i] = p;
    pdf[i] = d;
  }
}

}  // namespace
}  // namespace eigenbasis::mlp::gelu
