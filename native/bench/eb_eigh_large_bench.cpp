// Issue 16: one large symmetric matrix through eb_cpu_eigh_* with each cpu path that serves large n (?syevd,
// TWO_STAGE, TRIDIAG_DC, AUTO), in interleaved rounds so that machine load falls on all of them alike, with the
// stage breakdown of the two new paths (eb_cpu_eigh_stages). The C baseline of LargeEighBenchmark: no JVM, no copy.
// Usage: [EB_BENCH_ALGS=syevd,two_stage,...] [EB_BENCH_NO_WARMUP=1] eb_eigh_large_bench [repeats] [n:dtype:vectors ...]
//   e.g. eb_eigh_large_bench 3 4096:f64:0 1024:f32:1
//   EB_BENCH_LAPACK_SYTRD=1: the one-stage path reduces with LAPACK's ?sytrd instead of ours;
//   EB_BENCH_CHASE_ONE=1: the bulge chase on one worker; EB_BENCH_CHASE_SWEEPS=1 / EB_BENCH_CHASE_SPLIT=1: two
//   workers taking whole sweeps / splitting each sweep, whatever the cores' round trip.
//   vectors 1 = eigenvectors too, 0 = eigenvalues only. Default: 3 rounds of 1024, 2048, 4096 in f64 with and
//   without vectors.
// Prints per case and algorithm: "case n dtype vectors algorithm best_s median_s gflops_model stages..." where
// gflops_model counts 4/3 n^3 (values) or 6 2/3 n^3 (vectors) useful flops -- the model, for every path --
// and stages is kd, reduce, chase, tridiagonal, factors, products, signs (seconds, best round's).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "eigenbasis/eb_api.h"

namespace eigenbasis {
extern std::atomic<int> own_one_stage_from;  // eigh_two_stage.hpp: A/B of the one-stage reduction
extern std::atomic<int> parallel_chase_from;  // and of the chase on one worker
extern std::atomic<int> chase_round_trip_limit_ns;  // two workers taking whole sweeps
extern std::atomic<bool> chase_split_sweeps;        // or splitting each, whatever the round trip
}

namespace {

struct Case {
  int n;
  bool f32;
  bool vectors;
};

template <class T>
int call(const T* a, int n, T* w, T* v, int algorithm) {
  int32_t info = 0;
  if constexpr (sizeof(T) == 8)
    return eb_cpu_eigh_f64(a, 1, n, w, v, &info, algorithm, 0);
  else
    return eb_cpu_eigh_f32(a, 1, n, w, v, &info, algorithm, 0);
}

template <class T>
void run(const Case& c, int repeats) {
  const int n = c.n;
  std::mt19937_64 rng(16);
  std::normal_distribution<double> normal;
  std::vector<T> a(static_cast<size_t>(n) * n), w(n), v(c.vectors ? static_cast<size_t>(n) * n : 0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) a[static_cast<size_t>(i) * n + j] = a[static_cast<size_t>(j) * n + i] = static_cast<T>(normal(rng));
  const int algorithms[] = {EB_EIGH_SYEVD, EB_EIGH_TWO_STAGE, EB_EIGH_TRIDIAG_DC, EB_EIGH_AUTO};
  const char* names[] = {"syevd", "two_stage", "tridiagonal_dc", "auto"};
  constexpr int kAlgorithms = 4;
  std::vector<double> times[kAlgorithms];
  double stages[kAlgorithms][7] = {};
  // EB_BENCH_ALGS=name,name,... limits the run to those paths.
  const char* only = std::getenv("EB_BENCH_ALGS");
  auto wanted = [&](int k) { return only == nullptr || std::strstr(only, names[k]) != nullptr; };
  const int first = std::getenv("EB_BENCH_NO_WARMUP") != nullptr ? 1 : 0;  // round 0 warms up unless told not to
  for (int r = first; r < repeats + 1; ++r) {
    for (int k = 0; k < kAlgorithms; ++k) {
      if (!wanted(k)) continue;
      const auto start = std::chrono::steady_clock::now();
      const int status = call<T>(a.data(), n, w.data(), c.vectors ? v.data() : nullptr, algorithms[k]);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (status != EB_OK) {
        std::fprintf(stderr, "%s n=%d: status %d\n", names[k], n, status);
        std::exit(1);
      }
      if (r == 0) continue;
      if (times[k].empty() || seconds < *std::min_element(times[k].begin(), times[k].end()))
        eb_cpu_eigh_stages(stages[k], 7);
      times[k].push_back(seconds);
    }
  }
  const double flops = (c.vectors ? 20.0 / 3.0 : 4.0 / 3.0) * n * static_cast<double>(n) * n;
  for (int k = 0; k < kAlgorithms; ++k) {
    if (times[k].empty()) continue;
    std::vector<double> t = times[k];
    std::sort(t.begin(), t.end());
    const bool staged = algorithms[k] == EB_EIGH_TWO_STAGE || algorithms[k] == EB_EIGH_TRIDIAG_DC;
    std::printf("case %d %s %d %-14s %.4f %.4f %.1f", n, c.f32 ? "f32" : "f64", c.vectors ? 1 : 0, names[k], t.front(),
                t[t.size() / 2], flops / t.front() / 1e9);
    if (staged)
      for (double s : stages[k]) std::printf(" %.4f", s);
    std::printf("\n");
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (std::getenv("EB_BENCH_LAPACK_SYTRD") != nullptr) eigenbasis::own_one_stage_from = 1 << 30;
  if (std::getenv("EB_BENCH_CHASE_ONE") != nullptr) eigenbasis::parallel_chase_from = 1 << 30;
  if (std::getenv("EB_BENCH_CHASE_SWEEPS") != nullptr) eigenbasis::chase_round_trip_limit_ns = 1 << 30;
  if (std::getenv("EB_BENCH_CHASE_SPLIT") != nullptr) eigenbasis::chase_split_sweeps = true;
  int repeats = 3;
  int first = 1;
  if (argc > 1 && std::strchr(argv[1], ':') == nullptr) {
    repeats = std::max(1, std::atoi(argv[1]));
    first = 2;
  }
  std::vector<Case> cases;
  for (int i = first; i < argc; ++i) {
    int n = 0, vectors = 1;
    char dtype[8] = "f64";
    if (std::sscanf(argv[i], "%d:%3[^:]:%d", &n, dtype, &vectors) < 1 || n < 1) {
      std::fprintf(stderr, "bad case '%s' (want n:f64|f32:0|1)\n", argv[i]);
      return 2;
    }
    cases.push_back({n, std::strcmp(dtype, "f32") == 0, vectors != 0});
  }
  if (cases.empty())
    for (int n : {1024, 2048, 4096})
      for (bool vectors : {true, false}) cases.push_back({n, false, vectors});
  char describe[512];
  eb_cpu_describe(describe, sizeof describe);
  std::printf("# %s\n# threads %d, repeats %d\n", describe, eb_cpu_threads(), repeats);
  for (const Case& c : cases) {
    if (c.f32)
      run<float>(c, repeats);
    else
      run<double>(c, repeats);
  }
  return 0;
}
