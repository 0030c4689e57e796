// The MLP kernels at the C ABI: gelu's table-driven Φ and φ against long double erfcl/expl (its accuracy, printed),
// the same bits on the AVX-512 and portable paths, Hessian-vector products against central differences of the
// gradient (the gradient taken from one full-batch step of the trainer at lr = 1), symmetry, and the argument
// checks. The full contract (hand-stepped training, tolerances with their derivation) is MlpContract in Java.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../src/cpu/mlp.hpp"

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAIL: %s\n", what);
    ++failures;
  }
}

// Φ and φ on a fine grid over [−12, 12] (the table's range [−9, 9) and the tails beyond) against long double.
void gelu_accuracy() {
  std::vector<double> z;
  for (double v = -12.0; v <= 12.0; v += 1.0 / 4096 + 1e-9) z.push_back(v);
  std::vector<double> cdf(z.size()), pdf(z.size()), cdf2(z.size()), pdf2(z.size());
  eigenbasis::mlp::normal_cdf_pdf(z.data(), cdf.data(), pdf.data(), static_cast<int64_t>(z.size()));
  double worst_cdf_rel = 0, worst_pdf_rel = 0, worst_at = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const long double zl = z[i];
    const long double want_cdf = 0.5L * std::erfc(-zl * 0.707106781186547524400844362104849039L);
    const long double want_pdf = 0.398942280401432677939946059934381868L * std::exp(-0.5L * zl * zl);
    const double rel = static_cast<double>(std::fabs((cdf[i] - want_cdf) / want_cdf));
    if (rel > worst_cdf_rel) worst_at = z[i];
    worst_cdf_rel = std::fmax(worst_cdf_rel, rel);
    worst_pdf_rel = std::fmax(worst_pdf_rel, static_cast<double>(std::fabs((pdf[i] - want_pdf) / want_pdf)));
  }
  const double eps = 2.220446049250313e-16;
  std::printf("gelu table: max relative error of Phi %.2f eps (at z = %.4f), of phi %.2f eps over [-12, 12] (%zu "
              "points)\n", worst_cdf_rel / eps, worst_at, worst_pdf_rel / eps, z.size());
  expect(worst_cdf_rel < 8 * eps, "Phi within 8 eps (relative) of erfcl");
  expect(worst_pdf_rel < 8 * eps, "phi within 8 eps (relative) of expl");
  // the portable path gives the same values to within the fused multiply-adds' contraction (both contract alike)
  eb_cpu_set_portable(1);
  eigenbasis::mlp::normal_cdf_pdf(z.data(), cdf2.data(), pdf2.data(), static_cast<int64_t>(z.size()));
  eb_cpu_set_portable(0);
  double worst = 0;
  for (size_t i = 0; i < z.size(); ++i)
    worst = std::fmax(worst, std::fmax(std::fabs(cdf[i] - cdf2[i]) / cdf[i], std::fabs(pdf[i] - pdf2[i]) / pdf[i]));
  std::printf("gelu table: AVX-512 vs portable path, max relative difference %.2f eps\n", worst / eps);
  expect(worst <= 2 * eps, "AVX-512 and portable gelu agree");
}

struct Problem {
  std::vector<int32_t> widths;
  int activation, loss;
  int64_t n, P;
  std::vector<double> x, y, theta;
};

Problem make_problem(std::vector<int32_t> widths, int activation, int loss, int64_t n, unsigned seed) {
  Problem p{widths, activation, loss, n, 0, {}, {}, {}};
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss;
  for (size_t l = 0; l + 1 < widths.size(); ++l) p.P += int64_t(widths[l + 1]) * widths[l] + widths[l + 1];
  const int c = widths.back();
  p.x.resize(n * widths[0]);
  for (auto& v : p.x) v = gauss(rng);
  if (loss == EB_MLP_SQUARED) {
    p.y.resize(n * c);
    for (auto& v : p.y) v = gauss(rng);
  } else {
    p.y.resize(n);
    for (auto& v : p.y) v = static_cast<double>(rng() % c);
  }
  p.theta.resize(p.P);
  for (auto& v : p.theta) v = 0.5 * gauss(rng);
  return p;
}

// The mean-loss gradient at theta: one full-batch step at lr = 1 and momentum 0 moves theta by exactly −grad
// (lr_0 = lr), so grad = theta − theta'; the subtraction costs an ulp of theta.
std::vector<double> gradient(const Problem& p, const std::vector<double>& theta) {
  std::vector<double> moved = theta;
  std::vector<int32_t> order(p.n);
  for (int64_t i = 0; i < p.n; ++i) order[i] = static_cast<int32_t>(i);
  int64_t offsets[2] = {0, p.n};
  int32_t st = eb_cpu_mlp_train_f64(static_cast<int32_t>(p.widths.size()), p.widths.data(), p.activation, p.loss,
                                    moved.data(), 1, p.x.data(), p.y.data(), p.n, order.data(), offsets, 1,
                                    static_cast<int32_t>(p.n), 1.0, 0.0);
  expect(st == EB_OK, "train for the gradient");
  for (int64_t i = 0; i < p.P; ++i) moved[i] = theta[i] - moved[i];
  return moved;
}

