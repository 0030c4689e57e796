// band_kernels.hpp's kernels, built for x86-64-v4 (band_kernels_avx512.cpp) and taken where use_avx512(): on
// AVX2 alone they measured no faster than OpenBLAS's, and the callers keep LAPACK's path there.
#pragma once

#include <cstddef>

namespace eigenbasis {

/** One build of the kernels: symm_lower_strips with its strip height and width multiple, rank2k_lower_columns. */
template <class T>
struct BandKernels {
  int strip_rows;
  int width_multiple;
  int update_columns;  // rank2k's t_begin is a multiple of this
  int update_panel;    // rank2k's and gemm_nn_sub's pack hold k * update_panel scalars
  int product_width;   // gemm_tn_acc's W has k rounded up to a multiple of this
  int product_rows;    // gemm_tn_acc's vpack holds product_rows * (k rounded up) scalars
  void (*strips)(int n, const T* a, size_t lda, const T* vr, int kp, int s_begin, int s_end, int c_begin, int c_end,
                 T* yc, T* yr, T* diag);
  void (*rank2k)(int n, int k, const T* a, size_t lda, const T* b, size_t ldb, T* c, size_t ldc, int t_begin,
                 int t_end, T* pack, T* tmp);
  void (*gemm_nn_sub)(int m, int n, int k, const T* v, size_t ldv, const T* w, size_t ldw, T* z, size_t ldz, T* pack,
                      T* tmp);
  void (*gemm_tn_acc)(int m, int n, int k, const T* v, size_t ldv, const T* z, size_t ldz, T* w, size_t ldw,
                      T* vpack);
  void (*reflect_rows)(int m, int kk, int band, const T* v, size_t ldv, const T* t, size_t ldt, T* z, size_t ldz,
                       int ncols, T* w);
  bool (*bisect_values)(int n, const T* d, const T* e2, T pivmin, T lo, T hi, T tol, int k_begin, int k_end, T* w);
  int chase_rows;  // the bulge chase's level kernels take blocks of up to this many rows (kd <= chase_rows)
  T (*chase_first)(int m, T* x, T* c, size_t ld, T* u, T* w);
  T (*chase_next)(int m, int k, const T* v, T tau, T* blk, T* diag, size_t ld, T* u, T* w);
  // secular_equation.hpp's pass over the poles, vectorised
  void (*secular_pass)(int k, int split, const T* base, const T* z, T tau, T* delta, T* sums);
  // symv_kernels.hpp's products for one-stage tridiagonalisation (tridiagonal_reduce.hpp)
  void (*symv_columns)(int m, const T* a, size_t lda, const T* x, T* y, int c0, int c1);
  void (*panel_dots)(int rows, int k, const T* v, size_t ldv, const T* w, size_t ldw, const T* x, T* p, T* q);
  void (*panel_sub)(int rows, int k, const T* v, size_t ldv, const T* w, size_t ldw, const T* a, const T* b, T* out);
  T (*dot)(int rows, const T* x, const T* y);
  void (*scale_add)(int rows, T s, T alpha, const T* x, T* y);
};

/** The AVX-512 build (band_kernels_avx512.cpp); call only when use_avx512(). */
BandKernels<double> band_kernels_avx512_f64();
BandKernels<float> band_kernels_avx512_f32();

}  // namespace eigenbasis
