// A small dense product for the trainer's (batch × width)·(width × width) blocks, written once here and compiled
// twice: for x86-64-v3 (mlp.cpp) and x86-64-v4 (mlp_avx512.cpp). C (m × n, row stride ldc) = A·B, or C + A·B with
// accumulate; A is read through strides (A(i, p) = a[i·ars + p·acs], so Aᵀ costs nothing), B is row-major (k × n,
// ldb). Register blocks of 4 rows × 16 or 8 columns held in accumulators across the whole inner dimension, which the
// compiler keeps in vector registers; columns left over (n mod 8) and rows (m mod 4) by narrower loops. Every entry
// is one sum over p in increasing order, with fused multiply-adds: the same bits on both builds.
#pragma once

namespace eigenbasis::mlp {
// Internal linkage: each build (v3, v4) keeps its own copy. As inline functions of external linkage the linker
// would keep one instantiation for both, and the AVX-512 caller would run the x86-64-v3 code.
namespace {

template <int W, int R>
inline void gemm_rows(int k, const double* a, int ars, int acs, const double* b, int ldb, double* c, int ldc,
                      bool accumulate) {
  double acc[R][W];
  for (int r = 0; r < R; ++r)
#pragma omp simd
    for (int j = 0; j < W; ++j) acc[r][j] = accumulate ? c[r * ldc + j] : 0.0;
  for (int p = 0; p < k; ++p) {
    const double* bp = b + static_cast<long>(p) * ldb;
    for (int r = 0; r < R; ++r) {
      const double ar = a[static_cast<long>(r) * ars + static_cast<long>(p) * acs];
#pragma omp simd
      for (int j = 0; j < W; ++j) acc[r][j] += ar * bp[j];
    }
  }
  for (int r = 0; r < R; ++r)
#pragma omp simd
    for (int j = 0; j < W; ++j) c[r * ldc + j] = acc[r][j];
}

template <int W>
inline void gemm_panel(int m, int k, const double* a, int ars, int acs, const double* b, int ldb, double* c, int ldc,
                       bool accumulate) {
  int i = 0;
  for (; i + 4 <= m; i += 4)
    gemm_rows<W, 4>(k, a + static_cast<long>(i) * ars, ars, acs, b, ldb, c + static_cast<long>(i) * ldc, ldc,
                    accumulate);
  for (; i < m; ++i)
    gemm_rows<W, 1>(k, a + static_cast<long>(i) * ars, ars, acs, b, ldb, c + static_cast<long>(i) * ldc, ldc,
                    accumulate);
}

inline void small_gemm_impl(int m, int n, int k, const double* a, int ars, int acs, const double* b, int ldb,
                            double* c, int ldc, bool accumulate) {
  int j = 0;
  for (; j + 16 <= n; j += 16) gemm_panel<16>(m, k, a, ars, acs, b + j, ldb, c + j, ldc, accumulate);
  for (; j + 8 <= n; j += 8) gemm_panel<8>(m, k, a, ars, acs, b + j, ldb, c + j, ldc, accumulate);
  for (; j + 2 <= n; j += 2) gemm_panel<2>(m, k, a, ars, acs, b + j, ldb, c + j, ldc, accumulate);
  for (; j < n; ++j) gemm_panel<1>(m, k, a, ars, acs, b + j, ldb, c + j, ldc, accumulate);
}

}  // namespace
}  // namespace eigenbasis::mlp
