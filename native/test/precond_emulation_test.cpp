// Host emulation of the cuda preconditioner's per-element arithmetic (native/src/cuda/precond_device.hpp, compiled
// here by g++ with -ffp-contract=off, as nvcc compiles precond.cu with --fmad=false): each entry is compared
// bitwise with the reference's formulas written out plainly (ReferencePreconditioner: every value in double,
// rounded once when stored), for f64 and f32, with and without a first moment, out aliasing g, the AdaGrad and
// root exponents, and the factor combination with NaN where it must not be read. Silent on success; prints each
// failure and exits 1.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "../src/cuda/precond_device.hpp"

namespace pc = eigenbasis::precond;

namespace {

int failures = 0;

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0 || (std::isnan(a) && std::isnan(b));
}

template <class T>
void expect_bits(const char* what, long index, T got, T want) {
  if (!same_bits(got, want)) {
    std::printf("FAIL %s [%ld]: got %.17g, want %.17g\n", what, index, static_cast<double>(got),
                static_cast<double>(want));
    ++failures;
  }
}

struct Case {
  const char* name;
  double beta1, beta2, gamma, exponent, eps;
  bool has_m;
};

const Case kCases[] = {
    {"adam", 0.9, 0.999, 1 - 0.999, 0.5, 1e-8, true},
    {"soap betas", 0.95, 0.95, 1 - 0.95, 0.5, 1e-8, true},
    {"rmsprop (no m)", 0, 0.99, 0.01, 0.5, 1e-10, false},
    {"adagrad sum", 0.9, 1, 1, 0.5, 1e-12, true},
    {"shampoo quarter root", 0.9, 0.999, 0.001, 0.25, 1e-6, true},
    {"exponent one", 0.5, 0.9, 0.1, 1, 1e-3, false},
    {"eps zero", 0.9, 0.999, 0.001, 0.5, 0, true},
};

// The reference's loop body, verbatim in spirit: double throughout.
void reference_entry(double g, bool has_m, double& m, double& v, double& out, const Case& c) {
  double mi = g;
  if (has_m) {
    mi = c.beta1 * m + (1 - c.beta1) * g;
    m = mi;
  }
  double vi = c.beta2 * v + c.gamma * (g * g);
  v = vi;
  double root = c.exponent == 0.5 ? std::sqrt(vi) : std::pow(vi, c.exponent);
  out = mi / (root + c.eps);
}

template <class T>
std::vector<T> values(std::mt19937_64& rng, size_t n, double scale, bool positive) {
  std::normal_distribution<double> normal(0, scale);
  std::vector<T> x(n);
  for (auto& e : x) e = static_cast<T>(positive ? std::fabs(normal(rng)) : normal(rng));
  return x;
}

template <class T>
void diagonal_cases(const char* dtype) {
  std::mt19937_64 rng(20261128);
  const size_t n = 4099;
  for (const Case& c : kCases) {
    for (bool alias : {false, true}) {
      std::vector<T> g = values<T>(rng, n, 1e-2, false);
      std::vector<T> m = values<T>(rng, n, 1e-2, false);
      std::vector<T> v = values<T>(rng, n, 1e-4, true);
      // Edge entries: zero gradient and moment (0 / eps, or NaN at eps = 0), tiny and huge gradients, infinity.
      g[0] = 0; v[0] = 0; m[0] = 0;
      g[1] = static_cast<T>(1e-30); g[2] = static_cast<T>(1e15); g[3] = std::numeric_limits<T>::infinity();
      const std::vector<T> g0 = g, m0 = m, v0 = v;
      std::vector<T> separate(n);
      T* out = alias ? g.data() : separate.data();
      const pc::DiagonalParams p{c.beta1, c.beta2, c.gamma, c.exponent, c.eps};
      // The device walks the entries in an order of its choosing: go backwards to show the order does not matter.
      for (long i = static_cast<long>(n) - 1; i >= 0; --i) {
        pc::diagonal_update_at<T>(i, g.data(), c.has_m ? m.data() : nullptr, v.data(), out, p);
      }
      char what[160];
      for (size_t i = 0; i < n; ++i) {
        double mi = m0[i], vi = v0[i], oi = 0;
        reference_entry(static_cast<double>(g0[i]), c.has_m, mi, vi, oi, c);
        std::snprintf(what, sizeof what, "%s diagonal %s%s out", dtype, c.name, alias ? " (out = g)" : "");
        expect_bits(what, static_cast<long>(i), out[i], static_cast<T>(oi));
        std::snprintf(what, sizeof what, "%s diagonal %s v", dtype, c.name);
        expect_bits(what, static_cast<long>(i), v[i], static_cast<T>(vi));
        std::snprintf(what, sizeof what, "%s diagonal %s m", dtype, c.name);
        expect_bits(what, static_cast<long>(i), m[i], c.has_m ? static_cast<T>(mi) : m0[i]);
      }
    }
  }
}

