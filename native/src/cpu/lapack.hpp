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

// ---- Two-stage eigensolver (eigh_two_stage.cpp) -------------------------------------------------------------------
// ?sytrd_sy2sb is exported by the bundled OpenBLAS but not declared in its lapack.h: our own prototypes, with the
// Fortran hidden string length last (lapack.h's LAPACK_FORTRAN_STRLEN_END convention).
extern "C" {
void dsytrd_sy2sb_(const char* uplo, const lint* n, const lint* kd, double* a, const lint* lda, double* ab,
                   const lint* ldab, double* tau, double* work, const lint* lwork, lint* info, size_t uplo_len);
void ssytrd_sy2sb_(const char* uplo, const lint* n, const lint* kd, float* a, const lint* lda, float* ab,
                   const lint* ldab, float* tau, float* work, const lint* lwork, lint* info, size_t uplo_len);
}

// Dense to band, lower: the band goes to ab (ldab >= kd + 1), the reflectors stay below the band in a.
inline void sytrd_sy2sb(lint n, lint kd, double* a, lint lda, double* ab, lint ldab, double* tau, double* work,
                        lint lwork, lint* info) {
  dsytrd_sy2sb_("L", &n, &kd, a, &lda, ab, &ldab, tau, work, &lwork, info, 1);
}
inline void sytrd_sy2sb(lint n, lint kd, float* a, lint lda, float* ab, lint ldab, float* tau, float* work,
                        lint lwork, lint* info) {
  ssytrd_sy2sb_("L", &n, &kd, a, &lda, ab, &ldab, tau, work, &lwork, info, 1);
}

inline void sterf(lint n, double* d, double* e, lint* info) { LAPACK_dsterf(&n, d, e, info); }
inline void sterf(lint n, float* d, float* e, lint* info) { LAPACK_ssterf(&n, d, e, info); }

inline void stedc(char compz, lint n, double* d, double* e, double* z, lint ldz, double* work, lint lwork,
                  lint* iwork, lint liwork, lint* info) {
  LAPACK_dstedc(&compz, &n, d, e, z, &ldz, work, &lwork, iwork, &liwork, info);
}
inline void stedc(char compz, lint n, float* d, float* e, float* z, lint ldz, float* work, lint lwork, lint* iwork,
                  lint liwork, lint* info) {
  LAPACK_sstedc(&compz, &n, d, e, z, &ldz, work, &lwork, iwork, &liwork, info);
}

// Divide and conquer's merge pieces (tridiagonal_dc.hpp), exported by the bundled OpenBLAS, not declared in its
// lapack.h: ?laed2 deflates the rank-one update, ?laed4 solves the secular equation for one root, ?lamrg merges
// two sorted lists into one permutation. None takes a character argument, so no hidden string lengths.
extern "C" {
void dlaed2_(lint* k, const lint* n, const lint* n1, double* d, double* q, const lint* ldq, lint* indxq, double* rho,
             double* z, double* dlamda, double* w, double* q2, lint* indx, lint* indxc, lint* indxp, lint* coltyp,
             lint* info);
void slaed2_(lint* k, const lint* n, const lint* n1, float* d, float* q, const lint* ldq, lint* indxq, float* rho,
             float* z, float* dlamda, float* w, float* q2, lint* indx, lint* indxc, lint* indxp, lint* coltyp,
             lint* info);
void dlaed4_(const lint* n, const lint* i, const double* d, const double* z, double* delta, const double* rho,
             double* dlam, lint* info);
void slaed4_(const lint* n, const lint* i, const float* d, const float* z, float* delta, const float* rho, float* dlam,
             lint* info);
void dlamrg_(const lint* n1, const lint* n2, const double* a, const lint* dtrd1, const lint* dtrd2, lint* index);
void slamrg_(const lint* n1, const lint* n2, const float* a, const lint* dtrd1, const lint* dtrd2, lint* index);
}

