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
#include <cstdlib>
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

// ---- Trajectories side by side in SIMD lanes (mean-only EXACT runs at small d; exp and gamma laws) -----------
//
// At small d a trajectory is a short chain of scalar work (the stationary start, a handful of reset draws, a polar
// normal or two), so kLanes consecutive trajectories of a sub-block run in lock-step, one per lane: lane l has its
// own Philox stream (counter (block, trajectory), exactly the scalar stream's numbers, read at its own position),
// its own spare normal, its own rejections and its own number of segments (a lane whose trajectory has ended is
// masked off). Every lane performs the IEEE operations of the scalar path for its trajectory in the same order (no
// contraction: this file is -ffp-contract=off), so each trajectory's u and I1 are bit for bit the scalar ones; they
// are then added to the sub-block sums in trajectory order, exactly as trajectory() adds them. Each lane loop is a
// `#pragma omp simd` loop over kLanes = 16 doubles: two 512-bit vectors on AVX-512 machines (two independent
// chains: the walks and clock scans are latency-bound), four 256-bit vectors on the portable x86-64-v3 build.
// Positions and trajectory indices are 64-bit throughout (a lane's position can pass 2^31 in a long trajectory).
// Random numbers: normals in bulk (normals_bulk: a walk over the polar pairs, then the factors vectorised);
// exponential draws kBatch ahead; gamma draws by a walk over the Marsaglia-Tsang attempts (walk_and_test) whose
// accepted draws the clocks take as they come (gamma_segments). The uniforms are generated for all lanes at once
// (lane_blocks_*), about what a trajectory reads at a group's start, small refills later.

constexpr int kLanes = 16;
static_assert(kLanes == 16, "the AVX-512 Philox lanes (philox::lane_blocks16_avx512) are 16 wide");
/**
 * Largest d that takes the lane path. Measured (one worker, T = 10 E[tau], C driver) against the per-trajectory
 * path, AVX-512: exp d = 10 1.9x, 16 1.7x, 24 1.0x, 32 1.0x, 48 0.6x; gamma d = 16 1.4x, 24 1.09x, 32 1.0x (each
 * lane's em runs until the batch's longest lane ends, while the per-trajectory path evaluates em flat over exactly
 * the segments there are). Portable x86-64-v3 (exp): d = 10 1.05x, 16 0.81x, 24 0.72x of the per-trajectory path.
 */
constexpr int64_t kLaneMaxDWide = 24, kLaneMaxDPortable = 12;
/** Inter-reset draws per lane and batch at most (the benchmark's trajectories take about 10). */
constexpr int kBatch = 16;
/**
 * Marsaglia-Tsang attempts a lane walks beyond the draws it is short of (a rejection then needs no second walk).
 * Measured at gamma d = 1 against 1: 0 +3.5 %, 2 -5 % (a batch's shortfall just goes on in the next batch).
 */
constexpr int kSlack = 0;
/** Draws per lane and batch: the expected number left before T plus these (tuned at d = 1 and 10). */
constexpr double kMarginExp = 4, kMarginGamma = 4;
/** Philox blocks per lane generated at least in a refill after a group's first (tuned at d = 1). */
constexpr int kLaterBlocks = 4;
/** The first refill's size relative to the uniforms a trajectory is expected to read (tuned at d = 1 and 10). */
constexpr double kFirstRefillScale = 1.3;

struct LaneScratch {
  static constexpr int kRows = 2 * 32;  // uniforms held per lane (32 Philox blocks); > kBatch + 2 and a walk's 62
  explicit LaneScratch(int64_t d)
      : i1(static_cast<size_t>(d) * kLanes), b(static_cast<size_t>(d) * kLanes),
        em_last(static_cast<size_t>(d) * kLanes), u(static_cast<size_t>(d) * kLanes),
        zrows(static_cast<size_t>(d + 4) * kLanes), nv1(static_cast<size_t>(d / 2 + 2) * kLanes),
        nv2(static_cast<size_t>(d / 2 + 2) * kLanes), ns(static_cast<size_t>(d / 2 + 2) * kLanes) {
    // the tests read every lane's slots up to the longest walk: indices into pair_f must always be valid
    for (int i = 0; i < kSteps * kLanes; ++i) at_fi[i] = at_sfi[i] = i % kLanes;
    std::fill(pair_f, pair_f + (kSteps + 1) * kLanes, 0.5);
    std::fill(ubuf, ubuf + kRows * kLanes, 0.5);
  }
  // Row j of ubuf holds, for every lane l, the uniform number base[l] + j of lane l's stream (base even).
  alignas(64) double ubuf[kRows * kLanes];
  alignas(64) int64_t pos[kLanes];   // lane l's next uniform number
  alignas(64) int64_t base[kLanes];
  alignas(64) uint64_t traj[kLanes];
  alignas(64) double spare[kLanes];
  alignas(64) int64_t has_spare[kLanes];  // 0 or -1
  int len = 0;      // rows filled
  int bound = 0;    // an upper bound of every pos[l] - base[l]
  int64_t refills = 0;
  int refills_in_group = 0;
  // draws: row j lane l's exponential draw j of a batch; the gamma start's draw in row 0 (one more row for the
  // unconditional stores)
  alignas(64) double tau[(kBatch + 1) * kLanes];
  // the batch's segments: length and whether lane l has one in row j
  alignas(64) double delta[(kBatch + kSlack + 2) * kLanes];
  alignas(64) int64_t row_live[(kBatch + kSlack + 2) * kLanes];
  // A walk over Marsaglia-Tsang attempts (walk_and_test), row s: lane l's step s, whether it made an attempt (a
  // rejected polar pair makes none), the normal as zv * pair_f[fi], the uniform, the lane's stream state after it
  // (position, spare flag, spare as sv * pair_f[sfi]) and the test's outcome
  static constexpr int kSteps = 48;  // walk steps at most (a lane short of attempts walks again)
  alignas(64) double at_zv[kSteps * kLanes];
  alignas(64) int64_t at_fi[kSteps * kLanes];
  alignas(64) double at_u[kSteps * kLanes];
  alignas(64) int64_t at_pos[kSteps * kLanes];
  alignas(64) int64_t at_hs[kSteps * kLanes];
  alignas(64) double at_sv[kSteps * kLanes];
  alignas(64) int64_t at_sfi[kSteps * kLanes];
  alignas(64) int64_t at_made[kSteps * kLanes];
  alignas(64) double at_v[kSteps * kLanes];
  alignas(64) double at_sp[kSteps * kLanes];
  alignas(64) int64_t at_ok[kSteps * kLanes];
  // polar pairs of a walk, lane l's pair i in row i + 1: s, then the factor f; row 0 is f = 1 (for a spare held
  // from before the walk)
  alignas(64) double pair_f[(kSteps + 1) * kLanes];
  // per (coordinate, lane), coordinate-major: the time integral, u - a at the start, em of the last segment, the
  // snapshot
  std::vector<double> i1, b, em_last, u;
  // bulk normals (normals_bulk): row k the lane's k-th normal (one row more for an odd pair's second value), and the
  // polar pairs (v1, v2, s, then f) by row
  std::vector<double> zrows, nv1, nv2, ns;
};

