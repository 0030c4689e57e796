// The stochastic-resetting trajectory simulator on the CPU: docs/resetting-simulator.md, bit-identical to the java
// reference (JavaResetSimulator). Trajectories are independent; a chunk's sub-blocks run on the batch pool, each
// into its own sums, reduced in sub-block order after the chunk, so the bits never depend on the thread count.
// The loops over coordinates k = 0..d-1 are branch-free (det_math.hpp) and vectorise; this file is compiled with
// -ffp-contract=off, so each expression rounds exactly as its Java twin.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "batch_pool.hpp"
#include "det_math.hpp"
#include "own_kernels.hpp"
#include "philox.hpp"

namespace eigenbasis {
namespace {

namespace dm = detmath;

constexpr int64_t kChunk = 65536;
enum { kSnapSum = 0, kSnapSumSq = 1, kTimeSum = 2, kTimeSumSq = 3, kSnapCentre = 4, kTimeCentre = 5 };
enum { kSnapP = 0, kSnapW2 = 1, kTimeP = 2, kTimeXX = 3, kTimeW2 = 4 };

int sub_blocks(int64_t d, bool cov) {
  if (!cov) return 64;
  const double p = std::floor(67108864.0 / (24.0 * static_cast<double>(d) * static_cast<double>(d)));
  return static_cast<int>(std::max(1.0, std::min(64.0, p)));
}

int64_t sums_length(int64_t d, bool cov) { return 6 * d + (cov ? 5 * d * d : 0); }

/** The law in the form the draws read (LawSampler's twin). */
struct Law {
  int kind = 0;
  double p0 = 0, p1 = 0;
  const double* values = nullptr;
  int64_t n = 0;
  std::vector<double> prefix;

  double next(philox::Stream& s) const {
    switch (kind) {
      case 0: return -dm::log(s.uniform()) / p0;
      case 1: return p0;
      case 2: return p1 * s.gamma(p0);
      case 3: return p0 + (p1 - p0) * s.uniform();
      case 4: return dm::exp(p0 + p1 * s.normal());
      case 5: return p1 * dm::exp(dm::log(-dm::log(s.uniform())) / p0);
      case 6: return p0 * dm::exp(-dm::log(s.uniform()) / p1);
      case 7: return p0 * dm::expm1(-dm::log(s.uniform()) / p1);
      default: {
        const double nd = static_cast<double>(n);
        const double idx = std::trunc(s.uniform() * nd);
        return values[idx < nd - 1 ? static_cast<int64_t>(idx) : n - 1];
      }
    }
  }