inline void laed2(lint* k, lint n, lint n1, double* d, double* q, lint ldq, lint* indxq, double* rho, double* z,
                  double* dlamda, double* w, double* q2, lint* indx, lint* indxc, lint* indxp, lint* coltyp,
                  lint* info) {
  dlaed2_(k, &n, &n1, d, q, &ldq, indxq, rho, z, dlamda, w, q2, indx, indxc, indxp, coltyp, info);
}
inline void laed2(lint* k, lint n, lint n1, float* d, float* q, lint ldq, lint* indxq, float* rho, float* z,
                  float* dlamda, float* w, float* q2, lint* indx, lint* indxc, lint* indxp, lint* coltyp, lint* info) {
  slaed2_(k, &n, &n1, d, q, &ldq, indxq, rho, z, dlamda, w, q2, indx, indxc, indxp, coltyp, info);
}
// Root i (1-based) of 1 + rho sum_j z_j^2 / (d_j - x) = 0; delta_j = d_j - root.
inline void laed4(lint n, lint i, const double* d, const double* z, double* delta, double rho, double* root,
                  lint* info) {
  dlaed4_(&n, &i, d, z, delta, &rho, root, info);
}
inline void laed4(lint n, lint i, const float* d, const float* z, float* delta, float rho, float* root, lint* info) {
  slaed4_(&n, &i, d, z, delta, &rho, root, info);
}
inline void lamrg(lint n1, lint n2, const double* a, lint dtrd1, lint dtrd2, lint* index) {
  dlamrg_(&n1, &n2, a, &dtrd1, &dtrd2, index);
}
inline void lamrg(lint n1, lint n2, const float* a, lint dtrd1, lint dtrd2, lint* index) {
  slamrg_(&n1, &n2, a, &dtrd1, &dtrd2, index);
}
inline double nrm2(int n, const double* x) { return cblas_dnrm2(n, x, 1); }
inline float nrm2(int n, const float* x) { return cblas_snrm2(n, x, 1); }

// Householder reflector H = I - tau v v^T with v(0) = 1 that maps (alpha, x) to (beta, 0).
inline void larfg(lint n, double* alpha, double* x, lint incx, double* tau) { LAPACK_dlarfg(&n, alpha, x, &incx, tau); }
inline void larfg(lint n, float* alpha, float* x, lint incx, float* tau) { LAPACK_slarfg(&n, alpha, x, &incx, tau); }

// T of the compact WY form H(0) H(1) ... H(k-1) = I - V T V^T (forward, columnwise).
inline void larft(lint n, lint k, const double* v, lint ldv, const double* tau, double* t, lint ldt) {
  const char direct = 'F', storev = 'C';
  LAPACK_dlarft(&direct, &storev, &n, &k, v, &ldv, tau, t, &ldt);
}
inline void larft(lint n, lint k, const float* v, lint ldv, const float* tau, float* t, lint ldt) {
  const char direct = 'F', storev = 'C';
  LAPACK_slarft(&direct, &storev, &n, &k, v, &ldv, tau, t, &ldt);
}

// C = (I - V T V^T) C from the left, V m x k unit lower trapezoidal (forward, columnwise); work is ncols x k.
inline void larfb_left(lint m, lint ncols, lint k, const double* v, lint ldv, const double* t, lint ldt, double* c,
                       lint ldc, double* work, lint ldwork) {
  const char side = 'L', trans = 'N', direct = 'F', storev = 'C';
  LAPACK_dlarfb(&side, &trans, &direct, &storev, &m, &ncols, &k, v, &ldv, t, &ldt, c, &ldc, work, &ldwork);
}
inline void larfb_left(lint m, lint ncols, lint k, const float* v, lint ldv, const float* t, lint ldt, float* c,
                       lint ldc, float* work, lint ldwork) {
  const char side = 'L', trans = 'N', direct = 'F', storev = 'C';
  LAPACK_slarfb(&side, &trans, &direct, &storev, &m, &ncols, &k, v, &ldv, t, &ldt, c, &ldc, work, &ldwork);
}

// C = Q C with Q = H(0) ... H(k-1) from ?geqrf-style storage (m x k reflectors in a).
inline void ormqr_left(lint m, lint ncols, lint k, const double* a, lint lda, const double* tau, double* c, lint ldc,
                       double* work, lint lwork, lint* info) {
  const char side = 'L', trans = 'N';
  LAPACK_dormqr(&side, &trans, &m, &ncols, &k, a, &lda, tau, c, &ldc, work, &lwork, info);
}
inline void ormqr_left(lint m, lint ncols, lint k, const float* a, lint lda, const float* tau, float* c, lint ldc,
                       float* work, lint lwork, lint* info) {
  const char side = 'L', trans = 'N';
  LAPACK_sormqr(&side, &trans, &m, &ncols, &k, a, &lda, tau, c, &ldc, work, &lwork, info);
}

