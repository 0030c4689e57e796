// gelu's table evaluation (mlp_gelu.hpp) built for x86-64-v4: 8-lane AVX-512 with gathers. Called from mlp.cpp
// only when use_avx512() (isa_dispatch.hpp). The same arithmetic as the x86-64-v3 build, so the same bits up to
// the contraction of the Horner steps into fused multiply-adds, which both builds do.
#include "mlp_gelu.hpp"

namespace eigenbasis::mlp::gelu {

void table_eval_avx512(const double* table, const double* z, double* cdf, double* pdf, int64_t count) {
  table_eval(table, z, cdf, pdf, count);
}

}  // namespace eigenbasis::mlp::gelu

#include "mlp_gemm.hpp"

namespace eigenbasis::mlp {

void small_gemm_avx512(int m, int n, int k, const double* a, int ars, int acs, const double* b, int ldb, double* c,
                       int ldc, bool accumulate) {
  small_gemm_impl(m, n, k, a, ars, acs, b, ldb, c, ldc, accumulate);
}

}  // namespace eigenbasis::mlp
