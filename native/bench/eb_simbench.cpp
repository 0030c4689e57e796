// The cpu resetting simulator timed from C with the configs of ResetSimulationBenchmark (exact scheme, means only,
// mu_k = 1/(k+1), a_k = 1, sigma 0.5, horizon 10 x the law's mean, about 2^18/d trajectories), plus a checksum of
// the sums so that an optimisation can be checked for unchanged bits before the Java tests run.
// Usage: eb_simbench [--portable] d [exp|gamma] [repeats] [threads]  -> "d law events/s(best) checksum"
// --portable forces our kernels' portable paths (eb_cpu_set_portable(1); as EB_CPU_AVX512=0 does): the checksum must
// not change.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "eigenbasis/eb_api.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--portable") == 0) {
    if (eb_cpu_set_portable(1) != EB_OK || eb_cpu_portable() != 1) return 1;
    --argc;
    ++argv;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s [--portable] d [exp|gamma] [repeats] [threads]\n", argv[0]);
    return 2;
  }
  const int d = std::atoi(argv[1]);
  const bool gamma = argc > 2 && std::strcmp(argv[2], "gamma") == 0;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
  if (argc > 4) eb_cpu_set_threads(std::atoi(argv[4]));
  std::vector<double> mu(d), a(d, 1.0);
  for (int k = 0; k < d; ++k) mu[k] = 1.0 / (k + 1);
  const double params_exp[1] = {1.0}, params_gamma[2] = {2.0, 0.5};
  const int kind = gamma ? 2 : 0;
  const double* params = gamma ? params_gamma : params_exp;
  const int count = gamma ? 2 : 1;
  const double horizon = 10.0;  // 10 x the mean (1 for both laws)
  const int64_t n = std::max<int64_t>(256, (int64_t{1} << 18) / d);
  std::vector<double> sums(eb_cpu_reset_sim_sums_length(d, 0));
  double best = 0;
  uint64_t check = 0;
  for (int r = 0; r <= repeats; ++r) {
    int64_t events = 0;
    const auto start = std::chrono::steady_clock::now();
    const int status = eb_cpu_reset_sim_f64(kind, params, count, mu.data(), a.data(), d, 0.5, horizon, n, 1 + r,
                                            EB_SIM_EXACT, 0.0, 0, sums.data(), &events);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (status != EB_OK) {
      std::fprintf(stderr, "status %d\n", status);
      return 1;
    }
    if (r > 0) best = std::max(best, static_cast<double>(events) / s);  // the first run warms up
    for (double v : sums) {
      uint64_t b;
      std::memcpy(&b, &v, sizeof b);
      check = check * 1099511628211ULL ^ b;
    }
  }
  std::printf("%d %s %.3e %016llx\n", d, gamma ? "gamma" : "exp", best, static_cast<unsigned long long>(check));
  return 0;
}
