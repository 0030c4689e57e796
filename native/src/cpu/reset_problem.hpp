// What every part of the cpu resetting simulator reads (docs/resetting-simulator.md): the run's constants
// (Problem), the layout of the sums (SimulationSums.java) and the transition variance.
// Include only from sources compiled with -ffp-contract=off (native/CMakeLists.txt), as det_math.hpp requires.
#pragma once

#include <cstdint>

#include "det_math.hpp"
#include "reset_law.hpp"

namespace eigenbasis {
namespace reset {

namespace dm = detmath;

// The sums' layout (SimulationSums): the first six blocks of d, then (covariance runs) five blocks of d x d.
enum { kSnapSum = 0, kSnapSumSq = 1, kTimeSum = 2, kTimeSumSq = 3, kSnapCentre = 4, kTimeCentre = 5 };
enum { kSnapP = 0, kSnapW2 = 1, kTimeP = 2, kTimeXX = 3, kTimeW2 = 4 };

/** A run's constants as simulate() checked them (mu, a and the law's parameters are the caller's arrays). */
struct Problem {
  int64_t d;
  const double* mu;
  const double* a;
  double sigma, horizon, step;
  bool euler, cov;
  uint64_t seed;
  Law law;
  bool wide = false;                 // the AVX-512 paths: decided once, at the start of the run
  const double* inv_mu = nullptr;    // 1/mu_k (detmath::inverse), run constants
  const double* inv_pair = nullptr;  // 1/(mu_i + mu_j) for j <= i, row-major d x d, covariance runs only
};

/** V(mu, t) = em(2 mu t)/(2 mu) from y = 2 mu t, em = em(mu t) and 1/mu; t below the threshold. */
inline double variance(double y, double em1, double inv_mu, double t) {
  return y > dm::kTiny ? (em1 * (1 + (1 - em1)) * inv_mu) * 0.5 : t;
}

}  // namespace reset
}  // namespace eigenbasis
