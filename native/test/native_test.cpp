// Native self-test of the CPU kernels (run by ctest and by the Maven build): every algorithm on random, graded
// and degenerate matrices, checked by residual, orthogonality, ordering and the sign rule. The full contract
// suite lives in Java; this catches a broken kernel before the JNI layer is involved.
#include <cmath>
#include <limits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <random>
#include <vector>

#include <cblas.h>

#include "eigenbasis/eb_api.h"
#include "../src/cuda/jacobi_batched.hpp"
#include "../src/cpu/band_reduce.hpp"
#include "../src/cpu/batch_pool.hpp"
#include "../src/cpu/bulge_chase.hpp"
#include "../src/cpu/det_math.hpp"
#include "../src/cpu/eigh_two_stage.hpp"
#include "../src/cpu/isa_dispatch.hpp"
#include "../src/cpu/lapack.hpp"
#include "../src/cpu/philox.hpp"

namespace {

int failures = 0;

// LAPACK's test ratios (TESTING/EIG xSYT21), as org.eigenbasis.verify.Invariants computes them: residual
// ||A - V W V^T||_1 / (||A||_1 n ulp) and orthogonality ||V^T V - I||_1 / (n ulp), in double from the stored input.
struct Ratios {
  double residual;
  double orthogonality;
};

template <class T>
Ratios lapack_ratios(const T* A, const T* W, const T* V, int n, bool full_input) {
  const double ulp = sizeof(T) == 8 ? 2.220446049250313e-16 : 1.1920929e-07;
  auto a = [&](int i, int j) { return static_cast<double>(full_input || i >= j ? A[i * n + j] : A[j * n + i]); };
  double anorm = 0.0, rnorm = 0.0, onorm = 0.0;
  for (int j = 0; j < n; ++j) {
    double acol = 0.0, rcol = 0.0, ocol = 0.0;
    for (int i = 0; i < n; ++i) {
      double vwv = 0.0, vtv = 0.0;
      for (int k = 0; k < n; ++k) {
        vwv += static_cast<double>(V[i * n + k]) * W[k] * V[j * n + k];
        vtv += static_cast<double>(V[k * n + i]) * V[k * n + j];
      }
      acol += std::fabs(a(i, j));
      rcol += std::fabs(a(i, j) - vwv);
      ocol += std::fabs(vtv - (i == j ? 1.0 : 0.0));
    }
    anorm = std::fmax(anorm, acol);
    rnorm = std::fmax(rnorm, rcol);
    onorm = std::fmax(onorm, ocol);
  }
  const double unit = std::fmax(n, 1) * ulp;
  return {(anorm > 0 ? rnorm / anorm : rnorm) / unit, onorm / unit};
}

// The limits of org.eigenbasis.verify.Accuracy: TESTING/sep.in's threshold 60 for both ratios, and its
// "empirically reached limit" 170 for the orthogonality of MRRR (?syevr), which is weaker.
constexpr double kThreshold = 60.0;
constexpr double kMrrrOrthogonality = 170.0;

template <class T>
double check(const std::vector<T>& a, int64_t batch, int n, int algorithm, const char* label) {
  std::vector<T> w(batch * n), v(batch * n * n);
  std::vector<int32_t> info(batch);
  int32_t status;
  if constexpr (sizeof(T) == 8)
    status = eb_cpu_eigh_f64(a.data(), batch, n, w.data(), v.data(), info.data(), algorithm, 0);
  else
    status = eb_cpu_eigh_f32(a.data(), batch, n, w.data(), v.data(), info.data(), algorithm, 0);
  double worst = 0.0;
  if (status != EB_OK) {
    std::printf("FAIL %s n=%d algorithm=%d: status %d\n", label, n, algorithm, status);
    ++failures;
    return INFINITY;
  }
  const double orth_limit = algorithm == EB_EIGH_SYEVR ? kMrrrOrthogonality : kThreshold;
  for (int64_t b = 0; b < batch; ++b) {
    const T* W = w.data() + b * n;
    const Ratios r = lapack_ratios(a.data() + b * n * n, W, v.data() + b * n * n, n, false);
    for (int k = 1; k < n; ++k)
      if (W[k] < W[k - 1]) {
        std::printf("FAIL %s n=%d algorithm=%d: eigenvalues not ascending\n", label, n, algorithm);
        ++failures;
      }
    if (!(r.residual <= kThreshold) || !(r.orthogonality <= orth_limit)) {
      std::printf("FAIL %s n=%d algorithm=%d batch=%lld: residual ratio %.3g (limit %.0f), orthogonality ratio %.3g"
                  " (limit %.0f)\n", label, n, algorithm, static_cast<long long>(b), r.residual, kThreshold,
                  r.orthogonality, orth_limit);
      ++failures;
    }
    worst = std::fmax(worst, std::fmax(r.residual, r.orthogonality));
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
  std::vector<T> a = random_symmetric<T>(1, n, rng, 1.0);
  std::vector<T> w(n), v(n * n);
  if (emulate_cuda_jacobi(a.data(), n, w.data(), v.data(), 50) != 0) {
    std::printf("FAIL cuda emulation n=%d: no convergence\n", n);
    ++failures;
    return;
  }
  const Ratios r = lapack_ratios(a.data(), w.data(), v.data(), n, true);
  bool sorted = true;
  for (int k = 1; k < n; ++k) sorted &= w[k - 1] <= w[k];
  if (!(r.residual <= kThreshold) || !(r.orthogonality <= kThreshold) || !sorted) {
    std::printf("FAIL cuda emulation n=%d: residual ratio %.3g orthogonality ratio %.3g (limit %.0f) sorted %d\n", n,
                r.residual, r.orthogonality, kThreshold, sorted);
    ++failures;
  }
}


// ---- reset simulator: Philox known answers, det_math accuracy, the simulator kernel's argument checks ----------

/** The uniforms of block `b` of counter (b, trajectory) under `key`, by the scalar block(). */
void block_uniforms(uint64_t b, uint64_t trajectory, const uint32_t key[2], double& u0, double& u1) {
  const uint32_t c[4] = {static_cast<uint32_t>(b), static_cast<uint32_t>(b >> 32), static_cast<uint32_t>(trajectory),
                         static_cast<uint32_t>(trajectory >> 32)};
  uint32_t w[4];
  eigenbasis::philox::block(c, key, w);
  u0 = eigenbasis::philox::to_uniform((static_cast<uint64_t>(w[1]) << 32) | w[0]);
  u1 = eigenbasis::philox::to_uniform((static_cast<uint64_t>(w[3]) << 32) | w[2]);
}

/** Every width of philox.hpp's rounds (scalar, AVX2, AVX-512 where the CPU has it) gives block()'s numbers. */
void check_philox_widths() {
  namespace px = eigenbasis::philox;
  const uint32_t key[2] = {0x9abcdef0u, 0x12345678u};
  // per-lane counters, some with high words set, as the lane path's long trajectories and large indices have
  uint64_t blk[16], traj[16];
  for (int l = 0; l < 16; ++l) {
    blk[l] = (l % 3 == 0 ? (static_cast<uint64_t>(l) << 32) : 0) + 7 * static_cast<uint64_t>(l);
    traj[l] = (l % 5 == 0 ? (uint64_t{3} << 32) : 0) + 1000003 * static_cast<uint64_t>(l);
  }
  constexpr int nb = 3;
  double rows[3][2 * nb * 16];
  px::lane_blocks<16, px::PortableLanes, 1>(key[0], key[1], blk, traj, nb, rows[0]);
  px::lane_blocks<16, px::Lanes1, 1>(key[0], key[1], blk, traj, nb, rows[1]);
  const bool wide = eigenbasis::cpu_has_avx512();
  if (wide) px::lane_blocks16_avx512(key[0], key[1], blk, traj, nb, rows[2]);
  for (int j = 0; j < nb; ++j)
    for (int l = 0; l < 16; ++l) {
      double u0, u1;
      block_uniforms(blk[l] + static_cast<uint64_t>(j), traj[l], key, u0, u1);
      for (int w = 0; w < (wide ? 3 : 2); ++w)
        if (rows[w][(2 * j) * 16 + l] != u0 || rows[w][(2 * j + 1) * 16 + l] != u1) {
          std::printf("FAIL philox lane blocks (width %d) lane %d block %d\n", w, l, j);
          ++failures;
        }
    }
  const uint64_t first = (uint64_t{1} << 32) - 3;  // the block counter's high word changes inside the group
  double runs[3][16];
  for (int g = 0; g < 8; g += px::PortableLanes::kWidth)
    px::consecutive_blocks<px::PortableLanes>(first + g, 11, 1, key[0], key[1], runs[0] + 2 * g);
  for (int g = 0; g < 8; ++g) px::consecutive_blocks<px::Lanes1>(first + g, 11, 1, key[0], key[1], runs[1] + 2 * g);
  if (wide) px::consecutive_blocks8_avx512(first, 11, 1, key[0], key[1], runs[2]);
  for (int i = 0; i < 8; ++i) {
    double u0, u1;
    block_uniforms(first + i, (uint64_t{1} << 32) | 11, key, u0, u1);
    for (int w = 0; w < (wide ? 3 : 2); ++w)
      if (runs[w][2 * i] != u0 || runs[w][2 * i + 1] != u1) {
        std::printf("FAIL philox consecutive blocks (width %d) block %d\n", w, i);
        ++failures;
      }
  }
}

void check_philox() {
  struct Kat {
    uint32_t c[4], k[2], out[4];
  };
  // Random123 kat_vectors, philox4x32 with 10 rounds.
  const Kat kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}, {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
       {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}};
  for (const Kat& kat : kats) {
    uint32_t out[4];
    eigenbasis::philox::block(kat.c, kat.k, out);
    for (int i = 0; i < 4; ++i)
      if (out[i] != kat.out[i]) {
        std::printf("FAIL philox KAT word %d: %08x, expected %08x\n", i, out[i], kat.out[i]);
        ++failures;
      }
  }
  // The stream's buffered, vectorised refills (portable, and AVX-512 where the CPU has it) give the numbers of one
  // block at a time.
  for (const bool wide : {false, true}) {
    if (wide && !eigenbasis::cpu_has_avx512()) continue;
    eigenbasis::philox::Stream stream(0x0123456789abcdefULL, wide);
    stream.reset(5);
    for (uint64_t b = 0; b < 40; ++b) {
      const uint32_t c[4] = {static_cast<uint32_t>(b), 0, 5, 0}, k[2] = {0x89abcdefu, 0x01234567u};
      uint32_t w[4];
      eigenbasis::philox::block(c, k, w);
      const double u0 = eigenbasis::philox::to_uniform((static_cast<uint64_t>(w[1]) << 32) | w[0]);
      const double u1 = eigenbasis::philox::to_uniform((static_cast<uint64_t>(w[3]) << 32) | w[2]);
      const double expected0 = (static_cast<double>(((static_cast<uint64_t>(w[1]) << 32) | w[0]) >> 12) + 0.5) * 0x1p-52;
      if (stream.uniform() != u0 || stream.uniform() != u1 || u0 != expected0) {
        std::printf("FAIL philox stream block %llu (wide %d)\n", static_cast<unsigned long long>(b), wide ? 1 : 0);
        ++failures;
      }
    }
  }
  check_philox_widths();
  if (eigenbasis::philox::to_uniform(~0ULL) >= 1.0 || eigenbasis::philox::to_uniform(0) <= 0.0) {
    std::printf("FAIL philox uniforms leave (0, 1)\n");
    ++failures;
  }
}

int64_t ulps(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  if (a == b) return 0;
  int64_t x, y;
  std::memcpy(&x, &a, 8);
  std::memcpy(&y, &b, 8);
  x = x < 0 ? INT64_MIN - x : x;
  y = y < 0 ? INT64_MIN - y : y;
  return x > y ? x - y : y - x;
}

template <class F, class G>
void sweep(const char* name, F ours, G ref, double lo, double hi, bool log_scale, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int64_t worst = 0;
  double worst_at = 0;
  for (int i = 0; i < 200000; ++i) {
    const double t = unit(rng);
    const double x = log_scale ? std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo))) : lo + t * (hi - lo);
    const int64_t u = ulps(ours(x), ref(x));
    if (u > worst) {
      worst = u;
      worst_at = x;
    }
  }
  if (worst > 2) {
    std::printf("FAIL det_math %s: %lld ulp at %.17g\n", name, static_cast<long long>(worst), worst_at);
    ++failures;
  }
}