void hvp_against_differences(std::vector<int32_t> widths, int activation, int loss, const char* label) {
  Problem p = make_problem(widths, activation, loss, 37, 7u + activation * 3 + loss);
  const int k = 3;
  std::mt19937_64 rng(99);
  std::normal_distribution<double> gauss;
  std::vector<double> v(k * p.P), out(k * p.P);
  for (auto& e : v) e = gauss(rng);
  int32_t st = eb_cpu_mlp_hvp_f64(static_cast<int32_t>(widths.size()), widths.data(), activation, loss,
                                  p.theta.data(), p.x.data(), p.y.data(), p.n, v.data(), k, out.data());
  expect(st == EB_OK, "hvp status");
  double worst = 0;
  const double h = 1e-4;
  for (int j = 0; j < k; ++j) {
    std::vector<double> plus = p.theta, minus = p.theta;
    for (int64_t i = 0; i < p.P; ++i) {
      plus[i] += h * v[j * p.P + i];
      minus[i] -= h * v[j * p.P + i];
    }
    std::vector<double> gp = gradient(p, plus), gm = gradient(p, minus);
    double scale = 0;
    for (int64_t i = 0; i < p.P; ++i) scale = std::fmax(scale, std::fabs(out[j * p.P + i]));
    for (int64_t i = 0; i < p.P; ++i) {
      const double fd = (gp[i] - gm[i]) / (2 * h);
      worst = std::fmax(worst, std::fabs(fd - out[j * p.P + i]) / (scale + 1e-300));
    }
  }
  // for symmetry: v0^T H v1 against v1^T H v0
  double a = 0, b = 0, s = 0;
  for (int64_t i = 0; i < p.P; ++i) {
    a += v[i] * out[p.P + i];
    b += v[p.P + i] * out[i];
    s += std::fabs(v[i] * out[p.P + i]) + std::fabs(v[p.P + i] * out[i]);
  }
  std::printf("hvp %-28s FD relative error %.2e, asymmetry %.2e\n", label, worst, std::fabs(a - b) / s);
  // central differences: O(h^2) truncation (1e-8 relative at h = 1e-4 for third derivatives of order 1) plus
  // rounding of the gradients over 2h, about 1e-16 / 1e-4 = 1e-12: 1e-6 leaves a wide margin for curvier nets.
  expect(worst < 1e-6, label);
  expect(std::fabs(a - b) <= 1e-12 * s, "hvp symmetric");
}

void argument_checks() {
  int32_t widths[3] = {3, 4, 2};
  double theta[4 * 3 + 4 + 2 * 4 + 2] = {};
  double x[6] = {}, y[2] = {0, 1}, v[26] = {}, out[26] = {};
  int32_t order[2] = {0, 1};
  int64_t offsets[2] = {0, 2};
  expect(eb_cpu_mlp_hvp_f64(3, widths, 7, 0, theta, x, y, 2, v, 1, out) == EB_ERR_ARGUMENT, "bad activation");
  expect(eb_cpu_mlp_hvp_f64(1, widths, 0, 0, theta, x, y, 2, v, 1, out) == EB_ERR_ARGUMENT, "one width");
  double bad_y[2] = {0, 2};
  expect(eb_cpu_mlp_hvp_f64(3, widths, 0, 0, theta, x, bad_y, 2, v, 1, out) == EB_ERR_ARGUMENT, "label out of range");
  double half_y[2] = {0, 0.5};
  expect(eb_cpu_mlp_hvp_f64(3, widths, 0, 0, theta, x, half_y, 2, v, 1, out) == EB_ERR_ARGUMENT, "label not integer");
  int32_t bad_order[2] = {0, 2};
  expect(eb_cpu_mlp_train_f64(3, widths, 0, 0, theta, 1, x, y, 2, bad_order, offsets, 1, 1, 0.1, 0.9) ==
             EB_ERR_ARGUMENT, "order entry out of range");
  expect(eb_cpu_mlp_train_f64(3, widths, 0, 0, theta, 1, x, y, 2, order, offsets, 3, 1, 0.1, 0.9) == EB_ERR_ARGUMENT,
         "order length not a multiple of epochs");
  expect(eb_cpu_mlp_train_f64(3, widths, 0, 0, theta, 1, x, y, 2, order, offsets, 1, 0, 0.1, 0.9) == EB_ERR_ARGUMENT,
         "batch size 0");
  int32_t one_output[2] = {3, 1};
  expect(eb_cpu_mlp_hvp_f64(2, one_output, 0, 0, theta, x, y, 2, v, 1, out) == EB_ERR_ARGUMENT,
         "cross-entropy with one output");
  expect(eb_cpu_mlp_train_f64(3, widths, 0, 0, theta, 1, x, y, 2, order, offsets, 2, 1, 0.1, 0.9) == EB_OK,
         "two epochs of one row");
}

}  // namespace

int main() {
  gelu_accuracy();
  const char* act_names[] = {"gelu", "relu", "tanh", "identity"};
  for (int act = 0; act < 4; ++act)
    for (int loss = 0; loss < 2; ++loss) {
      char label[64];
      std::snprintf(label, sizeof label, "%s %s", act_names[act], loss == 0 ? "cross-entropy" : "squared");
      hvp_against_differences({5, 7, 6, 3}, act, loss, label);
    }
  hvp_against_differences({4, 3}, EB_MLP_GELU, EB_MLP_CROSS_ENTROPY, "one layer cross-entropy");
  argument_checks();
  if (failures > 0) {
    std::printf("%d failure(s)\n", failures);
    return 1;
  }
  std::printf("mlp_test: all passed\n");
  return 0;
}
