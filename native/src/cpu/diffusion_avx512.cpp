// The diffusion rows (diffusion_rows.hpp) built for x86-64-v4 on 8 lanes of AVX-512. Called from diffusion.cpp only
// when use_avx512() (isa_dispatch.hpp). The same operations per lane as the 4-lane build, so the same results up to
// the compiler's contraction of products into fused multiply-adds, which both builds do.
#define EB_DIFFUSION_LANES 8
#include "diffusion_rows.hpp"

namespace eigenbasis::diffusion {

bool run_rows_avx512(int model, const double* lambdas, int64_t n, const double* taus, int64_t t, const Setting& st,
                     bool log_form, double* out) {
  return run_rows(model, lambdas, n, taus, t, st, log_form, out);
}

}  // namespace eigenbasis::diffusion
