// The moment sums of the cpu resetting simulator: a trajectory's values added to its sub-block's sums in
// coordinate order (SimulationSums' layout), and the EXACT covariance runs' replay of recorded segments, row by row
// (docs/resetting-simulator.md, "Moments"). Include only from sources compiled with -ffp-contract=off.
#pragma once

#include <algorithm>
#include <cstdint>

#include "reset_problem.hpp"
#include "reset_trajectory.hpp"

namespace eigenbasis {
namespace reset {

/** Row i of a segment's time integral of u u^T (j <= i), added to row. */
inline void pair_integrals(int64_t i, double delta, double inv_delta, const double* __restrict x,
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

/** The per-trajectory values added to the sub-block sums, coordinate by coordinate (see SimulationSums). */
inline void add_means(int64_t d, double horizon, const double* __restrict u, const double* __restrict i1,
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
inline void add_covariance_row(int64_t i, double horizon, const double* __restrict u, const double* __restrict m,
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
inline void replay_row(const Problem& pr, const Scratch& w, const Scratch::Slot& sl, int64_t i, double* row) {
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
inline void flush(const Problem& pr, Scratch& w, double* sums) {
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

inline void accumulate(const Problem& pr, Scratch& w, const double* u, const double* i1, double* m, const double* i2,
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

}  // namespace reset
}  // namespace eigenbasis
