// One trajectory at a time (docs/resetting-simulator.md): the scalar EXACT path (segment by segment, recording
// the segments of covariance runs for reset_moments.hpp's replay), its means-only form (reset times first, em over
// (segment, coordinate) pairs in flat vector loops) and the Euler path; the whole trajectory once more for AVX-512
// machines. The loops over coordinates are branch-free (det_math.hpp) and vectorise; this file is compiled with
// -ffp-contract=off, so each expression rounds exactly as its Java twin.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "eigenbasis/eb_api.h"
#include "det_math.hpp"
#include "philox.hpp"
#include "reset_law.hpp"
#include "reset_moments.hpp"
#include "reset_problem.hpp"
#include "reset_trajectory.hpp"

namespace eigenbasis {
namespace reset {
namespace {

inline __attribute__((always_inline)) void normals(Scratch& w, int64_t d) {
  w.stream.normals(w.z.data(), d, w.cand.data(), w.v1.data(), w.v2.data(), w.s.data());
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
// (this file is -ffp-contract=off), so the same bits; dispatched at run time on Problem::wide. Only this
// function carries the target, and the inline det_math functions are inlined into it, so no AVX-512 code can leak
// into the portable paths.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target("arch=x86-64-v4,prefer-vector-width=512"))) void em_flat_avx512(int64_t n,
                                                                                    const double* __restrict x,
                                                                                    double* __restrict e) {
  for (int64_t i = 0; i < n; ++i) e[i] = dm::em(x[i]);
}
#else
void em_flat_avx512(int64_t, const double*, double*) {}
#endif

void em_flat(bool wide, int64_t n, const double* __restrict x, double* __restrict e) {
  if (wide) {
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
  if (pr.law.kind == EB_LAW_EXPONENTIAL) {
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
  if (pr.law.kind == EB_LAW_GAMMA && pr.law.p0 >= 1) {
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
    em_flat(pr.wide, cnt, fx, fe);
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

}  // namespace

void trajectory(const Problem& pr, Scratch& w, int64_t index, double* sums, bool with_cov, int64_t& events) {
  if (pr.wide) trajectory_avx512(pr, w, index, sums, with_cov, events);
  else trajectory_portable(pr, w, index, sums, with_cov, events);
}

}  // namespace reset
}  // namespace eigenbasis
