// The diffusion kernel's E1 lanes against std::expint in long double (E1(x) = -Ei(-x)) on a logarithmic grid of
// [1e-300, 40] and on every cell boundary +-1 ulp, and the kernel's refusals. libstdc++'s expint loses accuracy
// above ~50 (3e-15 at 50, 1e-2 at 100, against mpmath), so the range up to 700 is checked against the java
// reference instead (CpuDiffusionParityTest). Prints the largest relative error;
// fails above 1e-14 (the interpolants are within 5e-15, gen_e1_table.py; Clenshaw adds rounding).
#include <cmath>
#include <cstdio>
#include <vector>

#include "eigenbasis/eb_api.h"

int main() {
  std::vector<double> xs;
  for (int i = 0; i <= 20000; ++i) {
    xs.push_back(std::pow(10.0, -300.0 + i * (std::log10(40.0) + 300.0) / 20000));
  }
  for (double edge = 0.5; edge <= 8.0; edge += 0.5) {
    xs.push_back(std::nextafter(edge, 0.0));
    xs.push_back(edge);
    xs.push_back(std::nextafter(edge, 100.0));
  }
  std::vector<double> got(xs.size());
  if (eb_cpu_diffusion_e1_f64(xs.data(), static_cast<int64_t>(xs.size()), got.data()) != EB_OK) {
    std::printf("FAIL: eb_cpu_diffusion_e1_f64 refused a valid call\n");
    return 1;
  }
  double worst = 0;
  double at = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const long double want = -std::expint(-static_cast<long double>(xs[i]));
    if (want < 1e-300L) continue;   // e^-x underflows: the kernel's relative error is not defined there
    const double rel = static_cast<double>(std::fabs((got[i] - want) / want));
    if (!(rel <= worst)) {
      worst = rel;
      at = xs[i];
    }
  }
  std::printf("diffusion_test: E1 max relative error %.3g at x = %.17g over %zu points\n", worst, at, xs.size());
  int failures = worst <= 1e-14 ? 0 : 1;
  double lambda = 1.0;
  double tau = 1.0;
  double out = 0;
  if (eb_cpu_diffusion_variance_f64(2, &lambda, 1, &tau, 1, 0.002, 80, 1, 0.1, 0, &out) != EB_ERR_ARGUMENT) ++failures;
  if (eb_cpu_diffusion_variance_f64(0, &lambda, 1, &tau, 1, 80, 0.002, 1, 0.1, 0, &out) != EB_ERR_ARGUMENT) ++failures;
  double bad = -1;
  if (eb_cpu_diffusion_variance_f64(0, &bad, 1, &tau, 1, 0.002, 80, 1, 0.1, 0, &out) != EB_ERR_ARGUMENT) ++failures;
  if (out != 0) ++failures;
  std::printf(failures == 0 ? "diffusion_test: OK\n" : "diffusion_test: FAIL (%d)\n", failures);
  return failures == 0 ? 0 : 1;
}
