// Our own dense symmetric eigensolvers for small and medium n, where LAPACK's per-call overhead (workspace
// queries, blocking logic, dlamch) dominates. Both work in double precision on a full symmetric copy of the
// matrix that the caller has scaled to max|a_ij| in [0.5, 1), in the working precision W (double for f64, float
// for f32, whose twice-as-wide vectors pay off), and return eigenvectors as ROWS of zt (so every
// update is a contiguous, vectorisable row operation); eigenvalues come back unsorted. Dot products carry
// `omp simd reduction` (compiled with -fopenmp-simd, no OpenMP runtime): without it IEEE semantics forbid the
// compiler to split the sum into vector lanes and the reduction runs at the latency of one scalar add.
#pragma once

#include <cmath>
#include <cstring>

#include "../common/eb_numeric.hpp"

namespace eigenbasis {
inline namespace EB_NS {

/**
 * Householder reduction of the full symmetric n x n matrix a (destroyed) to tridiagonal form T = Q^T A Q:
 * d[0, n) receives diag(T), e[0, n) the off-diagonal (e[i] couples i and i + 1, e[n-1] = 0), and zt = Q^T (n x n,
 * the columns of Q as rows) when vectors. d must have room for 2n doubles. Cost 4/3 n^3, plus 4/3 n^3 for Q.
 */
template <class W>
inline void householder_tridiagonal(W* a, int n, W* d, W* e, W* zt, bool vectors) {
  if (n == 0) return;
  // The trailing block is updated in full (both triangles): measured faster here than a lower-triangle-only
  // update, whose fused dot-and-axpy pass vectorises worse (docs/design-notes.md). Row k holds column k below
  // the diagonal by symmetry and then v_k; tau[k] is kept in e's slot until the reflectors are accumulated.
  W* tau = e;
  for (int k = 0; k + 2 < n; ++k) {
    W* row = a + static_cast<size_t>(k) * n;
    const int m = n - k - 1;
    W* x = row + k + 1;
    W sigma = W(0);
#pragma omp simd reduction(+ : sigma)
    for (int i = 1; i < m; ++i) sigma += x[i] * x[i];
    const W alpha = x[0];
    if (sigma == W(0)) {
      tau[k] = W(0);
      d[k] = alpha;  // d temporarily holds the off-diagonal beta_k
      continue;
    }
    const W beta = -std::copysign(std::sqrt(alpha * alpha + sigma), alpha);
    const W scale = W(1) / (alpha - beta);
    x[0] = W(1);
    for (int i = 1; i < m; ++i) x[i] *= scale;
    const W t = (beta - alpha) / beta;
    tau[k] = t;
    d[k] = beta;
    // Two-sided update of the trailing block S = a[k+1:, k+1:]: S <- S - v w^T - w v^T, w = p - (t/2)(p.v) v,
    // p = t S v. zt's first row serves as scratch for p.
    W* p = zt != nullptr && vectors ? zt : d + n;  // callers give d room for 2n when no vectors
    W pv = W(0);
    for (int i = 0; i < m; ++i) {
      const W* srow = a + static_cast<size_t>(k + 1 + i) * n + k + 1;
      W s = W(0);
#pragma omp simd reduction(+ : s)
      for (int j = 0; j < m; ++j) s += srow[j] * x[j];
      p[i] = t * s;
      pv += p[i] * x[i];
    }
    const W half = W(0.5) * t * pv;
    for (int i = 0; i < m; ++i) p[i] -= half * x[i];
    for (int i = 0; i < m; ++i) {
      W* srow = a + static_cast<size_t>(k + 1 + i) * n + k + 1;
      const W vi = x[i], wi = p[i];
      for (int j = 0; j < m; ++j) srow[j] -= vi * p[j] + wi * x[j];
    }
  }
  // Off-diagonal of the tridiagonal matrix: beta_k for reflected steps, the last entry as is.
  W* off = d + n;  // d has room for 2n doubles: [0, n) eigenvalues, [n, 2n) scratch
  for (int k = 0; k + 2 < n; ++k) off[k] = d[k];
  if (n >= 2) off[n - 2] = a[static_cast<size_t>(n - 2) * n + n - 1];
  off[n - 1] = W(0);

  if (vectors) {
    // Backward accumulation of Q^T = H_{n-3} ... H_0 into zt: at step k only the block [k+1:, k+1:] changes.
    std::memset(zt, 0, sizeof(W) * static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i) zt[static_cast<size_t>(i) * n + i] = W(1);
    for (int k = n - 3; k >= 0; --k) {
      const W t = tau[k];
      if (t == W(0)) continue;
      const W* v = a + static_cast<size_t>(k) * n + k + 1;
      const int m = n - k - 1;
      for (int r = k + 1; r < n; ++r) {
        W* zrow = zt + static_cast<size_t>(r) * n + k + 1;
        W s = W(0);
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
 * eigenvalue (1-based) was still unconverged when the budget of max_iter * n iterations ran out.
 */
template <class W>
inline int implicit_ql(W* d, W* e, int n, W* zt, int max_iter) {
  const W eps = Limits<W>::eps;
  // One budget for the whole matrix, as LAPACK's dsteqr (30 n): the relative split test can need more than 30
  // sweeps for one eigenvalue of a cluster at the rounding level (rank-deficient covariances).
  const long long budget = static_cast<long long>(max_iter) * n;
  long long iter = 0;
  for (int l = 0; l < n; ++l) {
    for (;;) {
      int m = l;
      for (; m < n - 1; ++m) {
        const W dd = std::fabs(d[m]) + std::fabs(d[m + 1]);
        if (std::fabs(e[m]) <= eps * dd) break;
      }
      if (m == l) break;
      if (iter++ == budget) return l + 1;
      W g = (d[l + 1] - d[l]) / (W(2) * e[l]);
      W r = scaled_hypot(g, W(1));
      g = d[m] - d[l] + e[l] / (g + std::copysign(r, g));
      W s = W(1), c = W(1), p = W(0);
      int i = m - 1;
      bool underflow = false;
      for (; i >= l; --i) {
        const W f = s * e[i];
        const W b = c * e[i];
        r = scaled_hypot(f, g);
        e[i + 1] = r;
        if (r == W(0)) {
          d[i + 1] -= p;
          e[m] = W(0);
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + W(2) * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt != nullptr) {
          W* zi = zt + static_cast<size_t>(i) * n;
          W* zi1 = zi + n;
          for (int k = 0; k < n; ++k) {
            const W zk1 = zi1[k];
            zi1[k] = s * zi[k] + c * zk1;
            zi[k] = c * zi[k] - s * zk1;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = W(0);
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
 * when vectors). max_iter: QL iterations allowed per eigenvalue on average (budget max_iter * n). Returns 0, or k > 0 when the k-th eigenvalue
 * (1-based) did not converge. Cost: 4/3 n^3 (reduction) + 4/3 n^3 (accumulation) + about 6 n^3 (QL with vectors).
 */
template <class W>
inline int tridiagonal_ql(W* a, int n, W* d, W* e, W* zt, bool vectors, int max_iter) {
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
template <class W>
inline int cyclic_jacobi(W* a, int n, W* d, W* vt, bool vectors, int max_sweeps) {
  const W eps = Limits<W>::eps;
  // Beyond this |theta|, theta^2 + 1 would overflow: t = 1/(2 theta) to working precision.
  const W kHugeTheta = sizeof(W) == 8 ? W(1e150) : W(1e18);
  const W negligible = Limits<W>::min_normal / eps;  // "zero" for a matrix scaled to norm ~1
  if (vectors) {
    std::memset(vt, 0, sizeof(W) * static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i) vt[static_cast<size_t>(i) * n + i] = W(1);
  }
  bool converged = n <= 1;
  for (int sweep = 0; sweep < max_sweeps && !converged; ++sweep) {
    bool rotated = false;
    for (int p = 0; p < n - 1; ++p) {
      for (int q = p + 1; q < n; ++q) {
        W* ap = a + static_cast<size_t>(p) * n;
        W* aq = a + static_cast<size_t>(q) * n;
        const W apq = ap[q];
        const W app = ap[p], aqq = aq[q];
        if (std::fabs(apq) <= eps * std::sqrt(std::fabs(app * aqq)) || std::fabs(apq) <= negligible) {
          ap[q] = aq[p] = W(0);
          continue;
        }
        rotated = true;
        const W theta = (aqq - app) / (W(2) * apq);
        const W t = std::fabs(theta) > kHugeTheta ? W(0.5) / theta
                                                   : std::copysign(W(1), theta) /
                                                         (std::fabs(theta) + std::sqrt(theta * theta + W(1)));
        const W c = W(1) / std::sqrt(t * t + W(1));
        const W s = t * c;
        // Rows p and q (contiguous), then mirror into columns p and q.
        for (int k = 0; k < n; ++k) {
          const W x = ap[k], y = aq[k];
          ap[k] = c * x - s * y;
          aq[k] = s * x + c * y;
        }
        for (int k = 0; k < n; ++k) {
          W* ak = a + static_cast<size_t>(k) * n;
          ak[p] = ap[k];
          ak[q] = aq[k];
        }
        ap[p] = app - t * apq;
        aq[q] = aqq + t * apq;
        ap[q] = aq[p] = W(0);
        if (vectors) {
          W* vp = vt + static_cast<size_t>(p) * n;
          W* vq = vt + static_cast<size_t>(q) * n;
          for (int k = 0; k < n; ++k) {
            const W x = vp[k], y = vq[k];
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

}  // namespace EB_NS
}  // namespace eigenbasis
