// This file is compiled with -march=x86-64-v4 (see native/CMakeLists.txt). Everything it instantiates lives in
// the inline namespace eigenbasis::avx512, apart from the one entry point, so no AVX-512 code can leak into the
// portable build by way of a shared inline function.
#define EB_NS avx512
#include "small_eigh.hpp"
#undef EB_NS

#include "own_kernels.hpp"

namespace eigenbasis {

int tridiagonal_ql_avx512(double* a, int n, double* d, double* e, double* zt, bool vectors, int max_iter) {
  return avx512::tridiagonal_ql(a, n, d, e, zt, vectors, max_iter);
}

}  // namespace eigenbasis