inline bool any_lane(const int64_t* m) {
  int64_t r = 0;
  for (int l = 0; l < kLanes; ++l) r |= m[l];
  return r != 0;
}

/**
 * s[i] <- sqrt(-2 log(s) / s), the polar method's factor, for i < n. Slots of rejected or unused pairs hold other
 * values (their results, maybe NaN, are never read); no select guards them: GCC does not vectorise the loop with one.
 */
static inline __attribute__((always_inline)) void polar_factors_flat(double* __restrict s, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const double sk = s[i];
    s[i] = std::sqrt(-2 * dm::log_normal(sk) / sk);
  }
}

/**
 * The lane path for one group of trajectories [first, first + count), count <= kLanes, added to `sums`. kWide: the
 * AVX-512 Philox (the caller carries the target). DC: d as a compile-time constant (0: pr.d at run time).
 */
template <bool kWide, int DC>
struct LaneGroup {
  const Problem& pr;
  LaneScratch& L;
  const int64_t d;

  /** Philox blocks per lane in a group's first refill: about what a trajectory reads in all (fewer thrown away). */
  const int first_blocks;

  /** d = 1 (exp): the clock scan evaluates em and the time integral itself. */
  static constexpr bool kFusedScan = DC == 1;

  LaneGroup(const Problem& p, LaneScratch& ls)
      : pr(p), L(ls), d(DC > 0 ? DC : p.d), first_blocks(first_refill_blocks(p)) {}

  static int first_refill_blocks(const Problem& p) {
    // uniforms a lane reads: the start (exp 3; gamma about 2.3 + 1), the normals at the start and the snapshot
    // (about 1.27 a normal), the draws before T (exp 1 each, gamma about 2.3)
    // uniforms a lane reads before its first batch of draws is done: the start (exp 3, gamma about 2.3 + 1), the
    // start's normals (about 1.27 a normal) and the batch (draw_batch's targets; a gamma walk's expectation)
    const bool exp_law = p.law.kind == 0;
    const double per_time = exp_law ? p.law.p0 : 1 / (p.law.p0 * p.law.p1);
    const double est = p.horizon * per_time + (exp_law ? kMarginExp : kMarginGamma);
    const double draws = est < kBatch ? std::floor(est) : kBatch;
    const double batch = exp_law ? draws : (draws + kSlack) * 2.5 + 3;
    const double rows = (exp_law ? 3 : 3.3) + 1.27 * static_cast<double>(p.d) + batch;
    const double blocks = rows * kFirstRefillScale / 2 + 1;
    return blocks < 4 ? 4 : (blocks > LaneScratch::kRows / 2 ? LaneScratch::kRows / 2 : static_cast<int>(blocks));
  }

  /** Makes rows pos[l] - base[l] .. + rows - 1 readable for every lane. */
  inline __attribute__((always_inline)) void ensure(int rows) {
    if (L.bound + rows <= L.len) return;
    refill(rows);
  }

  __attribute__((noinline)) void refill(int rows) {
    alignas(64) uint64_t blk[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      L.base[l] = L.pos[l] & ~int64_t{1};
      blk[l] = static_cast<uint64_t>(L.base[l]) >> 1;
    }
    int nb = (rows + 2) / 2;
    const int least = L.refills_in_group++ == 0 ? first_blocks : kLaterBlocks;
    if (nb < least) nb = least;
    if (nb > LaneScratch::kRows / 2) nb = LaneScratch::kRows / 2;  // rows <= kBatch + 2: always enough
    const uint32_t k0 = static_cast<uint32_t>(pr.seed), k1 = static_cast<uint32_t>(pr.seed >> 32);
    if (kWide) philox::lane_blocks16_avx512(k0, k1, blk, L.traj, nb, L.ubuf);
    else philox::lane_blocks<kLanes, philox::PortableLanes, 1>(k0, k1, blk, L.traj, nb, L.ubuf);
    L.len = 2 * nb;
    L.bound = 1;
    ++L.refills;
  }

  /**
   * After lanes' streams were stepped back: a refill since the positions they return to may have moved a lane's
   * buffer past it; then the next read refills.
   */
  inline __attribute__((always_inline)) void rewound() {
    int64_t low = 0;
#pragma omp simd reduction(min : low)
    for (int l = 0; l < kLanes; ++l) {
      const int64_t off = L.pos[l] - L.base[l];
      low = off < low ? off : low;
    }
    if (low < 0) L.len = 0;
  }

