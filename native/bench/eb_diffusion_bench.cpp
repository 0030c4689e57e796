// eb_cpu_diffusion_variance_f64 on benchmarks/DiffusionBenchmark's workload (lambda_i = 1/i, t times log-spaced
// over [1e-3, 1e3], sigma in [0.002, 80], eta = 1, Q = 0.1), wall and process CPU time per call: on a shared
// machine the CPU seconds divided by the workers estimate the quiet wall time (benchmarks/RESULTS.md).
// Usage: eb_diffusion_bench [n] [t] [reps]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "eigenbasis/eb_api.h"

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 100000;
  const int64_t t = argc > 2 ? std::atoll(argv[2]) : 1000;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 3;
  std::vector<double> lambdas(n), taus(t), out(n * t, 0.0);
  for (int64_t i = 0; i < n; ++i) lambdas[i] = 1.0 / static_cast<double>(i + 1);
  for (int64_t j = 0; j < t; ++j) taus[j] = t == 1 ? 1.0 : std::pow(10.0, -3.0 + 6.0 * j / (t - 1));
  for (int model = 0; model < 2; ++model) {
    for (int rep = 0; rep < reps; ++rep) {
      const auto w0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      const int rc = eb_cpu_diffusion_variance_f64(model, lambdas.data(), n, taus.data(), t, 0.002, 80, 1, 0.1, 0,
                                                   out.data());
      const std::clock_t c1 = std::clock();
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      const double cpu = static_cast<double>(c1 - c0) / CLOCKS_PER_SEC;
      if (rc != EB_OK) {
        std::printf("eb_cpu_diffusion_variance_f64 failed: %d\n", rc);
        return 1;
      }
      std::printf("%s %lld x %lld: wall %.3f s, cpu %.3f s (%d workers; cpu / workers %.3f s, %.2f ns a pair)\n",
                  model == 0 ? "one-layer" : "two-layer", static_cast<long long>(n), static_cast<long long>(t), wall,
                  cpu, eb_cpu_threads(), cpu / eb_cpu_threads(), cpu / eb_cpu_threads() / (n * t) * 1e9);
    }
  }
  return 0;
}