void check_det_math(std::mt19937_64& rng) {
  namespace dm = eigenbasis::detmath;
  auto e = [](double x) { return dm::exp(x); };
  auto em1 = [](double x) { return dm::expm1(x); };
  auto lg = [](double x) { return dm::log(x); };
  auto sexp = [](double x) { return std::exp(x); };
  auto sexpm1 = [](double x) { return std::expm1(x); };
  auto slog = [](double x) { return std::log(x); };
  sweep("exp", e, sexp, -745.1, 709.7, false, rng);
  sweep("exp small", e, sexp, -1, 1, false, rng);
  sweep("expm1", em1, sexpm1, -80, 709.7, false, rng);
  sweep("expm1 small", em1, sexpm1, -2, 2, false, rng);
  sweep("expm1 tiny", em1, sexpm1, 1e-300, 1, true, rng);
  sweep("em", [](double x) { return dm::em(x); }, [](double x) { return -std::expm1(-x); }, 1e-300, 800, true, rng);
  sweep("log", lg, slog, 1e-300, 1e300, true, rng);
  sweep("log near 1", lg, slog, 0.5, 2, false, rng);
  sweep("log subnormal", lg, slog, 4.9406564584124654e-324, 0x1p-1022, true, rng);
  const bool edges = dm::exp(-746) == 0 && std::isinf(dm::exp(710)) && dm::expm1(-60) == -1 &&
                     dm::log(1) == 0 && std::isinf(dm::log(0)) && dm::log(0) < 0 && std::isnan(dm::log(-1)) &&
                     std::isnan(dm::exp(NAN)) && dm::em(0) == 0 && dm::k_from_em(0, 0) == 1 &&
                     dm::g(0, 1) == 0.5 &&
                     // out of range, pow2 wraps as Java's (k + 1023) << 52 does: 2048 << 52 is Long.MIN_VALUE
                     dm::bits_of(dm::pow2(1025)) == INT64_MIN && dm::bits_of(dm::pow2(-1023)) == 0;
  if (!edges) {
    std::printf("FAIL det_math edge values\n");
    ++failures;
  }
}

