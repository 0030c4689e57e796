// Our refresh's two LAPACK-heavy paths, timed from C against calling LAPACK directly on the same inputs (the
// target: within 1.5x). eigh: eb_cpu_eigh_* (AUTO: ?syevd at these sizes) against a plain loop of ?syevd.
// QR: eb_cpu_refresh_* with one step (Y = A Q, Q = qr(Y) with diag(R) >= 0, B = Q^T A Q) against the same sequence
// of calls made directly in LAPACK's column-major layout (?symm, ?geqrf, ?orgqr, ?symm, ?gemm), no copies; the
// bare ?geqrf + ?orgqr is printed too. The direct loops run with OpenBLAS threaded over all cores (what a C program
// gets by default) and on one thread, and the faster of the two is the baseline; ours runs with its own policy
// (batch workers, or OpenBLAS threaded for a few large blocks). Ours and both baselines run in interleaved rounds.
// Usage: eb_lapack_bench [repeats] [B:n | precond:ROWSxCOLS ...]   (default 1:1024 1:256 64:256)
// Prints one line per case: "path dtype B n ours_s direct_s ratio qr_only_s direct_one_thread_s direct_all_cores_s"
// (fastest rounds; qr_only_s is "-" for eigh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../src/cpu/lapack.hpp"

namespace {

namespace lp = eigenbasis::lapack;

// The fastest of `repeats` runs after one warm-up: on a shared machine the minimum is what the code can do, the
// median is mostly what the neighbours did.
template <class Fn>
double fastest_seconds(int repeats, Fn&& fn) {
  std::vector<double> times;
  for (int r = 0; r <= repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r > 0) times.push_back(t);  // the first run warms caches and workspaces
  }
  std::sort(times.begin(), times.end());
  return times.front();
}

int all_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// Times ours and the direct baseline in interleaved rounds (ours, direct on one thread, direct on all cores), so that
// on a shared machine all three see the same background load; one warm-up round, then the fastest of `repeats`
// rounds of each. The baseline is the direct loop at its best: OpenBLAS on one thread (best for many small
// matrices) or on all cores (best for one large one). Leaves OpenBLAS at one thread, as our library expects.
struct Paired {
  double ours, direct, direct_single, direct_threaded;
};

