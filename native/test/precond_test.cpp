// Native test of the CPU preconditioner kernels (precond.cpp), run by ctest and by the Maven build: the edge cases
// at the C ABI (empty and 1 x 1 shapes, empty inner dimension, beta = 0 over NaN, every transpose and missing side,
// blocks large enough to be split over the workers, out = g, refused aliasing), each against a plain
// double-precision loop with a tolerance of 4 k eps times the same sum over absolute values (k the inner
// dimension), and the diagonal update bit for bit against the scalar formula. Also the refresh's two schedules.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "eigenbasis/eb_api.h"

namespace {

int failures = 0;

void fail(const char* what, const char* label, double detail) {
  std::printf("FAIL %s (%s): %.6g\n", what, label, detail);
  ++failures;
}

template <class T>
constexpr double eps() {
  return sizeof(T) == 8 ? 2.220446049250313e-16 : 1.1920929e-07;
}

template <class T>
std::vector<T> gaussian(size_t count, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<T> x(count);
  for (auto& e : x) e = static_cast<T>(normal(rng));
  return x;
}

template <class T>
int32_t accumulate(const T* x, int64_t batch, int rows, int cols, bool left, double beta, double alpha, T* f) {
  if constexpr (sizeof(T) == 8) return eb_cpu_factor_accumulate_f64(x, batch, rows, cols, left, beta, alpha, f);
  else return eb_cpu_factor_accumulate_f32(x, batch, rows, cols, left, beta, alpha, f);
}

template <class T>
int32_t rotate(const T* l, bool tl, const T* g, const T* r, bool tr, int64_t batch, int m, int n, T* out) {
  if constexpr (sizeof(T) == 8) return eb_cpu_rotate_f64(l, tl, g, r, tr, batch, m, n, out);
  else return eb_cpu_rotate_f32(l, tl, g, r, tr, batch, m, n, out);
}

template <class T>
int32_t diagonal(const T* g, T* m, T* v, T* out, int64_t count, double b1, double b2, double gamma, double p,
                 double e) {
  if constexpr (sizeof(T) == 8) return eb_cpu_diagonal_update_f64(g, m, v, out, count, b1, b2, gamma, p, e);
  else return eb_cpu_diagonal_update_f32(g, m, v, out, count, b1, b2, gamma, p, e);
}

template <class T>
void check_accumulate(int64_t batch, int rows, int cols, bool left, double beta, std::mt19937_64& rng,
                      const char* label) {
  const int k = left ? rows : cols, inner = left ? cols : rows;
  std::vector<T> x = gaussian<T>(static_cast<size_t>(batch) * rows * cols, rng);
  std::vector<T> f = gaussian<T>(static_cast<size_t>(batch) * k * k, rng);
  if (beta == 0 && k > 0) f[0] = f[static_cast<size_t>(k) * k - 1] = NAN;  // beta = 0: the old factor is not read
  std::vector<T> old = f;
  const double alpha = 0.25;
  const int32_t status = accumulate(x.data(), batch, rows, cols, left, beta, alpha, f.data());
  if (status != EB_OK) return fail("accumulate status", label, status);
  double worst = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const T* xb = x.data() + b * rows * cols;
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) {
        double s = 0, bound = 0;
        for (int c = 0; c < inner; ++c) {
          const double p = left ? double(xb[i * cols + c]) * xb[j * cols + c] : double(xb[c * cols + i]) * xb[c * cols + j];
          s += p;
          bound += std::fabs(p);
        }
        const int lo = std::max(i, j), hi = std::min(i, j);  // the old factor's lower triangle is what counts
        const double o = beta == 0 ? 0.0 : beta * double(old[b * k * k + lo * k + hi]);
        const double want = o + alpha * s;
        const double tol = 4 * (inner + 2) * eps<T>() * (std::fabs(o) + alpha * bound) + 1e-300;
        const double got = f[b * k * k + i * k + j];
        if (!(std::fabs(got - want) <= tol)) return fail("accumulate value", label, std::fabs(got - want) / tol);
        if (got != double(f[b * k * k + j * k + i])) return fail("accumulate symmetry", label, i * k + j);
        worst = std::max(worst, std::fabs(got - want) / tol);
      }
  }
}