  /** u[l] = lane l's next uniform where take[l] (its position advances), any value elsewhere. */
  inline __attribute__((always_inline)) void uniform(const int64_t* take, double* u) {
    ensure(1);
    const double* __restrict ub = L.ubuf;
    int64_t reach = 0;
#pragma omp simd reduction(max : reach)
    for (int l = 0; l < kLanes; ++l) {
      const int64_t off = L.pos[l] - L.base[l];
      u[l] = ub[off * kLanes + l];
      L.pos[l] += take[l] & 1;
      const int64_t after = off + (take[l] & 1);
      reach = after > reach ? after : reach;
    }
    L.bound = static_cast<int>(reach);
  }

  /**
   * A walk over the lanes' streams laying out want[l] Marsaglia-Tsang attempts per lane, then their tests; returns
   * the walk's steps (rows of L.at_*). Every attempt (a normal, then a uniform) consumes the stream the same way
   * whether the test accepts it or not, except when v <= 0 (no uniform). So the walk, whose loop-carried chain is
   * only the polar method's s < 1, runs ahead without knowing the outcomes; then the polar factors (log, sqrt,
   * division) run in bulk over the walk's pairs, the squeeze over all attempts and the log test over the rows where
   * a squeeze failed. L.pos moves past the walk; the caller sets each lane's stream (position, spare) to the state
   * after the last attempt it uses (L.at_pos / at_hs / at_sp), minus the uniform of a v <= 0 attempt.
   */
  inline __attribute__((always_inline)) int walk_and_test(const int64_t* want, double gd, double gc) {
    const int64_t squeeze_mask = gd <= 1000 ? -1 : 0;  // Stream::marsaglia_tsang's squeeze condition
    constexpr int kSteps = LaneScratch::kSteps;
    int64_t* __restrict pos = L.pos;
    double* __restrict pf = L.pair_f;
    double* __restrict at_zv = L.at_zv;
    int64_t* __restrict at_fi = L.at_fi;
    double* __restrict at_u = L.at_u;
    int64_t* __restrict at_pos = L.at_pos;
    int64_t* __restrict at_hs = L.at_hs;
    double* __restrict at_sv = L.at_sv;
    int64_t* __restrict at_sfi = L.at_sfi;
    int64_t* __restrict at_made = L.at_made;
    double* __restrict at_v = L.at_v;
    double* __restrict at_sp = L.at_sp;
    int64_t* __restrict at_ok = L.at_ok;
    alignas(64) int64_t natt[kLanes], np[kLanes], hs[kLanes], sfi[kLanes];
    alignas(64) double sv[kLanes];
    int64_t most = 0;
    for (int l = 0; l < kLanes; ++l) {
      natt[l] = 0;
      np[l] = 0;
      hs[l] = L.has_spare[l];
      sv[l] = L.spare[l];
      sfi[l] = l;
      pf[l] = 1.0;  // row 0: a spare held from before the walk is sv * 1
      most = want[l] > most ? want[l] : most;
    }
    // about what the walk reads (2.3 uniforms an attempt), so that it rarely refills midway
    const int64_t expect = most * 5 / 2 + 3;
    ensure(static_cast<int>(expect < LaneScratch::kRows - 2 ? expect : LaneScratch::kRows - 2));
    // The walk, one step a row (contiguous stores): each lane with attempts to make takes its normal (its spare,
    // or a polar pair: a rejected pair skips two uniforms and makes no attempt) and the uniform after it.
    int steps = 0;
    while (steps < kSteps) {
      ensure(3);
      const double* __restrict ub = L.ubuf;
      const int64_t* __restrict base = L.base;
      const int64_t o = static_cast<int64_t>(steps) * kLanes;
      int64_t going = 0, reach = 0;
#pragma omp simd reduction(| : going) reduction(max : reach)
      for (int l = 0; l < kLanes; ++l) {
        const int64_t act = natt[l] < want[l] ? -1 : 0;
        const int64_t r = (pos[l] - base[l]) * kLanes + l;
        const int64_t use_sp = hs[l];
        const double x = ub[r];
        const double y = ub[r + kLanes];
        const double w = ub[r + (use_sp != 0 ? 0 : 2 * kLanes)];
        const double xl = 2 * x - 1;
        const double yl = 2 * y - 1;
        const double ss = xl * xl + yl * yl;
        const int64_t pok = (ss < 1 ? -1 : 0) & (ss != 0 ? -1 : 0);
        const int64_t fresh = act & ~use_sp & pok;
        const int64_t made = act & (use_sp | pok);
        const int64_t prow = (np[l] + 1) * kLanes + l;
        pf[prow] = ss;
        at_zv[o + l] = use_sp != 0 ? sv[l] : xl;
        at_fi[o + l] = use_sp != 0 ? sfi[l] : prow;
        at_u[o + l] = w;
        const int64_t npos = pos[l] + (use_sp != 0 ? 1 : (pok != 0 ? 3 : 2));
        const int64_t nhs = ~use_sp & pok;
        const double nsv = fresh != 0 ? yl : sv[l];
        const int64_t nsfi = fresh != 0 ? prow : sfi[l];
        at_pos[o + l] = npos;
        at_hs[o + l] = nhs;
        at_sv[o + l] = nsv;
        at_sfi[o + l] = nsfi;
        at_made[o + l] = made;
        pos[l] = act != 0 ? npos : pos[l];
        hs[l] = act != 0 ? nhs : hs[l];
        sv[l] = nsv;
        sfi[l] = nsfi;
        natt[l] -= made;
        np[l] -= fresh;
        going |= natt[l] < want[l] ? -1 : 0;
        const int64_t off = pos[l] - base[l];
        reach = off > reach ? off : reach;
      }
      L.bound = static_cast<int>(reach);
      ++steps;
      if (going == 0) break;
    }
    // the polar factors of the walk's pairs (lane l's pair i in row i + 1, one scatter a step: the logs run over
    // the pairs only, about half the steps; unused slots give unused values)
    int64_t pairs = 0;
    for (int l = 0; l < kLanes; ++l) pairs = np[l] > pairs ? np[l] : pairs;
    polar_factors_flat(pf + kLanes, pairs * kLanes);
    // the tests: 1 accept, 0 the squeeze fails (the log test decides), -1 v <= 0
    const double* __restrict pfc = L.pair_f;
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t o = s * kLanes;
      int64_t slow = 0;
#pragma omp simd reduction(| : slow)
      for (int l = 0; l < kLanes; ++l) {
        const int64_t ar = o + l;
        const double z = at_zv[ar] * pfc[at_fi[ar]];
        const double v = 1 + gc * z;
        const double v3 = v * v * v;
        const double z2 = z * z;
        const int64_t quick = (at_u[ar] < (1 - 0.0331 * (z2 * z2)) * (1 - 1e-9) ? -1 : 0) & squeeze_mask;
        const int64_t ok = v <= 0 ? -1 : (quick != 0 ? 1 : 0);
        at_ok[ar] = ok;
        at_v[ar] = v3;
        at_zv[ar] = z2;
        at_sp[ar] = at_sv[ar] * pfc[at_sfi[ar]];
        slow |= at_made[ar] & (ok == 0 ? -1 : 0);
      }
      if (slow != 0) {
#pragma omp simd
        for (int l = 0; l < kLanes; ++l) {
          const int64_t ar = o + l;
          const double z2 = at_zv[ar], v3 = at_v[ar];
          const double lhs = dm::log_normal(at_u[ar]);
          const double rhs = (z2 * 0.5 + gd) - gd * v3 + gd * dm::log_normal(v3);
          at_ok[ar] = at_ok[ar] == 0 ? (lhs < rhs ? 1 : 2) : at_ok[ar];
        }
      }
    }
    return steps;
  }

  /**
   * Attempt ar of lane l after the walk and tests, unless the lane has stopped: acc (-1) if the test accepted it,
   * brk (-1) if v <= 0; the lane's stream then continues after it (before its uniform where v <= 0).
   */
  inline __attribute__((always_inline)) void take_attempt(int64_t ar, int l, int64_t stopped, int64_t& acc,
                                                          int64_t& brk) {
    const int64_t valid = L.at_made[ar] & ~stopped;
    const int64_t ok = L.at_ok[ar];
    acc = valid & (ok == 1 ? -1 : 0);
    brk = valid & (ok == -1 ? -1 : 0);
    L.pos[l] = valid != 0 ? L.at_pos[ar] + brk : L.pos[l];
    L.has_spare[l] = valid != 0 ? L.at_hs[ar] : L.has_spare[l];
    L.spare[l] = valid != 0 ? L.at_sp[ar] : L.spare[l];
  }

  /**
   * Lane l's next target[l] (<= kBatch) gamma draws, scale * Marsaglia-Tsang(d = gd, c = gc) as
   * Stream::marsaglia_tsang draws them, into rows 0 .. of L.tau; each lane's stream continues after its last.
   */
  inline __attribute__((always_inline)) void gamma_draws(const int64_t* target, double gd, double gc, double scale) {
    const double* __restrict at_v = L.at_v;
    alignas(64) int64_t cnt[kLanes];
#pragma omp simd
    for (int l = 0; l < kLanes; ++l) cnt[l] = 0;
    while (true) {
      alignas(64) int64_t want[kLanes];
      int64_t any = 0;
#pragma omp simd reduction(| : any)
      for (int l = 0; l < kLanes; ++l) {
        const int64_t short_by = target[l] - cnt[l];
        want[l] = short_by > 0 ? short_by + kSlack : 0;
        any |= want[l];
      }
      if (any == 0) break;
      const int steps = walk_and_test(want, gd, gc);
      // each lane's accepted attempts in order, up to its target or its first v <= 0
      alignas(64) int64_t stop[kLanes];
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) stop[l] = 0;
      double* __restrict tau = L.tau;
      for (int64_t s = 0; s < steps; ++s) {
        const int64_t o = s * kLanes;
#pragma omp simd
        for (int l = 0; l < kLanes; ++l) {
          const int64_t ar = o + l;
          int64_t acc, brk;
          take_attempt(ar, l, stop[l], acc, brk);
          tau[cnt[l] * kLanes + l] = scale * (gd * at_v[ar]);
          const int64_t c = cnt[l] - acc;
          cnt[l] = c;
          stop[l] |= brk | (acc & (c == target[l] ? -1 : 0));
        }
      }
      rewound();
    }
  }

  /**
   * A batch of gamma(k >= 1) segments: each live lane whose clock is before T walks about the draws it is expected
   * to need, and its clock runs through the accepted ones as they come (a draw ends the current segment [t, next)
   * and sets the next reset); a lane stops taking attempts once its clock passes T (its stream continues right
   * after the attempt of its last draw), at a v <= 0 attempt or when its walk runs out (the next batch goes on).
   * Lanes whose clock has passed T then add their last segment [t, T). Segment j of lane l in this batch goes to
   * row j of L.delta / L.row_live; returns the rows.
   */
  inline __attribute__((always_inline)) int gamma_segments(int64_t* live, double* next, double* t, double* dlast,
                                                           int64_t* nseg) {
    const double* __restrict at_v = L.at_v;
    const double k = pr.law.p0, scale = pr.law.p1;  // k >= 1 on the lane path
    const double gd = k - 1.0 / 3.0;
    const double gc = 1 / std::sqrt(9 * gd);
    const double horizon = pr.horizon;
    const double per_time = 1 / (k * scale);
    alignas(64) int64_t want[kLanes], cs[kLanes], stop[kLanes];
    int64_t any = 0;
#pragma omp simd reduction(| : any)
    for (int l = 0; l < kLanes; ++l) {
      const double est = (horizon - next[l]) * per_time + kMarginGamma;
      const int64_t n = est < kBatch ? static_cast<int64_t>(est) : kBatch;
      want[l] = (live[l] != 0 && next[l] < horizon) ? (n > 1 ? n : 1) + kSlack : 0;
      cs[l] = 0;
      stop[l] = 0;
      any |= want[l];
    }
    double* __restrict delta = L.delta;
    if (any != 0) {
      const int steps = walk_and_test(want, gd, gc);
      for (int64_t s = 0; s < steps; ++s) {
        const int64_t o = s * kLanes;
#pragma omp simd
        for (int l = 0; l < kLanes; ++l) {
          const int64_t ar = o + l;
          int64_t acc, brk;
          take_attempt(ar, l, stop[l], acc, brk);
          // an accepted draw: the segment [t, next) ends in a reset, the next one comes after the draw
          const double dl = next[l] - t[l];
          delta[cs[l] * kLanes + l] = dl;
          dlast[l] = acc != 0 ? dl : dlast[l];
          nseg[l] -= acc;
          cs[l] -= acc;
          t[l] = acc != 0 ? next[l] : t[l];
          const double nx = next[l] + scale * (gd * at_v[ar]);
          next[l] = acc != 0 ? nx : next[l];
          stop[l] |= brk | (acc & (nx >= horizon ? -1 : 0));
        }
      }
      rewound();
    }
    int64_t rows = 0;
#pragma omp simd reduction(max : rows)
    for (int l = 0; l < kLanes; ++l) {
      const int64_t fin = live[l] & (next[l] >= horizon ? -1 : 0);
      const double dl = horizon - t[l];
      delta[cs[l] * kLanes + l] = dl;
      dlast[l] = fin != 0 ? dl : dlast[l];
      nseg[l] -= fin;
      cs[l] -= fin;
      live[l] = fin != 0 ? 0 : live[l];
      rows = cs[l] > rows ? cs[l] : rows;
    }
    int64_t* __restrict row_live = L.row_live;
    for (int64_t j = 0; j < rows; ++j) {
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) row_live[j * kLanes + l] = j < cs[l] ? -1 : 0;
    }
    return static_cast<int>(rows);
  }

  /** Row k of L.zrows: lane l's next n normals where real[l] (n calls of Stream::normal), pairs in bulk. */
  inline __attribute__((always_inline)) void normals_bulk(const int64_t* real, int64_t n) {
    double* __restrict zr = L.zrows.data();
    double* __restrict v1 = L.nv1.data();
    double* __restrict v2 = L.nv2.data();
    double* __restrict ns = L.ns.data();
    int64_t* __restrict pos = L.pos;
    alignas(64) int64_t first[kLanes], want[kLanes], np[kLanes];
    int64_t any = 0;
#pragma omp simd reduction(| : any)
    for (int l = 0; l < kLanes; ++l) {
      first[l] = real[l] != 0 && L.has_spare[l] != 0 ? 1 : 0;
      zr[l] = L.spare[l];  // row 0 when the spare comes first; a pair overwrites it otherwise
      want[l] = real[l] != 0 ? (n - first[l] + 1) / 2 : 0;
      np[l] = 0;
      any |= want[l];
    }
    int64_t max_np = 0;
    if (any != 0) {
      while (true) {
        ensure(2);
        const double* __restrict ub = L.ubuf;
        const int64_t* __restrict base = L.base;
        int64_t going = 0, reach = 0;
#pragma omp simd reduction(| : going) reduction(max : reach)
        for (int l = 0; l < kLanes; ++l) {
          const bool act = np[l] < want[l];
          const int64_t r = (pos[l] - base[l]) * kLanes + l;
          const double xl = 2 * ub[r] - 1;
          const double yl = 2 * ub[r + kLanes] - 1;
          const double ss = xl * xl + yl * yl;
          const bool pok = act && ss < 1 && ss != 0;
          const int64_t prow = np[l] * kLanes + l;
          v1[prow] = xl;
          v2[prow] = yl;
          ns[prow] = ss;
          np[l] += pok ? 1 : 0;
          pos[l] += act ? 2 : 0;
          going |= np[l] < want[l] ? -1 : 0;
          const int64_t off = pos[l] - base[l];
          reach = off > reach ? off : reach;
        }
        L.bound = static_cast<int>(reach);
        if (going == 0) break;
      }
      for (int l = 0; l < kLanes; ++l) max_np = want[l] > max_np ? want[l] : max_np;
    }
    polar_factors_flat(ns, max_np * kLanes);
    for (int64_t p = 0; p < max_np; ++p) {
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) {
        const int64_t q = p * kLanes + l;
        const double f = ns[q];
        const int64_t k1 = first[l] + 2 * p;
        zr[k1 * kLanes + l] = v1[q] * f;
        zr[(k1 + 1) * kLanes + l] = v2[q] * f;
      }
    }
