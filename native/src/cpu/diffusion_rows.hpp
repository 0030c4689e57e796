// The per-row loops of the diffusion closed forms (diffusion.cpp), compiled twice: for x86-64-v3 with 4 lanes
// (diffusion.cpp) and for x86-64-v4 with 8 (diffusion_avx512.cpp, EB_DIFFUSION_LANES = 8), taken at run time by
// use_avx512() (isa_dispatch.hpp). Each build has its own copy of everything here but Setting and the entry points.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "batch_pool.hpp"
#include "diffusion_lanes.hpp"

namespace eigenbasis::diffusion {

struct Setting {
  double u1, u2, eta, q, log_sigma_max2;
};

/**
 * Fills out (n × t) with λ̃ (ln λ̃ when log_form) for model 0 (one layer) or 1 (two layer) on the batch pool;
 * false when a worker ran out of memory. May throw std::bad_alloc (the per-time arrays).
 */
bool run_rows_portable(int model, const double* lambdas, int64_t n, const double* taus, int64_t t, const Setting& st,
                       bool log_form, double* out);
bool run_rows_avx512(int model, const double* lambdas, int64_t n, const double* taus, int64_t t, const Setting& st,
                     bool log_form, double* out);

namespace {

/**
 * At most this many modes per task of the batch pool: 10⁵ modes give ~1500 tasks, enough to balance two to a hundred
 * workers; fewer modes are cut finer (at least 8 tasks a worker where there are modes enough), so that a few long
 * learning curves still spread over the cores.
 */
constexpr int64_t kModesPerTask = 64;


/**
 * What the closed forms need of each time, as arrays padded to a multiple of kLanes (with τ = 0, a legal time
 * whose lanes are computed and dropped): a = 2ητ, e^(−au₁), e^(−au₂), ln a and E₁(au₁) − E₁(au₂) for the one layer,
 * 8ητ for the two layer.
 */
struct TimeTerms {
  int64_t padded;
  std::vector<double> a, exp_u1, exp_u2, log_a, noise, rate;

  TimeTerms(const double* taus, int64_t t, const Setting& st)
      : padded((t + kLanes - 1) / kLanes * kLanes), a(padded), exp_u1(padded), exp_u2(padded), log_a(padded),
        noise(padded), rate(padded) {
    const double log_ratio = std::log(st.u2 / st.u1);
    const double log_u1 = std::log(st.u1);
    for (int64_t j = 0; j < padded; ++j) {
      const double tau = j < t ? taus[j] : 0.0;
      a[j] = 2.0 * st.eta * tau;
      rate[j] = 8.0 * st.eta * tau;
      log_a[j] = std::log(a[j]);   // −∞ at τ = 0: read only where x₁ ≤ 1 < x₂, impossible at a = 0
    }
    for (int64_t j = 0; j < padded; j += kLanes) {
      const V av = load(&a[j]);
      const V x1 = av * st.u1;
      const V x2 = av * st.u2;
      const V e1 = exp_lanes(-x1);
      const V e2 = exp_lanes(-x2);
      store(&exp_u1[j], e1);
      store(&exp_u2[j], e2);
      store(&noise[j], e1_difference(x1, x2, splat(log_ratio), load(&log_a[j]) + log_u1, e1, e2));
    }
  }
};

inline V finish(V integral, const Setting& st, bool log_form) {
  const V log_variance = st.log_sigma_max2 - 2.0 * integral;
  return log_form ? log_variance : exp_lanes(log_variance);
}

/** Stores the lanes of v that fall before {@code end} (the last group of a row may be partial). */
inline void store_row(double* out, int64_t j, int64_t end, V v) {
  if (j + kLanes <= end) {
    store(out + j, v);
    return;
  }
  for (int l = 0; j + l < end; ++l) {
    out[j + l] = v[l];
  }
}

void one_layer_row(double lambda, const TimeTerms& tt, int64_t t, const Setting& st, bool log_form, double* out) {
  const double w1 = lambda + st.u1;
  const double w2 = lambda + st.u2;
  const V log_ratio = splat(std::log(w2 / w1));
  const double log_w1 = std::log(w1);
  const double half_one_minus_q = 0.5 * (1.0 - st.q);
  for (int64_t j = 0; j < t; j += kLanes) {
    const V a = load(&tt.a[j]);
    const V e_lambda = exp_lanes(-(a * lambda));
    const V signal = e1_difference(a * w1, a * w2, log_ratio, load(&tt.log_a[j]) + log_w1,
                                   e_lambda * load(&tt.exp_u1[j]), e_lambda * load(&tt.exp_u2[j]));
    const V integral = 0.5 * log_ratio + half_one_minus_q * e_lambda * load(&tt.noise[j]) - 0.5 * signal;
    store_row(out, j, t, finish(integral, st, log_form));
  }
}

void two_layer_row(double lambda, const TimeTerms& tt, int64_t t, const Setting& st, bool log_form, double* out) {
  const double log_ratio = std::log(st.u2 / st.u1);
  const double span = st.u2 - st.u1;
  for (int64_t j = 0; j < t; j += kLanes) {
    const V time = load(&tt.rate[j]);                  // 8ητ
    const V r = time * lambda;                         // 8ηλτ
    const V c = exp_lanes(-r);
    const V g = time * one_minus_exp_over(r);          // (1 − c)/λ, 8ητ at λ = 0
    const V big_a = c + st.q * lambda * g;
    const V big_b = st.q * g;
    const V log_den = log1p_lanes(big_b * span / (big_a + big_b * st.u1));
    const V integral = 0.5 * log_ratio - (st.q / (2.0 * big_a)) * (log_ratio - log_den);
    store_row(out, j, t, finish(integral, st, log_form));
  }
}

/** The body of run_rows_portable / run_rows_avx512: the same source, built for each lane count. */
inline bool run_rows(int model, const double* lambdas, int64_t n, const double* taus, int64_t t, const Setting& st,
                     bool log_form, double* out) {
  const TimeTerms tt(taus, t, st);
  const auto row = model == 0 ? one_layer_row : two_layer_row;
  const int64_t workers = BatchPool::instance().threads();
  const int64_t per_task = std::clamp<int64_t>((n + 8 * workers - 1) / (8 * workers), 1, kModesPerTask);
  const int64_t tasks = (n + per_task - 1) / per_task;
  return eigenbasis::for_each_on_pool(tasks, [&](int64_t task) {
    const int64_t end = std::min(n, (task + 1) * per_task);
    for (int64_t i = task * per_task; i < end; ++i) {
      row(lambdas[i], tt, t, st, log_form, out + i * t);
    }
  });
}

}  // namespace
}  // namespace eigenbasis::diffusion
