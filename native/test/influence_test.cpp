// Native test of the CPU influence kernels (influence.cpp), run by ctest and by the Maven build: at the C ABI, the
// refusals (negative extents, missing pointers, aliased outputs, a bias with qa, mismatched inner extents) and the
// results against plain double-precision loops, on shapes that take every path (one chunk, many chunks, slices
// split in row panels over the workers, a large final product in row panels, empty inner extents, beta = 0 over
// NaN). Tolerance: 4 (K + 4) eps times the same sum over absolute values, K the total depth of the sums (Higham,
// Accuracy and Stability of Numerical Algorithms, 2nd ed., eq. (3.5): gamma_K sum |terms|, with a factor of 2 for
// the reference's own rounding and 2 more for the squares).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "eigenbasis/eb_api.h"

namespace {

int failures = 0;
constexpr double kEps = 2.220446049250313e-16;

void expect(bool ok, const char* what, const char* label) {
  if (!ok) {
    std::printf("FAIL %s (%s)\n", what, label);
    ++failures;
  }
}

std::vector<double> gaussian(size_t count, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<double> x(count);
  for (auto& e : x) e = normal(rng);
  return x;
}

void close_to(double want, double got, double abs_sum, int depth, const char* label) {
  const double tol = 4.0 * (depth + 4) * kEps * abs_sum;
  if (!(std::fabs(want - got) <= tol)) {
    std::printf("FAIL %s: want %.17g got %.17g (tol %.3g)\n", label, want, got, tol);
    ++failures;
  }
}

void check_ekfac(int n, int c, int d_out, int d_in, bool bias, std::mt19937_64& rng, const char* label) {
  std::vector<double> g = gaussian(static_cast<size_t>(n) * c * d_out, rng), a = gaussian(static_cast<size_t>(n) * d_in, rng);
  std::vector<double> qs = gaussian(static_cast<size_t>(d_out) * d_out, rng), qa = gaussian(static_cast<size_t>(d_in) * d_in, rng);
  std::vector<double> lambda(static_cast<size_t>(d_out) * d_in, NAN);
  const double scale = 1.0 / (n > 0 ? n : 1);
  const int32_t status = eb_cpu_influence_ekfac_eigenvalues_f64(g.data(), n, c, d_out, bias ? nullptr : a.data(), d_in,
                                                                qs.data(), bias ? nullptr : qa.data(), scale, lambda.data());
  expect(status == EB_OK, "ekfac status", label);
  // Brute force: s_ip = sum_c u^2 and its absolute version with |u| <= sum |q g|.
  std::vector<double> s(static_cast<size_t>(n) * d_out), sa(s.size()), t(static_cast<size_t>(n) * d_in, 1.0), ta(t.size(), 1.0);
  for (int i = 0; i < n; ++i) {
    for (int p = 0; p < d_out; ++p) {
      for (int cc = 0; cc < c; ++cc) {
        double u = 0, ua = 0;
        for (int q = 0; q < d_out; ++q) {
          const double term = qs[static_cast<size_t>(q) * d_out + p] * g[(static_cast<size_t>(i) * c + cc) * d_out + q];
          u += term;
          ua += std::fabs(term);
        }
        s[static_cast<size_t>(i) * d_out + p] += u * u;
        sa[static_cast<size_t>(i) * d_out + p] += ua * ua;
      }
    }
    if (!bias) {
      for (int k = 0; k < d_in; ++k) {
        double v = 0, va = 0;
        for (int q = 0; q < d_in; ++q) {
          const double term = qa[static_cast<size_t>(q) * d_in + k] * a[static_cast<size_t>(i) * d_in + q];
          v += term;
          va += std::fabs(term);
        }
        t[static_cast<size_t>(i) * d_in + k] = v * v;
        ta[static_cast<size_t>(i) * d_in + k] = va * va;
      }
    }
  }
  for (int p = 0; p < d_out; ++p) {
    for (int k = 0; k < d_in; ++k) {
      double want = 0, abs_sum = 0;
      for (int i = 0; i < n; ++i) {
        want += s[static_cast<size_t>(i) * d_out + p] * t[static_cast<size_t>(i) * d_in + k];
        abs_sum += sa[static_cast<size_t>(i) * d_out + p] * ta[static_cast<size_t>(i) * d_in + k];
      }
      close_to(scale * want, lambda[static_cast<size_t>(p) * d_in + k], scale * abs_sum, 2 * d_out + 2 * d_in + c + n,
               label);
    }
  }
}

void check_rotate(int k, int d_out, int d_in, bool forward, std::mt19937_64& rng, const char* label) {
  std::vector<double> x = gaussian(static_cast<size_t>(k) * d_out * d_in, rng);
  std::vector<double> qs = gaussian(static_cast<size_t>(d_out) * d_out, rng), qa = gaussian(static_cast<size_t>(d_in) * d_in, rng);
  std::vector<double> out(x.size(), NAN);
  expect(eb_cpu_influence_kronecker_rotate_f64(qs.data(), qa.data(), x.data(), k, d_out, d_in, forward, out.data()) == EB_OK,
         "rotate status", label);
  // op_s = Q_S^T (forward) or Q_S; op_a = Q_A (forward) or Q_A^T.
  auto s_at = [&](int i, int q) { return forward ? qs[static_cast<size_t>(q) * d_out + i] : qs[static_cast<size_t>(i) * d_out + q]; };
  auto a_at = [&](int q, int j) { return forward ? qa[static_cast<size_t>(q) * d_in + j] : qa[static_cast<size_t>(j) * d_in + q]; };
  const int stride = d_out * d_in;
  for (int s = 0; s < k; s += std::max(1, k / 3)) {
    const double* xs = x.data() + static_cast<size_t>(s) * stride;
    for (int i = 0; i < d_out; i += std::max(1, d_out / 7)) {
      for (int j = 0; j < d_in; j += std::max(1, d_in / 7)) {
        double want = 0, abs_sum = 0;
        for (int q = 0; q < d_out; ++q)
          for (int r = 0; r < d_in; ++r) {
            const double term = s_at(i, q) * xs[static_cast<size_t>(q) * d_in + r] * a_at(r, j);
            want += term;
            abs_sum += std::fabs(term);
          }
        close_to(want, out[static_cast<size_t>(s) * stride + static_cast<size_t>(i) * d_in + j], abs_sum, d_out + d_in, label);
      }
    }
  }
}

void check_weighted(int m, int p, int n, bool weights, bool same, double beta, std::mt19937_64& rng, const char* label) {
  std::vector<double> x = gaussian(static_cast<size_t>(m) * p, rng), y = same ? x : gaussian(static_cast<size_t>(n) * p, rng);
  std::vector<double> w = gaussian(static_cast<size_t>(p), rng), out = gaussian(static_cast<size_t>(m) * n, rng);
  const std::vector<double> old = out;
  if (beta == 0)
    for (auto& e : out) e = NAN;
  const double alpha = -0.5;
  expect(eb_cpu_influence_weighted_product_f64(x.data(), m, p, weights ? w.data() : nullptr, same ? x.data() : y.data(), n,
                                               alpha, beta, out.data()) == EB_OK,
         "weighted status", label);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double sum = 0, abs_sum = 0;
      for (int q = 0; q < p; ++q) {
        const double term = x[static_cast<size_t>(i) * p + q] * (weights ? w[q] : 1.0) * y[static_cast<size_t>(j) * p + q];
        sum += term;
        abs_sum += std::fabs(term);
      }
      const double o = beta == 0 ? 0 : beta * old[static_cast<size_t>(i) * n + j];
      close_to(alpha * sum + o, out[static_cast<size_t>(i) * n + j], std::fabs(alpha) * abs_sum + std::fabs(o), p + 2, label);
    }
}