/**
 * eb_cpu_reset_sim_range_f64: 100 trajectories (mean-only, P = 64, s = 2: 50 sub-blocks) cut at trajectory 40 and
 * merged block by block give eb_cpu_reset_sim_f64's sums bit for bit; misaligned ranges and short capacities are
 * refused.
 */
void check_reset_sim_range() {
  const double mu[2] = {0.5, 1.0}, a[2] = {1.0, -1.0}, rate = 1.0;
  double whole[12], totals[12] = {0}, centres[4], blocks[50 * 8];
  int64_t events = -1, range_events = 0, count = -1, ev = -1;
  bool ok = eb_cpu_reset_sim_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 2, 0.5, 3.0, 100, 9, EB_SIM_EXACT, 0, 0, whole,
                                 &events) == EB_OK &&
            eb_cpu_reset_sim_block_length(2, 0) == 8 && eb_cpu_reset_sim_block_length(2, 1) == 23 &&
            eb_cpu_reset_sim_range_blocks(2, 0, 100, 40, 60) == 30;
  const int64_t cuts[3] = {0, 40, 100};
  for (int r = 0; ok && r < 2; ++r) {
    ok = eb_cpu_reset_sim_range_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 2, 0.5, 3.0, 100, 9, EB_SIM_EXACT, 0, 0,
                                    cuts[r], cuts[r + 1] - cuts[r], blocks, 50, centres, &count, &ev) == EB_OK &&
         count == (cuts[r + 1] - cuts[r]) / 2;
    for (int64_t b = 0; ok && b < count; ++b)
      for (int i = 0; i < 8; ++i) totals[i] += blocks[b * 8 + i];
    range_events += ev;
  }
  ok = ok && range_events == events && std::memcmp(totals, whole, sizeof(double) * 8) == 0;
  const int32_t misaligned = eb_cpu_reset_sim_range_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 2, 0.5, 3.0, 100, 9,
                                                        EB_SIM_EXACT, 0, 0, 41, 59, blocks, 50, centres, &count, &ev);
  const int32_t short_capacity = eb_cpu_reset_sim_range_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 2, 0.5, 3.0, 100,
                                                            9, EB_SIM_EXACT, 0, 0, 0, 100, blocks, 49, centres,
                                                            &count, &ev);
  if (!ok || misaligned != EB_ERR_ARGUMENT || short_capacity != EB_ERR_ARGUMENT) {
    std::printf("FAIL reset_sim range: merged %s, misaligned %d, short capacity %d\n", ok ? "equal" : "different",
                misaligned, short_capacity);
    ++failures;
  }
}

void check_reset_sim_arguments() {
  const double mu[2] = {0.5, 1.0}, a[2] = {1.0, -1.0}, rate = 1.0, bad_rate[2] = {1.0, 2.0};
  double sums[64];
  int64_t events = -1;
  const int32_t ok = eb_cpu_reset_sim_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 2, 0.5, 1.0, 100, 1, EB_SIM_EXACT, 0,
                                          0, sums, &events);
  if (ok != EB_OK || events < 100 || eb_cpu_reset_sim_sums_length(2, 0) != 12 ||
      eb_cpu_reset_sim_sums_length(2, 1) != 32) {
    std::printf("FAIL reset_sim small run: status %d events %lld\n", ok, static_cast<long long>(events));
    ++failures;
  }
  const int32_t bad[] = {
      eb_cpu_reset_sim_f64(EB_LAW_EXPONENTIAL, bad_rate, 2, mu, a, 2, 0.5, 1.0, 10, 1, EB_SIM_EXACT, 0, 0, sums,
                           &events),
      eb_cpu_reset_sim_f64(9, &rate, 1, mu, a, 2, 0.5, 1.0, 10, 1, EB_SIM_EXACT, 0, 0, sums, &events),
      eb_cpu_reset_sim_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 0, 0.5, 1.0, 10, 1, EB_SIM_EXACT, 0, 0, sums, &events),
      eb_cpu_reset_sim_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 2, -0.5, 1.0, 10, 1, EB_SIM_EXACT, 0, 0, sums,
                           &events),
      eb_cpu_reset_sim_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 2, 0.5, 1.0, 10, 1, EB_SIM_EULER, 0, 0, sums, &events),
      eb_cpu_reset_sim_f64(EB_LAW_EXPONENTIAL, &rate, 1, mu, a, 2, 0.5, 1.0, 0, 1, EB_SIM_EXACT, 0, 0, sums, &events),
      eb_cpu_reset_sim_f64(EB_LAW_EXPONENTIAL, &rate, 1, nullptr, a, 2, 0.5, 1.0, 10, 1, EB_SIM_EXACT, 0, 0, sums,
                           &events)};
  for (int32_t status : bad)
    if (status != EB_ERR_ARGUMENT) {
      std::printf("FAIL reset_sim accepted a bad argument (status %d)\n", status);
      ++failures;
    }
}

