// The per-element arithmetic of the cuda preconditioner kernels (precond.cu), written once for the device (nvcc)
// and the host (g++, in native/test/precond_emulation_test.cpp, which checks it on machines without a GPU).
// Every value is computed in double and rounded once when stored, for f32 data too: that is what
// ReferencePreconditioner does, so the results are the reference's bits (sqrt and division are correctly
// rounded on both sides; pow for exponents other than 1/2 may differ by an ulp). Both compilers must be told not
// to contract a·b + c into a fused multiply-add (nvcc --fmad=false, g++ -ffp-contract=off): the reference rounds
// every product.
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define EB_PRECOND_HD __host__ __device__ __forceinline__
#else
#define EB_PRECOND_HD inline
#endif

namespace eigenbasis {
namespace precond {

/** The scalars of one diagonal update (PreconditionerKernel.diagonalUpdate). */
struct DiagonalParams {
  double beta1, beta2, gamma, exponent, eps;
};

/** What one entry of the diagonal update writes back: the new first and second moments and the output. */
struct DiagonalEntry {
  double m, v, out;
};

/**
 * One entry of the fused diagonal update, in the reference's order: m ← β1·m + (1 − β1)·g (m = g when there is no
 * first moment), v ← β2·v + γ·g², out = m / (v^p + ε) with p = 1/2 taken by sqrt.
 */
EB_PRECOND_HD DiagonalEntry diagonal_entry(double g, bool has_m, double m, double v, const DiagonalParams& p) {
  DiagonalEntry e;
  e.m = has_m ? p.beta1 * m + (1 - p.beta1) * g : g;
  e.v = p.beta2 * v + p.gamma * (g * g);
  const double root = p.exponent == 0.5 ? sqrt(e.v) : pow(e.v, p.exponent);
  e.out = e.m / (root + p.eps);
  return e;
}

/**
 * Entry i of a batch of diagonal updates over arrays of T (float or double): out may be the same array as g
 * (each entry reads its g before it writes its out); m may be null (no first moment, nothing stored for it).
 */
template <class T>
EB_PRECOND_HD void diagonal_update_at(int64_t i, const T* g, T* m, T* v, T* out, const DiagonalParams& p) {
  const DiagonalEntry e = diagonal_entry(static_cast<double>(g[i]), m != nullptr,
                                         m != nullptr ? static_cast<double>(m[i]) : 0.0, static_cast<double>(v[i]), p);
  if (m != nullptr) m[i] = static_cast<T>(e.m);
  v[i] = static_cast<T>(e.v);
  out[i] = static_cast<T>(e.out);
}

/** One lower-triangle entry of a factor update: β·f + α·s, with f not read when β = 0 (NaN there is dropped). */
EB_PRECOND_HD double factor_entry(double beta, double f, double alpha, double s) {
  return (beta == 0 ? 0.0 : beta * f) + alpha * s;
}

/**
 * Entry t (of batch·k·k) of the factor combination: for t naming (b, i, j) with j ≤ i, reads the row-major lower
 * triangle of the old factor f and of the new product s, writes β·f + α·s to (i, j) and mirrors it to (j, i).
 * Upper-triangle indices do nothing, so no entry is read by one thread and written by another.
 */
template <class T>
EB_PRECOND_HD void combine_factor_at(int64_t t, const T* s, T* f, int32_t k, double beta, double alpha) {
  const int64_t kk = static_cast<int64_t>(k) * k;
  const int64_t b = t / kk;
  const int64_t r = t - b * kk;
  const int64_t i = r / k;
  const int64_t j = r - i * k;
  if (j > i) return;
  T* fb = f + b * kk;
  const T value = static_cast<T>(factor_entry(beta, beta == 0 ? 0.0 : static_cast<double>(fb[i * k + j]), alpha,
                                              static_cast<double>(s[b * kk + i * k + j])));
  fb[i * k + j] = value;
  fb[j * k + i] = value;
}

}  // namespace precond
}  // namespace eigenbasis
