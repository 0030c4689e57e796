// One trajectory at a time (reset_trajectory.cpp): the scalar exact path, its means-only form and the Euler path,
// with the per-worker scratch they share with the moment sums (reset_moments.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "philox.hpp"
#include "reset_problem.hpp"

namespace eigenbasis {
namespace reset {

/** One worker's per-trajectory scratch. */
struct Scratch {
  explicit Scratch(const Problem& pr)
      : stream(pr.seed, pr.wide), u(pr.d), b(pr.d), x(pr.d), i1(pr.d), i2(pr.cov && pr.euler ? pr.d * pr.d : 0),
        em(pr.d), k1(pr.d), g2(pr.d), m(pr.d), z(pr.d), cand(2 * (pr.d / 2 + 1 + (pr.d / 2 + 1) / 4 + 8)), v1(pr.d / 2 + 1 + 8),
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

/** Trajectory `index` added to `sums` (the covariance blocks only with with_cov; centres read from sums). */
void trajectory(const Problem& pr, Scratch& w, int64_t index, double* sums, bool with_cov, int64_t& events);

}  // namespace reset
}  // namespace eigenbasis