// ---- the portable switch: every dispatch honours eb_cpu_set_portable, and the simulator's bits do not change -----

/** The simulator's sums for one configuration, with the portable paths forced or not. */
std::vector<double> reset_sums(bool portable, int law, const std::vector<double>& params, int d, int scheme, int cov) {
  eb_cpu_set_portable(portable ? 1 : 0);
  std::vector<double> mu(d), a(d), sums(static_cast<size_t>(eb_cpu_reset_sim_sums_length(d, cov)) + 1);
  for (int k = 0; k < d; ++k) {
    mu[k] = k == 0 ? 0.0 : 0.05 + 3.0 * k / d;
    a[k] = 1 - 0.37 * k;
  }
  int64_t events = 0;
  const int32_t status = eb_cpu_reset_sim_f64(law, params.data(), static_cast<int32_t>(params.size()), mu.data(),
                                              a.data(), d, 0.8, 2.5, 700, 11, scheme, 0.05, cov, sums.data(), &events);
  sums.back() = static_cast<double>(events);
  if (status != EB_OK) sums.assign(1, -1.0);
  return sums;
}

void check_portable_switch(std::mt19937_64& rng) {
  const int32_t initially = eb_cpu_portable();
  if (eb_cpu_set_portable(2) != EB_ERR_ARGUMENT || eb_cpu_set_portable(-1) != EB_ERR_ARGUMENT ||
      eb_cpu_portable() != initially) {
    std::printf("FAIL eb_cpu_set_portable accepted a value other than 0 or 1\n");
    ++failures;
  }
  char text[4096];
  eb_cpu_set_portable(1);
  eb_cpu_describe(text, sizeof text);
  if (eb_cpu_portable() != 1 || eigenbasis::use_avx512() ||
      std::strstr(text, "avx512_kernels=off (forced portable by") == nullptr) {
    std::printf("FAIL eb_cpu_set_portable(1) not in effect: %s\n", text);
    ++failures;
  }
  eb_cpu_set_portable(0);
  const char* env = std::getenv("EB_CPU_AVX512");
  const bool env_forces = env != nullptr && env[0] == '0';
  if (eb_cpu_portable() != (env_forces ? 1 : 0) ||
      eigenbasis::use_avx512() != (eigenbasis::cpu_has_avx512() && !env_forces)) {
    std::printf("FAIL eb_cpu_set_portable(0) not in effect\n");
    ++failures;
  }
  // the lane path (exp d = 1, 10; gamma d = 10 on AVX-512), the per-trajectory path (d = 30), covariance, Euler,
  // and a law with rejections: the same bits on both paths (where the CPU has AVX-512; else both are portable)
  struct Case {
    int law;
    std::vector<double> params;
    int d, scheme, cov;
  };
  const Case cases[] = {{EB_LAW_EXPONENTIAL, {1.5}, 1, EB_SIM_EXACT, 0},
                        {EB_LAW_EXPONENTIAL, {1.5}, 10, EB_SIM_EXACT, 0},
                        {EB_LAW_GAMMA, {2.5, 0.4}, 10, EB_SIM_EXACT, 0},
                        {EB_LAW_GAMMA, {0.6, 1.0}, 30, EB_SIM_EXACT, 0},
                        {EB_LAW_LOGNORMAL, {-0.5, 0.6}, 5, EB_SIM_EXACT, 1},
                        {EB_LAW_WEIBULL, {1.7, 0.9}, 4, EB_SIM_EULER, 1}};
  for (const Case& c : cases) {
    const std::vector<double> wide = reset_sums(false, c.law, c.params, c.d, c.scheme, c.cov);
    const std::vector<double> portable = reset_sums(true, c.law, c.params, c.d, c.scheme, c.cov);
    if (wide.size() < 2 || std::memcmp(wide.data(), portable.data(), sizeof(double) * wide.size()) != 0 ||
        wide.size() != portable.size()) {
      std::printf("FAIL reset_sim law %d d=%d scheme %d cov %d: the portable path's sums differ\n", c.law, c.d,
                  c.scheme, c.cov);
      ++failures;
    }
  }
  // eigh on the forced path, at sizes where the AVX-512 QL would be taken (n >= 48)
  eb_cpu_set_portable(1);
  for (int n : {48, 64, 65})
    check(random_symmetric<double>(3, n, rng, 1.0), 3, n, EB_EIGH_TRIDIAG_QL, "f64 random, portable forced");
  eb_cpu_set_portable(0);
}

}  // namespace