// Shows that the bitwise comparison would see a fused multiply-add: contracting β2·v + γ·g² changes some results.
void contraction_would_be_seen() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0, 1);
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    const double g = normal(rng), v = std::fabs(normal(rng));
    const pc::DiagonalEntry e = pc::diagonal_entry(g, false, 0, v, {0, 0.999, 0.001, 0.5, 1e-8});
    if (e.v != std::fma(0.001, g * g, 0.999 * v)) ++differ;
  }
  if (differ == 0) {
    std::printf("FAIL contraction check: no entry differs from the fused form, so the bitwise test proves nothing\n");
    ++failures;
  }
}

template <class T>
void factor_cases(const char* dtype) {
  std::mt19937_64 rng(42);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int k : {1, 2, 3, 7, 33}) {
    for (double beta : {0.0, 0.95, 1.0}) {
      const int batch = 3;
      const size_t kk = static_cast<size_t>(k) * k;
      std::vector<T> s = values<T>(rng, batch * kk, 1, false);
      std::vector<T> f = values<T>(rng, batch * kk, 1, false);
      for (int b = 0; b < batch; ++b) {
        for (int i = 0; i < k; ++i) {
          for (int j = i + 1; j < k; ++j) {
            s[b * kk + i * k + j] = static_cast<T>(nan);  // the strict upper triangles are never read
            f[b * kk + i * k + j] = static_cast<T>(nan);
          }
          if (beta == 0) f[b * kk + i * k + i] = static_cast<T>(nan);  // not read when beta = 0
        }
      }
      const std::vector<T> f0 = f;
      const double alpha = 0.05;
      for (long t = static_cast<long>(batch * kk) - 1; t >= 0; --t) {
        pc::combine_factor_at<T>(t, s.data(), f.data(), k, beta, alpha);
      }
      char what[120];
      std::snprintf(what, sizeof what, "%s factor k=%d beta=%g", dtype, k, beta);
      for (int b = 0; b < batch; ++b) {
        for (int i = 0; i < k; ++i) {
          for (int j = 0; j < k; ++j) {
            const int lo = i >= j ? i : j, hi = i >= j ? j : i;  // (lo, hi) is in the lower triangle
            const size_t l = b * kk + lo * k + hi;
            const double old = beta == 0 ? 0 : beta * static_cast<double>(f0[l]);
            const T want = static_cast<T>(old + alpha * static_cast<double>(s[l]));
            expect_bits(what, static_cast<long>(b * kk + i * k + j), f[b * kk + i * k + j], want);
          }
        }
      }
    }
  }
}

}  // namespace

int main() {
  diagonal_cases<double>("f64");
  diagonal_cases<float>("f32");
  contraction_would_be_seen();
  factor_cases<double>("f64");
  factor_cases<float>("f32");
  if (failures > 0) {
    std::printf("%d failure(s)\n", failures);
    return 1;
  }
  return 0;
}