#pragma omp simd
    for (int l = 0; l < kLanes; ++l) {
      const bool odd = ((n - first[l]) & 1) != 0;
      const bool r = real[l] != 0;
      L.spare[l] = r && odd ? zr[n * kLanes + l] : L.spare[l];
      L.has_spare[l] = r ? (odd ? -1 : 0) : L.has_spare[l];
    }
  }

  /**
   * kBatch inter-reset draws ahead for every lane with need[l] into L.tau (row j: the lane's draw j), without
   * knowing how many its trajectory will take; finish_batch then sets each lane's stream to where the draws it
   * used leave it. exp: -log(u)/rate from the next kBatch uniforms (at d = 1 only the targets and the buffer: the
   * clock scan computes the draws itself, +3.4 % exp d = 1). gamma(k, theta): theta gamma(k), and for k < 1
   * theta (gamma(k + 1) e^(log(u)/k)) with u drawn after gamma(k + 1) (Law::next).
   */
  inline __attribute__((always_inline)) void draw_batch(const int64_t* need, const double* next, int64_t* target) {
    const Law& law = pr.law;
    // Draws a lane is expected to need before its clock passes T, plus a margin (a lane short of draws pauses
    // and continues in the next batch): fewer draws, and Philox blocks, thrown away at the end of a trajectory.
    const double per_time = law.p0;
    const double margin = kMarginExp;
    const double horizon = pr.horizon;
    int64_t rows = 0;
#pragma omp simd reduction(max : rows)
    for (int l = 0; l < kLanes; ++l) {
      const double est = (horizon - next[l]) * per_time + margin;  // next < T where need
      const int64_t t = est < kBatch ? static_cast<int64_t>(est) : kBatch;
      target[l] = need[l] != 0 ? (t > 1 ? t : 1) : 0;
      rows = target[l] > rows ? target[l] : rows;
    }
    ensure(static_cast<int>(rows));
    const double rate = law.p0;
    const double* __restrict ub = L.ubuf;
    // d = 1: the clock scan takes the draws from the uniforms itself
    for (int64_t j = 0; j < (kFusedScan ? 0 : rows); ++j) {
      double* __restrict tj = L.tau + j * kLanes;
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) tj[l] = -dm::log_normal(ub[(L.pos[l] - L.base[l] + j) * kLanes + l]) / rate;
    }
    L.bound += static_cast<int>(rows);  // finish_batch advances each lane by at most its target
  }

  /** Lane l used used[l] of the batch's exponential draws: its stream continues after them. */
  inline __attribute__((always_inline)) void finish_batch(const int64_t* used) {
#pragma omp simd
    for (int l = 0; l < kLanes; ++l) L.pos[l] += used[l];
  }

  /** The stationary start (Law::start): age and time to the first reset. */
  inline __attribute__((always_inline)) void start(const int64_t* real, double* age, double* residual) {
    const Law& law = pr.law;
    alignas(64) double biased[kLanes];
    if (law.kind == 0) {
      alignas(64) double u0[kLanes], u1[kLanes];
      uniform(real, u0);
      uniform(real, u1);
      const double rate = law.p0;
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) biased[l] = (-dm::log_normal(u0[l]) - dm::log_normal(u1[l])) / rate;
    } else {
      const double k = law.p0 + 1;  // gamma(k + 1) with k + 1 >= 1: Marsaglia-Tsang directly
      const double gd = k - 1.0 / 3.0;
      alignas(64) int64_t one[kLanes];
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) one[l] = real[l] & 1;
      gamma_draws(one, gd, 1 / std::sqrt(9 * gd), law.p1);
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) biased[l] = L.tau[l];
    }
    alignas(64) double u[kLanes];
    uniform(real, u);