// The two-stage solver at band widths the default never picks (kd = 2, 3, 8 give many sweeps and levels per sweep
// at small n; kd >= n - 1 leaves nothing to chase; kd = 1 is the one-stage path), through the internal entry that takes kd, on random, block
// diagonal, diagonal and graded matrices (zero and tiny reflector tails): the LAPACK ratios,
// and the values-only path's eigenvalues against the vectors path's within the Weyl bound of both.
template <class T>
void check_two_stage_bandwidths(std::mt19937_64& rng) {
  const double ulp = sizeof(T) == 8 ? 2.220446049250313e-16 : 1.1920928955078125e-07;
  eigenbasis::parallel_chase_from = 0;  // the two-worker chase at every size here
  eigenbasis::chase_round_trip_limit_ns = 1 << 30;  // taking whole sweeps whatever the cores' placement
  eigenbasis::split_dc_from = 0;        // and the top-split divide and conquer (kd = 1 is the one-stage path)
  eigenbasis::own_one_stage_from = 0;   // and our one-stage reduction (kd = 1)
  const char* kinds[] = {"random", "block diagonal", "diagonal", "graded"};
  for (int kind = 0; kind < 4; ++kind)
  for (int n : {4, 17, 64, 65, 130, 200, 300}) {
    for (int kd : {1, 2, 3, 8, 32, 64, 300}) {
      if (kind > 0 && (n < 64 || n > 130)) continue;
      std::vector<T> a = random_symmetric<T>(1, n, rng, 1.0);
      // Zero and tiny reflector tails: the level kernels' ?larfg fallback (tau = 0, or squares below the normal
      // range: graded down to 1e-250 in f64, 1e-30 in f32, across the matrix).
      const double grade = std::pow(sizeof(T) == 8 ? 1e-250 : 1e-30, 1.0 / (2 * n));
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          T& x = a[static_cast<size_t>(i) * n + j];
          if ((kind == 1 && (i < n / 2) != (j < n / 2)) || (kind == 2 && i != j)) x = T(0);
          if (kind == 3) x = static_cast<T>(x * std::pow(grade, i + j));
        }
      std::vector<T> w(n), w_values(n), v(static_cast<size_t>(n) * n), w2(n), v2(static_cast<size_t>(n) * n);
      int error = 0;
      // threads = 2 runs the chase on two workers and the back-transformations in slabs on the pool; OpenBLAS
      // is held at one thread around each call so that only our parallel parts differ between the two runs.
      openblas_set_num_threads(1);
      const int status = eigenbasis::eigh_two_stage<T>(a.data(), n, w.data(), v.data(), kd, 1, &error);
      const int status_values = eigenbasis::eigh_two_stage<T>(a.data(), n, w_values.data(), nullptr, kd, 1, &error);
      const int status2 = eigenbasis::eigh_two_stage<T>(a.data(), n, w2.data(), v2.data(), kd, 2, &error);
      // and with the two chase workers splitting each sweep by rows (chase_split)
      std::vector<T> w3(n), v3(static_cast<size_t>(n) * n);
      eigenbasis::chase_split_sweeps = true;
      openblas_set_num_threads(1);  // the call before may have handed OpenBLAS back its threads (no AVX-512)
      const int status3 = eigenbasis::eigh_two_stage<T>(a.data(), n, w3.data(), v3.data(), kd, 2, &error);
      eigenbasis::chase_split_sweeps = false;
      openblas_set_num_threads(1);
      if (status != 0 || status_values != 0 || status2 != 0 || status3 != 0 || error != 0) {
        std::printf("FAIL two-stage n=%d kd=%d: status %d/%d/%d/%d, LAPACK error %d\n", n, kd, status, status_values,
                    status2, status3, error);
        ++failures;
        continue;
      }
      // Without AVX-512 the one-stage path's products run on OpenBLAS's threads, whose bits follow their count.
      const bool fixed_bits = kd > 1 || eigenbasis::use_avx512();
      if (fixed_bits && (std::memcmp(w.data(), w2.data(), sizeof(T) * n) != 0 ||
                         std::memcmp(v.data(), v2.data(), sizeof(T) * v.size()) != 0 ||
                         std::memcmp(w.data(), w3.data(), sizeof(T) * n) != 0 ||
                         std::memcmp(v.data(), v3.data(), sizeof(T) * v.size()) != 0)) {
        std::printf("FAIL two-stage n=%d kd=%d: 1 worker, 2 taking sweeps and 2 splitting them gave different bits\n",
                    n, kd);
        ++failures;
      }
      const Ratios r = lapack_ratios(a.data(), w.data(), v.data(), n, false);
      double anorm = 0.0, worst = 0.0;
      for (int j = 0; j < n; ++j) {
        double col = 0.0;
        for (int i = 0; i < n; ++i) col += std::fabs(static_cast<double>(a[static_cast<size_t>(i) * n + j]));
        anorm = std::fmax(anorm, col);
      }
      for (int i = 0; i < n; ++i) worst = std::fmax(worst, std::fabs(static_cast<double>(w[i]) - w_values[i]));
      const double weyl = 2 * (kThreshold + kThreshold) * n * ulp * anorm;
      if (!(r.residual <= kThreshold) || !(r.orthogonality <= kThreshold) || !(worst <= weyl)) {
        std::printf("FAIL two-stage %s %s n=%d kd=%d: residual %.3g, orthogonality %.3g, values-only difference %.3g"
                    " (bound %.3g)\n", sizeof(T) == 8 ? "f64" : "f32", kinds[kind], n, kd, r.residual, r.orthogonality,
                    worst, weyl);
        ++failures;
      }
    }
  }
  eigenbasis::parallel_chase_from = 256;
  eigenbasis::chase_round_trip_limit_ns = 300;
  eigenbasis::split_dc_from = 256;
  eigenbasis::own_one_stage_from = 768;
}

