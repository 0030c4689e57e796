// The generated variances of linear denoisers through training (issue 14, point 5): modes × training times of the
// closed forms of org.eigenbasis.diffusion.ModeDynamics, vectorised over the times and threaded over the modes.
//
// One layer, with u₁ = σ_min², u₂ = σ_max², a = 2ητ, w₁ = λ + u₁, w₂ = λ + u₂:
//   I = ½ ln(w₂/w₁) + ½(1 − Q)·e^(−aλ)·[E₁(au₁) − E₁(au₂)] − ½[E₁(aw₁) − E₁(aw₂)].
// What depends on one index only is formed once: per time a, e^(−au₁), e^(−au₂), ln a and the noise-only difference
// E₁(au₁) − E₁(au₂) (the same lane code at λ = 0); per mode w₁, w₂, ln w₁, ln(w₂/w₁). Per pair: one exponential
// e^(−aλ) (so e^(−aw) = e^(−aλ)·e^(−au) needs none), two table evaluations of E₁, and the final e^(−2I), four
// lanes at a time (diffusion_lanes.hpp), eight where the CPU has AVX-512 (diffusion_rows.hpp, diffusion_avx512.cpp).
// Symmetric two layer, with c = e^(−8ηλτ), g = (1 − c)/λ (8ητ at λ = 0), A = c + Qλg, B = Qg:
//   I = ½ ln(u₂/u₁) − (Q/(2A))·[ln(u₂/u₁) − ln(1 + B(u₂ − u₁)/(A + Bu₁))].
// Both give λ̃ = σ_max²·e^(−2I), or ln λ̃ = 2 ln σ_max − 2I.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>
#include <vector>

#include "diffusion_rows.hpp"
#include "isa_dispatch.hpp"
#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"

namespace eigenbasis::diffusion {

bool run_rows_portable(int model, const double* lambdas, int64_t n, const double* taus, int64_t t, const Setting& st,
                       bool log_form, double* out) {
  return run_rows(model, lambdas, n, taus, t, st, log_form, out);
}

namespace {

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
  if ((model != 0 && model != 1) || (log_form != 0 && log_form != 1)) return EB_ERR_ARGUMENT;
  if (!eigenbasis::extent_fits({n, t}, sizeof(double))) return EB_ERR_ARGUMENT;
  if (!positive(sigma_min) || !positive(sigma_max) || !(sigma_min < sigma_max) || !positive(eta) || !positive(init)) {
    return EB_ERR_ARGUMENT;
  }
  if (n == 0 || t == 0) return EB_OK;
  if (lambdas == nullptr || taus == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  if (!finite_nonnegative(lambdas, n) || !finite_nonnegative(taus, t)) return EB_ERR_ARGUMENT;
  const Setting st{sigma_min * sigma_min, sigma_max * sigma_max, eta, init, 2.0 * std::log(sigma_max)};
  const bool want_log = log_form == 1;
  return eigenbasis::c_boundary([&] {
    const auto run = eigenbasis::use_avx512() ? run_rows_avx512 : run_rows_portable;
    return run(model, lambdas, n, taus, t, st, want_log, out) ? EB_OK : EB_ERR_ALLOCATION;
  });
}

}  // extern "C"

extern "C" int32_t eb_cpu_diffusion_e1_f64(const double* x, int64_t count, double* out) {
  using namespace eigenbasis::diffusion;
  if (!eigenbasis::extent_fits({count}, sizeof(double)) || (count > 0 && (x == nullptr || out == nullptr))) return EB_ERR_ARGUMENT;
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
