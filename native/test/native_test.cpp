// Native self-test of the CPU kernels (run by ctest and by the Maven build): every algorithm on random, graded
// and degenerate matrices, checked by residual, orthogonality, ordering and the sign rule. The full contract
// suite lives in Java; this catches a broken kernel before the JNI layer is involved.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../src/cuda/jacobi_batched.hpp"

namespace {

int failures = 0;

template <class T>
double check(const std::vector<T>& a, int64_t batch, int n, int algorithm, const char* label) {
  std::vector<T> w(batch * n), v(batch * n * n);
  std::vector<int32_t> info(batch);
  int32_t status;
  if constexpr (sizeof(T) == 8)
    status = eb_cpu_eigh_f64(a.data(), batch, n, w.data(), v.data(), info.data(), algorithm, 0);
  else
    status = eb_cpu_eigh_f32(a.data(), batch, n, w.data(), v.data(), info.data(), algorithm, 0);
  const double eps = sizeof(T) == 8 ? 2.220446049250313e-16 : 1.1920929e-07;
  double worst = 0.0;
  if (status != EB_OK) {
    std::printf("FAIL %s n=%d algorithm=%d: status %d\n", label, n, algorithm, status);
    ++failures;
    return INFINITY;
  }
  for (int64_t b = 0; b < batch; ++b) {
    const T* A = a.data() + b * n * n;
    const T* W = w.data() + b * n;
    const T* V = v.data() + b * n * n;
    double anorm = 0.0, res = 0.0, orth = 0.0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        double aij = i >= j ? A[i * n + j] : A[j * n + i];
        anorm += aij * aij;
      }
    anorm = std::sqrt(anorm);
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < n; ++k) {
        double av = 0.0;
        for (int j = 0; j < n; ++j) av += (i >= j ? A[i * n + j] : A[j * n + i]) * static_cast<double>(V[j * n + k]);
        double r = av - static_cast<double>(V[i * n + k]) * W[k];
        res += r * r;
      }
    res = anorm > 0 ? std::sqrt(res) / anorm : std::sqrt(res);
    for (int p = 0; p < n; ++p)
      for (int q = 0; q < n; ++q) {
        double s = 0.0;
        for (int i = 0; i < n; ++i) s += static_cast<double>(V[i * n + p]) * V[i * n + q];
        orth = std::fmax(orth, std::fabs(s - (p == q ? 1.0 : 0.0)));
      }
    for (int k = 1; k < n; ++k)
      if (W[k] < W[k - 1]) {
        std::printf("FAIL %s n=%d algorithm=%d: eigenvalues not ascending\n", label, n, algorithm);
        ++failures;
      }
    double bound = 30.0 * std::fmax(n, 1) * eps;
    if (!(res <= bound) || !(orth <= bound)) {
      std::printf("FAIL %s n=%d algorithm=%d batch=%lld: residual %.3g orthogonality %.3g bound %.3g\n", label, n,
                  algorithm, static_cast<long long>(b), res, orth, bound);
      ++failures;
    }
    worst = std::fmax(worst, std::fmax(res, orth) / eps / std::fmax(n, 1));
  }
  return worst;
}

template <class T>
std::vector<T> random_symmetric(int64_t batch, int n, std::mt19937_64& rng, double scale) {
  std::normal_distribution<double> normal;
  std::vector<T> a(batch * n * n);
  for (int64_t b = 0; b < batch; ++b)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j) {
        T x = static_cast<T>(normal(rng) * scale);
        a[b * n * n + i * n + j] = x;
        a[b * n * n + j * n + i] = x;
      }
  return a;
}


// Host emulation of the CUDA Jacobi kernel: the same phase functions, run item by item, one matrix at a time.
// Checks the round-robin schedule, the block updates, the sort and the sign rule on machines without a GPU.
template <class T>
int emulate_cuda_jacobi(const T* g, int n, T* w, T* v, int max_sweeps) {
  using namespace eigenbasis;
  const int m = n + (n & 1), h = m / 2;
  std::vector<unsigned char> shared(jacobi::slot_bytes(m, sizeof(T)) + 16);
  jacobi::Slot<T> slot = jacobi::slot_at<T>(shared.data(), m);
  T max_abs = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) max_abs = std::fmax(max_abs, std::fabs(g[i * n + j]));
  int exponent = 0;
  if (max_abs > 0) std::frexp(static_cast<double>(max_abs), &exponent);
  const T scale = max_abs > 0 ? static_cast<T>(std::ldexp(1.0, -exponent)) : T(1);
  for (int item = 0; item < m * m; ++item) jacobi::load_item(g, n, m, scale, slot, item);
  bool rotated = true;
  for (int sweep = 0; sweep < max_sweeps && rotated; ++sweep) {
    rotated = false;
    for (int r = 0; r < m - 1; ++r) {
      for (int k = 0; k < h; ++k) rotated |= jacobi::rotation_item(n, m, r, slot, k);
      for (int item = 0; item < h * h + m * h; ++item) jacobi::update_item(m, slot, item);
    }
  }
  if (rotated) return 1;
  for (int j = 0; j < n; ++j) jacobi::store_item(n, m, T(1) / scale, slot, w, v, j);
  return 0;
}