void check_multiply(int m, int n, int k, bool ta, bool tb, std::mt19937_64& rng, const char* label) {
  std::vector<double> a = gaussian(static_cast<size_t>(m) * k, rng), b = gaussian(static_cast<size_t>(k) * n, rng);
  std::vector<double> out(static_cast<size_t>(m) * n, NAN);
  const int ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
  expect(eb_cpu_influence_multiply_f64(a.data(), ar, ac, ta, b.data(), br, bc, tb, out.data()) == EB_OK, "multiply status",
         label);
  for (int i = 0; i < m; i += std::max(1, m / 9))
    for (int j = 0; j < n; j += std::max(1, n / 9)) {
      double sum = 0, abs_sum = 0;
      for (int q = 0; q < k; ++q) {
        const double term = (ta ? a[static_cast<size_t>(q) * ac + i] : a[static_cast<size_t>(i) * ac + q]) *
                            (tb ? b[static_cast<size_t>(j) * bc + q] : b[static_cast<size_t>(q) * bc + j]);
        sum += term;
        abs_sum += std::fabs(term);
      }
      close_to(sum, out[static_cast<size_t>(i) * n + j], abs_sum, k, label);
    }
}

void check_refusals() {
  double d[16] = {0};
  double o[16] = {0};
  expect(eb_cpu_influence_ekfac_eigenvalues_f64(d, -1, 1, 2, d, 2, d, d, 1, o) == EB_ERR_ARGUMENT, "n < 0", "refusal");
  expect(eb_cpu_influence_ekfac_eigenvalues_f64(d, 1, 0, 2, d, 2, d, d, 1, o) == EB_ERR_ARGUMENT, "per_example 0", "refusal");
  expect(eb_cpu_influence_ekfac_eigenvalues_f64(d, 1, 1, 2, nullptr, 2, d, d, 1, o) == EB_ERR_ARGUMENT, "a without qa",
         "refusal");
  expect(eb_cpu_influence_ekfac_eigenvalues_f64(d, 1, 1, 2, nullptr, 2, d, nullptr, 1, o) == EB_ERR_ARGUMENT,
         "bias with d_in 2", "refusal");
  expect(eb_cpu_influence_ekfac_eigenvalues_f64(nullptr, 1, 1, 2, d, 2, d, d, 1, o) == EB_ERR_ARGUMENT, "g null", "refusal");
  expect(eb_cpu_influence_ekfac_eigenvalues_f64(d, 1, 1, 2, d, 2, d, d, 1, d) == EB_ERR_ARGUMENT, "lambda = g", "refusal");
  expect(eb_cpu_influence_ekfac_eigenvalues_f64(d, 3, 1 << 30, 2, d, 2, d, d, 1, o) == EB_ERR_ARGUMENT, "rows overflow",
         "refusal");
  expect(eb_cpu_influence_kronecker_rotate_f64(d, d, d, 1, 2, 2, 1, d) == EB_ERR_ARGUMENT, "out = x", "refusal");
  expect(eb_cpu_influence_kronecker_rotate_f64(d, nullptr, d, 1, 2, 2, 1, o) == EB_ERR_ARGUMENT, "qa null", "refusal");
  expect(eb_cpu_influence_kronecker_rotate_f64(d, d, d, -1, 2, 2, 1, o) == EB_ERR_ARGUMENT, "k < 0", "refusal");
  expect(eb_cpu_influence_weighted_product_f64(d, 2, 2, nullptr, d, 2, 1, 0, d) == EB_ERR_ARGUMENT, "out = x", "refusal");
  expect(eb_cpu_influence_weighted_product_f64(d, 2, -2, nullptr, d, 2, 1, 0, o) == EB_ERR_ARGUMENT, "p < 0", "refusal");
  expect(eb_cpu_influence_weighted_product_f64(d, 2, 2, nullptr, nullptr, 2, 1, 0, o) == EB_ERR_ARGUMENT, "y null",
         "refusal");
  expect(eb_cpu_influence_multiply_f64(d, 2, 3, 0, d, 2, 3, 0, o) == EB_ERR_ARGUMENT, "inner mismatch", "refusal");
  expect(eb_cpu_influence_multiply_f64(d, 2, 2, 0, d, 2, 2, 0, d) == EB_ERR_ARGUMENT, "out = a", "refusal");
  expect(eb_cpu_influence_multiply_f64(d, 2, 2, 0, nullptr, 2, 2, 0, o) == EB_ERR_ARGUMENT, "b null", "refusal");
  // Empty extents are no-ops that touch nothing, even with NULL pointers.
  expect(eb_cpu_influence_kronecker_rotate_f64(nullptr, nullptr, nullptr, 0, 2, 2, 1, nullptr) == EB_OK, "k = 0", "empty");
  expect(eb_cpu_influence_multiply_f64(nullptr, 0, 3, 0, nullptr, 3, 4, 0, nullptr) == EB_OK, "m = 0", "empty");
  // Empty inner extents write zeros (multiply) or beta * out.
  double z[4] = {NAN, NAN, NAN, NAN};
  expect(eb_cpu_influence_multiply_f64(nullptr, 2, 0, 0, nullptr, 0, 2, 0, z) == EB_OK && z[0] == 0 && z[3] == 0,
         "k = 0 writes zeros", "empty");
  double e[4] = {1, 2, 3, 4};
  expect(eb_cpu_influence_weighted_product_f64(nullptr, 2, 0, nullptr, nullptr, 2, 1, 0.5, e) == EB_OK && e[3] == 2,
         "p = 0 scales out by beta", "empty");
  double l[4] = {NAN, NAN, NAN, NAN};
  expect(eb_cpu_influence_ekfac_eigenvalues_f64(nullptr, 0, 3, 2, nullptr, 1, d, nullptr, 1, l) == EB_OK && l[0] == 0 &&
             l[1] == 0,
         "n = 0 writes zeros", "empty");
}

}  // namespace