template <class T>
void check_rotate(int64_t batch, int m, int n, bool has_l, bool tl, bool has_r, bool tr, std::mt19937_64& rng,
                  const char* label) {
  std::vector<T> l = gaussian<T>(static_cast<size_t>(batch) * m * m, rng), g = gaussian<T>(static_cast<size_t>(batch) * m * n, rng),
                 r = gaussian<T>(static_cast<size_t>(batch) * n * n, rng), out(static_cast<size_t>(batch) * m * n, T(7));
  const int32_t status = rotate(has_l ? l.data() : nullptr, tl, g.data(), has_r ? r.data() : nullptr, tr, batch, m, n,
                                out.data());
  if (status != EB_OK) return fail("rotate status", label, status);
  std::vector<double> y(static_cast<size_t>(m) * n), ya(y.size()), z(y.size()), za(y.size());
  for (int64_t b = 0; b < batch; ++b) {
    const T *lb = l.data() + b * m * m, *gb = g.data() + b * m * n, *rb = r.data() + b * n * n;
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double s = 0, a = 0;
        if (!has_l) s = gb[i * n + j], a = std::fabs(s);
        for (int p = 0; has_l && p < m; ++p) {
          const double t = double(tl ? lb[p * m + i] : lb[i * m + p]) * gb[p * n + j];
          s += t;
          a += std::fabs(t);
        }
        y[i * n + j] = s;
        ya[i * n + j] = a;
      }
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double s = 0, a = 0;
        if (!has_r) s = y[i * n + j], a = ya[i * n + j];
        for (int p = 0; has_r && p < n; ++p) {
          const double rv = tr ? rb[j * n + p] : rb[p * n + j];
          s += y[i * n + p] * rv;
          a += ya[i * n + p] * std::fabs(rv);
        }
        const double tol = 4 * (m + n + 2) * eps<T>() * a + 1e-300;
        const double got = out[b * m * n + i * n + j];
        if (!(std::fabs(got - s) <= tol)) return fail("rotate value", label, std::fabs(got - s) / tol);
      }
  }
}

template <class T>
void check_diagonal(int64_t count, bool with_m, bool in_place, double b2, double gamma, double p,
                    std::mt19937_64& rng, const char* label) {
  std::vector<T> g = gaussian<T>(count, rng), m = gaussian<T>(count, rng), v = gaussian<T>(count, rng);
  for (auto& e : v) e = std::fabs(e);
  std::vector<T> g0 = g, m0 = m, v0 = v, out(count);
  const double b1 = 0.9, e = 1e-8;
  const int32_t status = diagonal(g.data(), with_m ? m.data() : nullptr, v.data(), in_place ? g.data() : out.data(),
                                  count, b1, b2, gamma, p, e);
  if (status != EB_OK) return fail("diagonal status", label, status);
  const T* got = in_place ? g.data() : out.data();
  for (int64_t i = 0; i < count; ++i) {
    const double gi = g0[i];
    const double mi = with_m ? b1 * double(m0[i]) + (1 - b1) * gi : gi;
    const double vi = b2 * double(v0[i]) + gamma * (gi * gi);
    const double root = p == 0.5 ? std::sqrt(vi) : std::pow(vi, p);
    const T want = static_cast<T>(mi / (root + e));
    if (static_cast<T>(vi) != v[i] || (with_m && static_cast<T>(mi) != m[i]))
      return fail("diagonal moments not bitwise", label, static_cast<double>(i));
    if (want != got[i]) return fail("diagonal output not bitwise", label, static_cast<double>(i));
  }
}

template <class T>
void run_all(std::mt19937_64& rng, const char* dtype) {
  char label[128];
  const int shapes[][3] = {{1, 1, 1}, {3, 1, 1}, {2, 2, 3}, {3, 5, 2}, {1, 7, 9}, {4, 17, 33}, {2, 3, 0},
                           {2, 0, 3}, {1, 300, 200}, {1, 160, 520}};
  for (const auto& s : shapes)
    for (bool left : {true, false})
      for (double beta : {0.0, 0.95}) {
        std::snprintf(label, sizeof label, "%s B=%d %dx%d left=%d beta=%g", dtype, s[0], s[1], s[2], left, beta);
        check_accumulate<T>(s[0], s[1], s[2], left, beta, rng, label);
      }
  for (const auto& s : shapes)
    for (int mask = 0; mask < 16; ++mask) {
      const bool has_l = mask & 1, tl = mask & 2, has_r = mask & 4, tr = mask & 8;
      if ((!has_l && tl) || (!has_r && tr)) continue;
      std::snprintf(label, sizeof label, "%s B=%d %dx%d L=%d%s R=%d%s", dtype, s[0], s[1], s[2], has_l, tl ? "T" : "",
                    has_r, tr ? "T" : "");
      check_rotate<T>(s[0], s[1], s[2], has_l, tl, has_r, tr, rng, label);
    }
  for (int64_t count : {int64_t(0), int64_t(1), int64_t(17), int64_t(100003)})
    for (bool with_m : {true, false})
      for (bool in_place : {true, false}) {
        std::snprintf(label, sizeof label, "%s count=%lld m=%d in_place=%d", dtype, static_cast<long long>(count),
                      with_m, in_place);
        check_diagonal<T>(count, with_m, in_place, 0.999, 0.001, 0.5, rng, label);
        check_diagonal<T>(count, with_m, in_place, 1.0, 1.0, 0.5, rng, label);  // AdaGrad: a running sum
        check_diagonal<T>(count, with_m, in_place, 0.99, 0.01, 0.25, rng, label);  // pow: same libm on both sides
      }
}