#pragma omp simd
    for (int l = 0; l < kLanes; ++l) {
      age[l] = u[l] * biased[l];
      residual[l] = biased[l] - age[l];
    }
  }

  /**
   * em and the time integral of coordinate k over rows 0 .. rows - 1 of a batch (row j: every lane's j-th segment
   * of the batch, where row_live): i1 += delta a + b DK, b = b0 in row 0 and 0 - a after it; em of the lane's last
   * segment into eml.
   */
  /** One lane's segment of length dl in segment_rows (where live): i1 += dl a + b DK, em into last. */
  static inline __attribute__((always_inline)) void segment_lane(double dl, int64_t live, double bl, double mk,
                                                                 double ak, double ik, double& acc, double& last) {
    const double xk = mk * dl;
    const double e1 = dm::em(xk);
    const double dkk = xk > dm::kTiny ? e1 * ik : dl;
    const double sum = acc + (dl * ak + bl * dkk);
    acc = live != 0 ? sum : acc;
    last = live != 0 ? e1 : last;
  }

  static inline __attribute__((always_inline)) void segment_rows(int rows, double mk, double ak, double ik,
                                                                 const double* __restrict delta,
                                                                 const int64_t* __restrict row_live,
                                                                 const double* __restrict b0,
                                                                 double* __restrict ik1, double* __restrict ek) {
    alignas(64) double acc[kLanes], last[kLanes];
#pragma omp simd
    for (int l = 0; l < kLanes; ++l) {
      acc[l] = ik1[l];
      last[l] = ek[l];
    }
    const double reset_b = 0 - ak;
    // d > 1: row 0 (b0) peeled, the rows after it all take reset_b (+1-1.5 % at d = 10; not at d = 1, gamma only
    // there, where it measured -0.6 %)
    constexpr int j0 = DC == 1 ? 0 : 1;
    if (j0 == 1 && rows > 0) {
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) segment_lane(delta[l], row_live[l], b0[l], mk, ak, ik, acc[l], last[l]);
    }
    for (int j = j0; j < rows; ++j) {
      const double* __restrict dj = delta + j * kLanes;
      const int64_t* __restrict lj = row_live + j * kLanes;
#pragma omp simd
      for (int l = 0; l < kLanes; ++l)
        segment_lane(dj[l], lj[l], j0 == 0 && j == 0 ? b0[l] : reset_b, mk, ak, ik, acc[l], last[l]);
    }
