// Our tridiagonal QL compiled a second time for x86-64-v4 (AVX-512), chosen at run time where the CPU has it
// and it measured faster (f64, n >= kAvx512From): the rotations and rank-2 updates run 8 doubles wide. The choice
// honours the portable switch (isa_dispatch.hpp).
#pragma once

namespace eigenbasis {

/** Smallest n at which the AVX-512 build of the f64 kernel is used (measured: slower below, 10-18 % faster above). */
constexpr int kAvx512From = 48;

/** small_eigh.hpp's tridiagonal_ql<double> built for x86-64-v4. Call only when use_avx512() (isa_dispatch.hpp). */
int tridiagonal_ql_avx512(double* a, int n, double* d, double* e, double* zt, bool vectors, int max_iter);

}  // namespace eigenbasis
