// The random numbers of the lane path (reset_lanes.cpp): each lane's Philox stream read at its own position from a
// buffer filled for all lanes at once, bulk polar normals, and the walk over Marsaglia-Tsang attempts with their
// tests. Every lane consumes exactly the numbers its scalar stream (philox::Stream) would. Include only from
// sources compiled with -ffp-contract=off.
#pragma once

#include <cmath>
#include <cstdint>

#include "det_math.hpp"
#include "philox.hpp"
#include "reset_lanes.hpp"
#include "reset_problem.hpp"

namespace eigenbasis {
namespace reset {

inline bool any_lane(const int64_t* m) {
  int64_t r = 0;
  for (int l = 0; l < kLanes; ++l) r |= m[l];
  return r != 0;
}

/**
 * s[i] <- sqrt(-2 log(s) / s), the polar method's factor, for i < n. Slots of rejected or unused pairs hold other
 * values (their results, maybe NaN, are never read); no select guards them: GCC does not vectorise the loop with one.
 */
inline __attribute__((always_inline)) void polar_factors_flat(double* __restrict s, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const double sk = s[i];
    s[i] = std::sqrt(-2 * dm::log_normal(sk) / sk);
  }
}

/**
 * The lanes' streams for one group of trajectories (LaneGroup's base). kWide: the AVX-512 Philox (the caller
 * carries the target).
 */
template <bool kWide>
struct LaneStream {
  const Problem& pr;
  LaneScratch& L;

  /** Philox blocks per lane in a group's first refill: about what a trajectory reads in all (fewer thrown away). */
  const int first_blocks;

  LaneStream(const Problem& p, LaneScratch& ls) : pr(p), L(ls), first_blocks(first_refill_blocks(p)) {}

  static int first_refill_blocks(const Problem& p) {
    // uniforms a lane reads before its first batch of draws is done: the start (exp 3, gamma about 2.3 + 1), the
    // start's normals (about 1.27 a normal) and the batch (draw_batch's targets; a gamma walk's expectation)
    const bool exp_law = p.law.kind == EB_LAW_EXPONENTIAL;
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

};

}  // namespace reset
}  // namespace eigenbasis
