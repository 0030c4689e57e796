// band_kernels.hpp compiled for x86-64-v4 (native/CMakeLists.txt), in the inline namespace eigenbasis::avx512.
#define EB_NS avx512
#include "band_kernels.hpp"
#undef EB_NS

namespace eigenbasis {

BandKernels<double> band_kernels_avx512_f64() { return avx512::band_kernels_here<double>(); }
BandKernels<float> band_kernels_avx512_f32() { return avx512::band_kernels_here<float>(); }

}  // namespace eigenbasis
