// Our own dense symmetric eigensolvers for small and medium n, where LAPACK's per-call overhead (workspace
// queries, blocking logic, dlamch) dominates. Both work in double precision on a full symmetric copy of the
// matrix that the caller has scaled to max|a_ij| in [0.5, 1), and return eigenvectors as ROWS of zt (so every
// update is a contiguous, vectorisable row operation); eigenvalues come back unsorted. Dot products carry
// `omp simd reduction` (compiled with -fopenmp-simd, no OpenMP runtime): without it IEEE semantics forbid the
// compiler to split the sum into vector lanes and the reduction runs at the latency of one scalar add.
#pragma once

#include <cmath>
#include <cstring>

#include "../common/eb_numeric.hpp"

namespace eigenbasis {

/**
 * Householder reduction of the full symmetric n x n matrix a (destroyed) to tridiagonal form T = Q^T A Q:
 * d[0, n) receives diag(T), e[0, n) the off-diagonal (e[i] couples i and i + 1, e[n-1] = 0), and zt = Q^T (n x n,
 * the columns of Q as rows) when vectors. d must have room for 2n doubles. Cost 4/3 n^3, plus 4/3 n^3 for Q.
 */
inline void householder_tridiagonal(double* a, int n, double* d, double* e, double* zt, bool vectors) {
  if (n == 0) return;
  // The trailing block is updated in full (both triangles): measured faster here than a lower-triangle-only
  // update, whose fused dot-and-axpy pass vectorises worse (docs/design-notes.md). Row k holds column k below
  // the diagonal by symmetry and then v_k; tau[k] is kept in e's slot until the reflectors are accumulated.
  double* tau = e;
  for (int k = 0; k + 2 < n; ++k) {
    double* row = a + static_cast<size_t>(k) * n;
    const int m = n - k - 1;
    double* x = row + k + 1;
    double sigma = 0.0;
#pragma omp simd reduction(+ : sigma)
    for (int i = 1; i < m; ++i) sigma += x[i] * x[i];
    const double alpha = x[0];
    if (sigma == 0.0) {
      tau[k] = 0.0;
      d[k] = alpha;  // d temporarily holds the off-diagonal beta_k
      continue;
    }
    const double beta = -std::copysign(std::sqrt(alpha * alpha + sigma), alpha);
    const double scale = 1.0 / (alpha - beta);
    x[0] = 1.0;
    for (int i = 1; i < m; ++i) x[i] *= scale;
    const double t = (beta - alpha) / beta;
    tau[k] = t;
    d[k] = beta;
    // Two-sided update of the trailing block S = a[k+1:, k+1:]: S <- S - v w^T - w v^T, w = p - (t/2)(p.v) v,
    // p = t S v. zt's first row serves as scratch for p.
    double* p = zt != nullptr && vectors ? zt : d + n;  // callers give d room for 2n when no vectors
    double pv = 0.0;
    for (int i = 0; i < m; ++i) {
      const double* srow = a + static_cast<size_t>(k + 1 + i) * n + k + 1;
      double s = 0.0;
#pragma omp simd reduction(+ : s)
      for (int j = 0; j < m; ++j) s += srow[j] * x[j];
      p[i] = t * s;
      pv += p[i] * x[i];
    }
    const double half = 0.5 * t * pv;
    for (int i = 0; i < m; ++i) p[i] -= half * x[i];
    for (int i = 0; i < m; ++i) {
      double* srow = a + static_cast<size_t>(k + 1 + i) * n + k + 1;
      const double vi = x[i], wi = p[i];
      for (int j = 0; j < m; ++j) srow[j] -= vi * p[j] + wi * x[j];
    }
  }
  // Off-diagonal of the tridiagonal matrix: beta_k for reflected steps, the last entry as is.
  double* off = d + n;  // d has room for 2n doubles: [0, n) eigenvalues, [n, 2n) scratch
  for (int k = 0; k + 2 < n; ++k) off[k] = d[k];
  if (n >= 2) off[n - 2] = a[static_cast<size_t>(n - 2) * n + n - 1];
  off[n - 1] = 0.0;

  if (vectors) {
    // Backward accumulation of Q^T = H_{n-3} ... H_0 into zt: at step k only the block [k+1:, k+1:] changes.
    std::memset(zt, 0, sizeof(double) * static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i) zt[static_cast<size_t>(i) * n + i] = 1.0;
    for (int k = n - 3; k >= 0; --k) {
      const double t = tau[k];
      if (t == 0.0) continue;
      const double* v = a + static_cast<size_t>(k) * n + k + 1;
      const int m = n - k - 1;
      for (int r = k + 1; r < n; ++r) {
        double* zrow = zt + static_cast<size_t>(r) * n + k + 1;
        double s = 0.0;
#pragma omp simd reduction(+ : s)
        for (int j = 0; j < m; ++j) s += zrow[j] * v[j];
        s *= t;
        for (int j = 0; j < m; ++j) zrow[j] -= s * v[j];
      }
    }
  }
  for (int i = 0; i < n; ++i) d[i] = a[static_cast<size_t>(i) * n + i];
  for (int i = 0; i < n; ++i) e[i] = off[i];
}

/**
 * Implicit QL with Wilkinson shifts on the tridiagonal (d, e), rotating the rows of zt (n x n) when it is not
 * null. Each rotation updates two contiguous rows as soon as it is known. Returns 0, or k > 0 when the k-th
 * eigenvalue (1-based) did not converge within max_iter iterations.
 */
inline int implicit_ql(double* d, double* e, int n, double* zt, int max_iter) {
  const double eps = Limits<double>::eps;
  for (int l = 0; l < n; ++l) {
    int iter = 0;
    for (;;) {
      int m = l;
      for (; m < n - 1; ++m) {
        const double dd = std::fabs(d[m]) + std::fabs(d[m + 1]);
        if (std::fabs(e[m]) <= eps * dd) break;
      }
      if (m == l) break;
      if (iter++ == max_iter) return l + 1;
      double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
      double r = scaled_hypot(g, 1.0);
      g = d[m] - d[l] + e[l] / (g + std::copysign(r, g));
      double s = 1.0, c = 1.0, p = 0.0;
      int i = m - 1;
      bool underflow = false;
      for (; i >= l; --i) {
        const double f = s * e[i];
        const double b = c * e[i];
        r = scaled_hypot(f, g);
        e[i + 1] = r;
        if (r == 0.0) {
          d[i + 1] -= p;
          e[m] = 0.0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2.0 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt != nullptr) {
          double* zi = zt + static_cast<size_t>(i) * n;
          double* zi1 = zi + n;
          for (int k = 0; k < n; ++k) {
            const double zk1 = zi1[k];
            zi1[k] = s * zi[k] + c * zk1;
            zi[k] = c * zi[k] - s * zk1;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0.0;
    }
  }
  return 0;
}

/**
 * Householder tridiagonalisation followed by implicit QL with Wilkinson shifts (the tql algorithm of Bowdler,
 * Martin, Reinsch and Wilkinson, 1968; Golub and Van Loan, 4th ed., 8.3).
 *
 * a: n*n full symmetric, destroyed. d: 2n, the first n the eigenvalues (out), the rest scratch. e: n scratch.
 * zt: n*n eigenvectors as rows (out; only
 * when vectors). max_iter: QL iterations allowed per eigenvalue. Returns 0, or k > 0 when the k-th eigenvalue
 * (1-based) did not converge. Cost: 4/3 n^3 (reduction) + 4/3 n^3 (accumulation) + about 6 n^3 (QL with vectors).
 */
inline int tridiagonal_ql(double* a, int n, double* d, double* e, double* zt, bool vectors, int max_iter) {
  householder_tridiagonal(a, n, d, e, zt, vectors);
  return implicit_ql(d, e, n, vectors ? zt : nullptr, max_iter);
}

/**
 * Cyclic Jacobi (Rutishauser's rotation formulas; Golub and Van Loan, 4th ed., 8.5). A rotation is skipped when
 * |a_pq| <= eps sqrt(|a_pp a_qq|) (or a_pq is negligible against the scaled norm); the sweeps end when one
 * skips every pair. Cost about 8 n^3 per sweep with vectors; typically 5-8 sweeps.
 *
 * a: n*n full symmetric, destroyed. d: n eigenvalues (out). vt: n*n eigenvectors as rows (out, when vectors).
 * Returns 0, or 1 when max_sweeps sweeps did not converge.
 */
inline int cyclic_jacobi(double* a, int n, double* d, double* vt, bool vectors, int max_sweeps) {
  const double eps = Limits<double>::eps;
  const double negligible = Limits<double>::min_normal / eps;  // "zero" for a matrix scaled to norm ~1
  if (vectors) {
    std::memset(vt, 0, sizeof(double) * static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i) vt[static_cast<size_t>(i) * n + i] = 1.0;
  }
  bool converged = n <= 1;
  for (int sweep = 0; sweep < max_sweeps && !converged; ++sweep) {
    bool rotated = false;
    for (int p = 0; p < n - 1; ++p) {
      for (int q = p + 1; q < n; ++q) {
        double* ap = a + static_cast<size_t>(p) * n;
        double* aq = a + static_cast<size_t>(q) * n;
        const double apq = ap[q];
        const double app = ap[p], aqq = aq[q];
        if (std::fabs(apq) <= eps * std::sqrt(std::fabs(app * aqq)) || std::fabs(apq) <= negligible) {
          ap[q] = aq[p] = 0.0;
          continue;
        }
        rotated = true;
        const double theta = (aqq - app) / (2.0 * apq);
        const double t = std::fabs(theta) > 1e150 ? 0.5 / theta
                                                   : std::copysign(1.0, theta) /
                                                         (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0);
        const double s = t * c;
        // Rows p and q (contiguous), then mirror into columns p and q.
        for (int k = 0; k < n; ++k) {
          const double x = ap[k], y = aq[k];
          ap[k] = c * x - s * y;
          aq[k] = s * x + c * y;
        }
        for (int k = 0; k < n; ++k) {
          double* ak = a + static_cast<size_t>(k) * n;
          ak[p] = ap[k];
          ak[q] = aq[k];
        }
        ap[p] = app - t * apq;
        aq[q] = aqq + t * apq;
        ap[q] = aq[p] = 0.0;
        if (vectors) {
          double* vp = vt + static_cast<size_t>(p) * n;
          double* vq = vt + static_cast<size_t>(q) * n;
          for (int k = 0; k < n; ++k) {
            const double x = vp[k], y = vq[k];
            vp[k] = c * x - s * y;
            vq[k] = s * x + c * y;
          }
        }
      }
    }
    converged = !rotated;
  }
  for (int i = 0; i < n; ++i) d[i] = a[static_cast<size_t>(i) * n + i];
  return converged ? 0 : 1;
}

}  // namespace eigenbasis
