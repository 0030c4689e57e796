// The same CPU eigh routine the JNI glue calls, timed from C: the baseline for the JNI and copy overhead target.
// Usage: eb_cbench [--portable] B n [repeats] [f32|f64] [algorithm] [threads]
//   -> prints "B n dtype algorithm min_seconds median_seconds"; --portable forces our kernels' portable paths.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "eigenbasis/eb_api.h"

template <class T>
static void run(long long batch, int n, int repeats, int algorithm, const char* dtype) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::vector<T> a(static_cast<size_t>(batch) * n * n), w(static_cast<size_t>(batch) * n),
      v(static_cast<size_t>(batch) * n * n);
  std::vector<int32_t> info(batch);
  for (long long b = 0; b < batch; ++b)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j) {
        T x = static_cast<T>(normal(rng));
        a[(b * n + i) * n + j] = x;
        a[(b * n + j) * n + i] = x;
      }
  std::vector<double> times;
  for (int r = 0; r < repeats + 1; ++r) {
    auto start = std::chrono::steady_clock::now();
    int status;
    if constexpr (sizeof(T) == 8)
      status = eb_cpu_eigh_f64(a.data(), batch, n, w.data(), v.data(), info.data(), algorithm, 0);
    else
      status = eb_cpu_eigh_f32(a.data(), batch, n, w.data(), v.data(), info.data(), algorithm, 0);
    auto end = std::chrono::steady_clock::now();
    if (status != EB_OK) {
      std::fprintf(stderr, "status %d\n", status);
      std::exit(1);
    }
    if (r > 0) times.push_back(std::chrono::duration<double>(end - start).count());  // first run warms up
  }
  std::sort(times.begin(), times.end());
  std::printf("%lld %d %s %d %.9f %.9f\n", batch, n, dtype, algorithm, times.front(), times[times.size() / 2]);
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--portable") == 0) {
    if (eb_cpu_set_portable(1) != EB_OK) return 1;
    --argc;
    ++argv;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s [--portable] B n [repeats] [f32|f64] [algorithm] [threads]\n", argv[0]);
    return 2;
  }
  long long batch = std::atoll(argv[1]);
  int n = std::atoi(argv[2]);
  int repeats = argc > 3 ? std::atoi(argv[3]) : 10;
  const char* dtype = argc > 4 ? argv[4] : "f64";
  int algorithm = argc > 5 ? std::atoi(argv[5]) : EB_EIGH_AUTO;
  if (argc > 6) eb_cpu_set_threads(std::atoi(argv[6]));
  if (std::strcmp(dtype, "f32") == 0)
    run<float>(batch, n, repeats, algorithm, dtype);
  else
    run<double>(batch, n, repeats, algorithm, "f64");
  return 0;
}
