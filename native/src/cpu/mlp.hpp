// The MLP kernels' pieces that the native tests reach directly: the activations (gelu's Φ and φ on our
// table-driven path) and their derivatives. The kernels themselves are eb_cpu_mlp_train_f64 and eb_cpu_mlp_hvp_f64.
#pragma once

#include <cstdint>

namespace eigenbasis::mlp {

/**
 * The hidden activation over count pre-activations z: a = σ(z), d1 = σ'(z), d2 = σ''(z) (d1 and d2 may be null).
 * code is EB_MLP_GELU, EB_MLP_RELU, EB_MLP_TANH or EB_MLP_IDENTITY. gelu is z·Φ(z), σ' = Φ + zφ, σ'' = φ·(2 − z²).
 * relu's derivative at 0 is 0 (PyTorch's). a may alias z.
 */
void activate(int code, const double* z, double* a, double* d1, double* d2, int64_t count);

/** Φ(z) and φ(z) on gelu's fast path (mlp.cpp, "gelu"), for the accuracy test; both outputs count long. */
void normal_cdf_pdf(const double* z, double* cdf, double* pdf, int64_t count);

}  // namespace eigenbasis::mlp