// Column-major C = alpha op(A) op(B) + beta C.
inline void gemm_cm(bool trans_a, bool trans_b, int m, int n, int k, double alpha, const double* a, int lda,
                    const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasColMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha,
              a, lda, b, ldb, beta, c, ldc);
}
inline void gemm_cm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                    const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasColMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha,
              a, lda, b, ldb, beta, c, ldc);
}

// Column-major B = T B with T upper triangular (non-unit), m x m.
inline void trmm_left_upper_cm(int m, int n, const double* t, int ldt, double* b, int ldb) {
  cblas_dtrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, m, n, 1.0, t, ldt, b, ldb);
}
inline void trmm_left_upper_cm(int m, int n, const float* t, int ldt, float* b, int ldb) {
  cblas_strmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, m, n, 1.0f, t, ldt, b, ldb);
}

// Column-major B = op(L) B with L unit lower triangular (its diagonal and upper part never read), m x m.
inline void trmm_left_lower_unit_cm(int m, int n, bool trans, const double* l, int ldl, double* b, int ldb) {
  cblas_dtrmm(CblasColMajor, CblasLeft, CblasLower, trans ? CblasTrans : CblasNoTrans, CblasUnit, m, n, 1.0, l, ldl,
              b, ldb);
}
inline void trmm_left_lower_unit_cm(int m, int n, bool trans, const float* l, int ldl, float* b, int ldb) {
  cblas_strmm(CblasColMajor, CblasLeft, CblasLower, trans ? CblasTrans : CblasNoTrans, CblasUnit, m, n, 1.0f, l, ldl,
              b, ldb);
}

// Column-major B = B op(T) with T upper triangular (non-unit), n x n; B is m x n.
inline void trmm_right_upper_cm(int m, int n, bool trans, const double* t, int ldt, double* b, int ldb) {
  cblas_dtrmm(CblasColMajor, CblasRight, CblasUpper, trans ? CblasTrans : CblasNoTrans, CblasNonUnit, m, n, 1.0, t, ldt,
              b, ldb);
}
inline void trmm_right_upper_cm(int m, int n, bool trans, const float* t, int ldt, float* b, int ldb) {
  cblas_strmm(CblasColMajor, CblasRight, CblasUpper, trans ? CblasTrans : CblasNoTrans, CblasNonUnit, m, n, 1.0f, t,
              ldt, b, ldb);
}

// Column-major B = B op(L) with L unit lower triangular (its diagonal and upper part never read); B is m x n.
inline void trmm_right_lower_unit_cm(int m, int n, bool trans, const double* l, int ldl, double* b, int ldb) {
  cblas_dtrmm(CblasColMajor, CblasRight, CblasLower, trans ? CblasTrans : CblasNoTrans, CblasUnit, m, n, 1.0, l, ldl,
              b, ldb);
}
inline void trmm_right_lower_unit_cm(int m, int n, bool trans, const float* l, int ldl, float* b, int ldb) {
  cblas_strmm(CblasColMajor, CblasRight, CblasLower, trans ? CblasTrans : CblasNoTrans, CblasUnit, m, n, 1.0f, l, ldl,
              b, ldb);
}

// One-stage reduction to tridiagonal, lower: reflector i has its unit entry at row i + 1, the rest below it.
inline void sytrd_lower(lint n, double* a, lint lda, double* d, double* e, double* tau, double* work, lint lwork,
                        lint* info) {
  const char uplo = 'L';
  LAPACK_dsytrd(&uplo, &n, a, &lda, d, e, tau, work, &lwork, info);
}
inline void sytrd_lower(lint n, float* a, lint lda, float* d, float* e, float* tau, float* work, lint lwork,
                        lint* info) {
  const char uplo = 'L';
  LAPACK_ssytrd(&uplo, &n, a, &lda, d, e, tau, work, &lwork, info);
}

// Column-major C = A^T A (upper triangle of the k x k C written), A m x k.
inline void syrk_upper_trans_cm(int k, int m, const double* a, int lda, double* c, int ldc) {
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, k, m, 1.0, a, lda, 0.0, c, ldc);
}
inline void syrk_upper_trans_cm(int k, int m, const float* a, int lda, float* c, int ldc) {
  cblas_ssyrk(CblasColMajor, CblasUpper, CblasTrans, k, m, 1.0f, a, lda, 0.0f, c, ldc);
}

}  // namespace eigenbasis::lapack