#pragma omp simd
    for (int l = 0; l < kLanes; ++l) {
      ik1[l] = acc[l];
      ek[l] = last[l];
    }
  }

  /** Trajectories first .. first + count - 1 into sums (SimulationSums layout, mean blocks only). */
  inline __attribute__((always_inline)) void run(int64_t first, int count, double* sums, int64_t& events) {
    const int64_t dd = d;
    const double* __restrict mu = pr.mu;
    const double* __restrict a = pr.a;
    const double* __restrict inv_mu = pr.inv_mu;
    const double sigma = pr.sigma, horizon = pr.horizon;
    double* __restrict i1 = L.i1.data();
    double* __restrict bb = L.b.data();
    double* __restrict eml = L.em_last.data();
    double* __restrict uu = L.u.data();
    alignas(64) int64_t real[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      real[l] = l < count ? -1 : 0;
      L.traj[l] = static_cast<uint64_t>(first + (l < count ? l : 0));
      L.pos[l] = 0;
      L.base[l] = 0;
      L.spare[l] = 0;
      L.has_spare[l] = 0;
    }
    L.len = 0;
    L.bound = 0;
    L.refills_in_group = 0;

    alignas(64) double age[kLanes], next[kLanes], t[kLanes], dlast[kLanes];
    start(real, age, next);
    // the start state u_k = a_k em(mu_k A) + (sigma sqrt(V)) z_k, z_k for k = 0 .. d - 1 in order; b = u - a
    normals_bulk(real, dd);
    for (int64_t k = 0; k < dd; ++k) {
      const double* __restrict z = L.zrows.data() + k * kLanes;
      const double ak = a[k], mk = mu[k], ik = inv_mu[k];
      double* __restrict bk = bb + k * kLanes;
      double* __restrict ik1 = i1 + k * kLanes;
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) {
        const double xk = mk * age[l];
        const double e1 = dm::em(xk);
        const double v = variance(xk + xk, e1, ik, age[l]);
        const double uk = ak * e1 + (sigma * std::sqrt(v)) * z[l];
        bk[l] = uk - ak;
        ik1[l] = 0.0;
      }
    }
    // The segments, a batch of kBatch at a time: the draws ahead (draw_batch), then each lane's clock through
    // them (cheap, so the long chains of logs and em never wait on one another), then em and the time integrals
    // over the batch's segments, vectorised across lanes, each lane's segments in order.
    alignas(64) int64_t live[kLanes], nseg[kLanes];
