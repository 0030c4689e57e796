// The generated variances of linear denoisers through training (issue 14, point 5): modes × training times of the
// closed forms of org.eigenbasis.diffusion.ModeDynamics, vectorised over the times and threaded over the modes.
//
// One layer, with u₁ = σ_min², u₂ = σ_max², a = 2ητ, w₁ = λ + u₁, w₂ = λ + u₂:
//   I = ½ ln(w₂/w₁) + ½(1 − Q)·e^(−aλ)·[E₁(au₁) − E₁(au₂)] − ½[E₁(aw₁) − E₁(aw₂)].
// What depends on one index only is formed once: per time a, e^(−au₁), e^(−au₂), ln a and the noise-only difference
// E₁(au₁) − E₁(au₂) (the same lane code at λ = 0); per mode w₁, w₂, ln w₁, ln(w₂/w₁). Per pair: one exponential
// e^(−aλ) (so e^(−aw) = e^(−aλ)·e^(−au) needs none), two table evaluations of E₁, and the final e^(−2I), four
// lanes at a time (diffusion_lanes.hpp).
// Symmetric two layer, with c = e^(−8ηλτ), g = (1 − c)/λ (8ητ at λ = 0), A = c + Qλg, B = Qg:
//   I = ½ ln(u₂/u₁) − (Q/(2A))·[ln(u₂/u₁) − ln(1 + B(u₂ − u₁)/(A + Bu₁))].
// Both give λ̃ = σ_max²·e^(−2I), or ln λ̃ = 2 ln σ_max − 2I.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>
#include <vector>

#include "batch_pool.hpp"
#include "diffusion_lanes.hpp"
#include "eigenbasis/eb_api.h"

namespace eigenbasis::diffusion {
namespace {

/** Modes per task of the batch pool: 10⁵ modes give ~1500 tasks, enough to balance two to a hundred workers. */
constexpr int64_t kModesPerTask = 64;

struct Setting {
  double u1, u2, eta, q, log_sigma_max2;
};

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

bool finite_nonnegative(const double* v, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    if (!(v[i] >= 0.0) || !std::isfinite(v[i])) return false;
  }
  return true;
}

bool positive(double v) {
  return v > 0.0 && std::isfinite(v);
}

}  // namespace
}  // namespace eigenbasis::diffusion

extern "C" {

int32_t eb_cpu_diffusion_variance_f64(int32_t model, const double* lambdas, int64_t n, const double* taus, int64_t t,
                                      double sigma_min, double sigma_max, double eta, double init, int32_t log_form,
                                      double* out) {
  using namespace eigenbasis::diffusion;
  if ((model != 0 && model != 1) || n < 0 || t < 0 || (log_form != 0 && log_form != 1)) return EB_ERR_ARGUMENT;
  if (!positive(sigma_min) || !positive(sigma_max) || !(sigma_min < sigma_max) || !positive(eta) || !positive(init)) {
    return EB_ERR_ARGUMENT;
  }
  if (n == 0 || t == 0) return EB_OK;
  if (lambdas == nullptr || taus == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  if (!finite_nonnegative(lambdas, n) || !finite_nonnegative(taus, t)) return EB_ERR_ARGUMENT;
  const Setting st{sigma_min * sigma_min, sigma_max * sigma_max, eta, init, 2.0 * std::log(sigma_max)};
  const bool want_log = log_form == 1;
  const int64_t tasks = (n + kModesPerTask - 1) / kModesPerTask;
  try {
    const TimeTerms tt(taus, t, st);
    const auto row = model == 0 ? one_layer_row : two_layer_row;
    const bool ok = eigenbasis::for_each_on_pool(tasks, [&](int64_t task) {
      const int64_t end = std::min(n, (task + 1) * kModesPerTask);
      for (int64_t i = task * kModesPerTask; i < end; ++i) {
        row(lambdas[i], tt, t, st, want_log, out + i * t);
      }
    });
    return ok ? EB_OK : EB_ERR_ALLOCATION;
  } catch (const std::bad_alloc&) {
    return EB_ERR_ALLOCATION;
  }
}

}  // extern "C"

extern "C" int32_t eb_cpu_diffusion_e1_f64(const double* x, int64_t count, double* out) {
  using namespace eigenbasis::diffusion;
  if (count < 0 || (count > 0 && (x == nullptr || out == nullptr))) return EB_ERR_ARGUMENT;
  for (int64_t i = 0; i < count; i += kLanes) {
    V xi = splat(1.0);
    for (int l = 0; l < kLanes && i + l < count; ++l) xi[l] = x[i + l];
    const V v = e1_table(xi);
    V small;
    for (int l = 0; l < kLanes; ++l) small[l] = -kEulerGamma - std::log(xi[l]) + v[l];   // scalar log: tests only
    store_row(out, i, count, select(xi <= 1.0, small, exp_lanes(-xi) * v));
  }
  return EB_OK;
}
