// The MLP kernels called directly on the digits shape (64-64-32-10, cross-entropy, 1617 rows of Gaussian inputs):
// `jobs` retrains of m = 1132 rows for 100 epochs of batches of 32, then k Hessian-vector products over all rows.
// Prints wall and process CPU time (CPU time is the figure to trust on a shared machine). Usage:
//   eb_mlp_bench [jobs=2] [k=64] [activation=0 (gelu) | 1 relu | 2 tanh | 3 identity]
// EB_CPU_MLP_GEMM=openblas runs the products on OpenBLAS instead of our kernel (docs/notes/h3-native-mlp.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <vector>

#include "eigenbasis/eb_api.h"

namespace {
double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}
}  // namespace

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 2;
  const int k = argc > 2 ? std::atoi(argv[2]) : 64;
  const int activation = argc > 3 ? std::atoi(argv[3]) : EB_MLP_GELU;
  int32_t widths[4] = {64, 64, 32, 10};
  const int64_t P = 64 * 64 + 64 + 32 * 64 + 32 + 10 * 32 + 10;
  const int64_t rows = 1617, m = 1132;
  const int epochs = 100;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> gauss;
  std::vector<double> x(rows * 64), y(rows), theta(P * (jobs > 0 ? jobs : 1));
  for (auto& v : x) v = gauss(rng);
  for (auto& v : y) v = static_cast<double>(rng() % 10);
  for (auto& v : theta) v = 0.1 * gauss(rng);
  std::vector<int32_t> order(static_cast<size_t>(jobs) * m * epochs);
  std::vector<int64_t> offsets(jobs + 1);
  for (int j = 0; j <= jobs; ++j) offsets[j] = j * m * epochs;
  for (auto& r : order) r = static_cast<int32_t>(rng() % rows);
  std::printf("batch workers %d\n", eb_cpu_threads());
  double c0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  int st = eb_cpu_mlp_train_f64(4, widths, activation, EB_MLP_CROSS_ENTROPY, theta.data(), jobs, x.data(), y.data(),
                                rows, order.data(), offsets.data(), epochs, 32, 0.01, 0.9);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - c0;
  std::printf("train: status %d, %d jobs, wall %.3f s, cpu %.3f s (%.3f cpu-s a job, %.1f us a step)\n", st, jobs,
              wall, cpu, jobs > 0 ? cpu / jobs : 0.0, jobs > 0 ? cpu / jobs / (epochs * ((m + 31) / 32)) * 1e6 : 0.0);
  std::vector<double> v(k * P), out(k * P);
  for (auto& e : v) e = gauss(rng);
  c0 = cpu_seconds();
  t0 = std::chrono::steady_clock::now();
  st = eb_cpu_mlp_hvp_f64(4, widths, activation, EB_MLP_CROSS_ENTROPY, theta.data(), x.data(), y.data(), rows,
                          v.data(), k, out.data());
  wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  cpu = cpu_seconds() - c0;
  std::printf("hvp: status %d, k = %d, wall %.3f s, cpu %.3f s (%.3f cpu-ms a vector; 6570 vectors: %.1f cpu-s)\n",
              st, k, wall, cpu, k > 0 ? cpu / k * 1e3 : 0.0, k > 0 ? cpu * 6570 / k : 0.0);
  return st == EB_OK ? 0 : 1;
}