// The values path's bisection (tridiagonal_values_bisect) on adversarial tridiagonals: random, Wilkinson's W+ (close
// pairs), graded, a tight cluster, splits (zero off-diagonals), all equal, extreme scales. One and two workers bit for
// bit, ascending; each eigenvalue k bracketed by long-double Sturm counts (count(w_k - 8 eps ||T||) <= k <
// count(w_k + 8 eps ||T||)); and within 4 n eps ||T|| of ?sterf (both normwise backward stable; ?sterf itself is
// 77 eps ||T|| off on W+ at n = 1500, so the counts are the tight check).
template <class T>
void check_tridiagonal_bisection(std::mt19937_64& rng) {
  if (!eigenbasis::use_avx512()) {
    std::printf("SKIP tridiagonal bisection %s: no AVX-512 kernels here (the values path keeps ?sterf)\n",
                sizeof(T) == 8 ? "f64" : "f32");
    return;
  }
  const double eps = std::numeric_limits<T>::epsilon();
  const double huge = sizeof(T) == 8 ? 1e150 : 1e18;
  std::normal_distribution<double> normal;
  double worst_ratio = 0;
  for (int n : {256, 300, 777, 1500}) {
    for (int kind = 0; kind < 8; ++kind) {
      std::vector<T> d(n), e(n, T(0));
      for (int i = 0; i < n; ++i) {
        const double x = normal(rng), y = normal(rng);
        switch (kind) {
          case 1: d[i] = static_cast<T>(std::abs(i - (n - 1) / 2)); e[i] = T(1); break;
          case 2: d[i] = static_cast<T>(std::pow(2.0, -i / 8.0)); e[i] = static_cast<T>(std::pow(2.0, -i / 8.0 - 1)); break;
          case 3: d[i] = T(1); e[i] = static_cast<T>(10 * eps * y); break;
          case 5: d[i] = T(3); break;
          case 6: d[i] = static_cast<T>(x * huge); e[i] = static_cast<T>(y * huge); break;
          case 7: d[i] = static_cast<T>(x / huge); e[i] = static_cast<T>(y / huge); break;
          default: d[i] = static_cast<T>(x); e[i] = kind == 4 && i % 10 == 9 ? T(0) : static_cast<T>(y);
        }
      }
      e[n - 1] = T(0);
      double tnorm = 0;
      for (int i = 0; i < n; ++i)
        tnorm = std::fmax(tnorm, std::fabs(static_cast<double>(d[i])) + std::fabs(static_cast<double>(e[i])) +
                                     (i > 0 ? std::fabs(static_cast<double>(e[i - 1])) : 0.0));
      std::vector<T> ref = d, ref_e = e, one = d, two = d;
      eigenbasis::lapack::lint info = 0;
      eigenbasis::lapack::sterf(n, ref.data(), ref_e.data(), &info);
      const bool ok1 = eigenbasis::tridiagonal_values_bisect<T>(n, one.data(), e.data(), 1);
      const bool ok2 = eigenbasis::tridiagonal_values_bisect<T>(n, two.data(), e.data(), 2);
      double diff = 0;
      bool ascending = true;
      for (int i = 0; i < n; ++i) {
        diff = std::fmax(diff, std::fabs(static_cast<double>(one[i]) - static_cast<double>(ref[i])));
        if (i > 0 && one[i] < one[i - 1]) ascending = false;
      }
      const double ratio = tnorm > 0 ? diff / (n * eps * tnorm) : diff;
      auto below = [&](long double shift) {  // eigenvalues below shift, in long double
        int count = 0;
        long double q = 1;
        for (int i = 0; i < n; ++i) {
          const long double off = i > 0 ? static_cast<long double>(e[i - 1]) : 0.0L;
          q = (static_cast<long double>(d[i]) - shift) - (i > 0 ? off * off / q : 0.0L);
          if (q == 0) q = -std::numeric_limits<long double>::min();
          if (q < 0) ++count;
        }
        return count;
      };
      const long double delta = 8 * eps * (tnorm > 0 ? tnorm : 1.0);
      bool bracketed = true;
      for (int k = 0; k < n && bracketed; ++k)
        bracketed = below(one[k] - delta) <= k && below(one[k] + delta) > k;
      worst_ratio = std::fmax(worst_ratio, ratio);
      if (info != 0 || !ok1 || !ok2 || std::memcmp(one.data(), two.data(), sizeof(T) * n) != 0 || !ascending ||
          !(ratio <= 4.0) || !bracketed) {
        std::printf("FAIL tridiagonal bisection %s n=%d kind=%d: info %d, ran %d/%d, same bits %d, ascending %d, "
                    "difference %.3g n eps ||T||, bracketed %d\n", sizeof(T) == 8 ? "f64" : "f32", n, kind,
                    static_cast<int>(info), ok1, ok2, std::memcmp(one.data(), two.data(), sizeof(T) * n) == 0,
                    ascending, ratio, bracketed);
        ++failures;
      }
    }
  }
  std::printf("tridiagonal bisection %s: worst difference from ?sterf %.3g n eps ||T||\n", sizeof(T) == 8 ? "f64" : "f32",
              worst_ratio);
}

// Partial eigh (eb_cpu_eigh_range_*) against the full ?syevd on one n = 40 matrix, also at extreme scales (where
// ?syevr scales the matrix and the interval's bounds itself): positions [10, 15) and an interval placed in the gaps
// around positions 5..9, whose count must be 5, with NaN in the columns past it; values within both solves' Weyl
// bounds (Accuracy.eigenvalueLimit: 120 for ?syevd, 230 for ?syevr, times n ulp ||A||_1), residuals within 60.
template <class T>
void check_eigh_range(std::mt19937_64& rng, double scale, const char* label) {
  const int n = 40;
  const double ulp = sizeof(T) == 8 ? 2.220446049250313e-16 : 1.1920929e-07;
  const std::vector<T> a = random_symmetric<T>(1, n, rng, scale);
  auto at = [&](int i, int j) { return static_cast<double>(i >= j ? a[i * n + j] : a[j * n + i]); };
  double anorm = 0.0;
  for (int j = 0; j < n; ++j) {
    double col = 0.0;
    for (int i = 0; i < n; ++i) col += std::fabs(at(i, j));
    anorm = std::fmax(anorm, col);
  }
  std::vector<T> w(n), v(n * n);
  int32_t info = 0, count = -1;
  int32_t status;
  if constexpr (sizeof(T) == 8)
    status = eb_cpu_eigh_f64(a.data(), 1, n, w.data(), v.data(), &info, EB_EIGH_SYEVD, 0);
  else
    status = eb_cpu_eigh_f32(a.data(), 1, n, w.data(), v.data(), &info, EB_EIGH_SYEVD, 0);
  if (status != EB_OK) {
    std::printf("FAIL range %s: the full solve returned %d\n", label, status);
    ++failures;
    return;
  }
  const double tol = (120.0 + 230.0) * n * ulp * anorm;
  auto range = [&](int32_t kind, int lo, int hi, double vl, double vu, int m, std::vector<T>& rw, std::vector<T>& rv) {
    rw.assign(m, T(0));
    rv.assign(static_cast<size_t>(n) * m, T(0));
    if constexpr (sizeof(T) == 8)
      return eb_cpu_eigh_range_f64(a.data(), 1, n, kind, lo, hi, vl, vu, m, rw.data(), rv.data(), &count, &info);
    else
      return eb_cpu_eigh_range_f32(a.data(), 1, n, kind, lo, hi, vl, vu, m, rw.data(), rv.data(), &count, &info);
  };
  auto expect = [&](const char* what, bool ok) {
    if (!ok) {
      std::printf("FAIL range %s: %s\n", label, what);
      ++failures;
    }
  };
  auto compare = [&](const std::vector<T>& rw, const std::vector<T>& rv, int first, int kept, int m) {
    for (int j = 0; j < kept; ++j) {
      expect("a value differs from the full solve's", std::fabs(static_cast<double>(rw[j]) - w[first + j]) <= tol);
      double residual = 0.0;
      for (int i = 0; i < n; ++i) {
        double av = 0.0;
        for (int k = 0; k < n; ++k) av += at(i, k) * rv[k * m + j];
        residual += std::fabs(av - static_cast<double>(rw[j]) * rv[i * m + j]);
      }
      expect("a residual ratio above 60", residual / (anorm * n * ulp) <= 60.0);
    }
    for (int j = kept; j < m; ++j) expect("a column past the count is not NaN", std::isnan(rw[j]) && std::isnan(rv[j]));
  };
  std::vector<T> rw, rv;
  expect("indices: status", range(EB_RANGE_INDICES, 10, 15, 0, 0, 5, rw, rv) == EB_OK && count == 5 && info == 0);
  compare(rw, rv, 10, 5, 5);
  const double lo = 0.5 * (static_cast<double>(w[4]) + w[5]), hi = 0.5 * (static_cast<double>(w[9]) + w[10]);
  expect("interval: status", range(EB_RANGE_INTERVAL, 0, 0, lo, hi, 8, rw, rv) == EB_OK && count == 5 && info == 0);
  compare(rw, rv, 5, 5, 8);
  expect("interval capped at 3: status", range(EB_RANGE_INTERVAL, 0, 0, lo, hi, 3, rw, rv) == EB_OK && count == 5);
  compare(rw, rv, 5, 3, 3);
}

