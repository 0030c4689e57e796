// Overloads of the few BLAS/LAPACK routines we call, for float and double, over the OpenBLAS presets' headers.
// We call LAPACK directly (not LAPACKE) so each worker reuses its own workspace instead of allocating per call.
#pragma once

#include <cblas.h>
#include <lapack.h>

namespace eigenbasis::lapack {

using lint = lapack_int;

inline void syevd(char jobz, char uplo, lint n, double* a, lint lda, double* w, double* work, lint lwork, lint* iwork,
                  lint liwork, lint* info) {
  LAPACK_dsyevd(&jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info);
}
inline void syevd(char jobz, char uplo, lint n, float* a, lint lda, float* w, float* work, lint lwork, lint* iwork,
                  lint liwork, lint* info) {
  LAPACK_ssyevd(&jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info);
}

inline void syevr(char jobz, char uplo, lint n, double* a, lint lda, lint* m, double* w, double* z, lint ldz,
                  lint* isuppz, double* work, lint lwork, lint* iwork, lint liwork, lint* info) {
  const char range = 'A';
  const double zero = 0.0;
  const lint one = 1;
  LAPACK_dsyevr(&jobz, &range, &uplo, &n, a, &lda, &zero, &zero, &one, &one, &zero, m, w, z, &ldz, isuppz, work,
                &lwork, iwork, &liwork, info);
}
inline void syevr(char jobz, char uplo, lint n, float* a, lint lda, lint* m, float* w, float* z, lint ldz,
                  lint* isuppz, float* work, lint lwork, lint* iwork, lint liwork, lint* info) {
  const char range = 'A';
  const float zero = 0.0f;
  const lint one = 1;
  LAPACK_ssyevr(&jobz, &range, &uplo, &n, a, &lda, &zero, &zero, &one, &one, &zero, m, w, z, &ldz, isuppz, work,
                &lwork, iwork, &liwork, info);
}

// ?syevr with a subset: range 'I' selects positions il..iu (1-based, inclusive), 'V' the eigenvalues in (vl, vu],
// 'A' all; abstol 0 lets LAPACK pick its default tolerance. For a subset LAPACK bisects (?stebz) and inverse-iterates
// (?stein) instead of running MRRR, and back-transforms only the m vectors found.
inline void syevr(char jobz, char range, char uplo, lint n, double* a, lint lda, double vl, double vu, lint il,
                  lint iu, lint* m, double* w, double* z, lint ldz, lint* isuppz, double* work, lint lwork,
                  lint* iwork, lint liwork, lint* info) {
  const double abstol = 0.0;
  LAPACK_dsyevr(&jobz, &range, &uplo, &n, a, &lda, &vl, &vu, &il, &iu, &abstol, m, w, z, &ldz, isuppz, work, &lwork,
                iwork, &liwork, info);
}
inline void syevr(char jobz, char range, char uplo, lint n, float* a, lint lda, float vl, float vu, lint il, lint iu,
                  lint* m, float* w, float* z, lint ldz, lint* isuppz, float* work, lint lwork, lint* iwork,
                  lint liwork, lint* info) {
  const float abstol = 0.0f;
  LAPACK_ssyevr(&jobz, &range, &uplo, &n, a, &lda, &vl, &vu, &il, &iu, &abstol, m, w, z, &ldz, isuppz, work, &lwork,
                iwork, &liwork, info);
}

inline void geqrf(lint m, lint n, double* a, lint lda, double* tau, double* work, lint lwork, lint* info) {
  LAPACK_dgeqrf(&m, &n, a, &lda, tau, work, &lwork, info);
}
inline void geqrf(lint m, lint n, float* a, lint lda, float* tau, float* work, lint lwork, lint* info) {
  LAPACK_sgeqrf(&m, &n, a, &lda, tau, work, &lwork, info);
}

inline void orgqr(lint m, lint n, lint k, double* a, lint lda, const double* tau, double* work, lint lwork,
                  lint* info) {
  LAPACK_dorgqr(&m, &n, &k, a, &lda, tau, work, &lwork, info);
}
inline void orgqr(lint m, lint n, lint k, float* a, lint lda, const float* tau, float* work, lint lwork, lint* info) {
  LAPACK_sorgqr(&m, &n, &k, a, &lda, tau, work, &lwork, info);
}

// Row-major GEMM: C = alpha op(A) op(B) + beta C.
inline void gemm(bool trans_a, bool trans_b, int m, int n, int k, double alpha, const double* a, int lda,
                 const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha,
              a, lda, b, ldb, beta, c, ldc);
}
inline void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha,
              a, lda, b, ldb, beta, c, ldc);
}

// Row-major C = A B with A symmetric, read from its lower triangle.
inline void symm_left_lower(int m, int n, const double* a, int lda, const double* b, int ldb, double* c, int ldc) {
  cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, m, n, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}
inline void symm_left_lower(int m, int n, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  cblas_ssymm(CblasRowMajor, CblasLeft, CblasLower, m, n, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}

// Row-major C = B A with A symmetric, read from its lower triangle.
inline void symm_right_lower(int m, int n, const double* a, int lda, const double* b, int ldb, double* c, int ldc) {
  cblas_dsymm(CblasRowMajor, CblasRight, CblasLower, m, n, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}
inline void symm_right_lower(int m, int n, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  cblas_ssymm(CblasRowMajor, CblasRight, CblasLower, m, n, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}

}  // namespace eigenbasis::lapack
