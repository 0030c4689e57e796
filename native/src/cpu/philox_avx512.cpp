// philox.hpp's Philox blocks in 512-bit lanes. This file is compiled with -march=x86-64-v4 (native/CMakeLists.txt),
// because a template takes its instruction set from the file, not from its arguments: here rounds<Lanes8, H>
// can use AVX-512F. It defines the two entry points and instantiates nothing else of philox.hpp (its inline
// functions, compiled here with AVX-512, could otherwise stand in for the portable ones at link time).
#include "philox.hpp"

namespace eigenbasis {
namespace philox {

void consecutive_blocks8_avx512(uint64_t first, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1, double* out) {
  consecutive_blocks<Lanes8>(first, c2, c3, k0, k1, out);
}

void lane_blocks16_avx512(uint32_t k0, uint32_t k1, const uint64_t* blk, const uint64_t* traj, int nb, double* out) {
  lane_blocks<16, Lanes8, 2>(k0, k1, blk, traj, nb, out);
}

}  // namespace philox
}  // namespace eigenbasis