// Our dense-to-band reduction (band_reduce.hpp, its AVX-512 kernels) against LAPACK's ?sytrd_sy2sb on the
// same input: the same Householder convention makes band, reflectors and scalars equal up to rounding, so they
// must agree within 50 n ulp relative to ||A||_1 (for the reflectors, scaled by the norm of the column each comes
// from). Except at kd = 1 from n = 601: there the band is Lanczos's tridiagonal from e_1, whose trailing entries
// amplify rounding (in f32 LAPACK's own sat 1.7 n ulp ||A|| from the f64 reduction, and a reduction of ours
// whose spectrum matched A's to 0.1 n ulp ||A|| sat 100 n ulp ||A|| from both). What every case must meet is
// backward stability: the band's eigenvalues (in f64) within 10 n ulp ||A||_1 of A's (Weyl). Sizes cross the
// kernels' strip, tile (128) and packed-panel (256) edges; kd = n - 2 leaves one row per panel.
// Largest |lambda_i(B) - lambda_i(A)| in f64, B the band of half-width kd in ab (ld ldab, lower), A the n x n
// symmetric a (row- or column-major alike).
template <class T>
double band_spectrum_error(int n, int kd, const T* ab, int ldab, const T* a) {
  std::vector<double> b(static_cast<size_t>(n) * n, 0.0), full(static_cast<size_t>(n) * n), wb(n), wa(n);
  for (int c = 0; c < n; ++c)
    for (int r = c; r <= std::min(n - 1, c + kd); ++r) b[r + static_cast<size_t>(c) * n] = ab[r - c + static_cast<size_t>(c) * ldab];
  for (size_t k = 0; k < full.size(); ++k) full[k] = a[k];
  eigenbasis::lapack::lint info = 0;
  std::vector<double> work(1 + 6 * static_cast<size_t>(n) + 2 * static_cast<size_t>(n) * n);
  std::vector<eigenbasis::lapack::lint> iwork(3 + 5 * static_cast<size_t>(n));
  const auto lw = static_cast<eigenbasis::lapack::lint>(work.size());
  const auto liw = static_cast<eigenbasis::lapack::lint>(iwork.size());
  eigenbasis::lapack::syevd('N', 'L', n, b.data(), n, wb.data(), work.data(), lw, iwork.data(), liw, &info);
  eigenbasis::lapack::syevd('N', 'L', n, full.data(), n, wa.data(), work.data(), lw, iwork.data(), liw, &info);
  double worst = 0.0;
  for (int i = 0; i < n; ++i) worst = std::fmax(worst, std::fabs(wb[i] - wa[i]));
  return info == 0 ? worst : std::numeric_limits<double>::infinity();
}

template <class T>
void check_band_reduction(std::mt19937_64& rng) {
  const double ulp = sizeof(T) == 8 ? 2.220446049250313e-16 : 1.1920928955078125e-07;
  std::vector<eigenbasis::BandKernels<T>> kernels;
  if (eigenbasis::cpu_has_avx512()) {
    if constexpr (sizeof(T) == 8) kernels.push_back(eigenbasis::band_kernels_avx512_f64());
    else kernels.push_back(eigenbasis::band_kernels_avx512_f32());
  } else {
    std::printf("SKIP band reduction %s: no AVX-512 on this CPU (the two-stage path uses ?sytrd_sy2sb here)\n",
                sizeof(T) == 8 ? "f64" : "f32");
    return;
  }
  openblas_set_num_threads(1);
  for (int n : {3, 5, 33, 130, 300, 601}) {
    for (int kd : {1, 2, 8, 32, 64, n - 2}) {
      if (kd < 1 || kd >= n - 1) continue;
      std::vector<T> a = random_symmetric<T>(1, n, rng, 1.0);
      double anorm = 0;
      for (int j = 0; j < n; ++j) {
        double col = 0;
        for (int i = 0; i < n; ++i) col += std::fabs(static_cast<double>(a[static_cast<size_t>(i) * n + j]));
        anorm = std::fmax(anorm, col);
      }
      const int ldab = kd + 1;
      std::vector<T> ref = a, ab_ref(static_cast<size_t>(ldab) * n), tau_ref(n, T(0));
      eigenbasis::lapack::lint info = 0;
      T query = 0;
      eigenbasis::lapack::sytrd_sy2sb(n, kd, ref.data(), n, ab_ref.data(), ldab, tau_ref.data(), &query, -1, &info);
      std::vector<T> work(static_cast<size_t>(query) + 1);
      eigenbasis::lapack::sytrd_sy2sb(n, kd, ref.data(), n, ab_ref.data(), ldab, tau_ref.data(), work.data(),
                                      static_cast<eigenbasis::lapack::lint>(work.size()), &info);
      for (const auto& kernel : kernels) {
        std::vector<T> ours = a, ab(static_cast<size_t>(ldab) * n), tau(n, T(0));
        eigenbasis::BandReduceWorkspace<T> ws;
        const int status = eigenbasis::reduce_to_band(n, kd, ours.data(), n, ab.data(), ldab, tau.data(), kernel, ws,
                                                      [](int count, auto&& body) {
                                                        for (int i = count - 1; i >= 0; --i) body(i);
                                                      });
        double band_err = 0, v_ratio = 0;
        for (int c = 0; c < n; ++c)
          for (int r = 0; r <= std::min(kd, n - 1 - c); ++r)
            band_err = std::fmax(band_err, std::fabs(static_cast<double>(ab[r + static_cast<size_t>(c) * ldab]) -
                                                     ab_ref[r + static_cast<size_t>(c) * ldab]));
        // Reflector c comes from a column of norm |beta_c| (R's diagonal, the band's kd-th subdiagonal at c):
        // an O(n ulp ||A||) backward error moves it by O(n ulp ||A|| / |beta_c|).
        for (int c = 0; c + kd < n; ++c) {
          double err = std::fabs(static_cast<double>(tau[c]) - tau_ref[c]);
          for (int r = c + kd + 1; r < n; ++r)
            err = std::fmax(err, std::fabs(static_cast<double>(ours[r + static_cast<size_t>(c) * n]) -
                                           ref[r + static_cast<size_t>(c) * n]));
          const double beta = std::fabs(static_cast<double>(ab_ref[kd + static_cast<size_t>(c) * ldab]));
          v_ratio = std::fmax(v_ratio, err * beta / anorm);
        }
        const double bound = 50.0 * n * ulp;
        const bool elementwise = kd > 1 || n <= 300;
        const double spectrum = band_spectrum_error(n, kd, ab.data(), ldab, a.data());
        if (status != 0 || info != 0 || (elementwise && !(band_err <= bound * anorm)) ||
            (elementwise && !(v_ratio <= bound)) || !(spectrum <= 10.0 * n * ulp * anorm)) {
          std::printf("FAIL band reduction %s n=%d kd=%d strip %d: status %d/%d, band %.3g (bound %.3g), reflectors "
                      "%.3g |beta| / ||A|| (bound %.3g), spectrum %.3g (bound %.3g)\n", sizeof(T) == 8 ? "f64" : "f32",
                      n, kd, kernel.strip_rows, status, static_cast<int>(info), band_err, bound * anorm, v_ratio, bound,
                      spectrum, 10.0 * n * ulp * anorm);
          ++failures;
        }
      }
    }
  }
}

