// band_kernels.hpp compiled for the library's instruction set (x86-64-v3), in the inline namespace eigenbasis::base.
#include "band_kernels.hpp"

namespace eigenbasis {

BandKernels<double> band_kernels_base_f64() { return base::band_kernels_here<double>(); }
BandKernels<float> band_kernels_base_f32() { return base::band_kernels_here<float>(); }

}  // namespace eigenbasis