int main() {
  std::mt19937_64 rng(11);
  check_refusals();
  check_ekfac(1, 1, 1, 1, false, rng, "ekfac 1x1x1x1");
  check_ekfac(5, 3, 4, 1, false, rng, "ekfac d_in 1");
  check_ekfac(7, 2, 6, 1, true, rng, "ekfac bias");
  check_ekfac(300, 10, 33, 17, false, rng, "ekfac many chunks");
  check_ekfac(1100, 1, 64, 64, false, rng, "ekfac final product in panels");
  check_rotate(1, 3, 5, 1, rng, "rotate one slice");
  check_rotate(37, 8, 5, 1, rng, "rotate chunks forward");
  check_rotate(37, 8, 5, 0, rng, "rotate chunks backward");
  check_rotate(1, 160, 150, 1, rng, "rotate one large slice forward");
  check_rotate(1, 160, 150, 0, rng, "rotate one large slice backward");
  check_weighted(3, 4, 5, true, false, 0.0, rng, "weighted beta 0 over NaN");
  check_weighted(6, 9, 6, false, true, 0.75, rng, "weighted y = x, beta");
  check_weighted(200, 130, 170, true, false, 0.0, rng, "weighted in panels");
  for (int t = 0; t < 4; ++t) {
    check_multiply(5, 7, 3, t & 1, t & 2, rng, "multiply small");
    check_multiply(170, 150, 160, t & 1, t & 2, rng, "multiply in panels");
  }
  if (failures == 0) std::printf("influence_test: all passed\n");
  return failures == 0 ? 0 : 1;
}