#pragma omp simd
    for (int l = 0; l < kLanes; ++l) {
      live[l] = real[l];
      t[l] = 0;
      dlast[l] = 0;
      nseg[l] = 0;
    }
    const bool gamma_law = pr.law.kind != 0;
    while (true) {
      // lanes whose next segment is their first: its b is u - a, not 0 - a
      alignas(64) int64_t fresh[kLanes];
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) fresh[l] = nseg[l] == 0 ? -1 : 0;
      int rows = 0;
      if (gamma_law) {
        rows = gamma_segments(live, next, t, dlast, nseg);
      } else {
      alignas(64) int64_t need[kLanes], used[kLanes], target[kLanes];
      // lanes that may draw: those alive after their next segment
      int64_t any_need = 0;
#pragma omp simd reduction(| : any_need)
      for (int l = 0; l < kLanes; ++l) {
        need[l] = next[l] >= horizon ? 0 : live[l];
        target[l] = 0;
        used[l] = 0;
        any_need |= need[l];
      }
      if (any_need != 0) draw_batch(need, next, target);
      // rows: a lane's draws and its last segment at most; no early exit (the loop-carried clocks never wait on a
      // branch), the rows after the last live one are dropped
      int64_t most = 0;
      for (int l = 0; l < kLanes; ++l) most = target[l] > most ? target[l] : most;
      const int scan = static_cast<int>(most + 1 < kBatch ? most + 1 : kBatch);
      // d = 1: em and the time integral in the scan itself (segment_rows' operations, in its order; no second pass
      // over the rows)
      alignas(64) double acc[kLanes], last[kLanes], bfirst[kLanes];
      const double ak0 = a[0], mk0 = mu[0], ik0 = inv_mu[0], reset_b0 = 0 - ak0, rate = pr.law.p0;
      const double* __restrict ub = L.ubuf;
      const int64_t* __restrict pos = L.pos;
      const int64_t* __restrict base = L.base;
      if (kFusedScan) {
#pragma omp simd
        for (int l = 0; l < kLanes; ++l) {
          acc[l] = i1[l];
          last[l] = eml[l];
          bfirst[l] = fresh[l] != 0 ? bb[l] : 0 - ak0;
        }
      }
      for (int j = 0; j < scan; ++j) {
        double* __restrict dj = L.delta + j * kLanes;
        int64_t* __restrict lj = L.row_live + j * kLanes;
        const double* __restrict tj = L.tau + j * kLanes;
        int64_t going = 0;
#pragma omp simd reduction(| : going)
        for (int l = 0; l < kLanes; ++l) {
          // a lane takes row j if it has draw j or needs none (its last segment); else it pauses until the next
          // batch
          const double end = next[l] < horizon ? next[l] : horizon;
          const double dl = end - t[l];
          const int64_t fin = next[l] >= horizon ? -1 : 0;
          const int64_t on = live[l] & ((j < target[l] ? -1 : 0) | fin);
          dj[l] = dl;
          lj[l] = on;
          dlast[l] = on != 0 ? dl : dlast[l];
          nseg[l] -= on;
          const int64_t more = on & ~fin;
          used[l] -= more;
          t[l] = more != 0 ? next[l] : t[l];
          // d = 1: draw j here (draw_batch's operation); the row after a lane's last draw, at most kRows, is not
          // used (a valid row is read instead)
          const int64_t row = pos[l] - base[l] + j;
          const int64_t safe = row < LaneScratch::kRows ? row : LaneScratch::kRows - 1;
          const double tau = kFusedScan ? -dm::log_normal(ub[safe * kLanes + l]) / rate : tj[l];
          next[l] = more != 0 ? next[l] + tau : next[l];
          live[l] = on != 0 ? more : live[l];
          going |= live[l] & ((j + 1 < target[l] ? -1 : 0) | (next[l] >= horizon ? -1 : 0));
          if (kFusedScan) {
            const double xk = mk0 * dl;
            const double e1 = dm::em(xk);
            const double dkk = xk > dm::kTiny ? e1 * ik0 : dl;
            const double bl = j == 0 ? bfirst[l] : reset_b0;
            const double sum = acc[l] + (dl * ak0 + bl * dkk);
            acc[l] = on != 0 ? sum : acc[l];
            last[l] = on != 0 ? e1 : last[l];
          }
        }
        int64_t took = 0;
        for (int l = 0; l < kLanes; ++l) took |= lj[l];
        rows = took != 0 ? j + 1 : rows;
        (void)going;
      }
      if (any_need != 0) finish_batch(used);
      if (kFusedScan) {
#pragma omp simd
        for (int l = 0; l < kLanes; ++l) {
          i1[l] = acc[l];
          eml[l] = last[l];
        }
      }
      }
      const double* __restrict delta = L.delta;
      const int64_t* __restrict row_live = L.row_live;
      for (int64_t k = 0; k < (kFusedScan && !gamma_law ? 0 : dd); ++k) {
        const double ak = a[k], mk = mu[k], ik = inv_mu[k];
        alignas(64) double bl[kLanes];
        const double* __restrict bk = bb + k * kLanes;
#pragma omp simd
        for (int l = 0; l < kLanes; ++l) bl[l] = fresh[l] != 0 ? bk[l] : 0 - ak;  // b of the first row
        segment_rows(rows, mk, ak, ik, delta, row_live, bl, i1 + k * kLanes, eml + k * kLanes);
      }
      if (!any_lane(live)) break;
    }
    int64_t segments = 0;
    for (int l = 0; l < kLanes; ++l) segments += nseg[l];
    events += segments;
    // the snapshot at T from the last segment (b: u - a for a single segment, 0 - a after a reset)
    normals_bulk(real, dd);
    for (int64_t k = 0; k < dd; ++k) {
      const double* __restrict z = L.zrows.data() + k * kLanes;
      const double ak = a[k], mk = mu[k], ik = inv_mu[k], reset_b = 0 - ak;
      const double* __restrict bk = bb + k * kLanes;
      const double* __restrict ek = eml + k * kLanes;
      double* __restrict uk = uu + k * kLanes;
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) {
        const double xk = mk * dlast[l];
        const double v = variance(xk + xk, ek[l], ik, dlast[l]);
        const double bl = nseg[l] == 1 ? bk[l] : reset_b;
        uk[l] = (ak + bl * (1 - ek[l])) + (sigma * std::sqrt(v)) * z[l];
      }
    }
    // into the sums in trajectory order, coordinate by coordinate (add_means)
    double* __restrict ss = sums + kSnapSum * dd;
    double* __restrict ss2 = sums + kSnapSumSq * dd;
    double* __restrict ts = sums + kTimeSum * dd;
    double* __restrict ts2 = sums + kTimeSumSq * dd;
    for (int l = 0; l < count; ++l)
      for (int64_t k = 0; k < dd; ++k) {
        const double xk = uu[k * kLanes + l];
        const double mk = i1[k * kLanes + l] / horizon;
        ss[k] += xk;
        ss2[k] += xk * xk;
        ts[k] += mk;
        ts2[k] += mk * mk;
      }
  }
};

