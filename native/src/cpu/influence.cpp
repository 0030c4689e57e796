// The influence kernels on the CPU (InfluenceKernel; eb_api.h, "Influence kernels"), f64 only: EK-FAC eigenvalues
// as products of squared rotated factors, products in a Kronecker eigenbasis, weighted inner products (pairwise
// scores) and plain products. Every product is a ?gemm; the squares and the sum over an example's rows are ours.
//
// Parallelism, as precond.cpp decides it. Work that comes in many independent pieces (the examples of the EK-FAC
// rotations, the slices of a Kronecker rotation) runs in fixed-size chunks on the batch pool, OpenBLAS at one
// thread in each (BlasSingle). One large product (the final S^T A of EK-FAC, a weighted product, a multiply, the
// slices of a rotation when there are fewer than workers) runs in panels of the result over the workers,
// still single-threaded OpenBLAS in each ("tiles", the mode that won on the 2-core Zen 5 machine for the
// preconditioner, docs/design-notes.md). Chunks and panels depend only on the sizes and the configured worker
// count, so a call computes the same bits whatever runs beside it.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "batch_pool.hpp"
#include "lapack.hpp"

namespace eigenbasis {
namespace {

// A product with fewer multiply-adds than this runs whole on one worker: splitting a 64 x 64 x 64 product costs
// more in hand-offs than it saves (the preconditioner's threshold, measured there).
constexpr double kSplitFlops = 4.0e6;

// Scratch per chunk task, in scalars (512 KiB): an example chunk's rotated rows, a slice chunk's X Q_A.
constexpr int64_t kChunkScalars = int64_t(1) << 16;

int workers() { return BatchPool::instance().threads(); }

std::vector<double>& scratch() {
  thread_local std::vector<double> buffer;
  return buffer;
}

// Row-major C = alpha op(A) op(B) + beta C, C m x n, inner k > 0: one gemm, or panels of C over the workers when
// the product is large. Each panel's single-threaded gemm packs the whole of the operand it does not split, so the
// panels split the larger of m and n (rows of C: rows of op(A); columns of C: columns of op(B)): one panel a
// worker, or two when they are still kMinPanel wide. 8 row panels of a 180-row product repacked the other operand 8
// times and ran at half the flops per CPU-second of one gemm (docs/notes/h5-influence-perf.md).
constexpr int kMinPanel = 256;

void gemm_rows(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda, const double* b,
               int ldb, double beta, double* c, int ldc) {
  BatchPool& pool = BatchPool::instance();
  const double flops = static_cast<double>(m) * n * k;
  const bool by_rows = m >= n;
  const int dim = by_rows ? m : n;
  const int threads = pool.threads();
  int tiles = 1;
  if (flops >= kSplitFlops && threads > 1)  // a multiple of the workers: 3 panels on 2 workers idle one a third
    tiles = std::min(dim, dim >= 2 * threads * kMinPanel ? 2 * threads : threads);
  static const bool threaded_blas = [] {
    const char* env = std::getenv("EB_CPU_INFLUENCE_LARGE");  // for measurements: tiles (default) or openblas
    return env != nullptr && std::strcmp(env, "openblas") == 0;
  }();
  if (tiles > 1 && threaded_blas) {
    OpenBlasThreadsGuard threaded(threads);
    lapack::gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  BlasSingle single;
  if (tiles <= 1) {
    lapack::gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  auto start = [&](int64_t t) { return static_cast<int>(t >= tiles ? dim : static_cast<int64_t>(dim) * t / tiles); };
  pool.run(tiles, threads, [&](int, int64_t t) {
    const int r0 = start(t), r1 = start(t + 1);
    if (r0 >= r1) return;
    if (by_rows) {
      const double* panel = ta ? a + r0 : a + static_cast<size_t>(r0) * lda;
      lapack::gemm(ta, tb, r1 - r0, n, k, alpha, panel, lda, b, ldb, beta, c + static_cast<size_t>(r0) * ldc, ldc);
    } else {  // columns r0..r1 of op(B): rows of B when transposed, else columns
      const double* panel = tb ? b + static_cast<size_t>(r0) * ldb : b + r0;
      lapack::gemm(ta, tb, m, r1 - r0, k, alpha, a, lda, panel, ldb, beta, c + r0, ldc);
    }
  });
}

// ---- EK-FAC eigenvalues -------------------------------------------------------------------------------------------

// lambda[p][k] = scale sum_i (sum_c ((Q_S^T g_ic)_p)^2) ((Q_A^T a_i)_k)^2: per chunk of examples, R = G_chunk Q_S
// (rows are g_ic^T Q_S), S_i = the sum of the squares of example i's rows in c order, A_hat = A_chunk Q_A squared;
// then lambda = scale S^T A_hat, one product over all examples. Bias (a == NULL): lambda[p] = scale sum_i S_ip,
// summed in i order.
int32_t ekfac_eigenvalues(const double* g, int64_t n, int32_t per_example, int32_t d_out, const double* a,
                          int32_t d_in, const double* qs, const double* qa, double scale, double* lambda) {
  if (n < 0 || per_example < 1 || d_out < 0 || d_in < 0) return EB_ERR_ARGUMENT;
  const bool bias = a == nullptr;
  if (bias != (qa == nullptr) || (bias && d_in != 1)) return EB_ERR_ARGUMENT;
  if (n > std::numeric_limits<int32_t>::max() / per_example) return EB_ERR_ARGUMENT;  // rows of g must be an int
  if (!extent_fits({n, per_example, d_out}, sizeof(double)) || !extent_fits({n, d_in}, sizeof(double)) ||
      !extent_fits({d_in, d_in}, sizeof(double)) || !extent_fits({d_out, d_out}, sizeof(double)))
    return EB_ERR_ARGUMENT;
  if (d_out == 0 || d_in == 0) return EB_OK;
  if (lambda == nullptr || qs == nullptr || (n > 0 && g == nullptr)) return EB_ERR_ARGUMENT;
  if (lambda == g || lambda == qs || (!bias && (lambda == a || lambda == qa))) return EB_ERR_ARGUMENT;
  const size_t cells = static_cast<size_t>(d_out) * d_in;
  if (n == 0) {
    std::fill(lambda, lambda + cells, 0.0);
    return EB_OK;
  }
  std::vector<double> s(static_cast<size_t>(n) * d_out);
  std::vector<double> t(bias ? 0 : static_cast<size_t>(n) * d_in);
  const int64_t chunk = std::max<int64_t>(1, kChunkScalars / (static_cast<int64_t>(per_example) * d_out));
  const int64_t chunks = (n + chunk - 1) / chunk;
  const bool ok = for_each_on_pool(chunks, [&](int64_t task) {
    const int64_t e0 = task * chunk, e1 = std::min(n, e0 + chunk);
    const int rows = static_cast<int>((e1 - e0) * per_example);
    std::vector<double>& r = scratch();
    r.resize(static_cast<size_t>(rows) * d_out);
    lapack::gemm(false, false, rows, d_out, d_out, 1.0, g + static_cast<size_t>(e0) * per_example * d_out, d_out, qs,
                 d_out, 0.0, r.data(), d_out);
    for (int64_t e = e0; e < e1; ++e) {
      double* si = s.data() + static_cast<size_t>(e) * d_out;
      const double* ri = r.data() + static_cast<size_t>(e - e0) * per_example * d_out;
      std::fill(si, si + d_out, 0.0);
      for (int c = 0; c < per_example; ++c, ri += d_out)
        for (int p = 0; p < d_out; ++p) si[p] += ri[p] * ri[p];
    }
    if (!bias) {
      double* ti = t.data() + static_cast<size_t>(e0) * d_in;
      lapack::gemm(false, false, static_cast<int>(e1 - e0), d_in, d_in, 1.0, a + static_cast<size_t>(e0) * d_in, d_in,
                   qa, d_in, 0.0, ti, d_in);
      for (size_t q = 0, count = static_cast<size_t>(e1 - e0) * d_in; q < count; ++q) ti[q] *= ti[q];
    }
    if (r.capacity() > static_cast<size_t>(4 * kChunkScalars)) std::vector<double>().swap(r);
  });
  if (!ok) return EB_ERR_ALLOCATION;
  if (bias) {
    std::fill(lambda, lambda + d_out, 0.0);
    for (int64_t i = 0; i < n; ++i)
      for (int p = 0; p < d_out; ++p) lambda[p] += s[static_cast<size_t>(i) * d_out + p];
    for (int p = 0; p < d_out; ++p) lambda[p] *= scale;
    return EB_OK;
  }
  gemm_rows(true, false, d_out, d_in, static_cast<int>(n), scale, s.data(), d_out, t.data(), d_in, 0.0, lambda, d_in);
  return EB_OK;
}

// ---- Kronecker rotation -------------------------------------------------------------------------------------------

// forward: out_j = Q_S^T (X_j Q_A); backward: out_j = Q_S (X_j Q_A^T). X_j op(Q_A) for a chunk of slices is one
// product of (slices d_out) x d_in rows; then one d_out x d_out product per slice.
int32_t kronecker_rotate(const double* qs, const double* qa, const double* x, int64_t k, int32_t d_out, int32_t d_in,
                         int32_t forward, double* out) {
  if (!extent_fits({k, d_out, d_in}, sizeof(double)) || !extent_fits({d_out, d_out}, sizeof(double)) ||
      !extent_fits({d_in, d_in}, sizeof(double)))
    return EB_ERR_ARGUMENT;
  if (k == 0 || d_out == 0 || d_in == 0) return EB_OK;
  if (qs == nullptr || qa == nullptr || x == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  if (out == x || out == qs || out == qa) return EB_ERR_ARGUMENT;
  const int64_t slice = static_cast<int64_t>(d_out) * d_in;
  const bool trans_s = forward != 0, trans_a = forward == 0;
  const double flops = static_cast<double>(slice) * (d_out + d_in);
  if (k < workers() && flops >= kSplitFlops) {  // few large slices: each in row panels over the workers
    std::vector<double> tmp(static_cast<size_t>(slice));
    for (int64_t j = 0; j < k; ++j) {
      gemm_rows(false, trans_a, d_out, d_in, d_in, 1.0, x + j * slice, d_in, qa, d_in, 0.0, tmp.data(), d_in);
      gemm_rows(trans_s, false, d_out, d_in, d_out, 1.0, qs, d_out, tmp.data(), d_in, 0.0, out + j * slice, d_in);
    }
    return EB_OK;
  }
  const int64_t per_worker = (k + workers() - 1) / workers();
  const int64_t rows_limit = std::numeric_limits<int32_t>::max() / std::max(d_out, 1);
  const int64_t chunk = std::max<int64_t>(1, std::min({kChunkScalars / slice, per_worker, rows_limit}));
  const int64_t chunks = (k + chunk - 1) / chunk;
  const bool ok = for_each_on_pool(chunks, [&](int64_t task) {
    const int64_t j0 = task * chunk, j1 = std::min(k, j0 + chunk);
    std::vector<double>& tmp = scratch();
    tmp.resize(static_cast<size_t>((j1 - j0) * slice));
    lapack::gemm(false, trans_a, static_cast<int>((j1 - j0) * d_out), d_in, d_in, 1.0, x + j0 * slice, d_in, qa, d_in,
                 0.0, tmp.data(), d_in);
    for (int64_t j = j0; j < j1; ++j)
      lapack::gemm(trans_s, false, d_out, d_in, d_out, 1.0, qs, d_out, tmp.data() + (j - j0) * slice, d_in, 0.0,
                   out + j * slice, d_in);
    if (tmp.capacity() > static_cast<size_t>(4 * kChunkScalars)) std::vector<double>().swap(tmp);
  });
  return ok ? EB_OK : EB_ERR_ALLOCATION;
}

// ---- weighted product and multiply --------------------------------------------------------------------------------

// out = alpha (X diag(w)) Y^T + beta out; X diag(w) formed first (each x_iq w_q rounded once), then one product.
int32_t weighted_product(const double* x, int32_t m, int32_t p, const double* w, const double* y, int32_t n,
                         double alpha, double beta, double* out) {
  if (!extent_fits({m, p}, sizeof(double)) || !extent_fits({n, p}, sizeof(double)) ||
      !extent_fits({m, n}, sizeof(double)))
    return EB_ERR_ARGUMENT;
  if (m == 0 || n == 0) return EB_OK;
  if (out == nullptr || (p > 0 && (x == nullptr || y == nullptr))) return EB_ERR_ARGUMENT;
  if (out == x || out == y || (w != nullptr && out == w)) return EB_ERR_ARGUMENT;
  const size_t cells = static_cast<size_t>(m) * n;
  if (beta == 0) std::fill(out, out + cells, 0.0);  // out is not read: NaN there does not propagate
  if (p == 0) {                                       // the product is empty (kept out of BLAS: lda would be 0)
    if (beta != 0)
      for (size_t e = 0; e < cells; ++e) out[e] *= beta;
    return EB_OK;
  }
  const double* xw = x;
  std::vector<double> scaled;
  if (w != nullptr) {
    scaled.resize(static_cast<size_t>(m) * p);
    for (int i = 0; i < m; ++i)
      for (int q = 0; q < p; ++q) scaled[static_cast<size_t>(i) * p + q] = x[static_cast<size_t>(i) * p + q] * w[q];
    xw = scaled.data();
  }
  gemm_rows(false, true, m, n, p, alpha, xw, p, y, p, beta, out, n);
  return EB_OK;
}

int32_t multiply(const double* a, int32_t a_rows, int32_t a_cols, int32_t transpose_a, const double* b, int32_t b_rows,
                 int32_t b_cols, int32_t transpose_b, double* out) {
  if (!extent_fits({a_rows, a_cols}, sizeof(double)) || !extent_fits({b_rows, b_cols}, sizeof(double)))
    return EB_ERR_ARGUMENT;
  const int m = transpose_a ? a_cols : a_rows, k = transpose_a ? a_rows : a_cols;
  const int kb = transpose_b ? b_cols : b_rows, n = transpose_b ? b_rows : b_cols;
  if (k != kb) return EB_ERR_ARGUMENT;
  if (m == 0 || n == 0) return EB_OK;
  if (out == nullptr || (k > 0 && (a == nullptr || b == nullptr))) return EB_ERR_ARGUMENT;
  if (out == a || out == b) return EB_ERR_ARGUMENT;
  if (k == 0) {
    std::fill(out, out + static_cast<size_t>(m) * n, 0.0);
    return EB_OK;
  }
  gemm_rows(transpose_a != 0, transpose_b != 0, m, n, k, 1.0, a, a_cols, b, b_cols, 0.0, out, n);
  return EB_OK;
}

}  // namespace
}  // namespace eigenbasis

extern "C" {

int32_t eb_cpu_influence_ekfac_eigenvalues_f64(const double* g, int64_t n, int32_t per_example, int32_t d_out,
                                               const double* a, int32_t d_in, const double* qs, const double* qa,
                                               double scale, double* lambda) {
  return eigenbasis::c_boundary(
      [&] { return eigenbasis::ekfac_eigenvalues(g, n, per_example, d_out, a, d_in, qs, qa, scale, lambda); });
}

int32_t eb_cpu_influence_kronecker_rotate_f64(const double* qs, const double* qa, const double* x, int64_t k,
                                              int32_t d_out, int32_t d_in, int32_t forward, double* out) {
  return eigenbasis::c_boundary([&] { return eigenbasis::kronecker_rotate(qs, qa, x, k, d_out, d_in, forward, out); });
}

int32_t eb_cpu_influence_weighted_product_f64(const double* x, int32_t m, int32_t p, const double* w, const double* y,
                                              int32_t n, double alpha, double beta, double* out) {
  return eigenbasis::c_boundary([&] { return eigenbasis::weighted_product(x, m, p, w, y, n, alpha, beta, out); });
}

int32_t eb_cpu_influence_multiply_f64(const double* a, int32_t a_rows, int32_t a_cols, int32_t transpose_a,
                                      const double* b, int32_t b_rows, int32_t b_cols, int32_t transpose_b,
                                      double* out) {
  return eigenbasis::c_boundary(
      [&] { return eigenbasis::multiply(a, a_rows, a_cols, transpose_a, b, b_rows, b_cols, transpose_b, out); });
}

}  // extern "C"