template <class Ours, class Direct>
Paired paired_fastest(int repeats, Ours&& ours, Direct&& direct) {
  auto seconds = [](auto&& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  Paired best{1e300, 1e300, 1e300, 1e300};
  for (int r = 0; r <= repeats; ++r) {
    const double t_ours = seconds(ours);
    openblas_set_num_threads(1);
    const double t_single = seconds(direct);
    openblas_set_num_threads(all_threads());
    const double t_threaded = seconds(direct);
    openblas_set_num_threads(1);
    if (r == 0) continue;  // the first round warms caches and workspaces
    best.ours = std::min(best.ours, t_ours);
    best.direct_single = std::min(best.direct_single, t_single);
    best.direct_threaded = std::min(best.direct_threaded, t_threaded);
  }
  best.direct = std::min(best.direct_single, best.direct_threaded);
  return best;
}

void symm_colmajor(int n, const double* a, const double* b, double* c) {
  cblas_dsymm(CblasColMajor, CblasLeft, CblasUpper, n, n, 1.0, a, n, b, n, 0.0, c, n);
}
void symm_colmajor(int n, const float* a, const float* b, float* c) {
  cblas_ssymm(CblasColMajor, CblasLeft, CblasUpper, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
}
void gemm_tn_colmajor(int n, const double* a, const double* b, double* c) {
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
}
void gemm_tn_colmajor(int n, const float* a, const float* b, float* c) {
  cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
}

int32_t our_eigh(const double* a, int64_t b, int n, double* w, double* v, int32_t* info) {
  return eb_cpu_eigh_f64(a, b, n, w, v, info, EB_EIGH_AUTO, 0);
}
int32_t our_eigh(const float* a, int64_t b, int n, float* w, float* v, int32_t* info) {
  return eb_cpu_eigh_f32(a, b, n, w, v, info, EB_EIGH_AUTO, 0);
}
int32_t our_refresh(const double* a, const double* q, int64_t b, int n, double* qo, double* r, double* off) {
  return eb_cpu_refresh_f64(a, q, b, n, 1, qo, r, off);
}
int32_t our_refresh(const float* a, const float* q, int64_t b, int n, float* qo, float* r, float* off) {
  return eb_cpu_refresh_f32(a, q, b, n, 1, qo, r, off);
}

template <class T>
void run(int64_t batch, int n, int repeats, const char* dtype) {
  const size_t nn = static_cast<size_t>(n) * n;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  std::vector<T> a(batch * nn), q(batch * nn);
  for (int64_t b = 0; b < batch; ++b)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j) {
        const T x = static_cast<T>(normal(rng));
        a[b * nn + i * n + j] = x;
        a[b * nn + j * n + i] = x;
      }
  for (auto& x : q) x = static_cast<T>(normal(rng));
  std::vector<T> w(batch * n), v(batch * nn), qo(batch * nn), rayleigh(batch * n), off(batch);
  std::vector<int32_t> info(batch);

  // ---- eigh -----------------------------------------------------------------------------------------------------
  std::vector<T> work_a(nn), work_w(n);
  T query = 0;
  lp::lint iquery = 0, info_l = 0;
  lp::syevd('V', 'U', n, work_a.data(), n, work_w.data(), &query, -1, &iquery, -1, &info_l);
  std::vector<T> work(static_cast<size_t>(query));
  std::vector<lp::lint> iwork(iquery);
  const Paired eigh = paired_fastest(
      repeats,
      [&] {
        if (our_eigh(a.data(), batch, n, w.data(), v.data(), info.data()) != EB_OK) std::exit(3);
      },
      [&] {
        for (int64_t b = 0; b < batch; ++b) {
          std::memcpy(work_a.data(), a.data() + b * nn, sizeof(T) * nn);  // symmetric: row- and column-major agree
          lp::syevd('V', 'U', n, work_a.data(), n, work_w.data(), work.data(), static_cast<lp::lint>(work.size()),
                    iwork.data(), static_cast<lp::lint>(iwork.size()), &info_l);
          if (info_l != 0) std::exit(4);
        }
      });
  std::printf("eigh %s %lld %d %.6f %.6f %.3f - %.6f %.6f\n", dtype, static_cast<long long>(batch), n, eigh.ours,
              eigh.direct, eigh.ours / eigh.direct, eigh.direct_single, eigh.direct_threaded);

  // ---- QR refresh (one step) --------------------------------------------------------------------------------------
  std::vector<T> y(nn), tau(n), bmat(nn), y2(nn);
  T q1 = 0, q2 = 0;
  lp::geqrf(n, n, y.data(), n, tau.data(), &q1, -1, &info_l);
  lp::orgqr(n, n, n, y.data(), n, tau.data(), &q2, -1, &info_l);
  std::vector<T> qr_work(static_cast<size_t>(std::max(q1, q2)));
  const lp::lint lwork = static_cast<lp::lint>(qr_work.size());
  double qr_only = 1e300;
  const Paired qr = paired_fastest(
      repeats,
      [&] {
        if (our_refresh(a.data(), q.data(), batch, n, qo.data(), rayleigh.data(), off.data()) != EB_OK) std::exit(5);
      },
      [&] {
        double qr_seconds = 0;
        for (int64_t b = 0; b < batch; ++b) {
          // q is read as column-major here: the same work on other numbers of the same kind.
          symm_colmajor(n, a.data() + b * nn, q.data() + b * nn, y.data());
          const auto start = std::chrono::steady_clock::now();
          lp::geqrf(n, n, y.data(), n, tau.data(), qr_work.data(), lwork, &info_l);
          lp::orgqr(n, n, n, y.data(), n, tau.data(), qr_work.data(), lwork, &info_l);
          qr_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          symm_colmajor(n, a.data() + b * nn, y.data(), y2.data());
          gemm_tn_colmajor(n, y.data(), y2.data(), bmat.data());
        }
        qr_only = std::min(qr_only, qr_seconds);
      });
  std::printf("qr %s %lld %d %.6f %.6f %.3f %.6f %.6f %.6f\n", dtype, static_cast<long long>(batch), n, qr.ours,
              qr.direct, qr.ours / qr.direct, qr_only, qr.direct_single, qr.direct_threaded);
  std::fflush(stdout);
}

// The preconditioner products on one large block, for choosing how a block is spread over the workers: run once
// as is (row panels over the batch workers) and once with EB_CPU_PRECOND_LARGE=openblas (OpenBLAS threaded).
void run_precond(int rows, int cols, int repeats) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<float> x(static_cast<size_t>(rows) * cols), fl(static_cast<size_t>(rows) * rows),
      fr(static_cast<size_t>(cols) * cols), out(x.size());
  for (auto& e : x) e = static_cast<float>(normal(rng));
  for (auto& e : fl) e = static_cast<float>(normal(rng));
  for (auto& e : fr) e = static_cast<float>(normal(rng));
  const char* mode = std::getenv("EB_CPU_PRECOND_LARGE");
  mode = mode == nullptr ? "tiles" : mode;
  const double acc = fastest_seconds(repeats, [&] {
    eb_cpu_factor_accumulate_f32(x.data(), 1, rows, cols, 1, 0.9, 0.1, fl.data());
    eb_cpu_factor_accumulate_f32(x.data(), 1, rows, cols, 0, 0.9, 0.1, fr.data());
  });
  const double rot = fastest_seconds(repeats, [&] {
    eb_cpu_rotate_f32(fl.data(), 1, x.data(), fr.data(), 0, 1, rows, cols, out.data());
  });
  std::printf("precond %s f32 1 %dx%d accumulate_both_sides %.6f rotate_two_sided %.6f\n", mode, rows, cols, acc, rot);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 5;
  std::vector<std::string> cases;
  for (int i = 2; i < argc; ++i) cases.emplace_back(argv[i]);
  if (cases.empty()) cases = {"1:1024", "1:256", "64:256"};
  eb_cpu_threads();  // start our pool first: it sets OpenBLAS to one thread, as in a JVM using the library
  std::printf("# path dtype B n ours_s direct_s ratio qr_only_s direct_one_thread_s direct_all_cores_s (threads %d)\n",
              eb_cpu_threads());
  for (const std::string& c : cases) {
    if (c.rfind("precond:", 0) == 0) {  // precond:ROWSxCOLS
      const int rows = std::atoi(c.c_str() + 8);
      run_precond(rows, std::atoi(c.c_str() + c.find('x') + 1), repeats);
      continue;
    }
    const long long batch = std::atoll(c.c_str());
    const int n = std::atoi(c.c_str() + c.find(':') + 1);
    run<float>(batch, n, repeats, "f32");
    run<double>(batch, n, repeats, "f64");
  }
  return 0;
}