template <class T>
void check_cuda_emulation(int n, std::mt19937_64& rng) {
  const double eps = sizeof(T) == 8 ? 2.220446049250313e-16 : 1.1920929e-07;
  std::vector<T> a = random_symmetric<T>(1, n, rng, 1.0);
  std::vector<T> w(n), v(n * n);
  if (emulate_cuda_jacobi(a.data(), n, w.data(), v.data(), 50) != 0) {
    std::printf("FAIL cuda emulation n=%d: no convergence\n", n);
    ++failures;
    return;
  }
  double anorm = 0, res = 0, orth = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) anorm += static_cast<double>(a[i * n + j]) * a[i * n + j];
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) {
      double av = 0;
      for (int j = 0; j < n; ++j) av += static_cast<double>(a[i * n + j]) * v[j * n + k];
      const double r = av - static_cast<double>(v[i * n + k]) * w[k];
      res += r * r;
    }
  for (int p = 0; p < n; ++p)
    for (int q = 0; q < n; ++q) {
      double s = 0;
      for (int i = 0; i < n; ++i) s += static_cast<double>(v[i * n + p]) * v[i * n + q];
      orth = std::fmax(orth, std::fabs(s - (p == q ? 1.0 : 0.0)));
    }
  res = std::sqrt(res / std::fmax(anorm, 1e-300));
  bool sorted = true;
  for (int k = 1; k < n; ++k) sorted &= w[k - 1] <= w[k];
  const double bound = 30.0 * std::fmax(n, 1) * eps;
  if (!(res <= bound) || !(orth <= bound) || !sorted) {
    std::printf("FAIL cuda emulation n=%d: residual %.3g orthogonality %.3g sorted %d\n", n, res, orth, sorted);
    ++failures;
  }
}

}  // namespace

int main() {
  std::mt19937_64 rng(42);
  const int algorithms[] = {EB_EIGH_AUTO, EB_EIGH_JACOBI, EB_EIGH_TRIDIAG_QL, EB_EIGH_SYEVD, EB_EIGH_SYEVR};
  const int sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 100};
  double worst = 0.0;
  for (int algorithm : algorithms)
    for (int n : sizes) {
      if (algorithm == EB_EIGH_JACOBI && n > 65) continue;
      worst = std::fmax(worst, check(random_symmetric<double>(5, n, rng, 1.0), 5, n, algorithm, "f64 random"));
      worst = std::fmax(worst, check(random_symmetric<float>(5, n, rng, 1.0), 5, n, algorithm, "f32 random"));
      worst = std::fmax(worst, check(random_symmetric<double>(2, n, rng, 1e-150), 2, n, algorithm, "f64 tiny"));
      worst = std::fmax(worst, check(random_symmetric<double>(2, n, rng, 1e150), 2, n, algorithm, "f64 huge"));
      worst = std::fmax(worst, check(random_symmetric<float>(2, n, rng, 1e-30), 2, n, algorithm, "f32 tiny"));
      worst = std::fmax(worst, check(random_symmetric<float>(2, n, rng, 1e30), 2, n, algorithm, "f32 huge"));
    }
  // Identity and repeated eigenvalues: vectors are any orthonormal basis, the sign rule still applies.
  for (int algorithm : algorithms) {
    const int n = 12;
    std::vector<double> eye(n * n, 0.0);
    for (int i = 0; i < n; ++i) eye[i * n + i] = 1.0;
    check(eye, 1, n, algorithm, "identity");
  }
  for (int n : {1, 2, 3, 5, 8, 15, 16, 17, 31, 32, 33, 63, 64}) {
    check_cuda_emulation<double>(n, rng);
    check_cuda_emulation<float>(n, rng);
  }
  std::printf("native_test: worst error %.3g n eps, %d failure(s)\n", worst, failures);
  return failures == 0 ? 0 : 1;
}