/** Whether a run takes the lane path: mean-only EXACT, small d, exp law, or gamma with k >= 1 on AVX-512. */
bool lane_path(const Problem& pr) {
  if (pr.cov || pr.euler || pr.d > (kWideEm ? kLaneMaxDWide : kLaneMaxDPortable)) return false;
  if (pr.law.kind == 0) return true;
  // gamma's walk and tests gather and scatter per lane: AVX-512 has both, the portable x86-64-v3 build emulates
  // the scatters (measured there 0.87x of the per-trajectory path at d = 1 and 10)
  return kWideEm && pr.law.kind == 2 && pr.law.p0 >= 1;
}

template <bool kWide>
inline __attribute__((always_inline)) void lanes_body(const Problem& pr, LaneScratch& L, int64_t lo, int64_t hi,
                                                      double* sums, int64_t& events) {
  if (pr.d == 1) {
    LaneGroup<kWide, 1> g(pr, L);
    for (int64_t t = lo; t < hi; t += kLanes) g.run(t, static_cast<int>(std::min<int64_t>(kLanes, hi - t)), sums, events);
  } else {
    LaneGroup<kWide, 0> g(pr, L);
    for (int64_t t = lo; t < hi; t += kLanes) g.run(t, static_cast<int>(std::min<int64_t>(kLanes, hi - t)), sums, events);
  }
}

__attribute__((flatten)) void lanes_portable(const Problem& pr, LaneScratch& L, int64_t lo, int64_t hi, double* sums, int64_t& events) {
  lanes_body<false>(pr, L, lo, hi, sums, events);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target("arch=x86-64-v4,prefer-vector-width=512"), flatten)) void lanes_avx512(
    const Problem& pr, LaneScratch& L, int64_t lo, int64_t hi, double* sums, int64_t& events) {
  lanes_body<true>(pr, L, lo, hi, sums, events);
}
#else
void lanes_avx512(const Problem& pr, LaneScratch& L, int64_t lo, int64_t hi, double* sums, int64_t& events) {
  lanes_body<false>(pr, L, lo, hi, sums, events);
}
#endif

/** Trajectories lo .. hi - 1 (global indices, in order) of a sub-block on the lane path. */
void lanes(const Problem& pr, LaneScratch& L, int64_t lo, int64_t hi, double* sums, int64_t& events) {
  if (kWideEm) lanes_avx512(pr, L, lo, hi, sums, events);
  else lanes_portable(pr, L, lo, hi, sums, events);
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
  const bool use_lanes = lane_path(pr);
  std::vector<std::unique_ptr<LaneScratch>> lane_scratch(static_cast<size_t>(use_lanes ? workers : 0));
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
        double* blk = blocks_base + q * stride;
        std::fill(blk, blk + len, 0.0);
        std::memcpy(blk + kSnapCentre * d, sums + kSnapCentre * d, sizeof(double) * 2 * static_cast<size_t>(d));
        int64_t ev = 0;
        const int64_t lo = std::min(q * size, chunk), hi = std::min(lo + size, chunk);
        if (use_lanes) {
          std::unique_ptr<LaneScratch>& ls = lane_scratch[static_cast<size_t>(worker)];
          if (!ls) ls = std::make_unique<LaneScratch>(d);
          lanes(pr, *ls, chunk_start + lo, chunk_start + hi, blk, ev);
          block_events[static_cast<size_t>(q)] = ev;
          return;
        }
        std::unique_ptr<Scratch>& sc = scratch[static_cast<size_t>(worker)];
        if (!sc) sc = std::make_unique<Scratch>(pr);
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
