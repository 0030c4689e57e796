// The renewal law of the cpu resetting simulator in the form its draws read: LawSampler's twin, with the
// EB_LAW_* codes of eb_api.h. next() is one inter-reset draw, start() the stationary start (docs/
// resetting-simulator.md, "Stationary start"). Include only from sources compiled with -ffp-contract=off.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "det_math.hpp"
#include "philox.hpp"

namespace eigenbasis {
namespace reset {

namespace dm = detmath;

/** The law in the form the draws read (LawSampler's twin); kind is an EB_LAW_* code. */
struct Law {
  int kind = 0;
  double p0 = 0, p1 = 0;
  const double* values = nullptr;
  int64_t n = 0;
  std::vector<double> prefix;  // empirical: the prefix sums of the observations, for the size-biased draw

  /** The law of eb_cpu_reset_sim_f64's arguments, checked by check_law. */
  static Law of(int32_t kind, const double* params, int64_t count) {
    Law law;
    law.kind = kind;
    law.p0 = params[0];
    law.p1 = count > 1 ? params[1] : 0;
    law.values = params;
    law.n = count;
    if (kind == EB_LAW_EMPIRICAL) {
      law.prefix.resize(static_cast<size_t>(count));
      double s = 0;
      for (int64_t i = 0; i < count; ++i) {
        s += params[i];
        law.prefix[static_cast<size_t>(i)] = s;
      }
    }
    return law;
  }

  double next(philox::Stream& s) const {
    switch (kind) {
      case EB_LAW_EXPONENTIAL: return -dm::log(s.uniform()) / p0;
      case EB_LAW_DETERMINISTIC: return p0;
      case EB_LAW_GAMMA: return p1 * s.gamma(p0);
      case EB_LAW_UNIFORM: return p0 + (p1 - p0) * s.uniform();
      case EB_LAW_LOGNORMAL: return dm::exp(p0 + p1 * s.normal());
      case EB_LAW_WEIBULL: return p1 * dm::exp(dm::log(-dm::log(s.uniform())) / p0);
      case EB_LAW_PARETO: return p0 * dm::exp(-dm::log(s.uniform()) / p1);
      case EB_LAW_LOMAX: return p0 * dm::expm1(-dm::log(s.uniform()) / p1);
      default: {  // EB_LAW_EMPIRICAL (check_law admits no other kind)
        const double nd = static_cast<double>(n);
        const double idx = std::trunc(s.uniform() * nd);
        return values[idx < nd - 1 ? static_cast<int64_t>(idx) : n - 1];
      }
    }
  }

  void start(philox::Stream& s, double& age, double& residual) const {
    double biased;
    switch (kind) {
      case EB_LAW_EXPONENTIAL: {
        // the two logs as one two-lane loop (independent values, so the same bits as one at a time)
        double lg[2];
        s.take(lg, 2);
        for (int i = 0; i < 2; ++i) lg[i] = dm::log(lg[i]);
        biased = (-lg[0] - lg[1]) / p0;
        break;
      }
      case EB_LAW_DETERMINISTIC: biased = p0; break;
      case EB_LAW_GAMMA: biased = p1 * s.gamma(p0 + 1); break;
      case EB_LAW_UNIFORM: biased = std::sqrt(p0 * p0 + s.uniform() * (p1 * p1 - p0 * p0)); break;
      case EB_LAW_LOGNORMAL: biased = dm::exp((p0 + p1 * p1) + p1 * s.normal()); break;
      case EB_LAW_WEIBULL: biased = p1 * dm::exp(dm::log(s.gamma(1 + 1 / p0)) / p0); break;
      case EB_LAW_PARETO: biased = p0 * dm::exp(-dm::log(s.uniform()) / (p1 - 1)); break;
      case EB_LAW_LOMAX: {
        age = p0 * dm::expm1(-dm::log(s.uniform()) / (p1 - 1));
        residual = (p0 + age) * dm::expm1(-dm::log(s.uniform()) / p1);
        return;
      }
      default: {  // EB_LAW_EMPIRICAL
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

/**
 * EB_OK when params[count] are the parameters of law `kind` (RenewalLaw.parameters()): all finite, one for exp
 * and det, two for the others, at least one observation for empirical, alpha > 1 for pareto and lomax.
 */
inline int32_t check_law(int32_t kind, const double* params, int64_t count) {
  if (params == nullptr) return EB_ERR_ARGUMENT;
  if (kind < EB_LAW_EXPONENTIAL || kind > EB_LAW_EMPIRICAL) return EB_ERR_ARGUMENT;
  const int64_t need = kind == EB_LAW_EXPONENTIAL || kind == EB_LAW_DETERMINISTIC || kind == EB_LAW_EMPIRICAL ? 1 : 2;
  if (kind == EB_LAW_EMPIRICAL ? count < need : count != need) return EB_ERR_ARGUMENT;
  for (int64_t i = 0; i < count; ++i)
    if (!std::isfinite(params[i])) return EB_ERR_ARGUMENT;
  if ((kind == EB_LAW_PARETO || kind == EB_LAW_LOMAX) && !(params[1] > 1)) return EB_ERR_ARGUMENT;
  return EB_OK;
}

}  // namespace reset
}  // namespace eigenbasis
