// Trajectories side by side in SIMD lanes (mean-only EXACT runs at small d; exp and gamma laws): the constants
// and scratch of the lane path and its entry points (reset_lanes.cpp).
//
// At small d a trajectory is a short chain of scalar work (the stationary start, a handful of reset draws, a polar
// normal or two), so kLanes consecutive trajectories of a sub-block run in lock-step, one per lane: lane l has its
// own Philox stream (counter (block, trajectory), exactly the scalar stream's numbers, read at its own position),
// its own spare normal, its own rejections and its own number of segments (a lane whose trajectory has ended is
// masked off). Every lane performs the IEEE operations of the scalar path for its trajectory in the same order (no
// contraction: reset_lanes.cpp is -ffp-contract=off), so each trajectory's u and I1 are bit for bit the scalar
// ones; they are then added to the sub-block sums in trajectory order, exactly as trajectory() adds them. Each lane loop is a
// `#pragma omp simd` loop over kLanes = 16 doubles: two 512-bit vectors on AVX-512 machines (two independent
// chains: the walks and clock scans are latency-bound), four 256-bit vectors on the portable x86-64-v3 build.
// Positions and trajectory indices are 64-bit throughout (a lane's position can pass 2^31 in a long trajectory).
// Random numbers: normals in bulk (normals_bulk: a walk over the polar pairs, then the factors vectorised);
// exponential draws kBatch ahead; gamma draws by a walk over the Marsaglia-Tsang attempts (walk_and_test) whose
// accepted draws the clocks take as they come (gamma_segments). The uniforms are generated for all lanes at once
// (philox.hpp's lane_blocks), about what a trajectory reads at a group's start, small refills later.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "reset_problem.hpp"

namespace eigenbasis {
namespace reset {

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

/** Whether a run takes the lane path: mean-only EXACT, small d, exp law, or gamma with k >= 1 on AVX-512. */
bool lane_path(const Problem& pr);

/** Trajectories lo .. hi - 1 (global indices, in order) of a sub-block on the lane path, added to sums. */
void lanes(const Problem& pr, LaneScratch& L, int64_t lo, int64_t hi, double* sums, int64_t& events);

}  // namespace reset
}  // namespace eigenbasis
