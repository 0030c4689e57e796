// The lane path of the cpu resetting simulator (reset_lanes.hpp): kLanes trajectories in lock-step, one per SIMD
// lane, each bit for bit its scalar twin. This file is compiled with -ffp-contract=off.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "eigenbasis/eb_api.h"
#include "det_math.hpp"
#include "philox.hpp"
#include "reset_lane_stream.hpp"
#include "reset_lanes.hpp"
#include "reset_problem.hpp"

namespace eigenbasis {
namespace reset {
namespace {

/**
 * The lane path for one group of trajectories [first, first + count), count <= kLanes, added to `sums`. kWide: the
 * AVX-512 Philox (the caller carries the target). DC: d as a compile-time constant (0: pr.d at run time).
 */
template <bool kWide, int DC>
struct LaneGroup : LaneStream<kWide> {
  using Base = LaneStream<kWide>;
  using Base::L;
  using Base::pr;
  using Base::ensure;
  using Base::gamma_draws;
  using Base::normals_bulk;
  using Base::rewound;
  using Base::take_attempt;
  using Base::uniform;
  using Base::walk_and_test;

  const int64_t d;

  /** d = 1 (exp): the clock scan evaluates em and the time integral itself. */
  static constexpr bool kFusedScan = DC == 1;

  LaneGroup(const Problem& p, LaneScratch& ls) : Base(p, ls), d(DC > 0 ? DC : p.d) {}

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
    if (law.kind == EB_LAW_EXPONENTIAL) {
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

  /**
   * em and the time integral of coordinate k over rows 0 .. rows - 1 of a batch (row j: every lane's j-th segment
   * of the batch, where row_live): i1 += delta a + b DK, b = b0 in row 0 and 0 - a after it; em of the lane's last
   * segment into eml.
   */
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
    const bool gamma_law = pr.law.kind != EB_LAW_EXPONENTIAL;
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

}  // namespace

bool lane_path(const Problem& pr) {
  if (pr.cov || pr.euler || pr.d > (pr.wide ? kLaneMaxDWide : kLaneMaxDPortable)) return false;
  if (pr.law.kind == EB_LAW_EXPONENTIAL) return true;
  // gamma's walk and tests gather and scatter per lane: AVX-512 has both, the portable x86-64-v3 build emulates
  // the scatters (measured there 0.87x of the per-trajectory path at d = 1 and 10)
  return pr.wide && pr.law.kind == EB_LAW_GAMMA && pr.law.p0 >= 1;
}

void lanes(const Problem& pr, LaneScratch& L, int64_t lo, int64_t hi, double* sums, int64_t& events) {
  if (pr.wide) lanes_avx512(pr, L, lo, hi, sums, events);
  else lanes_portable(pr, L, lo, hi, sums, events);
}

}  // namespace reset
}  // namespace eigenbasis