// The pool's round-trip probe: declines (negative) with one thread, where its two bodies run one after the other;
// with two, a positive time when the partner came, the chase's choice following from it.
void check_pair_round_trip() {
  eigenbasis::BatchPool& pool = eigenbasis::BatchPool::instance();
  const int before = pool.threads();
  pool.set_threads(1);
  const double alone = eigenbasis::pool_pair_round_trip_ns();
  pool.set_threads(2);
  const double pair = eigenbasis::pool_pair_round_trip_ns();
  pool.set_threads(before);
  std::printf("pool pair round trip: %.0f ns (one thread: %.0f)\n", pair, alone);
  if (!(alone < 0) || !(pair < 1e6)) {
    std::printf("FAIL pool_pair_round_trip_ns: one thread %.3g (want < 0), two %.3g (want < 1e6 ns)\n", alone, pair);
    ++failures;
  }
}

// chase_split when its two bodies run one after the other (a pool held by another caller runs a batch on the
// calling thread alone): the first must chase alone rather than wait for the second, and give the sequential
// chase's bits; and run concurrently on the pool, the same bits again. f64, random bands, kd = 3 and 32.
void check_chase_split_serial(std::mt19937_64& rng) {
  const eigenbasis::BandKernels<double> own =
      eigenbasis::cpu_has_avx512() ? eigenbasis::band_kernels_avx512_f64() : eigenbasis::BandKernels<double>{};
  for (int kd : {3, 32}) {
    const int n = 300;
    const size_t ld = 2 * static_cast<size_t>(kd);
    std::vector<double> band((ld + 1) * n, 0.0);
    std::normal_distribution<double> normal;
    for (int c = 0; c < n; ++c)
      for (int r = c; r <= std::min(n - 1, c + kd); ++r) band[r + c * ld] = normal(rng);
    std::vector<double> s1 = band, s2 = band, s3 = band, d1(n), e1(n), d2(n), e2(n), d3(n), e3(n);
    const eigenbasis::BandKernels<double>* fast = eigenbasis::cpu_has_avx512() ? &own : nullptr;
    eigenbasis::ChaseReflectors<double>* none = nullptr;
    auto serial = [](int count, auto&& body) {
      for (int i = 0; i < count; ++i) body(i);
    };
    auto pool = [](int count, auto&& body) {
      eigenbasis::BatchPool::instance().run(count, count, [&](int, int64_t i) { body(i); });
    };
    eigenbasis::chase_band(n, kd, s1.data(), d1.data(), e1.data(), none, fast, 1, false, serial);
    eigenbasis::chase_band(n, kd, s2.data(), d2.data(), e2.data(), none, fast, 2, true, serial);
    eigenbasis::chase_band(n, kd, s3.data(), d3.data(), e3.data(), none, fast, 2, true, pool);
    const bool same = d1 == d2 && e1 == e2 && d1 == d3 && e1 == e3;
    double trace = 0, tridiagonal_trace = 0;
    for (int c = 0; c < n; ++c) {
      trace += band[c * (ld + 1)];
      tridiagonal_trace += d1[c];
    }
    if (!same || !(std::fabs(trace - tridiagonal_trace) <= 1e-10 * n)) {
      std::printf("FAIL chase_split kd=%d: serial / pool bits %s the sequential chase's, trace %.17g against %.17g\n",
                  kd, same ? "equal" : "differ from", tridiagonal_trace, trace);
      ++failures;
    }
  }
}

int main() {
  std::mt19937_64 rng(42);
  const int algorithms[] = {EB_EIGH_AUTO,  EB_EIGH_JACOBI,    EB_EIGH_TRIDIAG_QL, EB_EIGH_SYEVD,
                            EB_EIGH_SYEVR, EB_EIGH_TWO_STAGE, EB_EIGH_TRIDIAG_DC};
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
  check_band_reduction<double>(rng);
  check_band_reduction<float>(rng);
  check_pair_round_trip();
  check_chase_split_serial(rng);
  check_two_stage_bandwidths<double>(rng);
  check_two_stage_bandwidths<float>(rng);
  check_tridiagonal_bisection<double>(rng);
  check_tridiagonal_bisection<float>(rng);
  check_eigh_range<double>(rng, 1.0, "f64");
  check_eigh_range<float>(rng, 1.0, "f32");
  check_eigh_range<double>(rng, 1e150, "f64 huge");
  check_eigh_range<double>(rng, 1e-150, "f64 tiny");
  check_eigh_range<float>(rng, 1e30, "f32 huge");
  check_philox();
  check_det_math(rng);
  check_reset_sim_arguments();
  check_reset_sim_range();
  check_portable_switch(rng);
  std::printf("native_test: worst LAPACK test ratio %.3g (n ulp), %d failure(s)\n", worst, failures);
  return failures == 0 ? 0 : 1;
}