// The refresh's two schedules (refresh.cpp): one large matrix with OpenBLAS threaded, and a batch over the workers
// with OpenBLAS at one thread, give the same orthonormal Q (to rounding); zero steps return Q bit for bit.
void check_refresh_schedules(std::mt19937_64& rng) {
  const int n = 256;
  const size_t nn = static_cast<size_t>(n) * n;
  std::vector<double> a = gaussian<double>(4 * nn, rng), q = gaussian<double>(4 * nn, rng);
  for (int b = 1; b < 4; ++b) {  // the batch repeats matrix 0
    std::copy(a.begin(), a.begin() + nn, a.begin() + b * nn);
    std::copy(q.begin(), q.begin() + nn, q.begin() + b * nn);
  }
  std::vector<double> one(nn), batch(4 * nn), r1(n), r4(4 * n), off1(1), off4(4);
  if (eb_cpu_refresh_f64(a.data(), q.data(), 1, n, 2, one.data(), r1.data(), off1.data()) != EB_OK ||
      eb_cpu_refresh_f64(a.data(), q.data(), 4, n, 2, batch.data(), r4.data(), off4.data()) != EB_OK)
    return fail("refresh status", "schedules", 0);
  double diff = 0, orth = 0;
  for (size_t i = 0; i < nn; ++i) diff = std::max(diff, std::fabs(one[i] - batch[3 * nn + i]));
  for (int p = 0; p < n; p += 17)
    for (int c = 0; c < n; ++c) {
      double dot = 0;
      for (int r = 0; r < n; ++r) dot += one[r * n + p] * one[r * n + c];
      orth = std::max(orth, std::fabs(dot - (p == c ? 1.0 : 0.0)));
    }
  const double tol = 1e3 * n * eps<double>();  // Q of a random start: conditioning of qr(A Q) enters
  if (!(diff <= tol)) fail("refresh schedules differ", "1 x 256 vs 4 x 256", diff);
  if (!(orth <= 30 * n * eps<double>())) fail("refresh Q not orthonormal", "1 x 256", orth);
  if (!(std::fabs(off1[0] - off4[3]) <= tol)) fail("refresh off-diagonal ratios differ", "schedules", off1[0] - off4[3]);
  if (eb_cpu_refresh_f64(a.data(), q.data(), 1, n, 0, one.data(), r1.data(), off1.data()) != EB_OK ||
      std::memcmp(one.data(), q.data(), sizeof(double) * nn) != 0)
    fail("refresh with zero steps changed Q", "1 x 256", 0);
}

void check_refusals() {
  double a[4] = {1, 2, 3, 4}, b[4] = {0}, c[4] = {0};
  const struct {
    const char* what;
    int32_t status;
  } cases[] = {
      {"negative batch", eb_cpu_factor_accumulate_f64(a, -1, 2, 2, 1, 0, 1, b)},
      {"negative rows", eb_cpu_factor_accumulate_f64(a, 1, -2, 2, 1, 0, 1, b)},
      {"null factor", eb_cpu_factor_accumulate_f64(a, 1, 2, 2, 1, 0, 1, nullptr)},
      {"rotate out = g", eb_cpu_rotate_f64(a, 0, b, nullptr, 0, 1, 2, 2, b)},
      {"rotate out = left", eb_cpu_rotate_f64(b, 0, a, nullptr, 0, 1, 2, 2, b)},
      {"rotate negative n", eb_cpu_rotate_f64(nullptr, 0, a, nullptr, 0, 1, 2, -2, b)},
      {"diagonal m = v", eb_cpu_diagonal_update_f64(a, b, b, c, 4, 0.9, 0.99, 0.01, 0.5, 1e-8)},
      {"diagonal v = g", eb_cpu_diagonal_update_f64(a, b, a, c, 4, 0.9, 0.99, 0.01, 0.5, 1e-8)},
      {"diagonal v = out", eb_cpu_diagonal_update_f64(a, b, c, c, 4, 0.9, 0.99, 0.01, 0.5, 1e-8)},
      {"diagonal negative count", eb_cpu_diagonal_update_f64(a, b, c, a, -4, 0.9, 0.99, 0.01, 0.5, 1e-8)},
  };
  for (const auto& c0 : cases)
    if (c0.status != EB_ERR_ARGUMENT) fail("not refused", c0.what, c0.status);
  if (b[0] != 0 || c[0] != 0) fail("a refused call wrote its output", "refusals", b[0] + c[0]);
  // Empty work is success and writes nothing.
  if (eb_cpu_factor_accumulate_f64(nullptr, 0, 3, 3, 1, 0, 1, nullptr) != EB_OK) fail("batch 0", "accumulate", 0);
  if (eb_cpu_rotate_f32(nullptr, 0, nullptr, nullptr, 0, 5, 0, 3, nullptr) != EB_OK) fail("m = 0", "rotate", 0);
}

}  // namespace

int main() {
  std::mt19937_64 rng(20261129);
  run_all<double>(rng, "f64");
  run_all<float>(rng, "f32");
  // Blocks split into panels over 1, 2 and 3 workers give the same results (within rounding).
  for (int threads : {1, 3, 0}) {
    eb_cpu_set_threads(threads);
    check_accumulate<double>(1, 257, 190, true, 0.5, rng, "split f64 left");
    check_rotate<float>(1, 211, 190, true, true, true, false, rng, "split f32 rotate");
  }
  check_refresh_schedules(rng);
  check_refusals();
  if (failures == 0) std::printf("precond_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