  void start(philox::Stream& s, double& age, double& residual) const {
    double biased;
    switch (kind) {
      case 0: {
        // the two logs as one two-lane loop (independent values, so the same bits as one at a time)
        double lg[2];
        s.take(lg, 2);
        for (int i = 0; i < 2; ++i) lg[i] = dm::log(lg[i]);
        biased = (-lg[0] - lg[1]) / p0;
        break;
      }
      case 1: biased = p0; break;
      case 2: biased = p1 * s.gamma(p0 + 1); break;
      case 3: biased = std::sqrt(p0 * p0 + s.uniform() * (p1 * p1 - p0 * p0)); break;
      case 4: biased = dm::exp((p0 + p1 * p1) + p1 * s.normal()); break;
      case 5: biased = p1 * dm::exp(dm::log(s.gamma(1 + 1 / p0)) / p0); break;
      case 6: biased = p0 * dm::exp(-dm::log(s.uniform()) / (p1 - 1)); break;
      case 7: {
        age = p0 * dm::expm1(-dm::log(s.uniform()) / (p1 - 1));
        residual = (p0 + age) * dm::expm1(-dm::log(s.uniform()) / p1);
        return;
      }
      default: {
        const double target = s.uniform() * prefix[n - 1];
        int64_t lo = 0, hi = n - 1;
        while (lo < hi) {
          const int64_t mid = (lo + hi) / 2;
          if (prefix[mid] > target) hi = mid; else lo = mid + 1;
        }
        biased = values[lo];
        break;
      }
    }
    age = s.uniform() * biased;
    residual = biased - age;
  }
};

struct Problem {
  int64_t d;
  const double* mu;
  const double* a;
  double sigma, horizon, step;
  bool euler, cov;
  uint64_t seed;
  Law law;
  const double* inv_mu = nullptr;    // 1/mu_k (detmath::inverse), run constants
  const double* inv_pair = nullptr;  // 1/(mu_i + mu_j) for j <= i, row-major d x d, covariance runs only
};

/** One worker's per-trajectory scratch. */
struct Scratch {
  explicit Scratch(const Problem& pr)
      : stream(pr.seed), u(pr.d), b(pr.d), x(pr.d), i1(pr.d), i2(pr.cov && pr.euler ? pr.d * pr.d : 0), em(pr.d), k1(pr.d),
        g2(pr.d), m(pr.d), z(pr.d), cand(2 * (pr.d / 2 + 1 + (pr.d / 2 + 1) / 4 + 8)), v1(pr.d / 2 + 1 + 8),
        v2(pr.d / 2 + 1 + 8), s(pr.d / 2 + 1 + 8), row(pr.cov ? pr.d : 0), neg_a(pr.cov ? pr.d : 0) {
    for (size_t k = 0; k < neg_a.size(); ++k) neg_a[k] = 0 - pr.a[k];
    if (pr.cov && !pr.euler) {
      slots.resize(kSlots);
      for (Slot& sl : slots) {
        sl.b0.resize(static_cast<size_t>(pr.d));
        sl.u.resize(static_cast<size_t>(pr.d));
        sl.m.resize(static_cast<size_t>(pr.d));
      }
    }
  }
  philox::Stream stream;
  std::vector<double> u, b, x, i1, i2, em, k1, g2, m, z, cand, v1, v2, s;
  // Means-only exact runs: the segment lengths of a trajectory, then mu_k * delta and em of a batch of segments
  // laid out flat (segment-major), so the em loop vectorises whatever d is (at d = 1 over the segments).
  std::vector<double> deltas, flat_x, flat_em;
  // EXACT covariance runs: each trajectory's segments (per-coordinate data) are recorded in a slot; every kSlots
  // trajectories (and at the end of a sub-block) the slots are replayed row by row into the sums, trajectories in
  // index order within each row. So the d x d time integral never exists as a whole and each row of the five
  // d x d sums is read and written once per kSlots trajectories: memory traffic, not flops, bounds large d.
  struct Slot {
    std::vector<double> segs, b0, u, m;
    int64_t nseg = 0;
  };
  static constexpr int kSlots = 8;
  std::vector<Slot> slots;
  int filled = 0;
  std::vector<double> row, neg_a;
};

inline __attribute__((always_inline)) void normals(Scratch& w, int64_t d) {
  w.stream.normals(w.z.data(), d, w.cand.data(), w.v1.data(), w.v2.data(), w.s.data());
}

/** A segment's em, K and mean time integral per coordinate (the O(d) hot loop of mean-only runs). */
/** V(mu, t) = em(2 mu t)/(2 mu) from y = 2 mu t, em = em(mu t) and 1/mu; t below the threshold. */
inline double variance(double y, double em1, double inv_mu, double t) {
  return y > dm::kTiny ? (em1 * (1 + (1 - em1)) * inv_mu) * 0.5 : t;
}

/** A segment's em, Delta K (the integral of e^(-mu s) over the segment) and mean time integral per coordinate. */
void mean_integrals(int64_t d, double delta, const double* __restrict mu, const double* __restrict inv_mu,
                    const double* __restrict a, const double* __restrict b, double* __restrict x,
                    double* __restrict em, double* __restrict dk, double* __restrict i1) {
  for (int64_t k = 0; k < d; ++k) {
    const double xk = mu[k] * delta;
    const double e1 = dm::em(xk);
    const double dkk = xk > dm::kTiny ? e1 * inv_mu[k] : delta;
    x[k] = xk;
    em[k] = e1;
    dk[k] = dkk;
    i1[k] += delta * a[k] + b[k] * dkk;
  }
}

void pair_integrals(int64_t i, double delta, double inv_delta, const double* __restrict x,
                    const double* __restrict em, const double* __restrict a, const double* __restrict b,
                    const double* __restrict k1, const double* __restrict inv_pair, double* __restrict row) {
  const double xi = x[i], emi = em[i], ei = 1 - em[i], ai = a[i], bi = b[i], k1i = k1[i];
  for (int64_t j = 0; j <= i; ++j) {
    const double xs = xi + x[j];
    const double kq = ((emi + ei * em[j]) * inv_pair[j]) * inv_delta;
    const double kij = xs > dm::kTiny ? kq : 1.0;
    row[j] += delta * (((ai * a[j] + ai * (b[j] * k1[j])) + bi * (a[j] * k1i)) + (bi * b[j]) * kij);
  }
}

void exact_path(const Problem& pr, Scratch& w, double next, bool with_cov, int64_t& events) {
  const int64_t d = pr.d;
  const double* mu = pr.mu;
  const double* a = pr.a;
  const double* inv_mu = pr.inv_mu;
  double* u = w.u.data();
  double* b = w.b.data();
  double* x = w.x.data();
  double* em = w.em.data();
  double* k1 = w.k1.data();
  double* i1 = w.i1.data();
  double t = 0;
  for (int64_t k = 0; k < d; ++k) b[k] = u[k] - a[k];
  Scratch::Slot* slot = with_cov ? &w.slots[static_cast<size_t>(w.filled)] : nullptr;
  if (with_cov) {
    std::copy(w.b.begin(), w.b.end(), slot->b0.begin());
    slot->nseg = 0;
  }
  while (true) {
    const double end = next < pr.horizon ? next : pr.horizon;
    const double delta = end - t;
    const double inv_delta = 1 / delta;
    ++events;
    mean_integrals(d, delta, mu, inv_mu, a, b, x, em, k1, i1);
    if (with_cov) {
      // record (delta, 1/delta, noise) and x, em, K, G2 per coordinate; pair integrals are formed in accumulate
      const size_t stride = 3 + 4 * static_cast<size_t>(d);
      if (slot->segs.size() < (static_cast<size_t>(slot->nseg) + 1) * stride)
        slot->segs.resize((static_cast<size_t>(slot->nseg) + 1) * stride * 2);
      double* rec = slot->segs.data() + static_cast<size_t>(slot->nseg) * stride;
      ++slot->nseg;
      rec[0] = delta;
      rec[1] = inv_delta;
      rec[2] = (pr.sigma * pr.sigma) * (delta * delta);
      double* rx = rec + 3;
      double* rem = rx + d;
      double* rk = rem + d;
      double* rg = rk + d;
      for (int64_t k = 0; k < d; ++k) {
        rx[k] = x[k];
        rem[k] = em[k];
        rk[k] = delta > 0 ? k1[k] * inv_delta : 1.0;
        const double y = x[k] + x[k];
        const double v = variance(y, em[k], inv_mu[k], delta);
        rg[k] = dm::g(y, delta > 0 ? v * inv_delta : 1.0);
      }
    }
    if (next >= pr.horizon) {
      normals(w, d);
      const double* z = w.z.data();
      for (int64_t k = 0; k < d; ++k) {
        const double e1 = em[k];
        const double v = variance(x[k] + x[k], e1, inv_mu[k], delta);
        u[k] = (a[k] + b[k] * (1 - e1)) + (pr.sigma * std::sqrt(v)) * z[k];
      }
      return;
    }
    t = next;
    next = t + pr.law.next(w.stream);
    for (int64_t k = 0; k < d; ++k) b[k] = 0 - a[k];
  }
}

// The flat em loop again for AVX-512 machines (8 lanes instead of 4): the same IEEE operations, no contraction
// (this file is -ffp-contract=off), so the same bits; dispatched at run time on cpu_has_avx512(). Only this
// function carries the target, and the inline det_math functions are inlined into it, so no AVX-512 code can leak
// into the portable paths.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target("arch=x86-64-v4,prefer-vector-width=512"))) void em_flat_avx512(int64_t n,
                                                                                    const double* __restrict x,
                                                                                    double* __restrict e) {
  for (int64_t i = 0; i < n; ++i) e[i] = dm::em(x[i]);
}
const bool kWideEm = cpu_has_avx512();
#else
void em_flat_avx512(int64_t, const double*, double*) {}
const bool kWideEm = false;
#endif

void em_flat(int64_t n, const double* __restrict x, double* __restrict e) {
  if (kWideEm) {
    em_flat_avx512(n, x, e);
    return;
  }
  for (int64_t i = 0; i < n; ++i) e[i] = dm::em(x[i]);
}

/**
 * Uniforms per batch of exponential inter-reset draws: their logs vectorise, the unused ones are given back. 16
 * was 6 % faster than 8 at d = 1 with T = 10 E[tau] (about 11 draws a trajectory).
 */
constexpr int kExpBatch = 16;

/**
 * The segment lengths of a trajectory into w.deltas, drawing the resets exactly as exact_path does (nothing else
 * reads the stream between two draws). exp laws take their uniforms kExpBatch at a time (-log(u)/rate in one
 * vector loop) and give back the ones a trajectory does not use, so the stream is left where the one-at-a-time
 * draws leave it.
 */
void segment_lengths(const Problem& pr, Scratch& w, double next) {
  w.deltas.clear();
  double t = 0;
  const double horizon = pr.horizon;
  if (pr.law.kind == 0) {
    const double rate = pr.law.p0;
    double draw[kExpBatch];
    int have = 0, used = 0;
    while (true) {
      const double end = next < horizon ? next : horizon;
      w.deltas.push_back(end - t);
      if (next >= horizon) break;
      if (used == have) {
        w.stream.take(draw, kExpBatch);
        for (int i = 0; i < kExpBatch; ++i) draw[i] = -dm::log(draw[i]) / rate;
        have = kExpBatch;
        used = 0;
      }
      t = next;
      next = t + draw[used++];
    }
    w.stream.give_back(have - used);
    return;
  }
  if (pr.law.kind == 2 && pr.law.p0 >= 1) {
    // gamma(k >= 1): d and c of Marsaglia-Tsang once per trajectory, not a sqrt and a division per draw
    const double scale = pr.law.p1;
    const double gd = pr.law.p0 - 1.0 / 3.0;
    const double gc = 1 / std::sqrt(9 * gd);
    while (true) {
      const double end = next < horizon ? next : horizon;
      w.deltas.push_back(end - t);
      if (next >= horizon) return;
      t = next;
      next = t + scale * w.stream.marsaglia_tsang(gd, gc);
    }
  }
  while (true) {
    const double end = next < horizon ? next : horizon;
    w.deltas.push_back(end - t);
    if (next >= horizon) return;
    t = next;
    next = t + pr.law.next(w.stream);
  }
}

/**
 * exact_path for means-only runs: the same sums and stream, with the reset times drawn first (segment_lengths)
 * and em evaluated over (segment, coordinate) pairs in flat vectorised loops. Each i1_k still adds its segments
 * in segment order, with the same expression, so the bits are exact_path's.
 */
inline __attribute__((always_inline)) void exact_means_path(const Problem& pr, Scratch& w, double next,
                                                             int64_t& events) {
  const int64_t d = pr.d;
  const double* __restrict mu = pr.mu;
  const double* __restrict a = pr.a;
  const double* __restrict inv_mu = pr.inv_mu;
  double* __restrict u = w.u.data();
  double* __restrict b = w.b.data();
  double* __restrict i1 = w.i1.data();
  segment_lengths(pr, w, next);
  const int64_t nseg = static_cast<int64_t>(w.deltas.size());
  events += nseg;
  const double* __restrict deltas = w.deltas.data();
  // segments per batch: the flat arrays stay within a few thousand doubles (L1/L2) at any d
  const int64_t per = std::max<int64_t>(1, 2048 / d);
  const size_t cap = static_cast<size_t>(std::min(per, nseg) * d);
  if (w.flat_x.size() < cap) {
    w.flat_x.resize(cap);
    w.flat_em.resize(cap);
  }
  double* __restrict fx = w.flat_x.data();
  double* __restrict fe = w.flat_em.data();
  for (int64_t k = 0; k < d; ++k) b[k] = u[k] - a[k];
  int64_t last = 0;  // offset of the last segment's row in the flat arrays
  for (int64_t s0 = 0; s0 < nseg; s0 += per) {
    const int64_t s1 = std::min(nseg, s0 + per);
    for (int64_t s = s0; s < s1; ++s) {
      double* __restrict row = fx + (s - s0) * d;
      const double delta = deltas[s];
      for (int64_t k = 0; k < d; ++k) row[k] = mu[k] * delta;
    }
    const int64_t cnt = (s1 - s0) * d;
    em_flat(cnt, fx, fe);
    if (d < 4) {
      // a handful of coordinates: each i1_k sums its segments in a register, not through memory (the loop over k
      // would be scalar anyway, and its load-add-store chain per segment is what bounded d = 1)
      for (int64_t k = 0; k < d; ++k) {
        const double ak = a[k], inv = inv_mu[k], reset_b = 0 - a[k];
        double acc = i1[k];
        for (int64_t s = s0; s < s1; ++s) {
          const double delta = deltas[s];
          const double xk = fx[(s - s0) * d + k];
          const double dkk = xk > dm::kTiny ? fe[(s - s0) * d + k] * inv : delta;
          acc += delta * ak + (s == 0 ? b[k] : reset_b) * dkk;
        }
        i1[k] = acc;
      }
      if (s0 == 0 && nseg > 1)
        for (int64_t k = 0; k < d; ++k) b[k] = 0 - a[k];
      last = (nseg - 1 - s0) * d;
      continue;
    }
    for (int64_t s = s0; s < s1; ++s) {
      const double* __restrict xr = fx + (s - s0) * d;
      const double* __restrict er = fe + (s - s0) * d;
      const double delta = deltas[s];
      for (int64_t k = 0; k < d; ++k) {
        const double dkk = xr[k] > dm::kTiny ? er[k] * inv_mu[k] : delta;
        i1[k] += delta * a[k] + b[k] * dkk;
      }
      if (s == 0 && nseg > 1)
        for (int64_t k = 0; k < d; ++k) b[k] = 0 - a[k];
    }
    last = (nseg - 1 - s0) * d;
  }
  const double delta = deltas[nseg - 1];
  const double* __restrict x = fx + last;
  const double* __restrict em = fe + last;
  normals(w, d);
  const double* __restrict z = w.z.data();
  // b holds the last segment's start state minus a: u - a for a single segment, -a after a reset
  for (int64_t k = 0; k < d; ++k) {
    const double e1 = em[k];
    const double v = variance(x[k] + x[k], e1, inv_mu[k], delta);
    u[k] = (a[k] + b[k] * (1 - e1)) + (pr.sigma * std::sqrt(v)) * z[k];
  }
}

void euler_integrals(int64_t d, double h, const double* __restrict u, double* __restrict i1, double* __restrict i2) {
  for (int64_t k = 0; k < d; ++k) i1[k] += h * u[k];
  if (i2 == nullptr) return;
  for (int64_t p = 0; p < d; ++p) {
    double* __restrict row = i2 + p * d;
    const double up = u[p];
    for (int64_t q = 0; q <= p; ++q) row[q] += h * (up * u[q]);
  }
}

void euler_step(int64_t d, double h, double noise, const double* __restrict mu, const double* __restrict a,
                const double* __restrict z, double* __restrict u) {
  for (int64_t k = 0; k < d; ++k) u[k] = (u[k] - (h * mu[k]) * (u[k] - a[k])) + noise * z[k];
}

void euler_path(const Problem& pr, Scratch& w, double next, bool with_cov, int64_t& events) {
  const int64_t d = pr.d;
  const double* mu = pr.mu;
  const double* a = pr.a;
  double* u = w.u.data();
  double* i1 = w.i1.data();
  double* i2 = w.i2.data();
  double t = 0;
  while (true) {
    const double end = next < pr.horizon ? next : pr.horizon;
    ++events;
    for (int64_t i = 0;; ++i) {
      const double at = t + static_cast<double>(i) * pr.step;
      if (!(at < end)) break;
      const double h = std::min(pr.step, end - at);
      euler_integrals(d, h, u, i1, with_cov ? i2 : nullptr);
      const double noise = pr.sigma * std::sqrt(h);
      normals(w, d);
      euler_step(d, h, noise, mu, a, w.z.data(), u);
    }
    if (next >= pr.horizon) return;
    std::fill(w.u.begin(), w.u.end(), 0.0);
    t = next;
    next = t + pr.law.next(w.stream);
  }
}

/** The per-trajectory values added to the sub-block sums, coordinate by coordinate (see SimulationSums). */
void add_means(int64_t d, double horizon, const double* __restrict u, const double* __restrict i1,
               double* __restrict m, double* __restrict ss, double* __restrict ss2, double* __restrict ts,
               double* __restrict ts2) {
  for (int64_t k = 0; k < d; ++k) {
    const double xk = u[k];
    const double mk = i1[k] / horizon;
    m[k] = mk;
    ss[k] += xk;
    ss2[k] += xk * xk;
    ts[k] += mk;
    ts2[k] += mk * mk;
  }
}

/** Row i of the covariance sums (j <= i). */
void add_covariance_row(int64_t i, double horizon, const double* __restrict u, const double* __restrict m,
                        const double* __restrict i2row, const double* __restrict sc, const double* __restrict tc,
                        double* __restrict sp, double* __restrict sw, double* __restrict tp, double* __restrict txx,
                        double* __restrict tw) {
  const double ui = u[i], mi = m[i], sci = sc[i], tci = tc[i];
  const double inv_horizon = 1 / horizon;
  for (int64_t j = 0; j <= i; ++j) {
    const double p = ui * u[j];
    const double wv = (p - sci * u[j]) - ui * sc[j];
    sp[j] += p;
    sw[j] += wv * wv;
    const double q = i2row[j] * inv_horizon;
    const double wt = (q - tci * m[j]) - mi * tc[j];
    tp[j] += q;
    txx[j] += mi * m[j];
    tw[j] += wt * wt;
  }
}

/** Row i of the time integral of u u^T (j <= i), replayed from the recorded segments in segment order. */
void replay_row(const Problem& pr, const Scratch& w, const Scratch::Slot& sl, int64_t i, double* row) {
  const int64_t d = pr.d;
  const size_t stride = 3 + 4 * static_cast<size_t>(d);
  std::fill(row, row + i + 1, 0.0);
  for (int64_t sg = 0; sg < sl.nseg; ++sg) {
    const double* rec = sl.segs.data() + static_cast<size_t>(sg) * stride;
    const double* rx = rec + 3;
    const double* rem = rx + d;
    const double* rk = rem + d;
    const double* rg = rk + d;
    const double* b = sg == 0 ? sl.b0.data() : w.neg_a.data();
    pair_integrals(i, rec[0], rec[1], rx, rem, pr.a, b, rk, pr.inv_pair + i * d, row);
    row[i] += rec[2] * rg[i];
  }
}

/** Adds the recorded trajectories (slots 0..filled-1, in index order within each row) to the covariance sums. */
void flush(const Problem& pr, Scratch& w, double* sums) {
  const int64_t d = pr.d;
  const int64_t dd = d * d;
  double* base = sums + 6 * d;
  double* row = w.row.data();
  for (int64_t i = 0; i < d; ++i) {
    const int64_t r = i * d;
    for (int t = 0; t < w.filled; ++t) {
      const Scratch::Slot& sl = w.slots[static_cast<size_t>(t)];
      replay_row(pr, w, sl, i, row);
      add_covariance_row(i, pr.horizon, sl.u.data(), sl.m.data(), row, sums + kSnapCentre * d,
                         sums + kTimeCentre * d, base + kSnapP * dd + r, base + kSnapW2 * dd + r,
                         base + kTimeP * dd + r, base + kTimeXX * dd + r, base + kTimeW2 * dd + r);
    }
  }
  w.filled = 0;
}

void accumulate(const Problem& pr, Scratch& w, const double* u, const double* i1, double* m, const double* i2,
                double* sums, bool replay) {
  const int64_t d = pr.d;
  add_means(d, pr.horizon, u, i1, m, sums + kSnapSum * d, sums + kSnapSumSq * d, sums + kTimeSum * d,
            sums + kTimeSumSq * d);
  if (replay) {
    Scratch::Slot& sl = w.slots[static_cast<size_t>(w.filled)];
    std::copy(u, u + d, sl.u.begin());
    std::copy(m, m + d, sl.m.begin());
    if (++w.filled == Scratch::kSlots) flush(pr, w, sums);
    return;
  }
  if (i2 == nullptr) return;
  const int64_t dd = d * d;
  double* base = sums + 6 * d;
  for (int64_t i = 0; i < d; ++i) {
    const int64_t row = i * d;
    add_covariance_row(i, pr.horizon, u, m, i2 + row, sums + kSnapCentre * d, sums + kTimeCentre * d,
                       base + kSnapP * dd + row, base + kSnapW2 * dd + row, base + kTimeP * dd + row,
                       base + kTimeXX * dd + row, base + kTimeW2 * dd + row);
  }
}

/** Trajectory `index` added to `sums` (the covariance blocks only with with_cov; centres read from sums). */
inline __attribute__((always_inline)) void trajectory_body(const Problem& pr, Scratch& w, int64_t index,
                                                            double* sums, bool with_cov, int64_t& events) {
  const int64_t d = pr.d;
  w.stream.reset(static_cast<uint64_t>(index));
  double age = 0, next = 0;
  pr.law.start(w.stream, age, next);
  normals(w, d);
  {
    const double* mu = pr.mu;
    const double* a = pr.a;
    const double* z = w.z.data();
    double* u = w.u.data();
    const double* inv_mu = pr.inv_mu;
    for (int64_t k = 0; k < d; ++k) {
      const double xk = mu[k] * age;
      const double e1 = dm::em(xk);
      const double v = variance(xk + xk, e1, inv_mu[k], age);
      u[k] = a[k] * e1 + (pr.sigma * std::sqrt(v)) * z[k];
    }
  }
  std::fill(w.i1.begin(), w.i1.end(), 0.0);
  if (with_cov && pr.euler) std::fill(w.i2.begin(), w.i2.end(), 0.0);
  if (pr.euler) euler_path(pr, w, next, with_cov, events);
  else if (with_cov) exact_path(pr, w, next, with_cov, events);
  else exact_means_path(pr, w, next, events);

  const bool replay = with_cov && !pr.euler;
  accumulate(pr, w, w.u.data(), w.i1.data(), w.m.data(), with_cov && pr.euler ? w.i2.data() : nullptr, sums,
             replay);
}

void trajectory_portable(const Problem& pr, Scratch& w, int64_t index, double* sums, bool with_cov,
                         int64_t& events) {
  trajectory_body(pr, w, index, sums, with_cov, events);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// The whole trajectory again for AVX-512 machines: the loops over coordinates (and segments) run 8 lanes wide.
// Only the inlined body carries the target; out-of-line callees stay portable. Same IEEE operations, same bits.
__attribute__((target("arch=x86-64-v4,prefer-vector-width=512"))) void trajectory_avx512(
    const Problem& pr, Scratch& w, int64_t index, double* sums, bool with_cov, int64_t& events) {
  trajectory_body(pr, w, index, sums, with_cov, events);
}
#else
void trajectory_avx512(const Problem& pr, Scratch& w, int64_t index, double* sums, bool with_cov,
                       int64_t& events) {
  trajectory_body(pr, w, index, sums, with_cov, events);
}
#endif

void trajectory(const Problem& pr, Scratch& w, int64_t index, double* sums, bool with_cov, int64_t& events) {
  if (kWideEm) trajectory_avx512(pr, w, index, sums, with_cov, events);
  else trajectory_portable(pr, w, index, sums, with_cov, events);
}

int32_t check_law(int32_t kind, const double* params, int64_t count) {
  if (params == nullptr) return EB_ERR_ARGUMENT;
  if (kind < 0 || kind > 8) return EB_ERR_ARGUMENT;
  const int64_t need = kind == 8 ? 1 : (kind == 0 || kind == 1 ? 1 : 2);
  if (kind == 8 ? count < need : count != need) return EB_ERR_ARGUMENT;
  for (int64_t i = 0; i < count; ++i)
    if (!std::isfinite(params[i])) return EB_ERR_ARGUMENT;
  if ((kind == 6 || kind == 7) && !(params[1] > 1)) return EB_ERR_ARGUMENT;
  return EB_OK;
}

int32_t simulate(int32_t law_kind, const double* law_params, int64_t law_count, const double* mu,
                 const double* target, int64_t d, double sigma, double horizon, int64_t n, int64_t seed,
                 int32_t scheme, double step, int32_t covariance, double* sums, int64_t* events_out) {
  if (d < 1 || n < 1 || mu == nullptr || target == nullptr || sums == nullptr || events_out == nullptr)
    return EB_ERR_ARGUMENT;
  if (check_law(law_kind, law_params, law_count) != EB_OK) return EB_ERR_ARGUMENT;
  if (!(sigma >= 0) || !std::isfinite(sigma) || !(horizon > 0) || !std::isfinite(horizon)) return EB_ERR_ARGUMENT;
  if (scheme != EB_SIM_EXACT && scheme != EB_SIM_EULER) return EB_ERR_ARGUMENT;
  if (scheme == EB_SIM_EULER && (!(step > 0) || !std::isfinite(step))) return EB_ERR_ARGUMENT;
  const bool cov = covariance != 0;
  if (cov && d > 4096) return EB_ERR_ARGUMENT;
  for (int64_t k = 0; k < d; ++k)
    if (!(mu[k] >= 0) || !std::isfinite(mu[k]) || !std::isfinite(target[k])) return EB_ERR_ARGUMENT;

  Problem pr{d, mu, target, sigma, horizon, step, scheme == EB_SIM_EULER, cov, static_cast<uint64_t>(seed), Law{}};
  pr.law.kind = law_kind;
  pr.law.p0 = law_params[0];
  pr.law.p1 = law_count > 1 ? law_params[1] : 0;
  pr.law.values = law_params;
  pr.law.n = law_count;
  if (law_kind == 8) {
    pr.law.prefix.resize(static_cast<size_t>(law_count));
    double s = 0;
    for (int64_t i = 0; i < law_count; ++i) {
      s += law_params[i];
      pr.law.prefix[static_cast<size_t>(i)] = s;
    }
  }

  std::vector<double> inv_mu(static_cast<size_t>(d));
  for (int64_t k = 0; k < d; ++k) inv_mu[static_cast<size_t>(k)] = dm::inverse(mu[k]);
  pr.inv_mu = inv_mu.data();
  std::vector<double> inv_pair(cov ? static_cast<size_t>(d) * static_cast<size_t>(d) : 0);
  if (cov)
    for (int64_t i = 0; i < d; ++i)
      for (int64_t j = 0; j <= i; ++j) inv_pair[static_cast<size_t>(i * d + j)] = dm::inverse(mu[i] + mu[j]);
  pr.inv_pair = inv_pair.data();

  const int64_t len = sums_length(d, cov);
  std::fill(sums, sums + len, 0.0);
  const int p = sub_blocks(d, cov);
  // Each sub-block's sums on their own 128-byte lines (a cache line and its prefetch pair): at small d the
  // sums of neighbouring sub-blocks, written by different workers, shared lines and every trajectory's add
  // bounced them between cores.
  const int64_t stride = (len + 15) / 16 * 16;
  std::vector<double> block_storage(static_cast<size_t>(p) * static_cast<size_t>(stride) + 16);
  const size_t misalign = (reinterpret_cast<uintptr_t>(block_storage.data()) / sizeof(double)) % 16;
  double* const blocks_base = block_storage.data() + (16 - misalign) % 16;
  std::vector<int64_t> block_events(static_cast<size_t>(p));
  BatchPool& pool = BatchPool::instance();
  const int workers = pool.threads();
  std::vector<std::unique_ptr<Scratch>> scratch(static_cast<size_t>(workers));
  int64_t events = 0;

  if (cov) {
    // The pilot centre: the means of sub-block 0 of chunk 0, from a mean-only pass in index order.
    const int64_t first = std::min<int64_t>(kChunk, n);
    const int64_t size0 = (first + p - 1) / p;
    scratch[0] = std::make_unique<Scratch>(pr);
    double* blk = blocks_base;
    int64_t ignored = 0;
    for (int64_t t = 0; t < size0; ++t) trajectory(pr, *scratch[0], t, blk, false, ignored);
    const double nd = static_cast<double>(size0);
    for (int64_t k = 0; k < d; ++k) {
      sums[kSnapCentre * d + k] = blk[kSnapSum * d + k] / nd;
      sums[kTimeCentre * d + k] = blk[kTimeSum * d + k] / nd;
    }
  }

  std::atomic<bool> out_of_memory{false}, internal_error{false};
  for (int64_t chunk_start = 0; chunk_start < n; chunk_start += kChunk) {
    const int64_t chunk = std::min<int64_t>(kChunk, n - chunk_start);
    const int64_t size = (chunk + p - 1) / p;
    pool.run(p, workers, [&](int worker, int64_t q) {
      try {
        std::unique_ptr<Scratch>& sc = scratch[static_cast<size_t>(worker)];
        if (!sc) sc = std::make_unique<Scratch>(pr);
        double* blk = blocks_base + q * stride;
        std::fill(blk, blk + len, 0.0);
        std::memcpy(blk + kSnapCentre * d, sums + kSnapCentre * d, sizeof(double) * 2 * static_cast<size_t>(d));
        int64_t ev = 0;
        const int64_t lo = std::min(q * size, chunk), hi = std::min(lo + size, chunk);
        for (int64_t t = lo; t < hi; ++t) trajectory(pr, *sc, chunk_start + t, blk, cov, ev);
        if (cov && !pr.euler) flush(pr, *sc, blk);
        block_events[static_cast<size_t>(q)] = ev;
      } catch (const std::bad_alloc&) {
        out_of_memory = true;
      } catch (...) {  // the pool's bodies must not throw: a failure becomes a status, never std::terminate
        internal_error = true;
      }
    });
    if (out_of_memory) return EB_ERR_ALLOCATION;
    if (internal_error) return EB_ERR_INTERNAL;
    for (int q = 0; q < p; ++q) {
      if (static_cast<int64_t>(q) * size >= chunk) break;  // empty sub-blocks add nothing (not even -0 + 0)
      const double* blk = blocks_base + static_cast<int64_t>(q) * stride;
      for (int64_t i = 0; i < 4 * d; ++i) sums[i] += blk[i];
      if (cov) {
        for (int r = 0; r < 5; ++r) {
          const int64_t off = 6 * d + r * d * d;
          for (int64_t i = 0; i < d; ++i)
            for (int64_t j = 0; j <= i; ++j) sums[off + i * d + j] += blk[off + i * d + j];
        }
      }
      events += block_events[static_cast<size_t>(q)];
    }
  }
  *events_out = events;
  return EB_OK;
}

}  // namespace
}  // namespace eigenbasis

extern "C" {

int64_t eb_cpu_reset_sim_sums_length(int32_t d, int32_t covariance) {
  if (d < 1) return 0;
  return eigenbasis::sums_length(d, covariance != 0);
}

int32_t eb_cpu_reset_sim_f64(int32_t law_kind, const double* law_params, int32_t law_param_count,
                             const double* mu, const double* target, int32_t d, double sigma, double horizon,
                             int64_t trajectories, int64_t seed, int32_t scheme, double step, int32_t covariance,
                             double* sums, int64_t* events) {
  try {
    return eigenbasis::simulate(law_kind, law_params, law_param_count, mu, target, d, sigma, horizon,
                                trajectories, seed, scheme, step, covariance, sums, events);
  } catch (const std::bad_alloc&) {
    return EB_ERR_ALLOCATION;
  } catch (...) {
    return EB_ERR_INTERNAL;
  }
}

}  // extern "C"
